#pragma once
// What the correlate stage reads back of its own runs (vigil-store(5): correlate_runs,
// first_seen, incidents, incident_updates, incident_events), and the encoding of
// first_seen.state. Correlate writes its rows through ChainWriter.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace vigil::store {

struct CorrelateRun {
  int64_t id = 0;  // 0: no run yet
  int64_t last_event_id = 0;
  int64_t last_ts_us = INT64_MIN;
  std::string rules_digest;
};
// The newest correlate run (id 0 when there is none).
Result<CorrelateRun> LastCorrelateRun(Database& db);

// The newest event's id (0 in an empty store).
Result<int64_t> NewestEventId(Database& db);

// Of the events with after < id <= upto: the earliest time and how many.
struct EventSpan {
  int64_t min_ts_us = 0;
  int64_t count = 0;
};
Result<EventSpan> EventsBetween(Database& db, int64_t after, int64_t upto);

// One entry of a first_seen rule's state: a group's first appearance (group) or a (group,
// value) pair's, by hash, with the time of the first event.
struct SeenEntry {
  bool group = false;
  uint64_t hash = 0;
  int64_t first_us = 0;
};
struct SeenRow {
  std::string rule;
  std::vector<SeenEntry> entries;
};
// first_seen.state: 17 bytes per entry ('g' or 'v', the hash and the first time, both
// big-endian).
std::string EncodeSeen(const std::vector<SeenEntry>& entries);
// Every first_seen row in id order, decoded. kStore for a state of a bad length.
Result<std::vector<SeenRow>> ReadFirstSeen(Database& db);

// The incident a candidate of (rule, group) would extend, and how many events an incident
// has: statements prepared once per run.
class IncidentLookup {
 public:
  static Result<IncidentLookup> Open(Database& db);
  struct Latest {
    int64_t id = 0;
    int64_t last_ts_us = 0;  // of its newest update, or its own
  };
  // The newest incident of (rule_id, group_key), nullopt if none.
  Result<std::optional<Latest>> Find(std::string_view rule_id, std::string_view group_key);
  Result<int64_t> EventCount(int64_t incident_id);

 private:
  IncidentLookup(Statement find, Statement count)
      : find_(std::move(find)), count_(std::move(count)) {}
  Statement find_, count_;
};

}  // namespace vigil::store
