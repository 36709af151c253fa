#include "correlate/correlators.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/time.h"
#include "correlate/correlator_parts.h"
#include "correlate/engine.h"

namespace vigil::correlate {
namespace {

using namespace parts;  // NOLINT: this file is the parts' user

// event_count, value_count, value_sum, value_avg, value_percentile: a sliding window per
// group, (now - timespan, now], tested on every arrival.
class WindowCorrelator final : public Correlator {
 public:
  WindowCorrelator(const Rule& rule, size_t cap, const SipKey& key)
      : rule_(rule), groups_(cap), key_(key) {}
  bool needs_value() const override { return rule_.kind != RuleKind::kEventCount; }

  void Add(size_t, const Hit& hit, const GroupRef& group, const std::string* value,
           std::vector<Fire>* out) override {
    const RuleKind k = rule_.kind;
    double number = 0;
    if (k != RuleKind::kEventCount) {
      if (value == nullptr) return;  // the field is missing: the hit does not count
      if (k != RuleKind::kValueCount) {
        const char* end = value->data() + value->size();
        auto [p, ec] = std::from_chars(value->data(), end, number);
        if (ec != std::errc() || p != end || !std::isfinite(number)) return;
      }
    }
    Group* g = groups_.Find(group.hash, hit.ts, &capped);
    if (g == nullptr) return;
    Evict(g, hit.ts);
    Entry e = MakeEntry(hit, g->next_seq++);
    e.number = number;
    if (k == RuleKind::kValueCount) {
      // Distinct values are counted in one table for all groups, by keyed hash of (group,
      // value): no container per group, and values cannot be crafted to collide.
      scratch_.assign(group.key);
      scratch_.push_back('\0');
      scratch_.append(*value);
      e.value = SipHash24(key_, scratch_);
      if (++counts_[e.value] == 1) ++g->distinct;
    }
    g->sum += number;
    g->window.push_back(std::move(e));
    const double metric = Metric(*g);
    if (!rule_.threshold.Holds(metric)) return;
    Fire fire = StartFire(hit.ts, group, Describe(metric));
    Collect(g->window, g->emitted, &fire);
    g->emitted = g->next_seq;
    out->push_back(std::move(fire));
  }

  void Advance(int64_t now, std::vector<Fire>*) override {
    groups_.Sweep(
        now, rule_.timespan_us, [](const Group&) { return false; },
        [this](Group& g) { Evict(&g, INT64_MAX); });
  }
  void Flush(std::vector<Fire>*) override {}

 private:
  struct Group {
    Window window;
    uint64_t next_seq = 0, emitted = 0;
    size_t distinct = 0;
    double sum = 0;
    int64_t last_seen = 0;
  };

  // Drops entries older than the window ending at `now` (INT64_MAX: all of them).
  void Evict(Group* g, int64_t now) {
    const int64_t horizon = now == INT64_MAX ? INT64_MAX : now - rule_.timespan_us;
    while (!g->window.empty() && g->window.front().ts <= horizon) {
      Entry& e = g->window.front();
      g->sum -= e.number;
      if (rule_.kind == RuleKind::kValueCount) {
        auto it = counts_.find(e.value);
        if (--it->second == 0) {
          counts_.erase(it);
          --g->distinct;
        }
      }
      g->window.pop_front();
    }
    if (g->window.empty()) g->sum = 0;  // no drift from repeated subtraction
  }

  double Metric(const Group& g) const {
    switch (rule_.kind) {
      case RuleKind::kEventCount:
        return double(g.window.size());
      case RuleKind::kValueCount:
        return double(g.distinct);
      case RuleKind::kValueSum:
        return g.sum;
      case RuleKind::kValueAvg:
        return g.sum / double(g.window.size());
      case RuleKind::kValuePercentile: {
        std::vector<double> values;
        values.reserve(g.window.size());
        for (const Entry& e : g.window) values.push_back(e.number);
        const size_t rank =
            size_t(std::ceil(rule_.threshold.percentile / 100.0 * double(values.size())));
        const size_t at = rank == 0 ? 0 : rank - 1;
        std::nth_element(values.begin(), values.begin() + long(at), values.end());
        return values[at];
      }
      default:
        return 0;
    }
  }

