// Compiles a Sigma `detection:` map into searches (keyword lists, or an OR of maps whose
// fields are ANDed) plus a parsed condition. All text work that does not depend on the event
// (lower-casing, wildcard shapes, regexes, CIDRs, base64 forms) happens here once.

#include <algorithm>
#include <optional>
#include <utility>

#include "core/ascii.h"
#include "correlate/detection_impl.h"

namespace vigil::correlate {
namespace {

using compiled::FieldTest;
using compiled::Search;
using sigma::Modifiers;

class Compiler {
 public:
  Compiler(std::string_view file, const FieldMapper& mapper, yaml::Node detection,
           const Placeholders* placeholders)
      : file_(file),
        mapper_(mapper),
        placeholders_(placeholders),
        fallback_line_(detection.mark().line) {}

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
  // The values of a field (one, or a list) with their nodes (for error lines); nullopt is
  // YAML null.
  using Values = std::vector<std::pair<std::optional<std::string>, yaml::Node>>;
  Result<Values> PlainValues(yaml::Node key, const std::string& key_text, yaml::Node value) const;

  // `expand`: every value is a whole %name% that `placeholders_` lists; it stands for that list.
  Result<Values> Expand(const Values& values) const;

  std::string_view file_;
  const FieldMapper& mapper_;
  const Placeholders* placeholders_;
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

Result<Compiler::Values> Compiler::PlainValues(yaml::Node key, const std::string& key_text,
                                               yaml::Node value) const {
  Values values;
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
  return values;
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

  auto plain = PlainValues(key, key_text, value);
  if (!plain) return plain.error();
  if (mods->expand) {
    if (mods->exists || mods->fieldref) {
      return At(key, "modifier 'expand' cannot be combined with exists or fieldref");
    }
    plain = Expand(*plain);
    if (!plain) return plain.error();
  }
  const Values& values = *plain;

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

Result<Compiler::Values> Compiler::Expand(const Values& values) const {
  Values out;
  for (const auto& [text, node] : values) {
    const std::string name = text && text->size() > 2 && text->front() == '%' && text->back() == '%'
                                 ? text->substr(1, text->size() - 2)
                                 : std::string();
    if (name.empty()) return At(node, "expand needs a value written %name%");
    const auto it = placeholders_ ? placeholders_->find(name) : Placeholders::const_iterator();
    if (!placeholders_ || it == placeholders_->end()) {
      std::string known;
      if (placeholders_) {
        for (const auto& p : *placeholders_) known += (known.empty() ? "%" : ", %") + p.first + "%";
      }
      return At(node, "unknown placeholder '" + *text + "'" +
                          (known.empty() ? "" : " (known: " + known + ")"));
    }
    for (const std::string& v : it->second) out.emplace_back(v, node);
  }
  return out;
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

Result<Detection> CompileDetection(yaml::Node detection, std::string_view file,
                                   const FieldMapper& mapper, const Placeholders* placeholders) {
  Compiler compiler(file, mapper, detection, placeholders);
  auto impl = CompileImpl(detection, compiler);
  if (!impl) return impl.error();
  return Detection(std::make_unique<Detection::Impl>(std::move(*impl)));
}

}  // namespace vigil::correlate
