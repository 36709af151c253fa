#pragma once
// Inside the score stage: what one run reads from the store (score_read.cpp) and what it
// computes from it (score.cpp). Not part of the stage's interface.

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "score/isolation_forest.h"
#include "score/profile.h"
#include "score/score.h"
#include "store/database.h"
#include "store/event_codec.h"

namespace vigil::score {

// A nullable column as an optional.
inline std::optional<std::string> Text(const store::Statement& st, int i) {
  if (st.ColumnType(i) == store::ValueType::kNull) return std::nullopt;
  return std::string(st.ColumnText(i));
}
inline std::optional<int64_t> Integer(const store::Statement& st, int i) {
  if (st.ColumnType(i) == store::ValueType::kNull) return std::nullopt;
  return st.ColumnInteger(i);
}

constexpr uint32_t kNoIndex = UINT32_MAX;

// What the features (score/features.h) and incident facts read of an event; read with a
// message prefix of kMessagePrefix characters.
inline store::EventFields FeatureFields() {
  return store::EventFields()
      .Add(&Event::user_name)
      .Add(&Event::source_ip)
      .Add(&Event::destination_ip)
      .Add(&Event::destination_port)
      .Add(&Event::host_name)
      .Add(&Event::event_outcome)
      .Add(&Event::event_category)
      .Add(&Event::event_action)
      .Add(&Event::process_name)
      .Add(&Event::source_bytes)
      .Add(&Event::message);
}
constexpr size_t kMessagePrefix = 8;

// Strings seen often (user names, addresses, labels), stored once.
class Interner {
 public:
  uint32_t Add(std::string_view s);
  uint32_t Find(std::string_view s) const;  // kNoIndex if absent
  const std::string& operator[](uint32_t i) const { return names_[i]; }
  size_t size() const { return names_.size(); }

 private:
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<std::string> names_;
};

// The newest event_scores row of an event.
struct StoredEventScore {
  int risk = -1;  // -1: never scored
  int severity = 0;
  float anomaly = NAN;
  uint32_t label = kNoIndex;
  uint32_t flags = 0;
};

// Every event in (time, id) order, column by column.
struct EventTable {
  std::vector<int64_t> id, ts;
  std::vector<uint32_t> user, source;  // into `names` (kNoIndex: none)
  std::vector<uint32_t> flags;         // behaviour flags (this run's, for events it scores)
  std::vector<float> anomaly;          // NaN: not computed in this run
  std::vector<uint8_t> scored_here;    // 1: this run computes anomaly and flags
  std::vector<StoredEventScore> stored;
  Interner names;
  int64_t min_id = 0;
  std::vector<uint32_t> position;  // event id - min_id -> index (kNoIndex: no such event)

  uint32_t PositionOf(int64_t event_id) const {
    const int64_t k = event_id - min_id;
    return k >= 0 && k < int64_t(position.size()) ? position[size_t(k)] : kNoIndex;
  }
};

// What the store holds before the run.
struct StoreState {
  int64_t last_run_id = 0, watermark = 0;  // the newest score run and its last_event_id
  int64_t model_id = 0, model_trained_on = 0;
  std::unique_ptr<IsolationForest> model;
  Interner labels;  // threat labels of stored event scores
};

struct IncidentRow {
  IncidentScore out;
  IncidentFacts facts;
  // The newest stored score, to tell whether this run changes it.
  bool stored = false;
  int64_t stored_risk = 0;
  std::optional<double> stored_anomaly;
  std::string stored_severity, stored_components, stored_techniques;
};

// Reads the state of the last run and its model (score_runs, models).
Status ReadStoreState(store::Database& db, bool retrain, StoreState& state);

// Reads the newest event_scores row of every event into events.stored.
Status ReadStoredEventScores(store::Database& db, StoreState& state, EventTable& events);

// Two passes over the events: features for the forest, behaviour flags, and the sample the
// forest is fitted on. Fills `events` and returns the feature rows of the events this run
// scores (FeatureExtractor::kCount floats each) and, when `fit_sample` is not null, a
// sample of every event's features for fitting.
Status ReadEvents(store::Database& db, const Options& options, const StoreState& state,
                  bool score_all, ProfileBuilder& profiles, EventTable& events,
                  std::vector<float>& to_score, std::vector<double>* fit_sample);

// Every incident with its newest details, and the facts of its events.
Status ReadIncidents(store::Database& db, const Options& options, const EventTable& events,
                     std::vector<IncidentRow>& incidents,
                     std::vector<std::vector<uint32_t>>& members);

}  // namespace vigil::score