  std::string Describe(double metric) const {
    const std::string cond = rule_.threshold.Describe();
    const std::string span = Span(rule_.timespan_us);
    switch (rule_.kind) {
      case RuleKind::kEventCount:
        return fmt::format("{} events in {} ({})", Num(metric), span, cond);
      case RuleKind::kValueCount:
        return fmt::format("{} distinct {} in {} ({})", Num(metric), rule_.threshold.field, span,
                           cond);
      case RuleKind::kValueSum:
        return fmt::format("sum of {} is {} in {} ({})", rule_.threshold.field, Num(metric), span,
                           cond);
      case RuleKind::kValueAvg:
        return fmt::format("average {} is {} in {} ({})", rule_.threshold.field, Num(metric), span,
                           cond);
      default:
        return fmt::format("percentile {} of {} is {} in {} ({})", Num(rule_.threshold.percentile),
                           rule_.threshold.field, Num(metric), span, cond);
    }
  }

  const Rule& rule_;
  Groups<Group> groups_;
  SipKey key_;
  std::unordered_map<uint64_t, uint32_t> counts_;  // (group, value) hash -> entries in windows
  std::string scratch_;
};

// temporal (all rules within the timespan, any order) and temporal_ordered (in order).
class TemporalCorrelator final : public Correlator {
 public:
  TemporalCorrelator(const Rule& rule, size_t cap)
      : rule_(rule), ordered_(rule.kind == RuleKind::kTemporalOrdered), groups_(cap) {}

  void Add(size_t pos, const Hit& hit, const GroupRef& group, const std::string*,
           std::vector<Fire>* out) override {
    const size_t n = rule_.inputs.size();
    Group* g = groups_.Find(group.hash, hit.ts, &capped);
    if (g == nullptr) return;
    if (g->steps.empty()) {
      g->steps.resize(n);
      g->chain.assign(n, std::nullopt);
    }
    // The window is (now - timespan, now], as for the counting types.
    const int64_t horizon = hit.ts - rule_.timespan_us;
    for (auto& step : g->steps) {
      while (!step.empty() && step.front().ts <= horizon) step.pop_front();
    }
    bool complete = false;
    if (ordered_) {
      for (auto& start : g->chain) {
        if (start && *start <= horizon) start.reset();
      }
      if (pos == 0) {
        g->chain[0] = hit.ts;
      } else if (g->chain[pos - 1]) {
        g->chain[pos] = std::max(g->chain[pos].value_or(INT64_MIN), *g->chain[pos - 1]);
      } else {
        return;  // out of order: cannot be part of a sequence
      }
      complete = pos == n - 1;
    }
    g->steps[pos].push_back(MakeEntry(hit, g->next_seq++));
    if (!ordered_) {
      complete = std::all_of(g->steps.begin(), g->steps.end(),
                             [](const auto& step) { return !step.empty(); });
    }
    if (!complete) return;
    Fire fire = StartFire(hit.ts, group,
                          fmt::format("{} rules matched {}within {}", n,
                                      ordered_ ? "in order " : "", Span(rule_.timespan_us)));
    for (const auto& step : g->steps) Collect(step, g->emitted, &fire);
    g->emitted = g->next_seq;
    out->push_back(std::move(fire));
  }

  void Advance(int64_t now, std::vector<Fire>*) override {
    groups_.Sweep(now, rule_.timespan_us, [](const Group&) { return false; });
  }
  void Flush(std::vector<Fire>*) override {}

