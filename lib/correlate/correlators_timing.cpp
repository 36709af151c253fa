// vigil's correlations on timing and novelty: beaconing (regular intervals, scored after
// RITA) and first_seen (a value never seen before in its group).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <unordered_map>

#include "core/time.h"
#include "correlate/correlator_parts.h"
#include "correlate/engine.h"

namespace vigil::correlate {
namespace parts {
namespace {

// vigil: beaconing. For each group (typically source and destination), the intervals between
// connections in the window are scored after RITA: a symmetric interval distribution (Bowley
// skewness near 0), a small median absolute deviation relative to the median interval, and a
// rhythm that persists over half the window or fifty median intervals, whichever is
// shorter. Score = (skew + 2 dispersion + persistence) / 4, in [0, 1].
constexpr double kPersistPeriods = 50;
constexpr int64_t kEchoUs = 50'000;  // records of one connection: within 50 ms of each other

class BeaconCorrelator final : public Correlator {
 public:
  BeaconCorrelator(const Rule& rule, size_t cap) : rule_(rule), groups_(cap) {}

  void Add(size_t, const Hit& hit, const GroupRef& group, const std::string*,
           std::vector<Fire>* out) override {
    Group* g = groups_.Find(group.hash, hit.ts, &capped);
    if (g == nullptr) return;
    while (!g->beats.empty() && g->beats.front().ts <= hit.ts - rule_.timespan_us) {
      if (!g->beats.front().echo) --g->live;
      g->beats.pop_front();
      ++g->popped;
    }
    // One beat per contributing event (a firing of a correlation counts each of its events).
    // A record within kEchoUs of the previous one is the same connection seen again (Zeek's
    // conn and ssl logs, two sensors): an echo, kept as evidence but not a beat of the rhythm.
    auto add = [&](int64_t id) {
      const bool echo = !g->beats.empty() && hit.ts - g->beats.back().ts < kEchoUs;
      g->beats.push_back(Beat{hit.ts, id, echo});
      if (!echo) ++g->live;
    };
    if (hit.ids) {
      for (int64_t id : *hit.ids) add(id);
    } else {
      add(hit.id);
    }
    const size_t n = g->live;
    if (n < size_t(rule_.beacon.min_connections)) return;
    if (g->key.empty()) {  // names kept only for the few groups that may fire
      g->key = group.key;
      g->values = group.pairs;
    }
    // Scoring sorts the intervals: do it again only after a quarter more connections.
    if (++g->since_eval < std::max<size_t>(1, n / 4)) return;
    Evaluate(g, hit.ts, out);
  }

  void Advance(int64_t now, std::vector<Fire>* out) override {
    // A group idle for a whole window is dropped; connections since its last evaluation are
    // scored first, as at the end of the input (issue 21: a 300 s beacon that stopped a day
    // before the input's end was lost with its group).
    groups_.Sweep(
        now, rule_.timespan_us, [](const Group&) { return false; },
        [&](Group& g) {
          if (g.since_eval > 0 && g.live >= size_t(rule_.beacon.min_connections)) {
            Evaluate(&g, g.beats.back().ts, out);
          }
        });
  }

