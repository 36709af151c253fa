#pragma once
// The `condition` of a Sigma detection: `and`, `or`, `not`, parentheses, search identifiers,
// `1 of PATTERN`, `all of PATTERN` (PATTERN: a name, a `*` glob, or `them`). Precedence:
// not > and > or. `1 of` / `all of` are expanded into or / and over the matching identifiers
// when parsed, so evaluation only sees the four node kinds below.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigil::correlate {

struct ConditionNode {
  enum class Op { kSearch, kAnd, kOr, kNot };
  Op op = Op::kSearch;
  size_t search = 0;             // kSearch: index into the identifier list
  std::vector<size_t> children;  // kAnd / kOr: two or more; kNot: one
};

// A forest of nodes; several conditions may share one (a condition list is their `or`).
struct Condition {
  std::vector<ConditionNode> nodes;
  size_t root = 0;
};

// Parses one condition string into `out->nodes` and returns its root node. `names` are the
// detection's search identifiers. Errors (kBadInput, message without location): a v1
// aggregation ("unsupported v1 aggregation in condition; write a Sigma correlation rule"),
// an unknown identifier, a pattern that matches nothing, or a syntax error.
Result<size_t> ParseCondition(std::string_view text, const std::vector<std::string>& names,
                              Condition* out);

// Whether `name` matches `pattern`, where `*` matches any run (used for `1 of op*`).
bool IdentifierGlob(std::string_view pattern, std::string_view name);

}  // namespace vigil::correlate
