// vigil analyze: ingest -> correlate -> score -> report in one go, for a person with a pile of
// logs or a CI job that gates on the result.
#include <fmt/format.h>

#include <sstream>

#include "cli/commands.h"
#include "core/json.h"
#include "core/severity.h"
#include "export/export.h"
#include "report/facts.h"
#include "report/narrative.h"
#include "report/render.h"
#include "store/store.h"

namespace vigil::cli {
namespace {

// The export format a file name asks for.
std::string FormatOfPath(const std::string& path) {
  auto ends = [&](std::string_view ext) {
    return path.size() >= ext.size() &&
           path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
  };
  if (ends(".json")) return "json";
  if (ends(".ndjson") || ends(".jsonl")) return "ndjson";
  if (ends(".csv")) return "csv";
  if (ends(".md") || ends(".markdown")) return "markdown";
  if (ends(".pdf")) return "pdf";
  return {};
}

}  // namespace

Status RunAnalyze(const Context& ctx, const AnalyzeOptions& options) {
  std::string out_format;
  if (!options.output.empty()) {
    out_format = FormatOfPath(options.output);
    if (out_format.empty()) {
      return MakeError(ErrorCode::kUsage,
                       "-o " + options.output + ": name it .pdf, .json, .ndjson, .csv or .md");
    }
  }
  const int fail_on = SeverityRank(options.fail_on);  // -1 when not given
  // The stages run as their commands do, quietly: their results go to a string nobody reads,
  // their errors and rejected records to standard error.
  std::ostringstream discard;
  Context stage{ctx.global, discard, ctx.err, "analyze"};
  stage.global.quiet = true;
  stage.global.format = OutputFormat::kText;
  bool bad_input = false;
  IngestOptions ingest;
  ingest.inputs = options.inputs;
  ingest.year = options.year;
  Status s = RunIngest(stage, ingest);
  if (!s.ok()) {
    if (s.error().code != ErrorCode::kBadInput) return s;
    bad_input = true;
    ctx.err << "vigil analyze: " << Shown(s.error().ToString()) << "; the other records go on\n";
  }
  if (Status c = RunCorrelate(stage, CorrelateOptions{}); !c.ok()) return c;
  if (Status c = RunScore(stage, ScoreOptions{}); !c.ok()) return c;

  auto db = store::OpenStore(ctx.global.db, store::StoreAccess::kWrite);
  if (!db) return db.error();
  auto incidents = report::ReadIncidents(*db, report::Filter{});
  if (!incidents) return incidents.error();
  if (ctx.global.format == OutputFormat::kJson) {
    ctx.out << report::RenderJson(*incidents, report::RenderOptions{});
  } else {
    for (const report::Incident& inc : *incidents) {
      ctx.out << fmt::format("#{:<5} {:<8} {:>3}  {}\n       {}\n", inc.id,
                             inc.scored ? inc.severity : "-", inc.scored ? inc.risk : 0,
                             Shown(inc.title), report::Draft(inc).summary);
    }
    if (!ctx.global.quiet) {
      ctx.out << fmt::format(
          "{} incident(s) in {}; every report is a draft (vigil report, "
          "vigil review)\n",
          incidents->size(), ctx.global.db);
    }
  }
  if (!options.output.empty()) {
    exporter::Options eo;
    eo.format = out_format;
    eo.output = options.output;
    auto written = exporter::Run(eo, *db);
    if (!written) return written.error();
    Note(ctx, fmt::format("wrote {} (sha256 {}), recorded as report {}", options.output,
                          written->sha256, written->report_id));
  }
  if (fail_on >= 0) {
    int64_t hits = 0;
    for (const auto& inc : *incidents) {
      if (inc.scored && SeverityRank(inc.severity) >= fail_on) ++hits;
    }
    if (hits > 0) {
      return MakeError(ErrorCode::kVerifyFailed,
                       fmt::format("{} incident(s) at or above {}", hits, options.fail_on));
    }
  }
  if (bad_input) return MakeError(ErrorCode::kBadInput, "some records were rejected (see above)");
  return {};
}

}  // namespace vigil::cli
