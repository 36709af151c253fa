#pragma once
// Internal to correlate's Run: everything one run writes, in one write transaction: new
// incidents and the events they gained, the run's row, the updates of the incidents it
// extended, and what first_seen rules saw (vigil-store(5)).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "correlate/correlate.h"
#include "correlate/engine.h"
#include "store/chain.h"
#include "store/correlate_state.h"
#include "store/database.h"
#include "store/incidents.h"

namespace vigil::correlate {

class IncidentWriter {
 public:
  // Candidates whose events are all at or before `watermark` (the last run's last event id)
  // and that fired before `prev_last_ts` are not new, unless `rescan`.
  IncidentWriter(store::Database& db, const RuleSet& set, int64_t watermark, int64_t prev_last_ts,
                 bool rescan);

  // Starts appending to the chain; call once, inside the run's write transaction.
  Status Begin();
  // The run's row, then the updates of the incidents it extended.
  Result<int64_t> AddRun(int64_t started, int64_t last_event_id, int64_t last_ts,
                         int64_t events_read, int64_t created);
  // Creates an incident or extends the one it continues. nullopt: nothing to write.
  Result<std::optional<IncidentResult>> Add(const Candidate& c, int64_t now);
  // One row per first_seen rule and run. Written after the run's row, which it names.
  Status AddSeen(int64_t run_id, const SeenState& s);

 private:
  store::Database& db_;
  const RuleSet& set_;
  int64_t watermark_, prev_last_ts_;
  bool rescan_;
  std::optional<store::ChainWriter> chain_;
  std::optional<store::IncidentLookup> lookup_;
  struct Update {
    int64_t incident_id, last_ts_us, event_count;
    std::string details;
  };
  std::vector<Update> updates_;
};

}  // namespace vigil::correlate
