#pragma once
// Internal to the detection: what CompileDetection (detection_compile.cpp) makes and
// Detection::Matches (detection.cpp) evaluates.

#include <string>
#include <string_view>
#include <vector>

#include "correlate/condition.h"
#include "correlate/detection.h"
#include "correlate/sigma_modifiers.h"
#include "correlate/sigma_value.h"

namespace vigil::correlate {
namespace compiled {

struct FieldTest {
  enum class Kind { kValues, kExists, kFieldRef };
  Kind kind = Kind::kValues;
  std::string field;                        // mapped
  bool all = false;                         // `|all`: every value must match, not one
  std::vector<sigma::ValueMatcher> values;  // kValues
  bool exists = true;                       // kExists: the wanted answer
  std::vector<std::string> refs;            // kFieldRef: mapped names of the other fields
  sigma::Modifiers::Position ref_position = sigma::Modifiers::Position::kWhole;
  bool ref_cased = false;
};

struct Search {
  bool keywords = false;
  std::vector<sigma::Pattern> keyword_patterns;  // OR; each already `*kw*`
  std::vector<std::vector<FieldTest>> maps;      // OR of maps, each an AND of its fields
};

}  // namespace compiled

struct Detection::Impl {
  std::vector<compiled::Search> searches;
  Condition condition;
  std::vector<std::string> fields;
  // Lookup scratch reused across calls (hence one thread at a time per Detection).
  mutable std::vector<FieldValue> values;
  mutable std::vector<std::string_view> texts;
  mutable std::vector<std::string> ref_texts;

  bool Eval(size_t node, const FieldSource& event) const;
  bool EvalSearch(const compiled::Search& search, const FieldSource& event) const;
  bool EvalTest(const compiled::FieldTest& test, const FieldSource& event) const;
  bool EvalRef(const compiled::FieldTest& test, const std::string& ref,
               const FieldSource& event) const;
};

}  // namespace vigil::correlate