  void Flush(std::vector<Fire>* out) override {
    // Connections since the last evaluation still belong to the beacon if it scores.
    std::vector<Group*> pending;
    for (auto& [hash, g] : groups_.map()) {
      if (g.since_eval > 0 && g.live >= size_t(rule_.beacon.min_connections)) {
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
    bool echo;  // the same connection as the beat before it
  };
  struct Group {
    Fifo<Beat> beats;
    uint64_t popped = 0;   // beats dropped from the front so far (absolute index base)
    size_t live = 0;       // beats in the window that are not echoes
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
    int64_t prev = -1;
    for (const Beat& b : g->beats) {
      if (b.echo) continue;
      if (prev >= 0) gaps.push_back(double(b.ts - prev));
      prev = b.ts;
    }
    if (gaps.empty()) return;
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
    // Persistence is measured against the beacon's own rhythm as well as the window: a
    // rhythm kept for fifty of its periods persists, so a channel polling every 0.4 s for
    // four minutes counts as fully as one polling every minute for half a day.
    const double span = double(g->beats.back().ts - g->beats.front().ts);
    const double horizon = std::min(double(rule_.timespan_us) / 2, kPersistPeriods * q2);
    const double persistence = std::min(1.0, span / horizon);
    // Dispersion counts twice: random (Poisson-like) traffic has symmetric-enough intervals
    // and persists, but its intervals scatter (dispersion score about 0.5).
    const double score = (skew_score + 2 * madm_score + persistence) / 4.0;
    if (score < rule_.beacon.min_score) return;
    Fire fire =
        StartFire(now, g->key, g->values,
                  fmt::format("beacon score {:.2f} over {} connections: median interval {:.1f}s, "
                              "skew score {:.2f}, dispersion score {:.2f}, persistence {:.2f}",
                              score, g->live, q2 / 1e6, skew_score, madm_score, persistence));
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
      it = groups_.emplace(group_hash, hit.ts).first;
      new_seen_->push_back(SeenEntry{true, group_hash, hit.ts});
      if (!rule_.first_seen.empty_history_new) {
        values_.emplace(value_hash, hit.ts);
        new_seen_->push_back(SeenEntry{false, value_hash, hit.ts});
        return;
      }
    }
    const int64_t event_id = hit.ids ? 0 : hit.id;
    auto [seen, inserted] = values_.emplace(value_hash, hit.ts);
    const bool group_first = !inserted && seen->second == it->second;
    if (auto p = pending_.find(value_hash); p != pending_.end()) {
      if (hit.ts - seen->second > rule_.first_seen.recent_us) {
        pending_.erase(p);  // seen again later: a destination the host keeps using
      } else if (trigger) {
        AppendIds(hit, &p->second.ids);
        p->second.last_ts = std::max(p->second.last_ts, hit.last_ts);
        return;
      }
    }
    if (group_first && trigger && rule_.first_seen.recent_us > 0 &&
        hit.ts - seen->second <= rule_.first_seen.recent_us) {
      // The group's first value has nothing before it to compare with: new only if the input
      // never shows it again after `recent` (a backup bucket comes back every night, a drop
      // site does not). Decided at the end of the input.
      Fire fire = StartFire(
          hit.ts, group,
          fmt::format("{} {} came with this group's first event and was not seen again after "
                      "{}",
                      rule_.threshold.field, *value, Span(rule_.first_seen.recent_us)));
      fire.group[rule_.threshold.field] = *value;
      AppendIds(hit, &fire.ids);
      fire.first_ts = hit.first_ts;
      fire.last_ts = hit.last_ts;
      pending_.emplace(value_hash, std::move(fire));
      return;
    }
    if (!inserted) {
      // One event can match both rules: the history rule may have just inserted its value.
      const bool same_event = event_id != 0 && event_id == new_by_ && value_hash == new_value_;
      // A value first seen recently still counts as new, unless it came with the group's
      // first event: a host whose only history is one destination has no baseline to leave
      // (a backup server's first night to its bucket).
      const bool recent = rule_.first_seen.recent_us > 0 &&
                          hit.ts - seen->second <= rule_.first_seen.recent_us &&
                          seen->second > it->second;
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
  void Flush(std::vector<Fire>* out) override {
    std::vector<Fire> fires;
    for (auto& [hash, fire] : pending_) fires.push_back(std::move(fire));
    pending_.clear();
    std::sort(fires.begin(), fires.end(), [](const Fire& a, const Fire& b) {
      return std::tie(a.first_ts, a.group_key) < std::tie(b.first_ts, b.group_key);
    });
    for (Fire& f : fires) out->push_back(std::move(f));
  }

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
  // Triggers on a group's first value, held until the input shows it again (dropped) or ends.
  std::unordered_map<uint64_t, Fire> pending_;
  int64_t new_by_ = 0;  // the event that last added a value
  uint64_t new_value_ = 0;
  std::string scratch_;
};

}  // namespace

std::unique_ptr<Correlator> MakeBeaconCorrelator(const Rule& rule, size_t max_groups) {
  return std::make_unique<BeaconCorrelator>(rule, max_groups);
}

std::unique_ptr<Correlator> MakeFirstSeenCorrelator(const Rule& rule, size_t max_groups,
                                                    std::vector<SeenEntry>* new_seen,
                                                    const SipKey& key) {
  return std::make_unique<FirstSeenCorrelator>(rule, max_groups, new_seen, key);
}

}  // namespace parts

void LoadSeenInto(Correlator* correlator, const std::vector<SeenEntry>& entries) {
  if (auto* fs = dynamic_cast<parts::FirstSeenCorrelator*>(correlator)) fs->Load(entries);
}

}  // namespace vigil::correlate
