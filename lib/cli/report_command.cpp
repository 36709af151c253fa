// vigil report: draft incident reports (text, Markdown, JSON) and vigil review: sign them off.
#include <fmt/format.h>

#include "cli/commands.h"
#include "core/time_parse.h"
#include "export/export.h"
#include "report/facts.h"
#include "report/narrator.h"
#include "report/render.h"
#include "review/review.h"
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

Status RunExport(const Context& ctx, const ExportOptions& options) {
  auto f = ReportFilter(options.report);
  if (!f) return f.error();
  exporter::Options eo;
  eo.format = options.format;
  eo.events = options.events;
  eo.output = options.output;
  eo.filter = std::move(*f);
  if (!options.report.tlp.empty()) eo.render.tlp = options.report.tlp;
  // Writing a file records it in the store; standard output leaves the store as it was.
  auto db = store::OpenStore(ctx.global.db, options.output == "-" ? store::StoreAccess::kRead
                                                                  : store::StoreAccess::kWrite);
  if (!db) return db.error();
  auto sum = exporter::Run(eo, *db);
  if (!sum) return sum.error();
  if (options.output == "-") {
    ctx.out << sum->content;
  } else {
    Note(ctx, fmt::format("wrote {} ({} {}, sha256 {}), recorded as report {}", options.output,
                          options.events ? sum->events : sum->incidents,
                          options.events ? "events" : "incidents", sum->sha256, sum->report_id));
  }
  return {};
}

Status RunReview(const Context& ctx, const ReviewOptions& options) {
  review::Options r;
  r.incident_id = options.id;
  r.analyst = options.analyst;
  r.decision = options.approve ? "approve" : options.reject ? "reject" : "comment";
  r.note = options.note;
  auto db = store::OpenStore(ctx.global.db, store::StoreAccess::kWrite);
  if (!db) return db.error();
  auto added = review::Run(r, *db);
  if (!added) return added.error();
  const int64_t id = added->id;
  if (ctx.global.format == OutputFormat::kJson) {
    ctx.out << "{\"review\":" << id << ",\"incident\":" << r.incident_id << ",\"decision\":\""
            << r.decision << "\",\"digest\":\"" << added->digest << "\"}\n";
  } else if (!ctx.global.quiet) {
    const char* done = r.decision == "approve"  ? "approved"
                       : r.decision == "reject" ? "rejected"
                                                : "commented on";
    ctx.out << "review " << id << ": incident " << r.incident_id << " " << done << " by "
            << Shown(r.analyst) << "\n";
  }
  return {};
}

}  // namespace vigil::cli
