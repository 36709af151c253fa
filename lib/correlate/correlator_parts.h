#pragma once
// Internal to the correlators (correlators.cpp, correlators_timing.cpp): the window entry and
// its ring buffer, per-group state with a cap, and how a firing is started and described.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/fifo.h"
#include "correlate/correlators.h"

namespace vigil::correlate::parts {

// One hit kept in a window. Most hits are one event, kept inline (no allocation).
struct Entry {
  int64_t ts = 0, first_ts = 0, last_ts = 0;
  uint64_t seq = 0;
  int64_t id = 0;
  std::vector<int64_t> more;  // a firing's events
  uint64_t value = 0;         // value_count: keyed hash of (group, value)
  double number = 0;
};

inline Entry MakeEntry(const Hit& hit, uint64_t seq) {
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

inline Fire StartFire(int64_t ts, const std::string& key, const GroupPairs& pairs,
                      std::string detail) {
  Fire f;
  f.ts = ts;
  f.first_ts = ts;
  f.last_ts = 0;
  f.group_key = key;
  f.group = std::map<std::string, std::string>(pairs.begin(), pairs.end());
  f.detail = std::move(detail);
  return f;
}
inline Fire StartFire(int64_t ts, const GroupRef& group, std::string detail) {
  return StartFire(ts, group.key, group.pairs, std::move(detail));
}

// A number as a firing's detail shows it: whole numbers without decimals, else two.
inline std::string Num(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", int64_t(v));
  return fmt::format("{:.2f}", v);
}

// A timespan in its largest whole unit (90s, 5m, 2h, 1d).
inline std::string Span(int64_t us) {
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

// vigil's own correlations: beaconing and first_seen (correlators_timing.cpp).
std::unique_ptr<Correlator> MakeBeaconCorrelator(const Rule& rule, size_t max_groups);
std::unique_ptr<Correlator> MakeFirstSeenCorrelator(const Rule& rule, size_t max_groups,
                                                    std::vector<SeenEntry>* new_seen,
                                                    const SipKey& key);
// Failures for accounts a source never logged on as (correlators_identity.cpp).
std::unique_ptr<Correlator> MakeUnfamiliarFailuresCorrelator(const Rule& rule, size_t max_groups,
                                                             const SipKey& key);

}  // namespace vigil::correlate::parts
