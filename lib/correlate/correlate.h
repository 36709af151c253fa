#pragma once
// The correlate stage: reads the events that are new since the last run (plus the window of
// older events the rules need), runs the engine, and appends incidents under the chain.
// See vigil-correlate(1) and vigil-rules(5).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "correlate/engine.h"
#include "correlate/rule.h"

namespace vigil::store {
class Database;
}

namespace vigil::correlate {

struct Options {
  std::vector<std::string> rule_paths;  // --rules FILE|DIR (repeatable)
  bool builtin = true;                  // the built-in pack; --no-builtin turns it off
  bool dry_run = false;                 // evaluate every event, write nothing
  bool rescan = false;  // re-read every event (after rules changed); incidents merge
  EngineOptions engine;
  Placeholders placeholders = DefaultPlaceholders();          // %internal%: the config's networks
  std::function<void(int64_t done, int64_t total)> progress;  // may be empty
};

struct IncidentResult {
  int64_t id = 0;        // 0 in a dry run
  bool created = false;  // false: an existing incident grew
  size_t rule = 0;       // index into Summary::rules.rules
  std::string group_key;
  int64_t first_us = 0, last_us = 0;
  size_t event_count = 0;  // events linked in total
  size_t events_added = 0;
  std::string detail;
  // Analyst feedback (correlate/feedback.h): the same pattern as an incident marked a false
  // positive. Still written; `suppressed` says why ("like incident 12, marked ...").
  int64_t like_incident = 0;
  std::string suppressed = {};
  std::vector<size_t> also_rules;  // merged in: other rules that matched the same events
};

struct Summary {
  RuleSet rules;
  bool nothing_new = false;
  int64_t new_events = 0;   // events after the last run's watermark
  int64_t events_read = 0;  // including the look-back window
  int64_t lookback_us = 0;
  int64_t run_id = 0;
  std::vector<IncidentResult> incidents;  // created or grown in this run
  std::vector<std::string> warnings;
  std::vector<size_t> match_counts;  // per rule
  int64_t suppressed = 0;            // incidents above that are suppressed
};

// Loads the rules (the built-in pack, then --rules in order).
Result<RuleSet> LoadRuleSet(const Options& options);

// Reads: events past the previous run (and the look-back window), first_seen, incidents.
// Writes (none with dry_run): incidents, incident_events, incident_updates, first_seen,
// correlate_runs, under the chain. Refused rules are Summary::rules.problems, not errors.
// Errors: kUsage or kIo for rules that cannot be loaded at all; kStore when the store fails.
Result<Summary> Run(const Options& options, store::Database& db);

}  // namespace vigil::correlate
