// Reading back what score runs stored: an incident's newest score, and profiles.
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

Result<std::vector<StoredProfile>> LatestProfiles(store::Database& db, std::string_view kind,
                                                  std::string_view entity) {
  auto st = db.Prepare(
      "SELECT kind, entity, data, run_id, max(id) FROM profiles "
      "WHERE (?1 = '' OR kind = ?1) AND (?2 = '' OR entity = ?2) "
      "GROUP BY kind, entity ORDER BY kind DESC, entity",
      "read profiles");
  if (!st) return st.error();
  if (Status s = st->BindText(1, kind); !s.ok()) return s.error();
  if (Status s = st->BindText(2, entity); !s.ok()) return s.error();
  std::vector<StoredProfile> out;
  for (;;) {
    auto row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back({std::string(st->ColumnText(0)), std::string(st->ColumnText(1)),
                   std::string(st->ColumnText(2)), st->ColumnInteger(3)});
  }
  return out;
}

}  // namespace vigil::score
