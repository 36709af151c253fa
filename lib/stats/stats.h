#pragma once
// vigil stats: what the store holds, counted for a dashboard (vigil-stats(1)). ComputeStats
// lets SQLite aggregate (GROUP BY, never one row per event in C++) and returns a Stats: plain
// data, already sorted, the contract shared by the text and JSON renderers here and by the PDF
// export. Labels come from log data, which is attacker-controlled: every control character
// (C0, DEL and C1: TerminalSafe) in them is replaced by '?' before they reach a Stats.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/activity.h"

namespace vigil::stats {

// Default length of the top lists (vigil stats --top).
constexpr size_t kDefaultTop = 10;

struct Count {
  std::string label;
  int64_t count = 0;
};

// The first `top` labels by count, and how many there were.
struct TopList {
  std::vector<Count> rows;  // count desc, then label asc (byte order)
  int64_t distinct = 0;     // distinct labels in all, of which `rows` holds the first
  int64_t without = 0;      // items with no label (NULL or empty), not in `rows`
};

// Incidents that began in one bucket of days (UTC), with their newest scores.
struct RiskBucket {
  int64_t day = 0;        // the bucket's first day, in days since 1970-01-01
  std::string start;      // the same as YYYY-MM-DD
  int64_t incidents = 0;  // incidents whose first event is in the bucket
  int64_t scored = 0;     // those of them vigil score has scored
  int max_risk = 0;       // the highest newest risk of the scored ones (0: none scored)
  double mean_risk = 0;   // their mean newest risk (0: none scored)
  int max_rank = -1;      // their highest severity, as SeverityRank (-1: none scored)
};

// Day names of Stats::heatmap's rows.
constexpr std::array<const char*, 7> kWeekdays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

struct Stats {
  // The selection (store::ActivityScope). vigil stats and vigil export take the incidents
  // vigil report's filter selects (report::ActivityScopeOf): all without a filter. Events are
  // those with since_us <= ts_us <= until_us and, when the filter names incidents (ids,
  // severity, type, user, ip or status), linked to a selected incident.
  std::optional<int64_t> since_us, until_us;
  bool events_of_incidents = false;  // events were restricted to the selected incidents'
  int64_t incidents = 0;
  int64_t events = 0;

  // Incidents by the severity of their newest score: Critical, High, Medium, Low (always,
  // zeros included), then other stored names by count, then "unscored" when there are any.
  std::vector<Count> incidents_by_severity;
  TopList incidents_by_type;            // by title, as vigil report's "type"
  std::vector<Count> events_by_source;  // by events.source_format (the input format), all
  TopList top_source_ips;               // events by events.source_ip
  TopList top_users;                    // events by events.user_name
  // Events by weekday (rows Mon..Sun, kWeekdays) and hour of the day (columns 00..23), UTC.
  std::array<std::array<int64_t, 24>, 7> heatmap{};
  // Incidents over time by their first event: per day (bucket_days 1), or per week from
  // Monday (bucket_days 7) when the incidents span more than kMaxDailySpan days. Oldest first;
  // buckets without incidents are left out.
  int bucket_days = 1;
  std::vector<RiskBucket> risk_over_time;
};

// Incidents spanning more days than this are bucketed by week.
constexpr int64_t kMaxDailySpan = 62;

// Counts what `scope` selects (see Stats), with top lists of at most `top` rows (>= 1).
// Reads in one read transaction; writes nothing. kStore when SQLite fails.
Result<Stats> ComputeStats(store::Database& db, const store::ActivityScope& scope,
                           size_t top = kDefaultTop);

// One JSON object, keys in a fixed order (documented in vigil-stats(1)), ending in a newline.
std::string StatsJson(const Stats& stats);

// For a terminal: bars of block characters (eighths: U+258F..U+2588), the heatmap shaded with
// " ░▒▓█", risk over time as bars. unicode = false uses ASCII only (#, and " .:*#").
std::string StatsText(const Stats& stats, bool unicode);

}  // namespace vigil::stats
