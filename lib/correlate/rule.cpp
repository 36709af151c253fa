#include "correlate/rule.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <functional>
#include <set>
#include <system_error>
#include <unordered_map>

#include "config/config.h"
#include "core/ascii.h"
#include "core/file_io.h"
#include "correlate/rule_document.h"
#include "crypto/sha256.h"
#include "yaml/document.h"

namespace vigil::correlate {
bool Threshold::Holds(double v) const {
  if (gt && !(v > *gt)) return false;
  if (gte && !(v >= *gte)) return false;
  if (lt && !(v < *lt)) return false;
  if (lte && !(v <= *lte)) return false;
  if (eq && v != *eq) return false;
  if (neq && v == *neq) return false;
  return true;
}

std::string Threshold::Describe() const {
  std::string out;
  auto add = [&](const char* op, const std::optional<double>& bound) {
    if (!bound) return;
    if (!out.empty()) out += " and ";
    out += fmt::format("{} {}", op, *bound);
  };
  add(">", gt);
  add(">=", gte);
  add("<", lt);
  add("<=", lte);
  add("=", eq);
  add("!=", neq);
  return out;
}

std::optional<int64_t> ParseTimespan(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1'000'000;
      break;
    case 'm':
      unit = 60'000'000;
      break;
    case 'h':
      unit = 3'600'000'000;
      break;
    case 'd':
      unit = 86'400'000'000;
      break;
    case 'w':
      unit = 7 * 86'400'000'000LL;
      break;
    default:
      return std::nullopt;
  }
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
  if (ec != std::errc() || end != text.data() + text.size() - 1 || n <= 0 ||
      n > 366 * 86'400'000'000LL / unit) {
    return std::nullopt;
  }
  return n * unit;
}

