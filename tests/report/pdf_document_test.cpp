// The PDF layout layer: tables that break across pages repeat their header row and keep every
// row, in order; wrapped text is not lost; footers number every page. Checked through
// pdftotext (poppler-utils), as an auditor's tools would read the file.
#include "report/pdf_document.h"

#include <fmt/format.h>

#include <array>
#include <cstdlib>
#include <string>
#include <vector>

#include "support/test_support.h"

using vigil::report::PdfLayout;
using vigil::testing::ReadText;
using vigil::testing::TempDir;

namespace {

// The text of each page of `pdf`, or an empty vector when pdftotext is missing.
std::vector<std::string> Pages(const TempDir& dir, const std::string& pdf) {
  if (std::system("command -v pdftotext > /dev/null 2>&1") != 0) return {};
  const std::string file = dir.File("doc.pdf"), txt = dir.File("doc.txt");
  vigil::testing::WriteText(file, pdf);
  REQUIRE(std::system(("pdftotext -layout -enc UTF-8 '" + file + "' '" + txt + "'").c_str()) == 0);
  std::vector<std::string> pages;
  const std::string text = ReadText(txt);
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\f', start);
    if (end == std::string::npos) end = text.size();
    pages.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return pages;
}

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("pdf: a long table breaks across pages, repeating its header, losing no row",
          "[report][pdf]") {
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < 300; ++i) {
    rows.push_back({fmt::format("row{:04}", i), fmt::format("10.0.{}.{}", i / 250, i % 250),
                    i == 7 ? "a long cell that wraps onto several lines because its column is "
                             "far too narrow for it, and still keeps every word"
                           : "short"});
  }
  vigil::report::PdfSetup setup;
  setup.title = "t";
  setup.footer_right = [](int page, int pages) {
    return fmt::format("page {} of {}", page, pages);
  };
  auto pdf = vigil::report::RenderPdf(setup, [&](PdfLayout& l) {
    l.NewPage();
    l.Heading("Table test", 14);
    l.Table({{"Name", 80}, {"Address", 90}, {"Note", 120}}, rows);
    l.Text("after the table", 10);
  });
  REQUIRE(pdf);
  REQUIRE(pdf->rfind("%PDF-", 0) == 0);
  TempDir dir;
  const auto pages = Pages(dir, *pdf);
  if (pages.empty()) {
    WARN("pdftotext is not installed (poppler-utils): the PDF's text is not checked");
    return;
  }
  size_t table_pages = 0;
  std::string all;
  for (size_t p = 0; p < pages.size(); ++p) {
    if (pages[p].find("row0") != std::string::npos) {
      ++table_pages;
      INFO("page " << p + 1);
      CHECK(Count(pages[p], "Address") == 1);  // the header, once on each page of the table
    }
    CHECK(pages[p].find(fmt::format("page {} of {}", p + 1, pages.size())) != std::string::npos);
    all += pages[p];
  }
  CHECK(table_pages >= 4);
  size_t last = 0;
  for (int i = 0; i < 300; ++i) {
    const size_t at = all.find(fmt::format("row{:04}", i));
    INFO(i);
    REQUIRE(at != std::string::npos);
    CHECK(at >= last);
    last = at;
  }
  for (const char* word : {"wraps", "narrow", "keeps", "every", "word"}) {
    CHECK(all.find(word) != std::string::npos);
  }
  CHECK(all.find("after the table") > last);
}

TEST_CASE("pdf: charts and text render Unicode and survive empty input", "[report][pdf]") {
  std::array<std::array<int64_t, 24>, 7> heat{};
  heat[2][13] = 40;
  auto pdf = vigil::report::RenderPdf({}, [&](PdfLayout& l) {
    l.Text("Ærøskøbing → 東京, bad byte \xff here", 10);
    l.Bars({{"jürgen", 3}, {"", 0}}, {});
    l.Columns({{"2024-01-01", {1, 2}}, {"2024-01-02", {0, 0}}}, {"Low", "High"},
              {{0, 0, 1}, {1, 0, 0}}, 80);
    l.Columns({}, {"Low"}, {{0, 0, 1}}, 80);
    l.Heatmap(heat);
    l.Table({{"A", 50}}, {});
  });
  REQUIRE(pdf);
  auto empty = vigil::report::RenderPdf({}, [](PdfLayout&) {});
  REQUIRE(empty);  // one blank page rather than a file no reader opens
  TempDir dir;
  const auto pages = Pages(dir, *pdf);
  if (pages.empty()) return;
  CHECK(pages[0].find("Ærøskøbing →") != std::string::npos);
  CHECK(pages[0].find("\xEF\xBF\xBD") != std::string::npos);  // the bad byte, replaced
  CHECK(pages[0].find("jürgen") != std::string::npos);
  CHECK(pages[0].find("darkest cell = 40 events") != std::string::npos);
}
