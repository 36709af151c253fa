// Compiles a Sigma `detection:` map into searches (keyword lists, or an OR of maps whose
// fields are ANDed) plus a parsed condition, then evaluates them per event. All text work
// that does not depend on the event (lower-casing, wildcard shapes, regexes, CIDRs, base64
// forms) happens here once; Matches only looks fields up into reused scratch vectors.

#include "correlate/detection.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "core/ascii.h"
#include "correlate/condition.h"
#include "correlate/sigma_value.h"

namespace vigil::correlate {
namespace {

using sigma::Modifiers;

struct FieldTest {
  enum class Kind { kValues, kExists, kFieldRef };
  Kind kind = Kind::kValues;
  std::string field;                        // mapped
  bool all = false;                         // `|all`: every value must match, not one
  std::vector<sigma::ValueMatcher> values;  // kValues
  bool exists = true;                       // kExists: the wanted answer
  std::vector<std::string> refs;            // kFieldRef: mapped names of the other fields
  Modifiers::Position ref_position = Modifiers::Position::kWhole;
  bool ref_cased = false;
};

struct Search {
  bool keywords = false;
  std::vector<sigma::Pattern> keyword_patterns;  // OR; each already `*kw*`
  std::vector<std::vector<FieldTest>> maps;      // OR of maps, each an AND of its fields
};

}  // namespace

struct Detection::Impl {
  std::vector<Search> searches;
  Condition condition;
  std::vector<std::string> fields;
  // Lookup scratch reused across calls (hence one thread at a time per Detection).
  mutable std::vector<FieldValue> values;
  mutable std::vector<std::string_view> texts;
  mutable std::vector<std::string> ref_texts;

  bool Eval(size_t node, const FieldSource& event) const;
  bool EvalSearch(const Search& search, const FieldSource& event) const;
  bool EvalTest(const FieldTest& test, const FieldSource& event) const;
  bool EvalRef(const FieldTest& test, const std::string& ref, const FieldSource& event) const;
};

namespace {

class Compiler {
 public:
  Compiler(std::string_view file, const FieldMapper& mapper, yaml::Node detection)
      : file_(file), mapper_(mapper), fallback_line_(detection.mark().line) {}

  Error At(yaml::Node node, const std::string& message) const {
    int line = node.mark().line;
    if (line < 0) line = fallback_line_;
    std::string where(file_);
    if (line >= 0) where += ":" + std::to_string(line + 1);
    return MakeError(ErrorCode::kBadInput, where + ": " + message);
  }

  std::string MapField(std::string_view name) {
    std::string mapped = mapper_ ? mapper_(name) : std::string(name);
    fields_.push_back(mapped);
    return mapped;
  }

  std::vector<std::string> TakeFields() {
    std::sort(fields_.begin(), fields_.end());
    fields_.erase(std::unique(fields_.begin(), fields_.end()), fields_.end());
    return std::move(fields_);
  }

  Result<Search> CompileSearch(const std::string& name, yaml::Node node);

 private:
  Result<std::vector<FieldTest>> CompileMap(const std::string& name, yaml::Node map);
  Result<FieldTest> CompileField(yaml::Node key, yaml::Node value);

