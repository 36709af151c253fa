#include "core/severity.h"

#include <algorithm>
#include <cctype>

namespace vigil {

int SeverityRank(std::string_view severity) {
  for (int i = 0; i < 4; ++i) {
    const std::string_view name = kSeverityNames[i];
    if (name.size() == severity.size() &&
        std::equal(name.begin(), name.end(), severity.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return i;
    }
  }
  return -1;
}

}  // namespace vigil
