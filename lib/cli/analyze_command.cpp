// vigil analyze: ingest -> correlate -> score -> report in one go (pipeline/pipeline.h), for a
// person with a pile of logs or a CI job that gates on the result.
#include <fmt/format.h>

#include "cli/commands.h"
#include "core/severity.h"
#include "core/time.h"
#include "export/export.h"
#include "ingest/outcome.h"
#include "pipeline/pipeline.h"
#include "report/narrative.h"
#include "report/render.h"
#include "store/store.h"

namespace vigil::cli {

Status RunAnalyze(const Context& ctx, const AnalyzeOptions& options) {
  const std::string out_format = exporter::FormatOfPath(options.output);
  if (!options.output.empty() && out_format.empty()) {
    return MakeError(ErrorCode::kUsage,
                     "-o " + options.output + ": name it .pdf, .json, .ndjson, .csv or .md");
  }
  // The stages run quietly: their rejected records and refused rules go to standard error as
  // vigil ingest and vigil correlate show them, and nothing else of theirs is printed.
  pipeline::Options po;
  po.ingest.inputs = options.inputs;
  if (options.year != 0) po.ingest.year = options.year;
  po.ingest.now_us = NowMicros();
  po.ingest.command = "ingest";
  po.config_file = ctx.global.config;
  po.fail_on = SeverityRank(options.fail_on);  // -1 when not given
  RejectionPrinter printer(ctx);
  bool bad_input = false;
  po.after_step = [&](pipeline::Step step, const pipeline::Summary& s) {
    if (step == pipeline::Step::kIngest) {
      printer.Finish(s.ingest, false);
      for (const ingest::InputSummary& i : s.ingest.inputs) {
        if (ctx.global.verbose && i.dated_by_ingest != 0) {
          ctx.err << "vigil analyze: " << Shown(i.name) << ": " << i.dated_by_ingest
                  << " records gave only an hour of day: the date was supplied (the day of "
                     "ingest, UTC)\n";
        }
      }
      if (Status outcome = ingest::Outcome(s.ingest); !outcome.ok()) {
        bad_input = true;
        ctx.err << "vigil analyze: " << Shown(outcome.error().ToString())
                << "; the other records go on\n";
      }
    } else if (step == pipeline::Step::kCorrelate) {
      for (const auto& p : s.correlate.rules.problems) {
        ctx.err << "vigil correlate: " << Shown(p.where) << ": " << Shown(p.message) << "\n";
      }
    }
  };
  auto db = store::OpenStore(ctx.global.db, store::StoreAccess::kCreate);
  if (!db) return db.error();
  auto result =
      pipeline::Run(po, *db, [&](const ingest::Rejection& r) { printer.Print(r, false); });
  if (!result) return result.error();
  const std::vector<report::Incident>& incidents = result->incidents;
  if (ctx.global.format == OutputFormat::kJson) {
    ctx.out << report::RenderJson(incidents, report::RenderOptions{});
  } else {
    for (const report::Incident& inc : incidents) {
      ctx.out << fmt::format("#{:<5} {:<8} {:>3}  {}\n       {}\n", inc.id,
                             inc.scored ? inc.severity : "-", inc.scored ? inc.risk : 0,
                             Shown(inc.title), report::Draft(inc).summary);
    }
    if (!ctx.global.quiet) {
      ctx.out << fmt::format(
          "{} incident(s) in {}; every report is a draft (vigil report, vigil review)\n",
          incidents.size(), ctx.global.db);
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
  if (result->at_or_above > 0) {
    return MakeError(ErrorCode::kVerifyFailed, fmt::format("{} incident(s) at or above {}",
                                                           result->at_or_above, options.fail_on));
  }
  if (bad_input) return MakeError(ErrorCode::kBadInput, "some records were rejected (see above)");
  return {};
}

}  // namespace vigil::cli
