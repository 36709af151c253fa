#include "correlate/correlators.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/fifo.h"
#include "core/time.h"
#include "correlate/engine.h"

namespace vigil::correlate {
namespace {

// One hit kept in a window. Most hits are one event, kept inline (no allocation).
struct Entry {
  int64_t ts = 0, first_ts = 0, last_ts = 0;
  uint64_t seq = 0;
  int64_t id = 0;
  std::vector<int64_t> more;  // a firing's events
  uint64_t value = 0;         // value_count: keyed hash of (group, value)
  double number = 0;
};

Entry MakeEntry(const Hit& hit, uint64_t seq) {
  Entry e;
  e.ts = hit.ts;
  e.first_ts = hit.first_ts;
  e.last_ts = hit.last_ts;
  e.seq = seq;
  if (hit.ids) {
    e.more = *hit.ids;
  } else {
    e.id = hit.id;
  }
  return e;
}

using Window = Fifo<Entry>;

// Adds the entries not reported yet (seq >= *emitted) to `fire`.
template <typename Range>
void Collect(const Range& entries, uint64_t emitted, Fire* fire) {
  for (const Entry& e : entries) {
    if (e.seq < emitted) continue;
    const bool first = fire->ids.empty();
    if (e.more.empty()) {
      if (e.id) fire->ids.push_back(e.id);
    } else {
      fire->ids.insert(fire->ids.end(), e.more.begin(), e.more.end());
    }
    fire->first_ts = first ? e.first_ts : std::min(fire->first_ts, e.first_ts);
    fire->last_ts = std::max(fire->last_ts, e.last_ts);
  }
}

Fire StartFire(int64_t ts, const std::string& key, const GroupPairs& pairs, std::string detail) {
  Fire f;
  f.ts = ts;
  f.first_ts = ts;
  f.last_ts = 0;
  f.group_key = key;
  f.group = std::map<std::string, std::string>(pairs.begin(), pairs.end());
  f.detail = std::move(detail);
  return f;
}
Fire StartFire(int64_t ts, const GroupRef& group, std::string detail) {
  return StartFire(ts, group.key, group.pairs, std::move(detail));
}

std::string Num(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", int64_t(v));
  return fmt::format("{:.2f}", v);
}

std::string Span(int64_t us) {
  if (us % 86'400'000'000 == 0) return fmt::format("{}d", us / 86'400'000'000);
  if (us % 3'600'000'000 == 0) return fmt::format("{}h", us / 3'600'000'000);
  if (us % 60'000'000 == 0) return fmt::format("{}m", us / 60'000'000);
  return fmt::format("{}s", us / 1'000'000);
}

// Per-group state with a cap and a sweep of idle groups.
template <typename Group>
class Groups {
 public:
  explicit Groups(size_t cap) : cap_(cap) {}
  // nullptr when the cap is reached and the group is new.
  Group* Find(uint64_t key, int64_t now, bool* capped) {
    auto it = map_.find(key);
    if (it != map_.end()) {
      it->second.last_seen = now;
      return &it->second;
    }
    if (map_.size() >= cap_) {
      *capped = true;
      return nullptr;
    }
    Group& g = map_[key];
    g.last_seen = now;
    return &g;
  }
  // Drops groups idle for longer than `idle_us` (unless keep(g) says otherwise).
  template <typename Keep>
  void Sweep(int64_t now, int64_t idle_us, Keep keep) {
    Sweep(now, idle_us, keep, [](Group&) {});
  }
  template <typename Keep, typename OnErase>
  void Sweep(int64_t now, int64_t idle_us, Keep keep, OnErase on_erase) {
    if (map_.size() < next_sweep_) return;
    for (auto it = map_.begin(); it != map_.end();) {
      if (it->second.last_seen < now - idle_us && !keep(it->second)) {
        on_erase(it->second);
        it = map_.erase(it);
      } else {
        ++it;
      }
    }
    // Sweeping rarely keeps groups that come back soon (no re-creation churn) at the cost
    // of some memory: at most about twice the live groups, never fewer than 64k.
    next_sweep_ = std::max<size_t>(65536, map_.size() * 2);
  }
  std::unordered_map<uint64_t, Group>& map() { return map_; }

 private:
  size_t cap_;
  size_t next_sweep_ = 65536;
  std::unordered_map<uint64_t, Group> map_;  // by the group key's keyed hash
};

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

// vigil: beaconing. For each group (typically source and destination), the intervals between
// connections in the window are scored after RITA: a symmetric interval distribution (Bowley
// skewness near 0), a small median absolute deviation relative to the median interval, and a
// rhythm that persists over at least half the window. Score = (skew + 2 dispersion +
// persistence) / 4, in [0, 1].
class BeaconCorrelator final : public Correlator {
 public:
  BeaconCorrelator(const Rule& rule, size_t cap) : rule_(rule), groups_(cap) {}

