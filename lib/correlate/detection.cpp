// Evaluates a compiled detection (detection_compile.cpp) per event: Matches only looks
// fields up into reused scratch vectors.

#include "correlate/detection.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "core/ascii.h"
#include "correlate/detection_impl.h"

namespace vigil::correlate {

using compiled::FieldTest;
using compiled::Search;
using sigma::Modifiers;

bool Detection::Impl::Eval(size_t index, const FieldSource& event) const {
  const ConditionNode& node = condition.nodes[index];
  switch (node.op) {
    case ConditionNode::Op::kSearch:
      return EvalSearch(searches[node.search], event);
    case ConditionNode::Op::kAnd:
      for (size_t child : node.children) {
        if (!Eval(child, event)) return false;
      }
      return true;
    case ConditionNode::Op::kOr:
      for (size_t child : node.children) {
        if (Eval(child, event)) return true;
      }
      return false;
    case ConditionNode::Op::kNot:
      return !Eval(node.children[0], event);
  }
  return false;
}

bool Detection::Impl::EvalSearch(const Search& search, const FieldSource& event) const {
  if (search.keywords) {
    texts.clear();
    event.KeywordTexts(&texts);
    for (const sigma::Pattern& pattern : search.keyword_patterns) {
      for (std::string_view text : texts) {
        if (pattern.Matches(text)) return true;
      }
    }
    return false;
  }
  for (const std::vector<FieldTest>& map : search.maps) {
    bool all = true;
    for (const FieldTest& test : map) {
      if (!EvalTest(test, event)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

bool Detection::Impl::EvalTest(const FieldTest& test, const FieldSource& event) const {
  if (test.kind == FieldTest::Kind::kFieldRef) {
    for (const std::string& ref : test.refs) {
      const bool hit = EvalRef(test, ref, event);
      if (hit != test.all) return hit;  // OR stops at a hit, AND at a miss
    }
    return test.all;
  }
  values.clear();
  event.Get(test.field, &values);
  if (test.kind == FieldTest::Kind::kExists) {
    // A field exists if it has a value other than JSON null.
    const bool present = std::any_of(values.begin(), values.end(), [](const FieldValue& v) {
      return v.kind != FieldValue::Kind::kNull;
    });
    return present == test.exists;
  }
  for (const sigma::ValueMatcher& matcher : test.values) {
    const bool hit = matcher.Matches(values);
    if (hit != test.all) return hit;
  }
  return test.all;
}

bool Detection::Impl::EvalRef(const FieldTest& test, const std::string& ref,
                              const FieldSource& event) const {
  // Copy the other field's texts first: the next Get invalidates their views.
  values.clear();
  event.Get(ref, &values);
  ref_texts.clear();
  for (const FieldValue& v : values) {
    if (v.kind == FieldValue::Kind::kNull) continue;
    ref_texts.push_back(test.ref_cased ? std::string(v.text) : Lower(v.text));
  }
  if (ref_texts.empty()) return false;
  values.clear();
  event.Get(test.field, &values);
  for (const FieldValue& v : values) {
    if (v.kind == FieldValue::Kind::kNull) continue;
    const std::string_view text = v.text;
    for (const std::string& r : ref_texts) {
      const size_t n = r.size();
      bool hit = false;
      auto eq = [&](std::string_view a) {
        return test.ref_cased ? a == r : sigma::EqualsLower(a, r);
      };
      switch (test.ref_position) {
        case Modifiers::Position::kWhole: {
          const auto a = sigma::ParseNumber(text);
          const auto b = a ? sigma::ParseNumber(r) : std::nullopt;
          hit = (a && b) ? *a == *b : eq(text);
          break;
        }
        case Modifiers::Position::kContains:
          hit = test.ref_cased ? text.find(r) != std::string_view::npos
                               : sigma::ContainsLower(text, r);
          break;
        case Modifiers::Position::kStartsWith:
          hit = text.size() >= n && eq(text.substr(0, n));
          break;
        case Modifiers::Position::kEndsWith:
          hit = text.size() >= n && eq(text.substr(text.size() - n));
          break;
      }
      if (hit) return true;
    }
  }
  return false;
}

Detection::Detection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Detection::Detection(Detection&&) noexcept = default;
Detection& Detection::operator=(Detection&&) noexcept = default;
Detection::~Detection() = default;

bool Detection::Matches(const FieldSource& event) const {
  return impl_->Eval(impl_->condition.root, event);
}

const std::vector<std::string>& Detection::fields() const { return impl_->fields; }

}  // namespace vigil::correlate
