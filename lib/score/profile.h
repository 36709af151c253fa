#pragma once
// Behaviour profiles (vigil-score(1), BEHAVIOUR PROFILES): what each user and each source IP
// usually does, learnt from the events in time order, and the flags an event raises when it
// departs from that. A profile only judges once it has enough history
// (config profiles.min_events and min_days): a newcomer has nothing to depart from.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "config/config.h"
#include "core/event.h"

namespace vigil::score {

// Deviation flags of one event, as bits (FlagNames gives their names).
enum Flag : uint32_t {
  kUserNewSource = 1u << 0,       // user.new_ip: a source address the user never came from
  kUserNewCountry = 1u << 1,      // user.new_country
  kUserOffHours = 1u << 2,        // user.off_hours: outside work hours and the user's usual hours
  kUserRateSpike = 1u << 3,       // user.rate_spike: an hour far above the user's mean rate
  kUserFirstPrivilege = 1u << 4,  // user.first_privilege: the user's first privileged action
                                  // that did not fail
  kSourceNewUser = 1u << 5,       // source.new_user: an address used by a new account
  kSourceOffHours = 1u << 6,      // source.off_hours
  kSourceRateSpike = 1u << 7,     // source.rate_spike
};
constexpr int kFlagCount = 8;

// "user.new_ip,user.off_hours" (flag order), "" for none.
std::string FlagNames(uint32_t flags);
// The flag's name and what it says, for explanations ("a source address the user never ...").
std::string_view FlagName(int bit);
std::string_view FlagMeaning(int bit);

// True when the event is a privileged action: sudo/su/runas, a Windows special-privilege
// logon or group-membership change, an action named *privilege* or *elevat*.
bool IsPrivilegedAction(const Event& e);

struct Profile {
  uint64_t events = 0, failures = 0;
  int64_t first_us = 0, last_us = 0;
  std::map<std::string, uint64_t> peers;      // user: its source IPs; source: its users
  std::map<std::string, uint64_t> countries;  // user only
  std::map<std::string, uint64_t> hosts;      // hosts reached (host name or destination)
  std::array<uint64_t, 24> hours{};           // events per UTC hour of day
  uint64_t days = 0;                          // distinct days with events
  int64_t last_day = INT64_MIN;
  uint64_t active_hours = 0, max_hour_events = 0;
  int64_t hour = INT64_MIN;  // the clock hour being counted
  uint64_t hour_events = 0;
  bool hour_flagged = false;
  int64_t first_privilege_us = 0;    // 0: none yet
  std::map<int64_t, int> risk_days;  // day number -> highest event risk that day
};

class ProfileBuilder {
 public:
  explicit ProfileBuilder(const config::Config& config) : config_(&config) {}

  // Events in (time, id) order. Returns the event's flags, judged against the profiles as
  // they were before it, then learns from it.
  uint32_t Observe(const Event& e, std::string_view country);

  // Records an event's final risk in its user's and source's risk-over-time.
  void AddRisk(int64_t ts_us, const std::string* user, const std::string* source, int risk);

  const std::unordered_map<std::string, Profile>& users() const { return users_; }
  const std::unordered_map<std::string, Profile>& sources() const { return sources_; }

 private:
  bool Mature(const Profile& p) const;
  void Learn(Profile& p, const Event& e, int64_t day, int64_t hour, const std::string* peer,
             std::string_view country);

  const config::Config* config_;
  std::unordered_map<std::string, Profile> users_, sources_;
};

// The profile as the JSON object stored in profiles.data and printed by `vigil profile`.
// `kind` is "user" or "source".
std::string ProfileJson(const Profile& p, std::string_view kind, std::string_view entity);

}  // namespace vigil::score
