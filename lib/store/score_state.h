#pragma once
// What the score stage reads back of its own runs (vigil-store(5): score_runs, models,
// event_scores, profiles). Score writes its rows through ChainWriter.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace vigil::store {

struct ScoreRun {
  int64_t id = 0;  // 0: no run yet
  int64_t last_event_id = 0;
};
// The newest score run (id 0 when there is none).
Result<ScoreRun> LastScoreRun(Database& db);

// The newest anomaly model; nullopt when none was fitted yet.
struct StoredModel {
  int64_t id = 0, trained_on = 0;
  std::string model;  // IsolationForest::Serialize's bytes
};
Result<std::optional<StoredModel>> NewestModel(Database& db);

// One event_scores row; views valid during the callback only.
struct EventScoreRow {
  int64_t event_id = 0, risk = 0;
  std::string_view severity, label;
  std::optional<double> anomaly;
  std::string_view flags;  // behaviour flag names joined by ','; empty when NULL
};
// Every event_scores row in id order (so the newest row of an event comes last).
Status ForEachEventScore(Database& db, const std::function<void(const EventScoreRow&)>& each);

// The newest profile of each entity: kind "user" or "source", or empty for both; `entity`
// empty for all. By kind (descending), then entity.
struct StoredProfile {
  std::string kind, entity, data;  // data: profiles.data JSON
  int64_t run_id = 0;
};
Result<std::vector<StoredProfile>> LatestProfiles(Database& db, std::string_view kind,
                                                  std::string_view entity);

}  // namespace vigil::store