  void Add(size_t, const Hit& hit, const GroupRef& group, const std::string*,
           std::vector<Fire>* out) override {
    Group* g = groups_.Find(group.hash, hit.ts, &capped);
    if (g == nullptr) return;
    while (!g->beats.empty() && g->beats.front().ts <= hit.ts - rule_.timespan_us) {
      g->beats.pop_front();
      ++g->popped;
    }
    // One beat per contributing event (a firing of a correlation counts each of its events).
    if (hit.ids) {
      for (int64_t id : *hit.ids) g->beats.push_back(Beat{hit.ts, id});
    } else {
      g->beats.push_back(Beat{hit.ts, hit.id});
    }
    const size_t n = g->beats.size();
    if (n < size_t(rule_.beacon.min_connections)) return;
    if (g->key.empty()) {  // names kept only for the few groups that may fire
      g->key = group.key;
      g->values = group.pairs;
    }
    // Scoring sorts the intervals: do it again only after a quarter more connections.
    if (++g->since_eval < std::max<size_t>(1, n / 4)) return;
    Evaluate(g, hit.ts, out);
  }

  void Advance(int64_t now, std::vector<Fire>*) override {
    groups_.Sweep(now, rule_.timespan_us, [](const Group&) { return false; });
  }

  void Flush(std::vector<Fire>* out) override {
    // Connections since the last evaluation still belong to the beacon if it scores.
    std::vector<Group*> pending;
    for (auto& [hash, g] : groups_.map()) {
      if (g.since_eval > 0 && g.beats.size() >= size_t(rule_.beacon.min_connections)) {
        pending.push_back(&g);
      }
    }
    // Deterministic order, whatever the hash table's.
    std::sort(pending.begin(), pending.end(),
              [](const Group* a, const Group* b) { return a->key < b->key; });
    for (Group* g : pending) Evaluate(g, g->beats.back().ts, out);
  }

 private:
  struct Beat {
    int64_t ts, id;
  };
  struct Group {
    Fifo<Beat> beats;
    uint64_t popped = 0;   // beats dropped from the front so far (absolute index base)
    uint64_t emitted = 0;  // beats before this absolute index were reported
    std::string key;       // set once the group has enough beats to score
    GroupPairs values;
    size_t since_eval = 0;
    int64_t last_seen = 0;
  };

  void Evaluate(Group* g, int64_t now, std::vector<Fire>* out) {
    g->since_eval = 0;
    std::vector<double>& gaps = gaps_;
    gaps.clear();
    for (size_t i = 1; i < g->beats.size(); ++i) {
      gaps.push_back(double(g->beats[i].ts - g->beats[i - 1].ts));
    }
    std::sort(gaps.begin(), gaps.end());
    auto quantile = [](const std::vector<double>& v, double q) {
      const double pos = q * double(v.size() - 1);
      const size_t lo = size_t(std::floor(pos));
      const size_t hi = std::min(v.size() - 1, lo + 1);
      return v[lo] + (v[hi] - v[lo]) * (pos - double(lo));
    };
    const double q1 = quantile(gaps, 0.25), q2 = quantile(gaps, 0.5), q3 = quantile(gaps, 0.75);
    if (q2 < double(rule_.beacon.min_interval_us)) return;
    const double skew = q3 > q1 ? (q3 + q1 - 2 * q2) / (q3 - q1) : 0.0;
    std::vector<double>& deviations = deviations_;
    deviations.clear();
    for (double gap : gaps) deviations.push_back(std::fabs(gap - q2));
    std::sort(deviations.begin(), deviations.end());
    const double madm = quantile(deviations, 0.5);
    const double skew_score = 1.0 - std::min(1.0, std::fabs(skew));
    const double madm_score = std::max(0.0, 1.0 - madm / q2);
    const double span = double(g->beats.back().ts - g->beats.front().ts);
    const double persistence = std::min(1.0, span / (double(rule_.timespan_us) / 2));
    // Dispersion counts twice: random (Poisson-like) traffic has symmetric-enough intervals
    // and persists, but its intervals scatter (dispersion score about 0.5).
    const double score = (skew_score + 2 * madm_score + persistence) / 4.0;
    if (score < rule_.beacon.min_score) return;
    Fire fire = StartFire(
        now, g->key, g->values,
        fmt::format("beacon score {:.2f} over {} connections: median interval {:.1f}s, "
                    "skew score {:.2f}, dispersion score {:.2f}, persistence {:.2f}",
                    score, g->beats.size(), q2 / 1e6, skew_score, madm_score, persistence));
    const uint64_t first = std::max(g->emitted, g->popped);
    for (uint64_t i = first - g->popped; i < g->beats.size(); ++i) {
      const Beat& b = g->beats[i];
      fire.first_ts = fire.ids.empty() ? b.ts : std::min(fire.first_ts, b.ts);
      fire.last_ts = std::max(fire.last_ts, b.ts);
      fire.ids.push_back(b.id);
    }
    g->emitted = g->popped + g->beats.size();
    if (!fire.ids.empty()) out->push_back(std::move(fire));
  }

