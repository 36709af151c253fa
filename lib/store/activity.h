#pragma once
// The activity aggregates vigil stats shows, counted by SQLite (GROUP BY, never one row per
// event in C++): incidents by the severity of their newest score, by title and by day, and
// events by source format, source address, user and hour. Labels are as stored (log data:
// a caller that shows them cleans them first).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace vigil::store {

// What the counts cover.
struct ActivityScope {
  std::optional<std::vector<int64_t>> incident_ids;  // nullopt: every incident
  bool events_of_incidents = false;                  // events linked to those incidents only
  std::optional<int64_t> since_us, until_us;         // events with since_us <= ts_us <= until_us
};

struct LabelCount {
  std::string label;
  int64_t count = 0;
};

// The first `top` labels by count (count desc, then label in byte order).
struct TopCounts {
  std::vector<LabelCount> rows;
  int64_t distinct = 0;  // labels in all
  int64_t labelled = 0;  // items with a label (not NULL or empty)
};

// Incidents whose first event is on one UTC day (days since 1970-01-01), with their newest
// scores: how many, how many scored, the highest and the sum of risk (0 when none), and the
// highest severity rank (Low 0 .. Critical 3, -1 when none).
struct IncidentDay {
  int64_t day = 0, incidents = 0, scored = 0, max_risk = 0, sum_risk = 0, max_rank = -1;
};

struct Activity {
  // (newest severity, count), count desc then name; nullopt: never scored.
  std::vector<std::pair<std::optional<std::string>, int64_t>> incidents_by_severity;
  TopCounts incidents_by_title;
  std::vector<IncidentDay> incident_days;    // oldest first, days without incidents left out
  std::vector<LabelCount> events_by_format;  // count desc, then format
  TopCounts events_by_source_ip, events_by_user;
  std::vector<std::pair<int64_t, int64_t>> events_by_hour;  // (hours since the epoch, count)
};

// Reads every count in one read transaction. `top` >= 1. kStore when SQLite fails.
Result<Activity> ReadActivity(Database& db, const ActivityScope& scope, size_t top);

}  // namespace vigil::store
