#pragma once
// Reading a stored profile (profiles.data, written by ProfileJson) back for display.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "score/score.h"

namespace vigil::score {

struct ProfileSummary {
  int64_t events = 0;
  std::string first_seen, last_seen;
  int64_t max_risk = 0;  // highest daily risk kept in the profile
};
Result<ProfileSummary> SummariseProfile(std::string_view json);

// A stored profile summarised for the list of vigil profile --list.
struct RankedProfile {
  std::string kind, entity;
  ProfileSummary summary;
};
// The profiles riskiest first, then busiest (in the order given otherwise: by kind and name),
// at most `limit` (0: all). kStore when a profile's data is damaged.
Result<std::vector<RankedProfile>> RankProfiles(const std::vector<StoredProfile>& profiles,
                                                size_t limit);

// The profile for a person to read: activity, usual hours as a 24-hour strip, peers, hosts,
// countries, first privileged action, and risk by day. Values from the logs are shown
// terminal-safe (TerminalSafe): a user name cannot carry escape sequences to the screen.
Result<std::string> ProfileText(std::string_view json);

}  // namespace vigil::score
