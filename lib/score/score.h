#pragma once
// The score stage (vigil-score(1)): every incident gets a risk of 0-100 built from named
// sub-scores and a severity; every event an anomaly score from the Isolation Forest, its
// behaviour flags, a risk, a severity and a threat label; every user and source IP with new
// events a behaviour profile. All of it is written under the chain.
//
// Re-runnable: the model is stored, and an event keeps the anomaly and flags of the run that
// first scored it, so the same store gives the same scores; a run writes a row only where a
// value changed.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/result.h"
#include "core/severity.h"
#include "score/risk.h"
#include "store/score_state.h"

namespace vigil::store {
class Database;
}

namespace vigil::score {

struct Options {
  config::Config config;
  bool retrain = false;  // fit a new model and rescore every event's anomaly
  bool dry_run = false;  // compute everything, write nothing
  unsigned threads = 2;  // for the forest's scoring
  // Called between phases ("reading events", ...) with work done and total, may be empty.
  std::function<void(std::string_view phase, int64_t done, int64_t total)> progress;
};

using TechniqueRef = store::ScoreTechnique;

struct IncidentScore {
  int64_t id = 0;
  std::string rule_id, title, group_key;
  int64_t first_us = 0, last_us = 0, events = 0;
  RiskScore score;
  double anomaly = -1;  // highest forest score among its events (-1: no model)
  std::vector<TechniqueRef> techniques;
  std::string label;     // the threat label its events carry
  bool changed = false;  // a new scores row was written (or would be, in a dry run)
  // Analyst feedback (score/feedback.h): the marked incident this one is like, and why it is
  // suppressed ("like incident 12, marked a false positive by alice on ..."); 0 and "": not.
  int64_t like_incident = 0;
  std::string suppressed;
};

struct Summary {
  int64_t run_id = 0;  // 0 in a dry run
  int64_t events = 0, new_events = 0, event_rows = 0;
  int64_t model_id = 0, model_trained_on = 0;
  bool trained = false;  // a model was fitted in this run
  int64_t incidents_changed = 0, profiles_written = 0;
  int64_t severity_counts[4] = {0, 0, 0, 0};  // events by severity: Low, Medium, High, Critical
  std::vector<IncidentScore> incidents;       // every incident, by risk (highest first), then id
  std::vector<std::string> warnings;
};

// Reads: events, their earlier event_scores, incidents with their events, the stored model.
// Writes (none with dry_run): score_runs, models, event_scores, scores, profiles, under the
// chain. Errors: kStore when the store fails or holds what score did not write.
Result<Summary> Run(const Options& options, store::Database& db);

// The gate of vigil score --fail-above: how many incidents this run scored anew (new
// incidents, and incidents whose score changed) at or above the severity of rank `rank`
// (core/severity.h), so a cron job answers once per finding rather than forever after.
inline int64_t NewlyAtOrAbove(const Summary& summary, int rank) {
  int64_t n = 0;
  for (const IncidentScore& i : summary.incidents) {
    if (i.changed && SeverityRank(i.score.severity) >= rank) ++n;
  }
  return n;
}

// What the newest scores row of an incident says (for --explain).
struct StoredScore {
  int64_t incident_id = 0, run_id = 0, scored_us = 0;
  std::string title, rule_id, severity;
  int risk = 0;
  std::optional<double> anomaly;
  std::vector<Component> components;
  std::vector<TechniqueRef> techniques;
  std::string techniques_json;  // the column as stored (--explain --format json shows it)
  std::string model;
};
// nullopt: the incident exists but has not been scored. kUsage: no such incident; kStore:
// its components are not whole (store::NewestScore::components_problem).
Result<std::optional<StoredScore>> LatestScore(store::Database& db, int64_t incident_id);

// The newest stored profile of each entity (store/score_state.h).
using store::LatestProfiles;
using store::StoredProfile;

}  // namespace vigil::score
