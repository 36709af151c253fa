#pragma once
// An incident's risk (vigil-score(1), RISK): six named sub-scores in [0, 1], each with the
// reason it has its value, weighted by the config file's weights (which sum to 1) into a
// risk of 0-100; then a seventh part, impact (score/impact.h), lifts confirmed impact to the
// High band or above and holds failures alone below it; the severity comes from the config's
// bands. Pure functions: the same facts and config give the same score.

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "store/incidents.h"

namespace vigil::score {

// What the score stage gathers about one incident from the store.
struct IncidentFacts {
  std::string level;              // the incident rule's level (informational .. critical)
  std::vector<std::string> also;  // levels of the rules merged into it
  std::vector<std::string> tags;  // its rules' tags (ATT&CK among them)
  int64_t first_us = 0, last_us = 0;
  int64_t events = 0;
  int64_t distinct_users = 0, distinct_destinations = 0, distinct_ports = 0, distinct_hosts = 0;
  int64_t failures = 0, successes = 0;
  int64_t failures_before_success = 0;  // failures before the first success after a failure
  int64_t success_event = 0;            // that success's event id (0: none)
  int64_t bytes_out = 0;                // bytes sent by the sources (source.bytes)
  // Bulk transfers: events that each sent at least kBulkBytes. Many small ones (a status poll
  // over days) add up to megabytes without moving data anywhere.
  int64_t bulk_bytes = 0, bulk_transfers = 0;
  int64_t privileged_actions = 0;  // events that are privileged actions that succeeded
  bool has_model = false;          // an anomaly model scored the events
  double max_anomaly = -1;         // highest distinct (> 0.5) forest score, -1: none
  int64_t anomaly_event = 0;
  uint32_t flags = 0;                            // union of the events' behaviour flags
  std::vector<std::string> flag_entities;        // "user alice" / "source 1.2.3.4" per flag bit
  std::vector<std::string> critical_assets;      // critical assets the events touch
  std::vector<std::string> privileged_accounts;  // privileged accounts among the users
};

constexpr int64_t kBulkBytes = 64 * 1024;

// One sub-score, as stored in scores.components (store/incidents.h encodes it).
using Component = store::ScoreComponent;

struct RiskScore {
  int risk = 0;  // 0..100
  std::string severity;
  std::vector<Component> components;  // in the order above, then "impact"
};

// Sub-score of a rule level ("high" -> 0.85); unknown levels count as medium.
double LevelValue(const std::string& level);

// Maps an Isolation Forest score to [0, 1]: 0.5 (the paper's "no distinct anomaly") and
// below give 0, 0.75 and above give 1, linear in between.
double AnomalyValue(double forest_score);

RiskScore ScoreIncident(const IncidentFacts& f, const config::Config& config);

// The risk of an event outside every incident: its anomaly alone, capped
// (score.unincidented_event_cap).
int LoneEventRisk(double forest_score, const config::Config& config);

}  // namespace vigil::score