  const Rule& rule_;
  Groups<Group> groups_;
  std::vector<double> gaps_, deviations_;  // scratch for Evaluate
};

// vigil: a value of `field` never seen before in its group, once the group has `learn` of
// history. The first value of a new group is not "new": there is nothing to compare with.
// With several rules [history, trigger...], the first rule's matches only build the history
// and only the other rules' matches can fire ("the first privilege this account ever used").
class FirstSeenCorrelator final : public Correlator {
 public:
  FirstSeenCorrelator(const Rule& rule, size_t cap, std::vector<SeenEntry>* new_seen,
                      const SipKey& key)
      : rule_(rule), cap_(cap), new_seen_(new_seen), key_(key) {}
  bool needs_value() const override { return true; }

  void Add(size_t pos, const Hit& hit, const GroupRef& group, const std::string* value,
           std::vector<Fire>* out) override {
    if (value == nullptr || value->empty()) return;
    // With several rules, the first one's matches are history only; the others' are tested.
    const bool trigger = rule_.inputs.size() < 2 || pos > 0;
    const uint64_t group_hash = group.hash;
    const uint64_t value_hash = ValueHash(group.key, *value);
    auto it = groups_.find(group_hash);
    if (it == groups_.end()) {
      if (groups_.size() >= cap_) {
        capped = true;
        return;
      }
      groups_.emplace(group_hash, hit.ts);
      values_.emplace(value_hash, hit.ts);
      new_seen_->push_back(SeenEntry{true, group_hash, hit.ts});
      new_seen_->push_back(SeenEntry{false, value_hash, hit.ts});
      return;
    }
    const int64_t event_id = hit.ids ? 0 : hit.id;
    auto [seen, inserted] = values_.emplace(value_hash, hit.ts);
    if (!inserted) {
      // One event can match both rules: the history rule may have just inserted its value.
      const bool same_event = event_id != 0 && event_id == new_by_ && value_hash == new_value_;
      const bool recent =
          rule_.first_seen.recent_us > 0 && hit.ts - seen->second <= rule_.first_seen.recent_us;
      if (!trigger || !(same_event || recent)) return;
    } else {
      new_seen_->push_back(SeenEntry{false, value_hash, hit.ts});
      new_by_ = event_id;
      new_value_ = value_hash;
    }
    const int64_t first_ts = it->second;
    if (!trigger || hit.ts - first_ts < rule_.first_seen.learn_us) return;
    Fire fire = StartFire(
        hit.ts, group,
        fmt::format("{} {} {} in this group (history since {})", rule_.threshold.field, *value,
                    inserted ? "never seen before" : "first seen recently", FormatUtc(first_ts)));
    fire.group[rule_.threshold.field] = *value;
    AppendIds(hit, &fire.ids);
    fire.first_ts = hit.first_ts;
    fire.last_ts = hit.last_ts;
    out->push_back(std::move(fire));
  }

  void Advance(int64_t, std::vector<Fire>*) override {}
  void Flush(std::vector<Fire>*) override {}

  void Load(const std::vector<SeenEntry>& entries) {
    for (const SeenEntry& e : entries) {
      auto& table = e.group ? groups_ : values_;
      auto [it, inserted] = table.emplace(e.hash, e.first_us);
      if (!inserted && e.first_us < it->second) it->second = e.first_us;
    }
  }

 private:
  // Groups and (group, value) pairs are kept as keyed hashes (SipHash-2-4 under the store's
  // key): no strings per value, and log data cannot be crafted to collide.
  uint64_t ValueHash(const std::string& group_key, const std::string& value) {
    scratch_.assign(group_key);
    scratch_.push_back('\0');
    scratch_.append(value);
    return SipHash24(key_, scratch_);
  }

  const Rule& rule_;
  size_t cap_;
  std::vector<SeenEntry>* new_seen_;
  SipKey key_;
  std::unordered_map<uint64_t, int64_t> groups_;  // group hash -> first seen
  std::unordered_map<uint64_t, int64_t> values_;  // (group, value) hash -> first seen
  int64_t new_by_ = 0;                            // the event that last added a value
  uint64_t new_value_ = 0;
  std::string scratch_;
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
      return std::make_unique<BeaconCorrelator>(rule, max_groups);
    case RuleKind::kFirstSeen:
      return std::make_unique<FirstSeenCorrelator>(rule, max_groups, new_seen, key);
    case RuleKind::kDetection:
      break;
  }
  return nullptr;
}

void LoadSeenInto(Correlator* correlator, const std::vector<SeenEntry>& entries) {
  if (auto* fs = dynamic_cast<FirstSeenCorrelator*>(correlator)) fs->Load(entries);
}

}  // namespace vigil::correlate
