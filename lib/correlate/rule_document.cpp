// One YAML document of a rule file into a Rule: Sigma's metadata, `detection:` (compiled by
// detection.cpp), `correlation:` and vigil's extensions. References between rules are
// resolved later, by LoadRules (rule.cpp), once every document is read.

#include "correlate/rule_document.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/ascii.h"
#include "correlate/event_view.h"

namespace vigil::correlate {
namespace {

struct Kind {
  std::string_view name;
  RuleKind kind;
};
constexpr Kind kKinds[] = {
    {"event_count", RuleKind::kEventCount},
    {"value_count", RuleKind::kValueCount},
    {"temporal", RuleKind::kTemporal},
    {"temporal_ordered", RuleKind::kTemporalOrdered},
    {"value_sum", RuleKind::kValueSum},
    {"value_avg", RuleKind::kValueAvg},
    {"value_percentile", RuleKind::kValuePercentile},
    {"not_followed_by", RuleKind::kNotFollowedBy},
    {"beaconing", RuleKind::kBeaconing},
    {"first_seen", RuleKind::kFirstSeen},
    {"unfamiliar_failures", RuleKind::kUnfamiliarFailures},
};

// A YAML document being loaded: its nodes' marks count the file's lines.
class Doc {
 public:
  Doc(const yaml::Document& document, const Placeholders* placeholders)
      : document_(document), placeholders_(placeholders) {}

  std::string_view file() const { return document_.name(); }
  yaml::Node root() const { return document_.root(); }
  const Placeholders* placeholders() const { return placeholders_; }
  std::string Where(yaml::Node node) const { return document_.Where(node); }
  RuleProblem Problem(yaml::Node node, std::string message) const {
    return RuleProblem{Where(node), std::move(message)};
  }
  // yaml-cpp's lookup in a scalar threw, and the rule was refused with its message at the
  // rule's first line; kept so the same rule gets the same answer (vigil: 5).
  RuleProblem ScalarLookup(std::string_view key) const {
    return Problem(root(), fmt::format("YAML: operator[] call on a scalar (key: \"{}\")", key));
  }

