#include "formats/words.h"

namespace vigil::formats {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

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
