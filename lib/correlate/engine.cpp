#include "correlate/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <unordered_map>

#include "core/json.h"
#include "correlate/correlators.h"
#include "correlate/rule_view.h"

namespace vigil::correlate {
namespace {

constexpr int64_t kHourUs = 3'600'000'000;

struct OpenIncident {
  Candidate c;
  int64_t last_fire = 0;
};

// Values come from the store (valid UTF-8), so most need no escaping: copy those at once.
void AppendKeyString(std::string& out, std::string_view s) {
  for (char ch : s) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == '"' || ch == '\\' ||
        static_cast<unsigned char>(ch) >= 0x80) {
      AppendJsonString(out, s);
      return;
    }
  }
  out += '"';
  out += s;
  out += '"';
}

void GroupKeyJson(const GroupPairs& values, std::string* out) {
  out->assign("{");
  for (const auto& [name, value] : values) {
    if (out->size() > 1) *out += ',';
    AppendKeyString(*out, name);
    *out += ':';
    AppendKeyString(*out, value);
  }
  *out += '}';
}

}  // namespace

struct Engine::Impl {
  Impl(const RuleSet& set, EngineOptions opt)
      : rules(set.rules), options(opt), rule_view(view, options) {}

  const std::vector<Rule>& rules;
  EngineOptions options;
  EventView view;
  RuleView rule_view;

  std::vector<std::unique_ptr<Correlator>> correlators;  // per rule; null for detections
  struct Consumer {
    size_t correlation, pos;
    std::vector<std::string> group_names;  // mapped for the input's log source
    std::string value_name;
    size_t key_class = 0;  // consumers of one rule with the same group share their key
  };
  std::vector<std::vector<Consumer>> consumers;  // per rule: who reads its matches
  std::vector<size_t> detections;
  std::vector<Logsource> logsources;
  std::vector<size_t> rule_logsource;
  std::vector<int8_t> logsource_match;  // per event: -1 unknown, 0 no, 1 yes

  std::vector<std::unordered_map<std::string, OpenIncident>> open;
  std::vector<Candidate> done;
  std::vector<std::vector<SeenEntry>> new_seen;  // per rule (first_seen rules only)
  std::vector<std::string> warnings;
  std::vector<bool> warned;
  std::vector<size_t> match_counts;
  std::vector<FieldValue> scratch;
  int64_t now = INT64_MIN;
  size_t fed = 0;

