#pragma once
// What the alert stage reads (vigil-store(5): alerts, alert_deliveries, alert_runs, and what
// is new in events, scores and event_scores since the previous run). Alert writes its rows
// through ChainWriter.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace vigil::store {

// The highest ids an alert run has seen (alert_runs), or the store holds now.
struct AlertWatermarks {
  int64_t event_id = 0, score_id = 0, event_score_id = 0;
};
Result<AlertWatermarks> LastAlertWatermarks(Database& db);  // zeros before the first run
Result<AlertWatermarks> CurrentWatermarks(Database& db);

// Every alerts.payload in id order; the view is valid during the callback only.
Status ForEachAlertPayload(Database& db, const std::function<void(std::string_view)>& each);

// An alert as stored, with its delivery state.
struct AlertRecord {
  int64_t id = 0, created_us = 0;
  std::string payload;
  int attempts = 0;  // delivery attempts so far
  bool delivered = false;
  std::string last_channel, last_detail;  // of the newest attempt
};
// Raised alerts no delivery attempt has succeeded for, oldest first.
Result<std::vector<AlertRecord>> PendingAlerts(Database& db);
// The newest `limit` alerts (0: all), newest first.
Result<std::vector<AlertRecord>> AlertHistory(Database& db, size_t limit);

// The newest score of each incident scored after `after_score_id`, by incident.
struct NewIncidentScore {
  int64_t incident_id = 0;
  std::string severity;
  int64_t risk = 0;
  std::string rule_id, title;
};
Result<std::vector<NewIncidentScore>> NewIncidentScores(Database& db, int64_t after_score_id);

// Event scores after `after_id` at least `min_anomaly` anomalous and Medium or worse, with
// their events, in event time order.
struct AnomalousEvent {
  int64_t event_id = 0;
  double anomaly = 0;
  std::string severity;
  int64_t risk = 0, ts_us = 0;
  std::string source_ip, user_name, action, host;  // "" when NULL
};
Result<std::vector<AnomalousEvent>> NewAnomalousEvents(Database& db, int64_t after_id,
                                                       double min_anomaly);

// One event of a windowed trigger's group `key`, in (key, ts_us, id) order.
struct WindowRow {
  std::string key;
  int64_t ts_us = 0, event_id = 0;
  int64_t marker = 0;         // the id compared with the watermark (event or event score)
  std::string action, other;  // other: the user of a source address, or the reverse
};
// Events with a source address from `since_us` on, by address (burst). marker: the event id.
// nullopt from EarliestNewEvent: no event after `after_event_id`.
Result<std::optional<int64_t>> EarliestNewEvent(Database& db, int64_t after_event_id);
Result<std::vector<WindowRow>> SourceWindowRows(Database& db, int64_t since_us);
// Events of a user scored High or Critical, from `since_us` on, by user (user_high); marker:
// the newest such event score's id. EarliestNewHighUserEvent: of those scored after the id.
Result<std::optional<int64_t>> EarliestNewHighUserEvent(Database& db, int64_t after_score_id);
Result<std::vector<WindowRow>> UserHighWindowRows(Database& db, int64_t since_us);

}  // namespace vigil::store
