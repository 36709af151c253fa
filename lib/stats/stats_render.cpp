// StatsJson and StatsText: two renderings of one Stats, with the same numbers. Text pads by
// code points, not bytes, so that labels in UTF-8 and the block characters line up; nothing
// depends on the locale or the terminal.
#include <fmt/format.h>

#include <algorithm>

#include "config/config.h"
#include "core/json.h"
#include "core/time.h"
#include "stats/stats.h"

namespace vigil::stats {
namespace {

constexpr size_t kBarCells = 30;
constexpr size_t kMaxLabel = 40;

// Code points in UTF-8 text (continuation bytes do not count).
size_t Width(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// At most `cells` code points, ending in "..." when cut; then padded with spaces to `cells`.
std::string Fit(std::string_view s, size_t cells) {
  std::string out;
  if (Width(s) > cells) {
    size_t kept = 0, i = 0;
    for (; i < s.size(); ++i) {
      if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++kept > cells - 3) break;
    }
    out = std::string(s.substr(0, i)) + "...";
  } else {
    out = std::string(s);
  }
  return out + std::string(cells - Width(out), ' ');
}

// `value` of `max` as a bar of kBarCells cells, in eighths of a cell; never empty for a value
// above zero.
std::string Bar(int64_t value, int64_t max, bool unicode) {
  static const char* kEighths[] = {"",       "\u258F", "\u258E", "\u258D",
                                   "\u258C", "\u258B", "\u258A", "\u2589"};
  if (max <= 0 || value <= 0) return std::string(kBarCells, ' ');
  const int64_t steps = unicode ? 8 : 1;
  const int64_t total = static_cast<int64_t>(kBarCells) * steps;
  const int64_t filled = std::max<int64_t>(1, (value * total * 2 + max) / (max * 2));
  const size_t full = static_cast<size_t>(filled / steps);
  std::string out;
  for (size_t i = 0; i < full; ++i) out += unicode ? "\u2588" : "#";
  size_t cells = full;
  if (unicode && filled % steps != 0) {
    out += kEighths[filled % steps];
    ++cells;
  }
  return out + std::string(kBarCells - cells, ' ');
}

int64_t MaxCount(const std::vector<Count>& rows) {
  int64_t max = 0;
  for (const Count& c : rows) max = std::max(max, c.count);
  return max;
}

void Bars(std::string& out, const std::vector<Count>& rows, bool unicode) {
  if (rows.empty()) {
    out += "  (none)\n";
    return;
  }
  size_t label = 0;
  for (const Count& c : rows) label = std::max(label, std::min(Width(c.label), kMaxLabel));
  const int64_t max = MaxCount(rows);
  for (const Count& c : rows) {
    out +=
        fmt::format("  {}  {} {:>9}\n", Fit(c.label, label), Bar(c.count, max, unicode), c.count);
  }
}

std::string Distinct(const TopList& t, const char* what) {
  std::string s = fmt::format("{} distinct", t.distinct);
  if (t.without > 0) s += fmt::format(", {} without {}", t.without, what);
  return s;
}

void Heatmap(std::string& out, const Stats& s, bool unicode) {
  static const char* kShades[] = {" ", "\u2591", "\u2592", "\u2593", "\u2588"};
  static const char* kAscii[] = {" ", ".", ":", "*", "#"};
  int64_t max = 0;
  for (const auto& row : s.heatmap) max = std::max(max, *std::max_element(row.begin(), row.end()));
  out += fmt::format("Events by weekday and hour (UTC; the busiest hour has {} events)\n", max);
  out += "       ";  // under "  Mon  "
  for (int h = 0; h < 24; h += 2) out += fmt::format("{:02}{}", h, h < 22 ? "  " : "\n");
  for (size_t d = 0; d < 7; ++d) {
    out += fmt::format("  {}  ", kWeekdays[d]);
    for (int64_t v : s.heatmap[d]) {
      // As vigil profile's hours: a share of the busiest, in thirds; full only at the top.
      const size_t shade = max == 0 || v == 0 ? 0 : static_cast<size_t>(1 + (3 * v) / max);
      const char* c = unicode ? kShades[shade] : kAscii[shade];
      out += c;
      out += c;
    }
    out += "\n";
  }
  out += unicode ? "  \u2591 below a third  \u2592 from a third  \u2593 from two thirds  "
                   "\u2588 the busiest\n"
                 : "  . below a third  : from a third  * from two thirds  # the busiest\n";
}

void RiskOverTime(std::string& out, const Stats& s, bool unicode) {
  out += fmt::format(
      "Risk over time (incidents by the {} of their first event, UTC; bar: highest risk of "
      "100)\n",
      s.bucket_days == 7 ? "week" : "day");
  if (s.risk_over_time.empty()) {
    out += "  (none)\n";
    return;
  }
  for (const RiskBucket& b : s.risk_over_time) {
    const std::string start = s.bucket_days == 7 ? "wk " + b.start : b.start;
    std::string line = fmt::format("  {}  {}", start, Bar(b.max_risk, 100, unicode));
    if (b.scored > 0) {
      line += fmt::format(" max {:>3}  mean {:>5.1f}", b.max_risk, b.mean_risk);
    } else {
      line += fmt::format(" {:<19}", "not scored");
    }
    line += fmt::format("  {} incident{}", b.incidents, b.incidents == 1 ? "" : "s");
    if (b.scored != b.incidents) line += fmt::format(" ({} scored)", b.scored);
    out += line + "\n";
  }
}

void WriteCounts(JsonWriter& w, const std::vector<Count>& rows) {
  w.BeginArray();
  for (const Count& c : rows)
    w.BeginObject().Key("label").String(c.label).Key("count").Int(c.count).EndObject();
  w.EndArray();
}

void WriteTop(JsonWriter& w, const TopList& t) {
  w.BeginObject().Key("distinct").Int(t.distinct).Key("without").Int(t.without).Key("rows");
  WriteCounts(w, t.rows);
  w.EndObject();
}

void WriteTime(JsonWriter& w, const std::optional<int64_t>& t) {
  if (t) {
    w.String(FormatUtc(*t));
  } else {
    w.Null();
  }
}

}  // namespace

std::string StatsJson(const Stats& s) {
  JsonWriter w;
  w.BeginObject().Key("since");
  WriteTime(w, s.since_us);
  w.Key("until");
  WriteTime(w, s.until_us);
  w.Key("events_of").String(s.events_of_incidents ? "incidents" : "all");
  w.Key("incidents").Int(s.incidents).Key("events").Int(s.events);
  w.Key("incidents_by_severity");
  WriteCounts(w, s.incidents_by_severity);
  w.Key("incidents_by_type");
  WriteTop(w, s.incidents_by_type);
  w.Key("events_by_source");
  WriteCounts(w, s.events_by_source);
  w.Key("top_source_ips");
  WriteTop(w, s.top_source_ips);
  w.Key("top_users");
  WriteTop(w, s.top_users);
  w.Key("heatmap").BeginArray();
  for (const auto& row : s.heatmap) {
    w.BeginArray();
    for (int64_t v : row) w.Int(v);
    w.EndArray();
  }
  w.EndArray();
  w.Key("risk_over_time").BeginObject();
  w.Key("bucket").String(s.bucket_days == 7 ? "week" : "day").Key("buckets").BeginArray();
  for (const RiskBucket& b : s.risk_over_time) {
    w.BeginObject().Key("start").String(b.start).Key("incidents").Int(b.incidents);
    w.Key("scored").Int(b.scored).Key("max_risk").Int(b.max_risk);
    w.Key("mean_risk").Fixed(b.mean_risk, 1).Key("max_severity");
    if (b.max_rank >= 0) {
      w.String(kSeverityNames[b.max_rank]);
    } else {
      w.Null();
    }
    w.EndObject();
  }
  w.EndArray().EndObject().EndObject();
  return w.str() + "\n";
}

std::string StatsText(const Stats& s, bool unicode) {
  std::string out =
      fmt::format("{} incidents, {} events ({})\n", s.incidents, s.events,
                  s.events_of_incidents ? "those of the selected incidents" : "all events");
  if (s.since_us || s.until_us) {
    out += fmt::format("time window (UTC): {} .. {}\n", s.since_us ? FormatUtc(*s.since_us) : "",
                       s.until_us ? FormatUtc(*s.until_us) : "");
  }
  out += "\nIncidents by severity\n";
  Bars(out, s.incidents_by_severity, unicode);
  out += fmt::format("\nIncidents by type ({})\n", Distinct(s.incidents_by_type, "a title"));
  Bars(out, s.incidents_by_type.rows, unicode);
  out += "\nEvents by source (input format)\n";
  Bars(out, s.events_by_source, unicode);
  out +=
      fmt::format("\nTop source IPs of events ({})\n", Distinct(s.top_source_ips, "a source IP"));
  Bars(out, s.top_source_ips.rows, unicode);
  out += fmt::format("\nTop users of events ({})\n", Distinct(s.top_users, "a user"));
  Bars(out, s.top_users.rows, unicode);
  out += "\n";
  Heatmap(out, s, unicode);
  out += "\n";
  RiskOverTime(out, s, unicode);
  return out;
}

}  // namespace vigil::stats
