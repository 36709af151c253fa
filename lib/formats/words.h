#pragma once
// Small text helpers the mappings share (case helpers are in core/ascii.h).

#include <optional>
#include <string>
#include <string_view>

#include "core/ascii.h"

namespace vigil::formats {

bool Contains(std::string_view haystack, std::string_view needle);
// success / failure from the words of an action or event name ("login_failed", "allow").
std::optional<std::string> OutcomeFromWords(const std::optional<std::string>& text);

}  // namespace vigil::formats
