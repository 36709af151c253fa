#include "store/score_state.h"

namespace vigil::store {

Result<ScoreRun> LastScoreRun(Database& db) {
  ScoreRun run;
  auto st = db.Prepare("SELECT id, last_event_id FROM score_runs ORDER BY id DESC LIMIT 1",
                       "read the last score run");
  if (!st) return st.error();
  auto row = st->Step();
  if (!row) return row.error();
  if (*row) run = {st->ColumnInteger(0), st->ColumnInteger(1)};
  return run;
}

Result<std::optional<StoredModel>> NewestModel(Database& db) {
  auto model = db.Prepare("SELECT id, trained_on, model FROM models ORDER BY id DESC LIMIT 1",
                          "read the anomaly model");
  if (!model) return model.error();
  auto row = model->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<StoredModel>();
  return std::optional<StoredModel>(StoredModel{model->ColumnInteger(0), model->ColumnInteger(1),
                                                std::string(model->ColumnBlob(2))});
}

Status ForEachEventScore(Database& db, const std::function<void(const EventScoreRow&)>& each) {
  auto st = db.Prepare(
      "SELECT event_id, risk, severity, anomaly, label, flags FROM event_scores ORDER BY id",
      "read event scores");
  if (!st) return st.error();
  EventScoreRow r;
  for (;;) {
    auto row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    r.event_id = st->ColumnInteger(0);
    r.risk = st->ColumnInteger(1);
    r.severity = st->ColumnText(2);
    r.anomaly = st->ColumnType(3) == ValueType::kNull ? std::nullopt
                                                      : std::optional<double>(st->ColumnReal(3));
    r.label = st->ColumnText(4);
    r.flags = st->ColumnType(5) == ValueType::kNull ? std::string_view() : st->ColumnText(5);
    each(r);
  }
  return {};
}

Result<std::vector<StoredProfile>> LatestProfiles(Database& db, std::string_view kind,
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

}  // namespace vigil::store