  void Setup() {
    const size_t n = rules.size();
    correlators.resize(n);
    new_seen.resize(n);
    consumers.resize(n);
    open.resize(n);
    warned.assign(n, false);
    match_counts.assign(n, 0);
    rule_logsource.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
      const Rule& r = rules[i];
      if (!r.is_correlation()) {
        detections.push_back(i);
        size_t ls = 0;
        while (ls < logsources.size() && !(logsources[ls].product == r.logsource.product &&
                                           logsources[ls].service == r.logsource.service &&
                                           logsources[ls].category == r.logsource.category)) {
          ++ls;
        }
        if (ls == logsources.size()) logsources.push_back(r.logsource);
        rule_logsource[i] = ls;
        continue;
      }
      correlators[i] =
          MakeCorrelator(r, options.max_groups_per_rule, &new_seen[i], options.hash_key);
      for (size_t pos = 0; pos < r.inputs.size(); ++pos) {
        const size_t input = r.inputs[pos];
        Consumer consumer{i, pos, {}, {}};
        auto map_name = [&](const std::string& name) {
          std::string field = name;
          if (auto a = r.aliases.find(name); a != r.aliases.end()) {
            if (auto f = a->second.find(input); f != a->second.end()) field = f->second;
          }
          const Rule& in = rules[input];
          return in.is_correlation() ? field : MapFieldName(in.logsource, field);
        };
        for (const std::string& g : r.group_by) consumer.group_names.push_back(map_name(g));
        if (correlators[i]->needs_value()) consumer.value_name = map_name(r.threshold.field);
        auto& list = consumers[input];
        consumer.key_class = list.size();
        for (const Consumer& other : list) {
          if (other.group_names == consumer.group_names &&
              rules[other.correlation].group_by == r.group_by) {
            consumer.key_class = other.key_class;
            break;
          }
        }
        list.push_back(std::move(consumer));
      }
    }
    logsource_match.assign(logsources.size(), -1);
  }

  // The value of `name` in a hit: the event's field, or a firing's group value.
  bool ValueOf(const Hit& hit, const std::string& name, std::string* out) {
    if (hit.fields != nullptr) {
      scratch.clear();
      hit.fields->Get(name, &scratch);
      for (const FieldValue& v : scratch) {
        if (v.kind == FieldValue::Kind::kNull) continue;
        out->assign(v.text);
        return true;
      }
      return false;
    }
    if (hit.group != nullptr) {
      if (auto it = hit.group->find(name); it != hit.group->end()) {
        *out = it->second;
        return true;
      }
    }
    return false;
  }

  // Buffers for Emit, one set per nesting level (a firing is emitted from inside Emit).
  struct GroupKey {  // one consumer class's group for the current hit
    bool done = false, complete = false;
    GroupPairs pairs;
    std::string key;
    uint64_t hash = 0;
  };
  struct Scratch {
    std::vector<GroupKey> keys;  // by Consumer::key_class
    std::string field_value;
    std::vector<Fire> fires;
  };
  std::vector<std::unique_ptr<Scratch>> scratch_stack;
  size_t depth = 0;

  void Emit(size_t r, const Hit& hit, const Fire* fire) {
    ++match_counts[r];
    if (rules[r].generate) AddToIncident(r, hit, fire);
    if (consumers[r].empty()) return;
    if (depth == scratch_stack.size()) scratch_stack.push_back(std::make_unique<Scratch>());
    Scratch& sc = *scratch_stack[depth++];
    if (sc.keys.size() < consumers[r].size()) sc.keys.resize(consumers[r].size());
    for (GroupKey& gk : sc.keys) gk.done = false;
    for (const Consumer& consumer : consumers[r]) {
      const Rule& c = rules[consumer.correlation];
      GroupKey& gk = sc.keys[consumer.key_class];
      if (!gk.done) {
        gk.done = true;
        gk.pairs.resize(c.group_by.size());
        gk.complete = true;
        for (size_t k = 0; k < c.group_by.size() && gk.complete; ++k) {
          gk.complete = ValueOf(hit, consumer.group_names[k], &gk.pairs[k].second);
          // A correlation over a correlation may name the inner group field directly.
          if (!gk.complete && hit.group != nullptr) {
            gk.complete = ValueOf(hit, c.group_by[k], &gk.pairs[k].second);
          }
          if (gk.complete) gk.pairs[k].first = c.group_by[k];
        }
        if (gk.complete) {
          GroupKeyJson(gk.pairs, &gk.key);
          gk.hash = SipHash24(options.hash_key, gk.key);
        }
      }
      if (!gk.complete) continue;  // an event without a group-by field is in no group
      const bool has_value =
          !consumer.value_name.empty() && ValueOf(hit, consumer.value_name, &sc.field_value);
      sc.fires.clear();
      Correlator& correlator = *correlators[consumer.correlation];
      correlator.Add(consumer.pos, hit, GroupRef{gk.key, gk.hash, gk.pairs},
                     has_value ? &sc.field_value : nullptr, &sc.fires);
      CheckCap(consumer.correlation);
      if (sc.fires.empty()) continue;
      std::vector<Fire> fires = std::move(sc.fires);
      for (const Fire& f : fires) EmitFire(consumer.correlation, f);
    }
    --depth;
  }

  void EmitFire(size_t c, const Fire& fire) {
    Hit hit;
    hit.ts = fire.ts;
    hit.first_ts = fire.first_ts;
    hit.last_ts = fire.last_ts;
    hit.ids = &fire.ids;
    hit.group = &fire.group;
    hit.detail = fire.detail;
    Emit(c, hit, &fire);
  }

  void CheckCap(size_t c) {
    if (!correlators[c]->capped || warned[c]) return;
    warned[c] = true;
    warnings.push_back(
        fmt::format("rule '{}': state cap of {} groups reached; new groups are not tracked (raise "
                    "--max-groups)",
                    rules[c].title, options.max_groups_per_rule));
  }

  int64_t Gap(const Rule& r) const {
    if (r.gap_us > 0) return r.gap_us;
    return r.timespan_us > 0 ? r.timespan_us : kHourUs;
  }

  void AddToIncident(size_t r, const Hit& hit, const Fire* fire) {
    const Rule& rule = rules[r];
    std::string key;
    std::map<std::string, std::string> values;
    if (fire != nullptr && rule.incident_group_by.empty()) {
      key = fire->group_key;
      values = fire->group;
    } else {
      static const std::vector<std::string> kDefault = {"source.ip", "user.name", "host.name"};
      const auto& names = rule.incident_group_by.empty() ? kDefault : rule.incident_group_by;
      GroupPairs pairs;
      std::string value;
      for (const std::string& name : names) {
        const std::string mapped =
            rule.is_correlation() ? name : MapFieldName(rule.logsource, name);
        if (!ValueOf(hit, mapped, &value)) continue;
        pairs.emplace_back(name, value);
        if (rule.incident_group_by.empty()) break;  // default: the first entity present
      }
      GroupKeyJson(pairs, &key);
      values = std::map<std::string, std::string>(pairs.begin(), pairs.end());
    }
    auto [it, inserted] = open[r].try_emplace(key);
    OpenIncident& o = it->second;
    if (!inserted && hit.ts - o.last_fire > Gap(rule)) {
      Close(std::move(o.c));
      o = OpenIncident{};
      inserted = true;
    }
    Candidate& c = o.c;
    if (inserted) {
      c.rule = r;
      c.group_key = key;
      c.group = std::move(values);
      c.first_us = hit.first_ts;
      c.last_us = hit.last_ts;
    }
    c.first_us = std::min(c.first_us, hit.first_ts);
    c.last_us = std::max(c.last_us, hit.last_ts);
    c.fired_us = std::max(c.fired_us, hit.ts);
    ++c.fires;
    if (!hit.detail.empty()) c.detail = hit.detail;
    if (c.event_ids.size() + IdCount(hit) > options.max_events_per_incident) {
      if (!warned[r]) {
        warned[r] = true;
        warnings.push_back(
            fmt::format("rule '{}': an incident reached {} events; later events "
                        "are not linked",
                        rule.title, options.max_events_per_incident));
      }
    } else {
      AppendIds(hit, &c.event_ids);
    }
    o.last_fire = hit.ts;
  }

  void Close(Candidate&& c) {
    std::sort(c.event_ids.begin(), c.event_ids.end());
    c.event_ids.erase(std::unique(c.event_ids.begin(), c.event_ids.end()), c.event_ids.end());
    if (c.detail.empty()) c.detail = fmt::format("{} matching events", c.event_ids.size());
    done.push_back(std::move(c));
  }

  // Closes incidents whose rule has been quiet for longer than its gap.
  void CloseQuiet() {
    for (size_t r = 0; r < open.size(); ++r) {
      const int64_t gap = Gap(rules[r]);
      for (auto it = open[r].begin(); it != open[r].end();) {
        if (now - it->second.last_fire > gap) {
          Close(std::move(it->second.c));
          it = open[r].erase(it);
        } else {
          ++it;
        }
      }
    }
  }

  // Time-driven correlators hear of every new event time; the others sweep idle state now
  // and then (`all`).
  void Advance(int64_t to, bool all) {
    for (size_t c = 0; c < correlators.size(); ++c) {
      if (!correlators[c] || (!all && !correlators[c]->time_driven())) continue;
      std::vector<Fire> fires;
      correlators[c]->Advance(to, &fires);
      for (const Fire& f : fires) EmitFire(c, f);
    }
  }

  void Feed(const StoredEvent& event) {
    assert(event.event.ts_us >= now);
    const bool moved = event.event.ts_us != now;
    now = event.event.ts_us;
    if (moved) Advance(now, (fed & 0xfff) == 0);
    view.Reset(event);
    rule_view.SetTime(now);
    std::fill(logsource_match.begin(), logsource_match.end(), int8_t(-1));
    for (size_t d : detections) {
      const size_t ls = rule_logsource[d];
      if (logsource_match[ls] < 0) {
        logsource_match[ls] = LogsourceMatches(logsources[ls], view) ? 1 : 0;
      }
      if (logsource_match[ls] == 0) continue;
      if (!rules[d].detection->Matches(rule_view)) continue;
      Hit hit;
      hit.ts = hit.first_ts = hit.last_ts = now;
      hit.id = event.id;
      hit.fields = &rule_view;
      hit.logsource = &rules[d].logsource;
      Emit(d, hit, nullptr);
    }
    if (++fed % 65536 == 0) CloseQuiet();
  }

  std::vector<Candidate> Finish() {
    for (size_t c = 0; c < correlators.size(); ++c) {
      if (!correlators[c]) continue;
      std::vector<Fire> fires;
      correlators[c]->Flush(&fires);
      for (const Fire& f : fires) EmitFire(c, f);
    }
    for (auto& per_rule : open) {
      for (auto& [key, o] : per_rule) Close(std::move(o.c));
      per_rule.clear();
    }
    std::vector<Candidate> out = std::move(done);
    done.clear();
    std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
      if (a.first_us != b.first_us) return a.first_us < b.first_us;
      if (a.rule != b.rule) return a.rule < b.rule;
      return a.group_key < b.group_key;
    });
    return out;
  }
};

