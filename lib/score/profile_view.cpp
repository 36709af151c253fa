#include "score/profile_view.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/encoding.h"
#include "json/json.h"

namespace vigil::score {
namespace {

using json::Value;

Error Damaged() {
  return MakeError(ErrorCode::kStore, "a stored profile is not the JSON vigil score writes");
}

std::string Str(Value e, std::string_view key) {
  return std::string(e.StringAt(key).value_or(std::string_view()));
}
int64_t Int(Value e, std::string_view key) { return e.Int64At(key).value_or(0); }

// "name (count), ..." of a {name: count} object.
std::string Counts(Value e, std::string_view key) {
  const auto obj = e.Find(key);
  if (!obj || !obj->IsObject()) return "-";
  std::string out;
  for (const json::Field field : obj->fields()) {
    const int64_t n = field.value.Int64().value_or(0);
    if (!out.empty()) out += ", ";
    out += fmt::format("{} ({})", TerminalSafe(field.key), n);
  }
  return out.empty() ? "-" : out;
}

// The items of the array `key` (none when missing or not an array).
Value::ItemRange Items(Value e, std::string_view key) {
  const auto list = e.Find(key);
  return list ? list->items() : Value::ItemRange();
}

}  // namespace

Result<ProfileSummary> SummariseProfile(std::string_view json) {
  json::Parser parser;
  auto root = parser.Parse(json);
  if (!root) return Damaged();
  ProfileSummary s;
  s.events = Int(*root, "events");
  s.first_seen = Str(*root, "first_seen");
  s.last_seen = Str(*root, "last_seen");
  for (Value d : Items(*root, "risk_by_day")) s.max_risk = std::max(s.max_risk, Int(d, "max_risk"));
  return s;
}

Result<std::string> ProfileText(std::string_view json) {
  json::Parser parser;
  auto parsed = parser.Parse(json);
  if (!parsed) return Damaged();
  const Value root = *parsed;
  const std::string kind = Str(root, "kind");
  const bool user = kind == "user";
  std::string out =
      fmt::format("{} {}\n", user ? "user" : "source", TerminalSafe(Str(root, "entity")));
  const int64_t active_days = Int(root, "active_days"), hours_active = Int(root, "active_hours");
  out += fmt::format("  events        {} ({} failures) on {} day{}, {} active hour{}\n",
                     Int(root, "events"), Int(root, "failures"), active_days,
                     active_days == 1 ? "" : "s", hours_active, hours_active == 1 ? "" : "s");
  out += fmt::format("  seen          {} .. {}\n", TerminalSafe(Str(root, "first_seen")),
                     TerminalSafe(Str(root, "last_seen")));
  const double rate = root.DoubleAt("events_per_active_hour").value_or(0);
  out += fmt::format("  rate          {:.2f} events per active hour, at most {} in one hour\n",
                     rate, Int(root, "max_events_in_an_hour"));
  // Usual hours: a 24-character strip, darker where more of the events fall.
  if (auto hours = root.Find("hours"); hours && hours->IsArray()) {
    int64_t max = 0;
    for (Value h : hours->items()) max = std::max(max, h.Int64().value_or(0));
    std::string strip;
    const char* shades[] = {" ", "\u2591", "\u2592", "\u2593", "\u2588"};
    for (Value h : hours->items()) {
      const int64_t v = h.Int64().value_or(0);
      strip += shades[max == 0 || v == 0 ? 0 : 1 + (3 * v) / max];
    }
    out += "  hours (UTC)   |" + strip + "|  00..23\n";
  }
  out += fmt::format("  {:<13} {} distinct: {}\n", user ? "source IPs" : "users",
                     Int(root, user ? "distinct_source_ips" : "distinct_users"),
                     Counts(root, user ? "source_ips" : "users"));
  if (user) out += "  countries     " + Counts(root, "countries") + "\n";
  out += fmt::format("  hosts         {} distinct: {}\n", Int(root, "distinct_hosts"),
                     Counts(root, "hosts"));
  if (user) {
    const std::string first = TerminalSafe(Str(root, "first_privileged_action"));
    out += "  privileged    " + (first.empty() ? std::string("never") : "first " + first) + "\n";
  }
  if (auto days = root.Find("risk_by_day"); days && days->IsArray()) {
    out += "  risk by day  ";
    for (Value d : days->items()) {
      const std::string day = Str(d, "day");  // YYYY-MM-DD, shown as MM-DD
      out += fmt::format(" {}:{}", TerminalSafe(day.size() > 5 ? day.substr(5) : day),
                         Int(d, "max_risk"));
    }
    out += "\n";
  }
  return out;
}

Result<std::vector<RankedProfile>> RankProfiles(const std::vector<StoredProfile>& profiles,
                                                size_t limit) {
  std::vector<RankedProfile> rows;
  for (const auto& p : profiles) {
    auto s = SummariseProfile(p.data);
    if (!s) return s.error();
    rows.push_back({p.kind, p.entity, std::move(*s)});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const RankedProfile& a, const RankedProfile& b) {
    if (a.summary.max_risk != b.summary.max_risk) return a.summary.max_risk > b.summary.max_risk;
    return a.summary.events > b.summary.events;
  });
  if (limit > 0 && rows.size() > limit) rows.resize(limit);
  return rows;
}

}  // namespace vigil::score
