#pragma once
// The four severities, lowest first, and the rank of a name in any case ("high" -> 2); -1 for
// anything else. Every stage and command ranks severities with these.

#include <string_view>

namespace vigil {

inline constexpr const char* kSeverityNames[4] = {"Low", "Medium", "High", "Critical"};
int SeverityRank(std::string_view severity);

}  // namespace vigil
