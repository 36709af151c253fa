#pragma once
// ASCII case helpers. Log data and rule text are compared case-insensitively only in ASCII:
// bytes >= 0x80 are left as they are, so no locale and no UTF-8 decoding is involved.

#include <string>
#include <string_view>

namespace vigil {

constexpr char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// `s` in ASCII lower case.
std::string Lower(std::string_view s);
// Writes `s` in ASCII lower case over `*out`, reusing its buffer.
void AssignLower(std::string_view s, std::string* out);
// ASCII case-insensitive equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace vigil
