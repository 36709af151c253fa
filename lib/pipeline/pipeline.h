#pragma once
// The pipeline of vigil analyze (and of a later vigil watch): ingest -> correlate -> score ->
// report, each step one stage call on the same store, like mold's main.cc. It prints nothing;
// a caller that shows progress or per-step results does so from `after_step`.
//
// Reads and writes what its stages do (ingest.h, correlate.h, score.h), then reads every
// incident as report drafts them (report::ReadIncidents).
// Errors: those of the stages; kUsage for a configuration file that is not valid; kBadInput when
// correlate refused rules (the step is reported to `after_step` first, and the steps after it do
// not run).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "correlate/correlate.h"
#include "ingest/ingest.h"
#include "report/facts.h"
#include "score/score.h"

namespace vigil::store {
class Database;
}

namespace vigil::pipeline {

enum class Step { kIngest, kCorrelate, kScore, kReport };

struct Summary;

struct Options {
  ingest::Options ingest;
  correlate::Options correlate;
  score::Options score;     // its `config` is read from config_file when the score step starts
  std::string config_file;  // vigil-config(5); "" for the built-in defaults
  int fail_on = -1;         // count incidents scored at or above this severity rank (-1: none)
  // Called after each step with what the steps so far found; may be empty.
  std::function<void(Step, const Summary&)> after_step;
};

struct Summary {
  ingest::Summary ingest;
  correlate::Summary correlate;
  score::Summary score;
  std::vector<report::Incident> incidents;  // every incident, as vigil report drafts them
  int64_t at_or_above = 0;                  // of them, scored at or above fail_on
};

// Bad records are not errors: they are counted in Summary::ingest and passed to `on_reject`.
Result<Summary> Run(const Options& options, store::Database& db,
                    const ingest::RejectionSink& on_reject);

}  // namespace vigil::pipeline
