#include "core/ascii.h"

namespace vigil {

std::string Lower(std::string_view s) {
  std::string out;
  AssignLower(s, &out);
  return out;
}

void AssignLower(std::string_view s, std::string* out) {
  out->assign(s);
  for (char& c : *out) c = AsciiLower(c);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

}  // namespace vigil
