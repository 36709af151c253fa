#include "pipeline/pipeline.h"

#include "config/config.h"
#include "core/severity.h"

namespace vigil::pipeline {

Result<Summary> Run(const Options& options, store::Database& db,
                    const ingest::RejectionSink& on_reject) {
  Summary summary;
  auto after = [&](Step step) {
    if (options.after_step) options.after_step(step, summary);
  };
  auto ingested = ingest::Run(options.ingest, db, on_reject);
  if (!ingested) return ingested.error();
  summary.ingest = std::move(*ingested);
  after(Step::kIngest);

  // The configuration serves both correlate (networks.internal, the rules' %internal%) and score.
  score::Options score = options.score;
  correlate::Options correlate = options.correlate;
  if (!options.config_file.empty()) {
    auto config = config::LoadConfig(options.config_file);
    if (!config) return config.error();
    correlate.placeholders = correlate::PlaceholdersFor(config->internal_networks);
    score.config = std::move(*config);
  }
  auto correlated = correlate::Run(correlate, db);
  if (!correlated) return correlated.error();
  summary.correlate = std::move(*correlated);
  after(Step::kCorrelate);
  if (const size_t refused = summary.correlate.rules.problems.size(); refused > 0) {
    return MakeError(ErrorCode::kBadInput,
                     std::to_string(refused) + " rule(s) refused (see above); the others ran");
  }

  auto scored = score::Run(score, db);
  if (!scored) return scored.error();
  summary.score = std::move(*scored);
  after(Step::kScore);

  auto incidents = report::ReadIncidents(db, report::Filter{});
  if (!incidents) return incidents.error();
  summary.incidents = std::move(*incidents);
  if (options.fail_on >= 0) {
    for (const report::Incident& inc : summary.incidents) {
      if (inc.scored && SeverityRank(inc.severity) >= options.fail_on) ++summary.at_or_above;
    }
  }
  after(Step::kReport);
  return summary;
}

}  // namespace vigil::pipeline