  std::string_view file_;
  const FieldMapper& mapper_;
  int fallback_line_;
  std::vector<std::string> fields_;
};

Result<Search> Compiler::CompileSearch(const std::string& name, yaml::Node node) {
  Search search;
  if (node.IsMap()) {
    auto tests = CompileMap(name, node);
    if (!tests) return tests.error();
    search.maps.push_back(std::move(*tests));
    return search;
  }
  if (node.IsScalar()) {
    search.keywords = true;
  } else if (!node.IsSequence()) {
    return At(node, "search identifier '" + name + "' has no value");
  } else if (node.size() == 0) {
    return At(node, "search identifier '" + name + "' has an empty list");
  }
  const bool maps = node.IsSequence() && node[0].IsMap();
  search.keywords = !maps;
  std::vector<yaml::Node> items;
  if (node.IsScalar()) {
    items.push_back(node);
  } else {
    for (yaml::Node item : node.Items()) items.push_back(item);
  }
  for (yaml::Node item : items) {
    if (maps != item.IsMap() || !(item.IsMap() || item.IsScalar())) {
      return At(item, "search identifier '" + name +
                          "' must be a map, a list of maps, or a list of plain values");
    }
    if (maps) {
      auto tests = CompileMap(name, item);
      if (!tests) return tests.error();
      search.maps.push_back(std::move(*tests));
      continue;
    }
    // A keyword matches anywhere in the keyword texts: implicit contains.
    std::vector<int16_t> tokens = sigma::Tokenize(item.Scalar(), /*windash=*/false);
    tokens.insert(tokens.begin(), sigma::Pattern::kStar);
    tokens.push_back(sigma::Pattern::kStar);
    search.keyword_patterns.push_back(
        sigma::Pattern::Compile(std::move(tokens), /*cased=*/false, /*by_value=*/false));
  }
  return search;
}

Result<std::vector<FieldTest>> Compiler::CompileMap(const std::string& name, yaml::Node map) {
  if (map.size() == 0) return At(map, "search identifier '" + name + "' has an empty map");
  std::vector<FieldTest> tests;
  for (const yaml::Entry& entry : map.Entries()) {
    auto test = CompileField(entry.first, entry.second);
    if (!test) return test.error();
    tests.push_back(std::move(*test));
  }
  return tests;
}

Result<FieldTest> Compiler::CompileField(yaml::Node key, yaml::Node value) {
  const std::string key_text = key.Scalar();
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t bar = key_text.find('|', start);
    parts.push_back(std::string_view(key_text).substr(start, bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  if (parts[0].empty()) return At(key, "empty field name in '" + key_text + "'");
  auto mods = sigma::ParseModifiers({parts.begin() + 1, parts.end()});
  if (!mods) return At(key, mods.error().message);

  // The values with their nodes (for error lines); nullopt is YAML null.
  std::vector<std::pair<std::optional<std::string>, yaml::Node>> values;
  auto add = [&](yaml::Node v) -> bool {
    if (v.IsNull()) {
      values.emplace_back(std::nullopt, v);
    } else if (v.IsScalar()) {
      values.emplace_back(v.Scalar(), v);
    } else {
      return false;
    }
    return true;
  };
  const std::string shape_error =
      "value of '" + key_text + "' must be a plain value or a list of plain values";
  if (value.IsSequence()) {
    if (value.size() == 0) return At(key, "empty value list for '" + key_text + "'");
    for (yaml::Node v : value.Items()) {
      if (!add(v)) return At(v, shape_error);
    }
  } else if (!add(value)) {
    return At(value, shape_error);
  }

  FieldTest test;
  test.field = MapField(parts[0]);
  test.all = mods->all;
  if (mods->exists) {
    const std::string flag =
        values.size() == 1 && values[0].first ? Lower(*values[0].first) : std::string();
    if (flag != "true" && flag != "false") {
      return At(key, "'" + key_text + "' needs true or false");
    }
    test.kind = FieldTest::Kind::kExists;
    test.exists = flag == "true";
    return test;
  }
  if (mods->fieldref) {
    test.kind = FieldTest::Kind::kFieldRef;
    test.ref_position = mods->position;
    test.ref_cased = mods->cased;
    for (const auto& [text, node] : values) {
      if (!text || text->empty()) return At(node, "fieldref needs a field name");
      test.refs.push_back(MapField(*text));
    }
    return test;
  }
  for (const auto& [text, node] : values) {
    auto matcher = sigma::ValueMatcher::Compile(text, *mods);
    if (!matcher) return At(node, matcher.error().message);
    test.values.push_back(std::move(*matcher));
  }
  return test;
}

Result<Detection::Impl> CompileImpl(yaml::Node detection, Compiler& compiler) {
  if (!detection.IsMap()) return compiler.At(detection, "detection must be a map");
  Detection::Impl impl;
  std::vector<std::string> names;
  std::optional<yaml::Node> condition;  // set when the key is there, even to null
  std::optional<yaml::Node> timeframe;  // v1: refused after the condition, whose v1
                                        // aggregation (if any) is the better message
  for (const yaml::Entry& entry : detection.Entries()) {
    const std::string name = entry.first.Scalar();
    if (name == "condition") {
      condition = entry.second;
    } else if (name == "timeframe") {
      timeframe = entry.first;
    } else {
      auto search = compiler.CompileSearch(name, entry.second);
      if (!search) return search.error();
      names.push_back(name);
      impl.searches.push_back(std::move(*search));
    }
  }
  if (!condition) return compiler.At(detection, "detection has no condition");
  std::vector<yaml::Node> texts;
  if (condition->IsSequence() && condition->size() > 0) {
    for (yaml::Node c : condition->Items()) texts.push_back(c);
  } else {
    texts.push_back(*condition);
  }
  std::vector<size_t> roots;
  for (yaml::Node text : texts) {
    if (!text.IsScalar()) return compiler.At(text, "condition must be a string or a list");
    auto root = ParseCondition(text.Scalar(), names, &impl.condition);
    if (!root) return compiler.At(text, root.error().message);
    roots.push_back(*root);
  }
  if (timeframe) {
    return compiler.At(*timeframe, "unsupported v1 'timeframe'; write a Sigma correlation rule");
  }
  if (roots.size() == 1) {
    impl.condition.root = roots[0];
  } else {
    ConditionNode any;
    any.op = ConditionNode::Op::kOr;
    any.children = std::move(roots);
    impl.condition.nodes.push_back(std::move(any));
    impl.condition.root = impl.condition.nodes.size() - 1;
  }
  impl.fields = compiler.TakeFields();
  return impl;
}

}  // namespace

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

Result<Detection> CompileDetection(yaml::Node detection, std::string_view file,
                                   const FieldMapper& mapper) {
  Compiler compiler(file, mapper, detection);
  auto impl = CompileImpl(detection, compiler);
  if (!impl) return impl.error();
  return Detection(std::make_unique<Detection::Impl>(std::move(*impl)));
}

}  // namespace vigil::correlate
