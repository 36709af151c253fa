#include "score/profile.h"

#include <algorithm>
#include <vector>

#include "core/json.h"
#include "core/time.h"

namespace vigil::score {
namespace {

constexpr int64_t kHourUs = 3'600'000'000;
constexpr int64_t kDayUs = 24 * kHourUs;
constexpr uint64_t kSpikeFloor = 10;  // a spike needs at least this many events in the hour
// An hour of day is unusual for an entity when it and its two neighbours together hold less
// than 2% of the entity's events (a round-the-clock entity has about 12.5% in any three).
constexpr double kUnusualHourShare = 0.02;
constexpr size_t kTopPeers = 20;  // how many peers, hosts and countries the JSON lists
constexpr size_t kRiskDays = 30;  // days of risk history kept in the JSON

int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : (a - b + 1) / b; }

bool ContainsNoCase(std::string_view hay, std::string_view needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  });
  return it != hay.end();
}

bool Failed(const Event& e) { return e.event_outcome && *e.event_outcome == "failure"; }

const char* const kFlagNames[kFlagCount] = {
    "user.new_ip",          "user.new_country", "user.off_hours",   "user.rate_spike",
    "user.first_privilege", "source.new_user",  "source.off_hours", "source.rate_spike"};
const char* const kFlagMeanings[kFlagCount] = {
    "a source address the user never came from before",
    "a country the user never came from before",
    "outside work hours and outside the user's usual hours",
    "far more events in one hour than the user's mean hourly rate",
    "the user's first privileged action",
    "an account never used from this address before",
    "outside work hours and outside the address's usual hours",
    "far more events in one hour than the address's mean hourly rate"};

// Appends the `limit` largest counts of `m` (ties by name) as a JSON object.
void WriteTop(JsonWriter& w, const std::map<std::string, uint64_t>& m, size_t limit) {
  std::vector<std::pair<std::string_view, uint64_t>> v(m.begin(), m.end());
  std::stable_sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second > b.second; });
  if (v.size() > limit) v.resize(limit);
  w.BeginObject();
  for (const auto& [k, n] : v) w.Key(k).Int(int64_t(n));
  w.EndObject();
}

}  // namespace

std::string FlagNames(uint32_t flags) {
  std::string out;
  for (int b = 0; b < kFlagCount; ++b) {
    if ((flags & (1u << b)) == 0) continue;
    if (!out.empty()) out += ',';
    out += kFlagNames[b];
  }
  return out;
}

std::string_view FlagName(int bit) { return kFlagNames[bit]; }
std::string_view FlagMeaning(int bit) { return kFlagMeanings[bit]; }

bool IsPrivilegedAction(const Event& e) {
  if (e.event_action) {
    const std::string& a = *e.event_action;
    if (a == "special_privileges_assigned" || a == "member_added_to_group") return true;
    if (ContainsNoCase(a, "privilege") || ContainsNoCase(a, "elevat") || a == "sudo" ||
        a == "su_session") {
      return true;
    }
  }
  if (e.process_name) {
    const std::string& p = *e.process_name;
    if (p == "sudo" || p == "su" || p == "doas" || ContainsNoCase(p, "runas")) return true;
  }
  return e.message && e.message->rfind("sudo:", 0) == 0;
}

bool ProfileBuilder::Mature(const Profile& p) const {
  return p.events >= uint64_t(config_->profiles.min_events) &&
         p.days >= uint64_t(config_->profiles.min_days);
}

void ProfileBuilder::Learn(Profile& p, const Event& e, int64_t day, int64_t hour,
                           const std::string* peer, std::string_view country) {
  if (p.events == 0) p.first_us = e.ts_us;
  ++p.events;
  if (Failed(e)) ++p.failures;
  p.last_us = std::max(p.last_us, e.ts_us);
  if (peer != nullptr) ++p.peers[*peer];
  if (!country.empty()) ++p.countries[std::string(country)];
  const std::optional<std::string>& host = e.destination_ip ? e.destination_ip : e.host_name;
  if (host) ++p.hosts[*host];
  ++p.hours[size_t(FloorDiv(e.ts_us, kHourUs) - day * 24)];
  if (day != p.last_day) {
    ++p.days;
    p.last_day = day;
  }
  if (hour != p.hour) {
    p.hour = hour;
    p.hour_events = 0;
    p.hour_flagged = false;
    ++p.active_hours;
  }
  ++p.hour_events;
  p.max_hour_events = std::max(p.max_hour_events, p.hour_events);
}

