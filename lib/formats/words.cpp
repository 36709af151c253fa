#include "formats/words.h"

namespace vigil::formats {

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::optional<std::string> OutcomeFromWords(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  const std::string s = Lower(*text);
  for (const char* w : {"fail", "denied", "deny", "block", "reject", "drop", "invalid"}) {
    if (Contains(s, w)) return "failure";
  }
  for (const char* w : {"success", "allow", "accept", "permit"}) {
    if (Contains(s, w)) return "success";
  }
  return std::nullopt;
}

}  // namespace vigil::formats