 private:
  const yaml::Document& document_;
  const Placeholders* placeholders_;
};

std::string ScalarOr(yaml::Node node, std::string fallback = {}) {
  if (node && node.IsScalar()) return node.Scalar();
  return fallback;
}

// Strings or a list of strings (Sigma writes `references:` both ways in the wild).
std::vector<std::string> StringList(yaml::Node node) {
  std::vector<std::string> out;
  if (!node) return out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
  } else if (node.IsSequence()) {
    for (yaml::Node item : node.Items()) {
      if (item.IsScalar()) out.push_back(item.Scalar());
    }
  }
  return out;
}

std::optional<double> Number(yaml::Node node) {
  if (!node || !node.IsScalar()) return std::nullopt;
  const std::string& s = node.Scalar();
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// Parses the `condition:` of a correlation into bounds.
std::optional<RuleProblem> ParseThreshold(const Doc& doc, yaml::Node node, Threshold* t) {
  if (!node) return std::nullopt;
  if (!node.IsMap()) return doc.Problem(node, "correlation condition must be a map (gte: 10)");
  for (const yaml::Entry& entry : node.Entries()) {
    const std::string key = entry.first.Scalar();
    if (key == "field") {
      t->field = ScalarOr(entry.second);
      continue;
    }
    if (key == "percentile") {
      t->percentile = Number(entry.second).value_or(-1);
      if (t->percentile < 0 || t->percentile > 100) {
        return doc.Problem(entry.second, "percentile must be a number from 0 to 100");
      }
      continue;
    }
    const std::optional<double> value = Number(entry.second);
    if (!value) return doc.Problem(entry.second, fmt::format("condition {}: not a number", key));
    if (key == "gt") {
      t->gt = value;
    } else if (key == "gte") {
      t->gte = value;
    } else if (key == "lt") {
      t->lt = value;
    } else if (key == "lte") {
      t->lte = value;
    } else if (key == "eq") {
      t->eq = value;
    } else if (key == "neq") {
      t->neq = value;
    } else {
      return doc.Problem(entry.first, fmt::format("unsupported condition operator '{}'", key));
    }
  }
  return std::nullopt;
}

// The settings of vigil's first_seen and beaconing correlations.
std::optional<RuleProblem> ParseKindParams(const Doc& doc, yaml::Node c, Rule* rule) {
  const RuleKind k = rule->kind;
  if (k == RuleKind::kFirstSeen) {
    rule->threshold.field = ScalarOr(c["field"], rule->threshold.field);
    if (rule->threshold.field.empty()) return doc.Problem(c, "first_seen needs a field");
    if (const yaml::Node learn = c["learn"]) {
      const std::optional<int64_t> us = ParseTimespan(ScalarOr(learn));
      if (!us) return doc.Problem(learn, "bad learn timespan");
      rule->first_seen.learn_us = *us;
    }
    if (const yaml::Node recent = c["recent"]) {
      const std::optional<int64_t> us = ParseTimespan(ScalarOr(recent));
      if (!us) return doc.Problem(recent, "bad recent timespan");
      rule->first_seen.recent_us = *us;
    }
    if (const yaml::Node empty = c["empty-history"]) {
      const std::string v = ScalarOr(empty);
      if (v != "new" && v != "learn") return doc.Problem(empty, "empty-history is new or learn");
      rule->first_seen.empty_history_new = v == "new";
    }
  }
  if (k == RuleKind::kUnfamiliarFailures) {
    rule->threshold.field = ScalarOr(c["field"], rule->threshold.field);
    if (rule->threshold.field.empty()) return doc.Problem(c, "unfamiliar_failures needs a field");
    if (rule->rule_refs.size() != 2) {
      return doc.Problem(c, "unfamiliar_failures takes exactly two rules: history, failures");
    }
    const std::string count = ScalarOr(c["count"], "events");
    if (count != "events" && count != "accounts") {
      return doc.Problem(c["count"], "count is events or accounts");
    }
    rule->unfamiliar.count_accounts = count == "accounts";
    if (const yaml::Node window = c["window"]) {
      const std::optional<int64_t> us = ParseTimespan(ScalarOr(window));
      if (!us || *us <= 0) return doc.Problem(window, "bad window timespan");
      if (rule->unfamiliar.count_accounts) return doc.Problem(window, "window needs count: events");
      rule->unfamiliar.window_us = *us;
    }
  }
  if (k == RuleKind::kBeaconing) {
    if (const yaml::Node b = c["beaconing"]) {
      if (b.IsScalar()) return doc.ScalarLookup("min-connections");
      if (const yaml::Node mc = b["min-connections"]) {
        // Checked before the conversion: a double past int's range is undefined behaviour
        // (fuzz_rule_loader sent 2.4e49).
        const std::optional<double> n = Number(mc);
        if (!n || *n < 4 || *n > 1000000 || *n != std::floor(*n)) {
          return doc.Problem(mc, "min-connections must be a whole number from 4 to 1000000");
        }
        rule->beacon.min_connections = static_cast<int>(*n);
      }
      if (auto s = Number(b["min-score"])) rule->beacon.min_score = *s;
      if (const yaml::Node mi = b["min-interval"]) {
        // A timespan (30s, 5m) or a number of seconds, which may be a fraction (0.2).
        std::optional<int64_t> us = ParseTimespan(ScalarOr(mi));
        if (!us) {
          const std::optional<double> seconds = Number(mi);
          if (seconds && *seconds >= 0 && *seconds <= 86'400) us = int64_t(*seconds * 1e6);
        }
        if (!us) return doc.Problem(mi, "bad min-interval (a timespan, or seconds from 0)");
        rule->beacon.min_interval_us = *us;
      }
    }
    if (rule->beacon.min_connections < 4) {
      return doc.Problem(c, "beaconing needs min-connections of at least 4");
    }
  }
  return std::nullopt;
}

std::optional<RuleProblem> ParseCorrelation(const Doc& doc, yaml::Node c, Rule* rule) {
  const yaml::Node type = c["type"];
  if (!type) return doc.Problem(c, "correlation without a type");
  const std::string type_name = ScalarOr(type);
  const auto* kind = std::find_if(std::begin(kKinds), std::end(kKinds),
                                  [&](const Kind& k) { return k.name == type_name; });
  if (kind == std::end(kKinds)) {
    return doc.Problem(type, fmt::format("unsupported correlation type '{}'", type_name));
  }
  rule->kind = kind->kind;
  const yaml::Node rules = c["rules"];
  if (!rules) return doc.Problem(c, "correlation without rules");
  if (rules.IsMap()) {
    return doc.Problem(rules, "correlation rules must be a list of rule ids or names, not a map");
  }
  rule->rule_refs = StringList(rules);
  if (rule->rule_refs.empty()) return doc.Problem(rules, "correlation rules list is empty");
  const yaml::Node timespan = c["timespan"];
  if (!timespan) return doc.Problem(c, "correlation without a timespan");
  const std::optional<int64_t> span = ParseTimespan(ScalarOr(timespan));
  if (!span || *span <= 0) {
    return doc.Problem(timespan, fmt::format("bad timespan '{}' (expected e.g. 30s, 5m, 2h, 1d)",
                                             ScalarOr(timespan)));
  }
  rule->timespan_us = *span;
  rule->group_by = StringList(c["group-by"]);
  if (auto problem = ParseThreshold(doc, c["condition"], &rule->threshold)) return problem;

  const RuleKind k = rule->kind;
  const bool needs_field = k == RuleKind::kValueCount || k == RuleKind::kValueSum ||
                           k == RuleKind::kValueAvg || k == RuleKind::kValuePercentile ||
                           k == RuleKind::kFirstSeen || k == RuleKind::kUnfamiliarFailures;
  // Metrics that grow with the matches in the window. An average or a percentile does not,
  // so an upper bound alone is a test on the matches present (the spec's value_percentile
  // example is `lte: 1`).
  const bool counting = k == RuleKind::kEventCount || k == RuleKind::kValueCount ||
                        k == RuleKind::kValueSum || k == RuleKind::kUnfamiliarFailures;
  if (needs_field && rule->threshold.field.empty() && k != RuleKind::kFirstSeen &&
      k != RuleKind::kUnfamiliarFailures) {
    return doc.Problem(c, fmt::format("{} needs condition.field", type_name));
  }
  if (counting && !rule->threshold.HasLowerBound()) {
    // An upper bound alone ("fewer than 3 events") is an absence test: it can only be
    // decided when a window closes, which vigil expresses as not_followed_by.
    return doc.Problem(c["condition"] ? c["condition"] : c,
                       "unsupported condition without a lower bound (gt/gte/eq); use "
                       "not_followed_by for absence");
  }
  if (k == RuleKind::kTemporalOrdered || k == RuleKind::kNotFollowedBy) {
    if (rule->rule_refs.size() < 2) return doc.Problem(rules, "needs at least two rules");
  }
  if (k == RuleKind::kNotFollowedBy && rule->rule_refs.size() != 2) {
    return doc.Problem(rules, "not_followed_by takes exactly two rules: A, then B");
  }
  if (auto problem = ParseKindParams(doc, c, rule)) return problem;
  if (const yaml::Node generate = c["generate"]) {
    // Sigma: the referenced rules also generate their own matches.
    if (ScalarOr(generate) == "true") rule->generate = true;
  }
  return std::nullopt;
}

// A detection rule's log source and `detection:` map.
std::optional<RuleProblem> ParseDetection(const Doc& doc, yaml::Node detection, Rule* rule) {
  const yaml::Node ls = doc.root()["logsource"];
  if (ls && ls.IsMap()) {
    rule->logsource.product = Lower(ScalarOr(ls["product"]));
    rule->logsource.service = Lower(ScalarOr(ls["service"]));
    rule->logsource.category = Lower(ScalarOr(ls["category"]));
  }
  const Logsource logsource = rule->logsource;
  Result<Detection> compiled = CompileDetection(
      detection, doc.file(),
      [logsource](std::string_view field) { return MapFieldName(logsource, field); },
      doc.placeholders());
  if (!compiled.has_value()) {
    // The detection compiler puts "file:line: " at the start of its message.
    const Error& e = compiled.error();
    std::string message = e.message;
    std::string where = e.where;
    const std::string prefix = std::string(doc.file()) + ":";
    if (where.empty() && message.rfind(prefix, 0) == 0) {
      const size_t colon = message.find(": ", prefix.size());
      if (colon != std::string::npos) {
        where = message.substr(0, colon);  // the node's line counts in the file
        message = message.substr(colon + 2);
      }
    }
    return RuleProblem{where.empty() ? doc.Where(detection) : where, message};
  }
  rule->detection = std::move(compiled).value();
  return std::nullopt;
}

// One YAML document → a rule (or a problem).
std::optional<RuleProblem> ParseDocument(const Doc& doc, Loaded* out) {
  const yaml::Node root = doc.root();
  if (!root.IsMap()) return doc.Problem(root, "a rule must be a YAML map");
  Rule& rule = out->rule;
  rule.file = std::string(doc.file());
  rule.line = root.mark().line + 1;
  out->where = doc.Where(root);
  rule.title = ScalarOr(root["title"]);
  if (rule.title.empty()) return doc.Problem(root, "rule without a title");
  rule.id = ScalarOr(root["id"]);
  rule.name = ScalarOr(root["name"]);
  rule.author = ScalarOr(root["author"]);
  rule.level = ScalarOr(root["level"]);
  rule.status = ScalarOr(root["status"]);
  rule.description = ScalarOr(root["description"]);
  rule.tags = StringList(root["tags"]);
  rule.falsepositives = StringList(root["falsepositives"]);
  rule.references = StringList(root["references"]);
  const yaml::Node detection = root["detection"];
  const yaml::Node correlation = root["correlation"];
  if (detection && correlation) {
    return doc.Problem(root, "a rule has either detection or correlation, not both");
  }
  if (correlation) {
    if (!correlation.IsMap()) return doc.Problem(correlation, "correlation must be a map");
    if (auto problem = ParseCorrelation(doc, correlation, &rule)) return problem;
    for (const yaml::Entry& alias : correlation["aliases"].Entries()) {
      AliasText& text = out->aliases.emplace_back(AliasText{alias.first.Scalar(), {}});
      for (const yaml::Entry& mapping : alias.second.Entries()) {
        text.fields.emplace_back(mapping.first.Scalar(), mapping.second.Scalar());
      }
    }
    out->refers_generate = ScalarOr(correlation["generate"]) == "true";
  } else if (detection) {
    if (auto problem = ParseDetection(doc, detection, &rule)) return problem;
  } else if (root["type"] || root["rules"]) {
    return doc.Problem(root,
                       "unsupported: correlation keys (type, rules) outside a 'correlation:' map");
  } else {
    return doc.Problem(root, "rule has neither detection nor correlation");
  }
  if (const yaml::Node v = root["vigil"]) {
    if (v.IsScalar()) return doc.ScalarLookup("group-by");
    rule.incident_group_by = StringList(v["group-by"]);
    if (const yaml::Node gap = v["gap"]) {
      const std::optional<int64_t> us = ParseTimespan(ScalarOr(gap));
      if (!us) return doc.Problem(gap, "bad vigil.gap timespan");
      rule.gap_us = *us;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string_view RuleKindName(RuleKind kind) {
  if (kind == RuleKind::kDetection) return "detection";
  for (const Kind& k : kKinds) {
    if (k.kind == kind) return k.name;
  }
  return "?";
}

std::optional<RuleProblem> ParseRuleDocument(const yaml::Document& document, Loaded* out,
                                             const Placeholders* placeholders) {
  return ParseDocument(Doc(document, placeholders), out);
}

}  // namespace vigil::correlate
