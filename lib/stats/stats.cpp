// ComputeStats: the store counts (store/activity.h: SQLite aggregates, never one row per event
// in C++), and this file turns the counts into a Stats: labels cleaned, severities ranked,
// days folded into weeks when the incidents span many, hours into the weekday heatmap.
#include "stats/stats.h"

#include <algorithm>

#include "config/config.h"
#include "core/encoding.h"
#include "core/time.h"
#include "store/activity.h"

namespace vigil::stats {
namespace {

constexpr int64_t kUsPerDay = 86'400'000'000;

// Log data is attacker-controlled: no control character reaches a terminal or a PDF.
std::string Clean(std::string_view text) { return TerminalSafe(text); }

int64_t FloorMod(int64_t a, int64_t b) { return ((a % b) + b) % b; }
int64_t FloorDiv(int64_t a, int64_t b) { return (a - FloorMod(a, b)) / b; }

std::string DayText(int64_t day) { return FormatUtc(day * kUsPerDay).substr(0, 10); }

TopList Top(const store::TopCounts& counts, int64_t total) {
  TopList out;
  for (const store::LabelCount& c : counts.rows) out.rows.push_back({Clean(c.label), c.count});
  out.distinct = counts.distinct;
  out.without = total - counts.labelled;
  return out;
}

void IncidentCounts(const store::Activity& a, Stats& out) {
  int64_t by_rank[4] = {0, 0, 0, 0}, unscored = 0;
  std::vector<Count> other;
  for (const auto& [severity, n] : a.incidents_by_severity) {
    out.incidents += n;
    if (!severity) {
      unscored += n;
      continue;
    }
    const std::string name = Clean(*severity);
    const int rank = SeverityRank(name);
    if (rank >= 0) {
      by_rank[rank] += n;
    } else {
      other.push_back({name, n});
    }
  }
  for (int rank = 3; rank >= 0; --rank) {
    out.incidents_by_severity.push_back({kSeverityNames[rank], by_rank[rank]});
  }
  out.incidents_by_severity.insert(out.incidents_by_severity.end(), other.begin(), other.end());
  if (unscored > 0) out.incidents_by_severity.push_back({"unscored", unscored});
  out.incidents_by_type = Top(a.incidents_by_title, out.incidents);
}

void RiskOverTime(const std::vector<store::IncidentDay>& days, Stats& out) {
  if (days.empty()) return;
  out.bucket_days = days.back().day - days.front().day + 1 > kMaxDailySpan ? 7 : 1;
  std::vector<int64_t> sums;
  for (const store::IncidentDay& d : days) {
    // 1970-01-01 was a Thursday: day + 3 counts from a Monday.
    const int64_t start = out.bucket_days == 7 ? d.day - FloorMod(d.day + 3, 7) : d.day;
    if (out.risk_over_time.empty() || out.risk_over_time.back().day != start) {
      out.risk_over_time.push_back({start, DayText(start), 0, 0, 0, 0, -1});
      sums.push_back(0);
    }
    RiskBucket& b = out.risk_over_time.back();
    b.incidents += d.incidents;
    b.scored += d.scored;
    b.max_risk = std::max(b.max_risk, static_cast<int>(d.max_risk));
    b.max_rank = std::max(b.max_rank, static_cast<int>(d.max_rank));
    sums.back() += d.sum_risk;
  }
  for (size_t i = 0; i < sums.size(); ++i) {
    RiskBucket& b = out.risk_over_time[i];
    if (b.scored > 0) b.mean_risk = static_cast<double>(sums[i]) / static_cast<double>(b.scored);
  }
}

void EventCounts(const store::Activity& a, Stats& out) {
  for (const store::LabelCount& c : a.events_by_format) {
    out.events_by_source.push_back({Clean(c.label), c.count});
    out.events += c.count;
  }
  out.top_source_ips = Top(a.events_by_source_ip, out.events);
  out.top_users = Top(a.events_by_user, out.events);
  // Hours since the epoch, folded into weekday and hour of the day.
  for (const auto& [h, n] : a.events_by_hour) {
    const int64_t weekday = FloorMod(FloorDiv(h, 24) + 3, 7);  // Monday = 0
    out.heatmap[static_cast<size_t>(weekday)][static_cast<size_t>(FloorMod(h, 24))] += n;
  }
}

}  // namespace

Result<Stats> ComputeStats(store::Database& db, const store::ActivityScope& scope, size_t top) {
  if (top == 0) top = 1;
  auto activity = store::ReadActivity(db, scope, top);
  if (!activity) return activity.error();
  Stats out;
  out.since_us = scope.since_us;
  out.until_us = scope.until_us;
  out.events_of_incidents = scope.events_of_incidents;
  IncidentCounts(*activity, out);
  RiskOverTime(activity->incident_days, out);
  EventCounts(*activity, out);
  return out;
}

}  // namespace vigil::stats
