#pragma once
// The correlation engine: events go in, in event-time order; matches of generating rules come
// out, grouped into incidents (one attack, one incident). Windows are measured in the events'
// own time, so replaying a week of logs gives what a live run would have given.
//
// The engine does no I/O. correlate.cpp feeds it from the store and writes what it returns.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/siphash.h"
#include "correlate/event_view.h"
#include "correlate/rule.h"

namespace vigil::correlate {

struct EngineOptions {
  size_t max_groups_per_rule = 200'000;  // state cap per correlation rule (warns when reached)
  size_t max_events_per_incident = 1'000'000;
  // Working hours for the vigil.offhours field: [start, end) hour on the working days (bit 0
  // Monday .. bit 6 Sunday), in the local time of utc_offset_minutes. `vigil correlate` takes
  // them from the config's work_hours (vigil-config(5)); the defaults are the config's.
  int work_start_hour = 8;
  int work_end_hour = 18;
  uint8_t work_days = 0x1f;
  int utc_offset_minutes = 0;
  // The site's declared privileged accounts (the config's accounts.privileged) for the
  // vigil.privileged_account field; unset: none declared.
  std::function<bool(std::string_view)> is_privileged_account;
  // Key for the hashes of first-seen state (correlate.cpp derives it from the store id, so
  // state stays valid across runs and cannot be predicted from outside).
  SipKey hash_key{};
};

// An incident as the engine found it: the rule, the group, the time span and every event
// that contributed.
struct Candidate {
  size_t rule = 0;        // index into RuleSet::rules
  std::string group_key;  // "source.ip=1.2.3.4 user.name=root" (stable, for merging)
  std::map<std::string, std::string> group;
  int64_t first_us = 0;
  int64_t last_us = 0;
  int64_t fired_us = 0;            // the latest time the rule fired for this incident
  std::vector<int64_t> event_ids;  // sorted, unique
  size_t fires = 0;
  std::string detail;  // what the last firing measured, e.g. "12 distinct user.name >= 10"
  // Other rules that matched mostly the same events, merged into this incident (one attack,
  // one incident): their indices and details.
  std::vector<size_t> also_rules;
  std::vector<std::string> also_details;
};

// Merges candidates that share at least half of the smaller one's events into the one whose
// rule has the highest level (then the most events). Keeps the order of the survivors.
void MergeOverlapping(const RuleSet& rules, std::vector<Candidate>* candidates);

// first_seen state, kept in the store between runs: keyed hashes (SipHash-2-4 under
// EngineOptions::hash_key) of groups and of (group, value) pairs, each with the time it was
// first seen. Hashes keep the state small (one row per rule and run) and hold no log text.
struct SeenEntry {
  bool group = false;  // true: a group's first appearance; false: a (group, value) pair
  uint64_t hash = 0;
  int64_t first_us = 0;
};
struct SeenState {
  std::string rule;  // the rule's id or name
  std::vector<SeenEntry> entries;
};

class Engine {
 public:
  Engine(const RuleSet& rules, EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // First-seen state from earlier runs (before the first Feed).
  void LoadSeen(const std::vector<SeenState>& seen);

  // Events must come in (ts_us, id) order.
  void Feed(const StoredEvent& event);

  // Flushes every open incident. Time-driven rules (not_followed_by) fire only up to the
  // last event's time: what is still pending needs later events to decide.
  std::vector<Candidate> Finish();

  // What first_seen rules saw for the first time in this run (to store), per rule.
  std::vector<SeenState> new_seen() const;
  // Rules whose state cap was reached, with a message each.
  const std::vector<std::string>& warnings() const;
  // Matches per rule (detection hits or correlation firings), for --dry-run and stats.
  const std::vector<size_t>& match_counts() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::correlate