int64_t RuleSet::LookbackMicros() const {
  // A correlation needs its own timespan plus whatever its inputs need (chains add up).
  std::vector<int64_t> need(rules.size(), 0);
  int64_t most = 0;
  for (size_t i = 0; i < rules.size(); ++i) {
    const Rule& r = rules[i];
    int64_t inner = 0;
    for (size_t input : r.inputs) inner = std::max(inner, need[input]);
    need[i] = r.timespan_us + inner;
    if (r.generate)
      need[i] += r.gap_us > 0 ? r.gap_us : (r.timespan_us > 0 ? r.timespan_us : 3'600'000'000LL);
    most = std::max(most, need[i]);
  }
  return most;
}

namespace {

// Parses every document of `source` into `loaded`; one refused goes to set->problems.
void ParseSource(const RuleSource& source, const Placeholders& placeholders, RuleSet* set,
                 std::vector<Loaded>* loaded) {
  for (const yaml::DocumentText& text : yaml::SplitDocuments(source.text)) {
    Result<yaml::Document> document = yaml::Parse(text.text, source.name, text.first_line);
    if (!document) {
      set->problems.push_back(RuleProblem{document.error().where, document.error().message});
      continue;
    }
    const yaml::Node root = document->root();
    if (root.IsNull()) {
      // Empty (a trailing ---, comments only) is fine; text that yields nothing is not.
      if (yaml::HasContent(text.text)) {
        set->problems.push_back(
            RuleProblem{fmt::format("{}:{}", source.name, text.first_line + 1),
                        "YAML: the document has text but no rule in it (not valid YAML?)"});
      }
      continue;
    }
    Loaded item;
    if (std::optional<RuleProblem> problem = ParseRuleDocument(*document, &item, &placeholders)) {
      set->problems.push_back(std::move(*problem));
      continue;
    }
    if (!item.rule.references.empty() && root["references"] && root["references"].IsScalar()) {
      set->warnings.push_back(item.where + ": references should be a list");
    }
    loaded->push_back(std::move(item));
  }
}

// What LoadRules does once every document is parsed: references resolved by id, then by
// name, rules ordered inputs first, and a rule refused along with whatever depends on it.
class Resolver {
 public:
  Resolver(std::vector<Loaded> loaded, RuleSet* set)
      : loaded_(std::move(loaded)),
        set_(set),
        dead_(loaded_.size(), false),
        inputs_(loaded_.size()),
        state_(loaded_.size(), 0) {}

  void Run() {
    IndexKeys();
    FindInputs();
    for (size_t i = 0; i < loaded_.size(); ++i) Visit(i);
    Emit();
  }

 private:
  void Refuse(size_t i, std::string message) {
    set_->problems.push_back(RuleProblem{loaded_[i].where, std::move(message)});
    dead_[i] = true;
  }

  // Duplicate ids or names are refused (ambiguous).
  void IndexKeys() {
    for (size_t i = 0; i < loaded_.size(); ++i) {
      for (const std::string* key : {&loaded_[i].rule.id, &loaded_[i].rule.name}) {
        if (key->empty()) continue;
        auto [it, inserted] = by_key_.emplace(*key, i);
        if (!inserted && it->second != i) {
          Refuse(i, fmt::format("duplicate rule id or name '{}' (first at {})", *key,
                                loaded_[it->second].where));
        }
      }
    }
  }

  void FindInputs() {
    for (size_t i = 0; i < loaded_.size(); ++i) {
      if (dead_[i] || !loaded_[i].rule.is_correlation()) continue;
      for (const std::string& ref : loaded_[i].rule.rule_refs) {
        auto it = by_key_.find(ref);
        if (it == by_key_.end()) {
          Refuse(i, fmt::format("unknown rule '{}' (no rule has this id or name)", ref));
          break;
        }
        inputs_[i].push_back(it->second);
      }
    }
  }

  // Depth first, inputs before the rule, refusing cycles and correlations over dead rules.
  bool Visit(size_t i) {
    if (state_[i] == 2) return !dead_[i];
    if (state_[i] == 1) {
      Refuse(i, "rule references form a cycle");
      return false;
    }
    state_[i] = 1;
    for (size_t input : inputs_[i]) {
      if (!Visit(input) && !dead_[i]) {
        Refuse(i,
               fmt::format("refers to rule '{}', which did not load", loaded_[input].rule.title));
      }
    }
    state_[i] = 2;
    if (!dead_[i]) order_.push_back(i);
    return !dead_[i];
  }

  void Emit() {
    // Sigma: a rule that a correlation refers to does not generate on its own, unless the
    // correlation says generate: true.
    std::vector<bool> referenced(loaded_.size(), false), forced(loaded_.size(), false);
    for (size_t i : order_) {
      for (size_t input : inputs_[i]) {
        referenced[input] = true;
        if (loaded_[i].refers_generate) forced[input] = true;
      }
    }
    std::vector<size_t> index_of(loaded_.size(), SIZE_MAX);
    for (size_t i : order_) {
      index_of[i] = set_->rules.size();
      Rule rule = std::move(loaded_[i].rule);
      rule.generate = !referenced[i] || forced[i];
      for (size_t input : inputs_[i]) rule.inputs.push_back(index_of[input]);
      ResolveAliases(loaded_[i], index_of, &rule);
      set_->rules.push_back(std::move(rule));
    }
  }

  // Aliases: alias -> {rule ref -> field}.
  void ResolveAliases(const Loaded& item, const std::vector<size_t>& index_of, Rule* rule) {
    for (const AliasText& alias : item.aliases) {
      auto& per_rule = rule->aliases[alias.name];
      for (const auto& [ref, field] : alias.fields) {
        auto it = by_key_.find(ref);
        if (it != by_key_.end() && index_of[it->second] != SIZE_MAX) {
          per_rule[index_of[it->second]] = field;
        } else {
          set_->warnings.push_back(
              fmt::format("{}: alias {} names unknown rule '{}'", item.where, alias.name, ref));
        }
      }
    }
  }

  std::vector<Loaded> loaded_;
  RuleSet* set_;
  std::unordered_map<std::string, size_t> by_key_;
  std::vector<bool> dead_;
  std::vector<std::vector<size_t>> inputs_;
  std::vector<int> state_;  // 0 new, 1 visiting, 2 done
  std::vector<size_t> order_;
};

}  // namespace

Placeholders PlaceholdersFor(std::vector<std::string> internal_networks) {
  Placeholders p;
  p.emplace("internal", std::move(internal_networks));
  return p;
}

Placeholders DefaultPlaceholders() { return PlaceholdersFor(config::DefaultInternalNetworks()); }

RuleSet LoadRules(const std::vector<RuleSource>& sources, const Placeholders& placeholders) {
  RuleSet set;
  std::string all_text;  // hashed once at the end
  std::vector<Loaded> loaded;
  for (const RuleSource& source : sources) {
    all_text.append(source.name).push_back('\0');
    all_text.append(source.text).push_back('\0');
    ParseSource(source, placeholders, &set, &loaded);
  }
  // What %placeholders% stand for changes what the rules match: part of the digest, unless
  // they are vigil's defaults (so a store's earlier runs keep their digest).
  if (placeholders != DefaultPlaceholders()) {
    for (const auto& [name, values] : placeholders) {
      all_text.append("%" + name + "%").push_back('\0');
      for (const std::string& v : values) all_text.append(v).push_back('\0');
    }
  }
  if (Result<crypto::Sha256> sha = crypto::Sha256::Create(); sha.has_value()) {
    set.digest = crypto::DigestHex(sha.value().Hash(all_text));
  }
  Resolver(std::move(loaded), &set).Run();
  return set;
}

Result<std::vector<RuleSource>> ReadRuleFiles(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(path, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const fs::path& p = it->path();
        if (it->is_regular_file(ec) && (p.extension() == ".yml" || p.extension() == ".yaml")) {
          found.push_back(p.string());
        }
      }
      if (ec) return MakeError(ErrorCode::kIo, "cannot read rule directory: " + ec.message(), path);
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(path);
    }
  }
  std::vector<RuleSource> sources;
  for (const std::string& file : files) {
    Result<std::string> text = ReadFile(file, 16u << 20);
    if (!text.has_value()) return text.error();
    sources.push_back(RuleSource{file, std::move(text).value()});
  }
  return sources;
}

}  // namespace vigil::correlate
