#pragma once
// How rules see an event: named fields with one or more values, and keyword text.
// Implemented over a stored event by correlate/event_view.h; tests implement it over a map.

#include <string>
#include <string_view>
#include <vector>

namespace vigil::correlate {

// One value of a field. `text` is the value's text as a rule compares it: a string verbatim
// (unescaped), a number as written in the record, "true"/"false", "null" for null, and the
// raw JSON of an object. The view stays valid until the next call on the same FieldSource.
struct FieldValue {
  enum class Kind { kNull, kString, kNumber, kBool, kObject };
  Kind kind = Kind::kNull;
  std::string_view text;
};

class FieldSource {
 public:
  virtual ~FieldSource() = default;

  // Appends the values of field `name` to `out` (an array gives one value per element; an
  // explicit JSON null gives one kNull value). A missing field appends nothing.
  // `name` is already mapped for the rule's log source (see MapFieldName).
  virtual void Get(std::string_view name, std::vector<FieldValue>* out) const = 0;

  // Appends the texts a keyword (a detection value without a field) is searched in.
  virtual void KeywordTexts(std::vector<std::string_view>* out) const = 0;
};

}  // namespace vigil::correlate