uint32_t ProfileBuilder::Observe(const Event& e, std::string_view country) {
  const int64_t day = FloorDiv(e.ts_us, kDayUs);
  const int64_t hour = FloorDiv(e.ts_us, kHourUs);
  const size_t hod = size_t(hour - day * 24);
  const bool work = config_->IsWorkTime(e.ts_us);
  uint32_t flags = 0;

  // True when `p`, as it stands, would see one more event in this hour as a spike.
  auto spike = [&](const Profile& p) {
    if (p.hour_flagged && p.hour == hour) return false;
    const uint64_t now = (p.hour == hour ? p.hour_events : 0) + 1;
    const uint64_t past_events = p.events - (p.hour == hour ? p.hour_events : 0);
    const uint64_t past_hours = p.active_hours - (p.hour == hour ? 1 : 0);
    if (past_hours == 0 || now < kSpikeFloor) return false;
    return double(now) > config_->profiles.rate_spike * double(past_events) / double(past_hours);
  };
  auto unusual_hour = [&](const Profile& p) {
    if (work) return false;
    const uint64_t near = p.hours[(hod + 23) % 24] + p.hours[hod] + p.hours[(hod + 1) % 24];
    return double(near) < kUnusualHourShare * double(p.events);
  };

  Profile* user = nullptr;
  if (e.user_name && !e.user_name->empty()) {
    user = &users_[*e.user_name];
    if (Mature(*user)) {
      if (e.source_ip && !user->peers.count(*e.source_ip)) flags |= kUserNewSource;
      if (!country.empty() && !user->countries.count(std::string(country))) {
        flags |= kUserNewCountry;
      }
      if (unusual_hour(*user)) flags |= kUserOffHours;
      if (spike(*user)) flags |= kUserRateSpike;
    }
  }
  Profile* source = nullptr;
  if (e.source_ip && !e.source_ip->empty()) {
    source = &sources_[*e.source_ip];
    if (Mature(*source)) {
      if (e.user_name && !e.user_name->empty() && !source->peers.count(*e.user_name)) {
        flags |= kSourceNewUser;
      }
      if (unusual_hour(*source)) flags |= kSourceOffHours;
      if (spike(*source)) flags |= kSourceRateSpike;
    }
  }
  if (user != nullptr) {
    if (user->first_privilege_us == 0 && !Failed(e) && IsPrivilegedAction(e)) {
      if (Mature(*user)) flags |= kUserFirstPrivilege;
      user->first_privilege_us = e.ts_us;
    }
    Learn(*user, e, day, hour, e.source_ip ? &*e.source_ip : nullptr, country);
    if (flags & kUserRateSpike) user->hour_flagged = true;
  }
  if (source != nullptr) {
    Learn(*source, e, day, hour, e.user_name ? &*e.user_name : nullptr, {});
    if (flags & kSourceRateSpike) source->hour_flagged = true;
  }
  return flags;
}

void ProfileBuilder::AddRisk(int64_t ts_us, const std::string* user, const std::string* source,
                             int risk) {
  const int64_t day = FloorDiv(ts_us, kDayUs);
  auto add = [&](std::unordered_map<std::string, Profile>& m, const std::string* k) {
    if (k == nullptr || k->empty()) return;
    auto it = m.find(*k);
    if (it == m.end()) return;
    int& r = it->second.risk_days[day];
    r = std::max(r, risk);
  };
  add(users_, user);
  add(sources_, source);
}

std::string ProfileJson(const Profile& p, std::string_view kind, std::string_view entity) {
  JsonWriter w;
  w.BeginObject().Key("kind").String(kind).Key("entity").String(entity);
  w.Key("events").Int(int64_t(p.events)).Key("failures").Int(int64_t(p.failures));
  w.Key("first_seen").String(FormatUtc(p.first_us)).Key("last_seen").String(FormatUtc(p.last_us));
  w.Key("active_days").Int(int64_t(p.days)).Key("active_hours").Int(int64_t(p.active_hours));
  w.Key("events_per_active_hour")
      .Fixed(p.active_hours ? double(p.events) / double(p.active_hours) : 0, 2);
  w.Key("max_events_in_an_hour").Int(int64_t(p.max_hour_events));
  w.Key("hours").BeginArray();
  for (uint64_t h : p.hours) w.Int(int64_t(h));
  w.EndArray();
  w.Key(kind == "user" ? "source_ips" : "users");
  WriteTop(w, p.peers, kTopPeers);
  w.Key(kind == "user" ? "distinct_source_ips" : "distinct_users").Int(int64_t(p.peers.size()));
  if (kind == "user") {
    w.Key("countries");
    WriteTop(w, p.countries, kTopPeers);
  }
  w.Key("hosts");
  WriteTop(w, p.hosts, kTopPeers);
  w.Key("distinct_hosts").Int(int64_t(p.hosts.size()));
  if (kind == "user") {
    w.Key("first_privileged_action");
    if (p.first_privilege_us != 0) {
      w.String(FormatUtc(p.first_privilege_us));
    } else {
      w.Null();
    }
  }
  w.Key("risk_by_day").BeginArray();
  auto it = p.risk_days.size() > kRiskDays ? std::prev(p.risk_days.end(), kRiskDays)
                                           : p.risk_days.begin();
  for (; it != p.risk_days.end(); ++it) {
    w.BeginObject().Key("day").String(FormatUtc(it->first * kDayUs).substr(0, 10));
    w.Key("max_risk").Int(it->second).EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

}  // namespace vigil::score
