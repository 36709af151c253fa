// vigil's correlations on an identity's own history: unfamiliar_failures, failures from a
// source for accounts that source never logged on as, judged over the source's whole history
// rather than one window (a slow brute force or spray stays under any per-window rate).

#include <fmt/format.h>

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/siphash.h"
#include "correlate/correlator_parts.h"

namespace vigil::correlate {
namespace parts {
namespace {

// rules: [history, failures]. Per group (typically source.ip), the first rule's matches teach
// which accounts (`field`) logged on from the group; the second rule's matches for any other
// account are "unfamiliar" failures. The condition is tested on their number (count: events)
// or on the number of distinct unfamiliar accounts (count: accounts), over everything the
// group did while it stayed active: a group is forgotten only after `timespan` without an
// event. Once the condition holds, every later unfamiliar failure of the group fires too (the
// incident grows); failures for an account after it logged on from the group are familiar.
class UnfamiliarFailuresCorrelator final : public Correlator {
 public:
  UnfamiliarFailuresCorrelator(const Rule& rule, size_t cap, const SipKey& key)
      : rule_(rule), groups_(cap), key_(key) {}
  bool needs_value() const override { return true; }

  void Add(size_t pos, const Hit& hit, const GroupRef& group, const std::string* value,
           std::vector<Fire>* out) override {
    if (value == nullptr || value->empty()) return;
    Group* g = groups_.Find(group.hash, hit.ts, &capped);
    if (g == nullptr) return;
    const uint64_t account = SipHash24(key_, *value);
    if (pos == 0) {
      g->familiar.insert(account);
      return;
    }
    if (g->familiar.count(account) != 0) return;
    ++g->failures;
    g->accounts.insert(account);
    AppendIds(hit, &g->pending);
    g->first_ts =
        g->pending.size() <= IdCount(hit) ? hit.first_ts : std::min(g->first_ts, hit.first_ts);
    g->last_ts = std::max(g->last_ts, hit.last_ts);
    // With a window, only the unfamiliar failures of the last `window` count (a burst).
    const int64_t window = rule_.unfamiliar.window_us;
    if (window > 0) {
      g->recent.push_back(int64_t{hit.ts});
      while (!g->recent.empty() && g->recent.front() <= hit.ts - window) g->recent.pop_front();
      if (g->recent.size() == 1) {  // a new burst: earlier unreported failures are not in it
        g->pending.clear();
        AppendIds(hit, &g->pending);
        g->first_ts = hit.first_ts;
      }
    }
    const double measure = double(rule_.unfamiliar.count_accounts ? g->accounts.size()
                                  : window > 0                    ? g->recent.size()
                                                                  : g->failures);
    if (!rule_.threshold.Holds(measure)) return;
    const std::string noun = GroupNoun(group);
    Fire fire = StartFire(
        hit.ts, group,
        window > 0
            ? fmt::format("{} failure(s) in {} for accounts never logged on from this {} ({})",
                          g->recent.size(), Span(window), noun, rule_.threshold.Describe())
            : fmt::format("{} failure(s) for {} account(s) never logged on from this {} (history "
                          "kept while the source is active, forgotten after {} idle)",
                          g->failures, g->accounts.size(), noun, Span(rule_.timespan_us)));
    fire.ids = std::move(g->pending);
    g->pending.clear();
    fire.first_ts = g->first_ts;
    fire.last_ts = g->last_ts;
    g->first_ts = hit.ts;
    out->push_back(std::move(fire));
  }

  void Advance(int64_t now, std::vector<Fire>*) override {
    groups_.Sweep(now, rule_.timespan_us, [](const Group&) { return false; });
  }
  void Flush(std::vector<Fire>*) override {}

 private:
  struct Group {
    std::unordered_set<uint64_t> familiar;  // accounts that logged on from the group
    std::unordered_set<uint64_t> accounts;  // accounts with unfamiliar failures
    uint64_t failures = 0;
    std::vector<int64_t> pending;  // unfamiliar failures not reported yet
    Fifo<int64_t> recent;          // with a window: the times of those in it
    int64_t first_ts = 0, last_ts = 0;
    int64_t last_seen = 0;
  };

  static std::string GroupNoun(const GroupRef& group) {
    return group.pairs.size() == 1 ? group.pairs.front().first : std::string("group");
  }

  const Rule& rule_;
  Groups<Group> groups_;
  SipKey key_;
};

}  // namespace

std::unique_ptr<Correlator> MakeUnfamiliarFailuresCorrelator(const Rule& rule, size_t max_groups,
                                                             const SipKey& key) {
  return std::make_unique<UnfamiliarFailuresCorrelator>(rule, max_groups, key);
}

}  // namespace parts
}  // namespace vigil::correlate
