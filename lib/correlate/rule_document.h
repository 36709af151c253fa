#pragma once
// One YAML document of a rule file, parsed into a Rule whose references to other rules are
// still names (rule_document.cpp). Internal to correlate/: LoadRules is the public entry.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "correlate/rule.h"
#include "yaml/document.h"

namespace vigil::correlate {

// correlation.aliases as written: an alias and its (rule id or name, field) pairs.
struct AliasText {
  std::string name;
  std::vector<std::pair<std::string, std::string>> fields;
};

// A parsed document, before LoadRules resolves what it refers to.
struct Loaded {
  Rule rule;
  std::vector<AliasText> aliases;  // resolved once every rule is loaded
  std::string where;               // file:line of the rule
  bool refers_generate = false;    // correlation.generate: true
};

// Fills `out` from the document's root, or says why the rule is refused (where = file:line of
// the offending node, message as vigil-rules(5) lists them).
// `placeholders` resolves the `expand` modifier (nullptr: none).
std::optional<RuleProblem> ParseRuleDocument(const yaml::Document& document, Loaded* out,
                                             const Placeholders* placeholders = nullptr);

}  // namespace vigil::correlate
