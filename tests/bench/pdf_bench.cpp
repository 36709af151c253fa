// The PDF benchmark of issue 6, run by hand through tests/bench/pdf_bench.sh: the same content
// as ReportLab's reference in ../shared/bench/bench_py.py (`pdf`) laid out with vigil's PDF
// layer (report/pdf_document.h): a title with four paragraphs, a 500-row by 8-column table with
// a repeated header row, zebra rows and a grid, 103 sections of a heading and three paragraphs,
// and a footer on every page. Prints one JSON line: seconds (fonts, layout and writing) and
// bytes.
// usage: vigil_pdf_bench OUT.pdf [DETAILS=103]
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "core/file_io.h"
#include "report/pdf_document.h"

using vigil::report::PdfLayout;
using vigil::report::TableColumn;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: vigil_pdf_bench OUT.pdf [DETAILS=103]\n");
    return 2;
  }
  const int details = argc > 2 ? std::atoi(argv[2]) : 103;
  const auto t0 = std::chrono::steady_clock::now();
  std::mt19937 rng(7);
  auto pick = [&](int n) { return int(rng() % unsigned(n)); };
  const char* kinds[] = {"brute_force",
                         "password_spray",
                         "port_scan",
                         "phishing_chain",
                         "data_exfiltration",
                         "beaconing",
                         "privilege_escalation_offhours",
                         "brute_force_success"};
  const char* sev[] = {"low", "medium", "high", "critical"};
  constexpr double kMm = 72.0 / 25.4;

  vigil::report::PdfSetup setup;
  setup.title = "Incident report";
  setup.footer_left = [](int page, int) {
    return fmt::format("vigil incident report - benchmark build - page {}", page);
  };
  auto pdf = vigil::report::RenderPdf(setup, [&](PdfLayout& l) {
    l.NewPage();
    l.Text("Security incident report 2026-11-14 - 2026-11-21", 18, true);
    l.Text("Generated offline from 1,000,000 events; hash chain verified.", 10);
    l.Space(6 * kMm);
    const std::string intro =
        "This report summarises correlated incidents detected in the analysed period. Each "
        "incident groups raw events by entity and time window; the anomaly score comes from an "
        "isolation forest trained on the same period. ";
    for (int i = 0; i < 4; ++i) {
      l.Text(intro + intro + intro, 10);
      l.Space(6);
    }
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < 500; ++i) {
      rows.push_back(
          {std::to_string(i + 1),
           fmt::format("2026-11-{:02}T{:02}:{:02}:{:02}Z", 14 + pick(7), pick(24), pick(60),
                       pick(60)),
           kinds[pick(8)],
           fmt::format("{}.{}.{}.{}", 1 + pick(223), pick(256), pick(256), 1 + pick(254)),
           fmt::format("user{:04}", pick(2000)), std::to_string(5 + pick(4996)), sev[pick(4)],
           fmt::format("{:.3f}", double(rng()) / 4294967296.0)});
    }
    l.NewPage();
    l.Heading("Incident index", 18);
    l.Table({{"#", 12 * kMm},
             {"first seen (UTC)", 38 * kMm},
             {"kind", 46 * kMm},
             {"source IP", 28 * kMm},
             {"user", 20 * kMm},
             {"events", 14 * kMm},
             {"severity", 15 * kMm},
             {"score", 12 * kMm}},
            rows);
    l.NewPage();
    l.Heading("Incident details", 18);
    const std::string detail =
        "Between the first and last event the source generated repeated activity that deviates "
        "from its baseline. Related entities were enriched with host inventory and the user "
        "directory; no allow-list entry matched. Recommended actions: confirm with the owner, "
        "reset credentials where a login succeeded, and block the source at the edge. ";
    for (int i = 0; i < details; ++i) {
      l.Heading(fmt::format("Incident {} - {}", i + 1, kinds[pick(8)]), 14);
      for (int k = 0; k < 3; ++k) {
        std::string text;
        for (int r = 1 + pick(3); r > 0; --r) text += detail;
        l.Text(text, 10);
        l.Space(6);
      }
    }
  });
  if (!pdf) {
    std::fprintf(stderr, "vigil_pdf_bench: %s\n", pdf.error().message.c_str());
    return 4;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (auto s = vigil::WriteFileAtomic(argv[1], *pdf, 0644, true); !s.ok()) {
    std::fprintf(stderr, "vigil_pdf_bench: cannot write %s\n", argv[1]);
    return 4;
  }
  std::printf("{\"bench\": \"vigil_pdf\", \"secs\": %.3f, \"bytes\": %zu}\n", secs, pdf->size());
  return 0;
}
