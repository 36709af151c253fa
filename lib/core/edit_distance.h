#pragma once
// Levenshtein distance (insertions, deletions and substitutions of one byte each), for "did you
// mean" suggestions on mistyped names: subcommands, configuration keys.

#include <cstddef>
#include <string_view>

namespace vigil {

size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace vigil
