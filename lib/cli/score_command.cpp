// vigil score: risk and severity for every incident, anomaly and threat labels for every
// event, behaviour profiles. The JSON summary and --explain are in score_output.cpp.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/score_output.h"
#include "config/config.h"
#include "core/severity.h"
#include "core/time.h"
#include "score/attack.h"
#include "score/score.h"
#include "store/store.h"

namespace vigil::cli {
namespace {

std::string Techniques(const score::IncidentScore& i) {
  std::string out;
  for (const auto& t : i.techniques) out += (out.empty() ? "" : ",") + t.id;
  return out.empty() ? "-" : out;
}

void PrintText(const Context& ctx, const score::Summary& s, bool dry_run) {
  if (!s.incidents.empty()) {
    ctx.out << fmt::format("{:>6}  {:<8}  {:>4}  {:<16}  {}\n", "ID", "SEVERITY", "RISK", "ATT&CK",
                           "INCIDENT");
  }
  for (const auto& i : s.incidents) {
    ctx.out << fmt::format("{:>6}  {:<8}  {:>4}  {:<16}  {}  {}  ({} events){}\n", i.id,
                           i.score.severity, i.score.risk, Techniques(i), Shown(i.title),
                           Shown(i.group_key, kShownGroup), i.events,
                           i.changed ? "" : "  unchanged");
    if (!i.suppressed.empty()) ctx.out << "        suppressed: " << Shown(i.suppressed) << "\n";
  }
  if (ctx.global.quiet) return;
  for (const auto& w : s.warnings) ctx.err << "vigil score: warning: " << Shown(w) << "\n";
  ctx.out << fmt::format(
      "{}{} events ({} newly scored; {} score rows {}), events by severity: Low {}, Medium {}, "
      "High {}, Critical {}\n",
      dry_run ? "dry run: " : "", s.events, s.new_events, s.event_rows,
      dry_run ? "would be written" : "written", s.severity_counts[0], s.severity_counts[1],
      s.severity_counts[2], s.severity_counts[3]);
  ctx.out << fmt::format("{} incidents ({} with a new score), {} profiles updated, ",
                         s.incidents.size(), s.incidents_changed, s.profiles_written);
  if (s.model_id == 0 && !s.trained) {
    ctx.out << "no anomaly model\n";
  } else if (s.trained) {
    ctx.out << fmt::format("anomaly model {} now from {} events\n",
                           dry_run ? std::string("trained") : "#" + std::to_string(s.model_id),
                           s.model_trained_on);
  } else {
    ctx.out << fmt::format("anomaly model #{} (fitted on {} events)\n", s.model_id,
                           s.model_trained_on);
  }
}

}  // namespace

Status RunScore(const Context& ctx, const ScoreOptions& options) {
  const int threshold = SeverityRank(options.fail_above);  // any case
  if (!options.fail_above.empty() && threshold < 0) {
    return MakeError(ErrorCode::kUsage, "--fail-above takes Low, Medium, High or Critical");
  }
  auto config = LoadConfigFor(ctx);
  if (!config) return config.error();
  if (options.explain != 0) return ExplainScore(ctx, *config, options.explain);

  score::Options so;
  so.config = std::move(*config);
  so.retrain = options.retrain;
  so.dry_run = options.dry_run;
  auto db = store::OpenStore(
      ctx.global.db, options.dry_run ? store::StoreAccess::kRead : store::StoreAccess::kWrite);
  if (!db) return db.error();
  const ProgressLine progress(ctx);
  if (progress.on()) {
    so.progress = [&](std::string_view phase, int64_t, int64_t total) {
      progress.Show(fmt::format("\r\033[Kvigil score: {} ({})", phase, total));
    };
  }
  auto summary = score::Run(so, *db);
  progress.Clear();
  if (!summary) return summary.error();
  PrintSummary(ctx, *summary, options.dry_run, PrintScoreJson, PrintText);
  if (const int64_t n = score::NewlyAtOrAbove(*summary, threshold); threshold >= 0 && n > 0) {
    return MakeError(
        ErrorCode::kVerifyFailed,
        fmt::format("{} incident(s) newly scored at or above {}", n, kSeverityNames[threshold]));
  }
  return {};
}

}  // namespace vigil::cli
