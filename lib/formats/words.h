#pragma once
// Small text helpers the mappings share.

#include <optional>
#include <string>
#include <string_view>

namespace vigil::formats {

// ASCII lower case.
std::string Lower(std::string_view s);
// ASCII case-insensitive equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool Contains(std::string_view haystack, std::string_view needle);
// success / failure from the words of an action or event name ("login_failed", "allow").
std::optional<std::string> OutcomeFromWords(const std::optional<std::string>& text);

}  // namespace vigil::formats
