// Reading back what score runs stored: an incident's newest score.
#include "score/score.h"
#include "store/database.h"
#include "store/incidents.h"

namespace vigil::score {

Result<std::optional<StoredScore>> LatestScore(store::Database& db, int64_t incident_id) {
  store::IncidentQuery q;
  q.ids = {incident_id};
  q.details = false;
  auto read = store::ReadIncidents(db, q);
  if (!read) return read.error();
  if (read->empty()) {
    return MakeError(ErrorCode::kUsage, "no incident " + std::to_string(incident_id) +
                                            " in the store (vigil correlate lists them)");
  }
  store::StoredIncident& inc = read->front();
  if (!inc.score) return std::optional<StoredScore>();
  store::NewestScore& s = *inc.score;
  if (!s.components_problem.empty()) return MakeError(ErrorCode::kStore, s.components_problem);
  StoredScore out;
  out.incident_id = incident_id;
  out.title = std::move(inc.title);
  out.rule_id = std::move(inc.rule_id);
  out.run_id = s.run_id;
  out.scored_us = s.scored_us;
  out.severity = std::move(s.severity);
  out.risk = s.risk;
  out.anomaly = s.anomaly;
  out.components = std::move(s.components);
  out.techniques = std::move(s.techniques);
  out.techniques_json = std::move(s.techniques_json);
  out.model = std::move(s.model);
  return std::optional<StoredScore>(std::move(out));
}

}  // namespace vigil::score