 private:
  struct Group {
    std::vector<Window> steps;
    std::vector<std::optional<int64_t>> chain;  // latest start of an ordered chain to step k
    uint64_t next_seq = 0, emitted = 0;
    int64_t last_seen = 0;
  };
  const Rule& rule_;
  const bool ordered_;
  Groups<Group> groups_;
};

// vigil: A and then no B in the same group within the timespan. Fires when the time is up,
// in event time: only once an event later than the deadline has been seen.
class NotFollowedByCorrelator final : public Correlator {
 public:
  NotFollowedByCorrelator(const Rule& rule, size_t cap) : rule_(rule), groups_(cap) {}
  bool time_driven() const override { return true; }

  void Add(size_t pos, const Hit& hit, const GroupRef& group, const std::string*,
           std::vector<Fire>*) override {
    Group* g = groups_.Find(group.hash, hit.ts, &capped);
    if (g == nullptr) return;
    if (pos == 1) {
      g->pending.clear();  // every pending A is followed by this B (expired ones already fired)
      return;
    }
    if (g->pending.empty()) {
      g->values = group.pairs;
      g->key = group.key;
    }
    Entry e = MakeEntry(hit, g->next_seq++);
    deadlines_.emplace(hit.ts + rule_.timespan_us, std::make_pair(group.hash, e.seq));
    g->pending.push_back(std::move(e));
  }

  void Advance(int64_t now, std::vector<Fire>* out) override {
    while (!deadlines_.empty() && deadlines_.begin()->first < now) {
      auto node = deadlines_.extract(deadlines_.begin());
      const auto& [hash, seq] = node.mapped();
      auto it = groups_.map().find(hash);
      if (it == groups_.map().end()) continue;
      Group& g = it->second;
      while (!g.pending.empty() && g.pending.front().seq < seq) g.pending.pop_front();
      if (g.pending.empty() || g.pending.front().seq != seq) continue;  // B came in between
      Fire fire = StartFire(
          node.key(), g.key, g.values,
          fmt::format("not followed by the second rule within {}", Span(rule_.timespan_us)));
      Collect(std::vector<Entry>(1, g.pending.front()), 0, &fire);
      g.pending.pop_front();
      out->push_back(std::move(fire));
    }
    groups_.Sweep(now, rule_.timespan_us, [](const Group& g) { return !g.pending.empty(); });
  }
  void Flush(std::vector<Fire>*) override {}

 private:
  struct Group {
    Window pending;
    std::string key;
    GroupPairs values;
    uint64_t next_seq = 0;
    int64_t last_seen = 0;
  };
  const Rule& rule_;
  Groups<Group> groups_;
  std::multimap<int64_t, std::pair<uint64_t, uint64_t>> deadlines_;  // -> (group, entry)
};

}  // namespace

std::unique_ptr<Correlator> MakeCorrelator(const Rule& rule, size_t max_groups,
                                           std::vector<SeenEntry>* new_seen, const SipKey& key) {
  switch (rule.kind) {
    case RuleKind::kEventCount:
    case RuleKind::kValueCount:
    case RuleKind::kValueSum:
    case RuleKind::kValueAvg:
    case RuleKind::kValuePercentile:
      return std::make_unique<WindowCorrelator>(rule, max_groups, key);
    case RuleKind::kTemporal:
    case RuleKind::kTemporalOrdered:
      return std::make_unique<TemporalCorrelator>(rule, max_groups);
    case RuleKind::kNotFollowedBy:
      return std::make_unique<NotFollowedByCorrelator>(rule, max_groups);
    case RuleKind::kBeaconing:
      return parts::MakeBeaconCorrelator(rule, max_groups);
    case RuleKind::kFirstSeen:
      return parts::MakeFirstSeenCorrelator(rule, max_groups, new_seen, key);
    case RuleKind::kUnfamiliarFailures:
      return parts::MakeUnfamiliarFailuresCorrelator(rule, max_groups, key);
    case RuleKind::kDetection:
      break;
  }
  return nullptr;
}

}  // namespace vigil::correlate