Engine::Engine(const RuleSet& rules, EngineOptions options)
    : impl_(std::make_unique<Impl>(rules, options)) {
  impl_->Setup();
}
Engine::~Engine() = default;

void Engine::LoadSeen(const std::vector<SeenState>& seen) {
  std::unordered_map<std::string, size_t> by_id;
  for (size_t i = 0; i < impl_->rules.size(); ++i) {
    if (impl_->rules[i].kind == RuleKind::kFirstSeen) {
      by_id[std::string(impl_->rules[i].display_id())] = i;
    }
  }
  for (const SeenState& s : seen) {
    auto it = by_id.find(s.rule);
    if (it == by_id.end()) continue;  // state of a rule that is no longer loaded
    LoadSeenInto(impl_->correlators[it->second].get(), s.entries);
  }
}

void Engine::Feed(const StoredEvent& event) { impl_->Feed(event); }
std::vector<Candidate> Engine::Finish() { return impl_->Finish(); }
std::vector<SeenState> Engine::new_seen() const {
  std::vector<SeenState> out;
  for (size_t i = 0; i < impl_->new_seen.size(); ++i) {
    if (impl_->new_seen[i].empty()) continue;
    out.push_back(SeenState{std::string(impl_->rules[i].display_id()), impl_->new_seen[i]});
  }
  return out;
}
const std::vector<std::string>& Engine::warnings() const { return impl_->warnings; }
const std::vector<size_t>& Engine::match_counts() const { return impl_->match_counts; }

}  // namespace vigil::correlate
