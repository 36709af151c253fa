// vigil report: draft incident reports (text, Markdown, JSON); and the incident filter that
// vigil report, export and stats share.
#include <fmt/format.h>

#include "cli/commands.h"
#include "core/time_parse.h"
#include "report/facts.h"
#include "report/narrator.h"
#include "report/render.h"
#include "store/store.h"

namespace vigil::cli {
namespace {

Result<std::optional<int64_t>> Time(const std::string& text, const char* option) {
  if (text.empty()) return std::optional<int64_t>();
  auto t = ParseIso8601(text);
  if (!t) {
    // A bare date means its start (or, for --until, its end).
    t = ParseIso8601(text + "T00:00:00Z");
    if (t && std::string_view(option) == "--until") *t += 86'400'000'000 - 1;
  }
  if (!t) {
    return MakeError(ErrorCode::kUsage, std::string(option) + " '" + text +
                                            "' is not a time (2026-11-14 or 2026-11-14T09:00:00Z)");
  }
  return std::optional<int64_t>(*t);
}

}  // namespace

Result<report::Filter> ReportFilter(const ReportOptions& options) {
  report::Filter f;
  f.ids = options.ids;
  f.min_severity = options.severity;
  f.type = options.type;
  f.user = options.user;
  f.ip = options.ip;
  f.status = options.status;
  auto since = Time(options.since, "--since");
  if (!since) return since.error();
  auto until = Time(options.until, "--until");
  if (!until) return until.error();
  f.since_us = *since;
  f.until_us = *until;
  return f;
}

Status RunReport(const Context& ctx, const ReportOptions& options) {
  auto f = ReportFilter(options);
  if (!f) return f.error();
  auto db = store::OpenStore(ctx.global.db, store::StoreAccess::kRead);
  if (!db) return db.error();
  auto incidents = report::ReadIncidents(*db, *f);
  if (!incidents) return incidents.error();
  if (!options.narrator.empty()) {
    report::NarratorOptions no;
    no.command = options.narrator;
    no.timeout_ms = options.narrator_timeout_s * 1000;
    for (report::Incident& inc : *incidents) {
      auto text = report::RunNarrator(no, inc);
      if (!text) {
        Note(ctx, fmt::format("incident {}: {}; the template text stands", inc.id,
                              text.error().message));
        continue;
      }
      inc.machine_narrative = std::move(*text);
      inc.narrator = options.narrator;
    }
  }
  report::RenderOptions ro;
  if (!options.tlp.empty()) ro.tlp = options.tlp;
  switch (ctx.global.format) {
    case OutputFormat::kJson:
      ctx.out << report::RenderJson(*incidents, ro);
      break;
    case OutputFormat::kMarkdown:
      ctx.out << report::RenderMarkdown(*incidents, ro);
      break;
    case OutputFormat::kText:
      ctx.out << report::RenderText(*incidents, ro);
      break;
  }
  return {};
}

}  // namespace vigil::cli
