// Reading back what score runs stored: an incident's newest score, and profiles.
#include <simdjson.h>

#include "score/score.h"
#include "store/database.h"

namespace vigil::score {

Result<std::optional<StoredScore>> LatestScore(store::Database& db, int64_t incident_id) {
  auto inc = db.Prepare("SELECT title, rule_id FROM incidents WHERE id = ?", "read an incident");
  if (!inc) return inc.error();
  if (Status s = inc->BindInteger(1, incident_id); !s.ok()) return s.error();
  auto row = inc->Step();
  if (!row) return row.error();
  if (!*row) {
    return MakeError(ErrorCode::kUsage, "no incident " + std::to_string(incident_id) +
                                            " in the store (vigil correlate lists them)");
  }
  StoredScore out;
  out.incident_id = incident_id;
  out.title = std::string(inc->ColumnText(0));
  out.rule_id = std::string(inc->ColumnText(1));
  auto st = db.Prepare(
      "SELECT run_id, scored_us, severity, risk, anomaly, components, techniques, model "
      "FROM scores WHERE incident_id = ? ORDER BY id DESC LIMIT 1",
      "read an incident's score");
  if (!st) return st.error();
  if (Status s = st->BindInteger(1, incident_id); !s.ok()) return s.error();
  row = st->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<StoredScore>();
  using store::ValueType;
  out.run_id = st->ColumnType(0) == ValueType::kNull ? 0 : st->ColumnInteger(0);
  out.scored_us = st->ColumnInteger(1);
  out.severity = std::string(st->ColumnText(2));
  out.risk = int(st->ColumnInteger(3));
  if (st->ColumnType(4) != ValueType::kNull) out.anomaly = st->ColumnReal(4);
  out.components_json = std::string(st->ColumnText(5));
  out.techniques_json = std::string(st->ColumnText(6));
  out.model = std::string(st->ColumnText(7));
  return std::optional<StoredScore>(std::move(out));
}

Result<std::vector<Component>> ParseComponents(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::array arr;
  if (parser.parse(json.data(), json.size()).get(arr) != simdjson::SUCCESS) {
    return MakeError(ErrorCode::kStore, "a stored score's components are not a JSON array");
  }
  std::vector<Component> out;
  for (simdjson::dom::element c : arr) {
    Component k;
    std::string_view name, why;
    if (c["name"].get(name) != simdjson::SUCCESS || c["weight"].get(k.weight) ||
        c["value"].get(k.value) || c["why"].get(why)) {
      return MakeError(ErrorCode::kStore,
                       "a stored score component lacks name, weight, value "
                       "or why");
    }
    k.name = std::string(name);
    k.why = std::string(why);
    out.push_back(std::move(k));
  }
  return out;
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
