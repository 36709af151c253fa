#pragma once
// vigil alert (vigil-alert(1)): trigger rules evaluated on what is new in the store since the
// previous run, a cooldown per (entity, event type) in event time, and every alert stored
// under the chain before anything is delivered. Delivery (deliver.h) comes after the commit,
// so an alert is never sent without being recorded; one whose delivery fails stays pending and
// is offered again by the next run.
//
// The triggers (thresholds from config::AlertOptions):
//   severity   an incident scored at or above min_severity (again only if it escalates)
//   risk       an incident whose risk is above risk_above (likewise)
//   anomaly    an event at least `anomaly` anomalous whose severity is Medium or worse
//   burst      burst_events or more events from one source IP within burst_window_s
//   user_high  user_high_events or more High/Critical events of one user within
//              user_high_window_s
// An incident that meets both severity and risk gives one alert naming both triggers.

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/result.h"
#include "store/alert_state.h"
#include "store/database.h"

namespace vigil::alert {

struct Alert {
  int64_t id = 0;  // alerts.id once stored
  std::vector<std::string> triggers;
  std::string severity;  // Low..Critical, "" for a burst (no score involved)
  int risk = -1;         // -1: none
  int64_t event_us = 0;  // the event time that completed the condition
  std::string entity;    // the cooldown key: source IP, else user
  std::string type;      // ... and event type: rule id, event action, or "burst"/"user_high"
  std::string source_ip, user, title;
  int64_t incident_id = 0;      // 0: none
  std::vector<int64_t> events;  // the events behind it (at most 20)
  int64_t count = 0;            // events in the window, or of the incident
  std::string summary;          // one sentence for a person
  int64_t created_us = 0;
};

// The alert as one JSON object (no newline): what is stored in alerts.payload and delivered.
std::string AlertJson(const Alert& alert);

struct Options {
  config::AlertOptions thresholds;  // the configuration file's alert section
  // Overrides of `thresholds` from the command line (empty / negative: not given).
  std::string min_severity;
  int risk_above = -1, cooldown_s = -1;
  double anomaly = -1;
  bool dry_run = false;    // evaluate and return, store nothing
  bool mark_seen = false;  // move the watermarks to now without raising anything
};

struct Summary {
  std::vector<Alert> raised;  // new alerts (stored unless dry_run), oldest event first
  int64_t suppressed = 0;     // conditions held back by the cooldown or already alerted
  int64_t events_read = 0, scores_read = 0, event_scores_read = 0;
};

// Evaluates the triggers on what is new since the previous run and stores the alerts and the
// run (one transaction, under the chain). A run with nothing new writes nothing.
// Reads: events, scores and event_scores past the previous run's watermarks, and earlier
// alerts (cooldown). Writes: alerts and alert_runs, under the chain (nothing with dry_run).
// Errors: kStore when the store fails.
Result<Summary> Run(const Options& options, store::Database& db);

// An alert as stored: its id, when it was raised, its JSON (AlertJson at the time) and its
// delivery state (store/alert_state.h).
using StoredAlert = store::AlertRecord;

// The JSON that is delivered: the payload with the alert's id first.
std::string DeliveredJson(const StoredAlert& alert);

// "delivered", "failed xN" (N attempts so far) or "pending".
std::string DeliveryState(const StoredAlert& alert);

// The payload's "summary"; nullopt when the payload is not vigil alert's JSON (a synthetic row).
std::optional<std::string> PayloadSummary(const StoredAlert& alert);

// Stored alerts that no delivery attempt has succeeded for, oldest first.
Result<std::vector<StoredAlert>> Pending(store::Database& db);

// The newest `limit` alerts (0: all), newest first, with their delivery state.
Result<std::vector<StoredAlert>> History(store::Database& db, size_t limit);

}  // namespace vigil::alert
