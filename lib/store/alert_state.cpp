#include "store/alert_state.h"

namespace vigil::store {
namespace {

std::string Text(const Statement& st, int i) {
  return st.ColumnType(i) == ValueType::kNull ? std::string() : std::string(st.ColumnText(i));
}

Result<std::vector<AlertRecord>> ReadAlerts(Database& db, const std::string& where,
                                            const std::string& order, size_t limit) {
  std::string sql =
      "SELECT a.id, a.created_us, a.payload, (SELECT count(*) FROM alert_deliveries d WHERE "
      "d.alert_id = a.id), (SELECT max(ok) FROM alert_deliveries d WHERE d.alert_id = a.id), "
      "(SELECT channel || char(31) || coalesce(detail, '') FROM alert_deliveries d WHERE "
      "d.alert_id = a.id ORDER BY d.id DESC LIMIT 1) FROM alerts a " +
      where + " ORDER BY " + order;
  if (limit > 0) sql += " LIMIT " + std::to_string(limit);
  auto st = db.Prepare(sql, "read alerts");
  if (!st) return st.error();
  std::vector<AlertRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    AlertRecord a;
    a.id = st->ColumnInteger(0);
    a.created_us = st->ColumnInteger(1);
    a.payload = std::string(st->ColumnText(2));
    a.attempts = int(st->ColumnInteger(3));
    a.delivered = st->ColumnType(4) != ValueType::kNull && st->ColumnInteger(4) == 1;
    if (st->ColumnType(5) != ValueType::kNull) {
      const std::string last(st->ColumnText(5));
      const size_t sep = last.find('\x1f');
      a.last_channel = last.substr(0, sep);
      if (sep != std::string::npos) a.last_detail = last.substr(sep + 1);
    }
    out.push_back(std::move(a));
  }
  return out;
}

// The first column of `sql`'s one row (it takes `watermark`), nullopt for NULL or no row.
Result<std::optional<int64_t>> Earliest(Database& db, const char* sql, int64_t watermark) {
  auto st = db.Prepare(sql, "find what is new");
  if (!st) return st.error();
  if (Status s = st->BindInteger(1, watermark); !s.ok()) return s.error();
  auto has = st->Step();
  if (!has) return has.error();
  if (!*has || st->ColumnType(0) == ValueType::kNull) return std::optional<int64_t>();
  return std::optional<int64_t>(st->ColumnInteger(0));
}

Result<std::vector<WindowRow>> ReadRows(Database& db, const char* sql, int64_t since) {
  auto st = db.Prepare(sql, "read events for a windowed trigger");
  if (!st) return st.error();
  if (Status s = st->BindInteger(1, since); !s.ok()) return s.error();
  std::vector<WindowRow> rows;
  for (;;) {
    auto row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    rows.push_back({Text(*st, 0), st->ColumnInteger(1), st->ColumnInteger(2), st->ColumnInteger(3),
                    Text(*st, 4), Text(*st, 5)});
  }
  return rows;
}

}  // namespace

Result<AlertWatermarks> LastAlertWatermarks(Database& db) {
  auto st = db.Prepare(
      "SELECT last_event_id, last_score_id, last_event_score_id FROM alert_runs ORDER BY id "
      "DESC LIMIT 1",
      "read the previous alert run");
  if (!st) return st.error();
  auto row = st->Step();
  if (!row) return row.error();
  if (!*row) return AlertWatermarks{};
  return AlertWatermarks{st->ColumnInteger(0), st->ColumnInteger(1), st->ColumnInteger(2)};
}

Result<AlertWatermarks> CurrentWatermarks(Database& db) {
  AlertWatermarks w;
  for (auto [sql, field] : {std::pair{"SELECT max(id) FROM events", &w.event_id},
                            {"SELECT max(id) FROM scores", &w.score_id},
                            {"SELECT max(id) FROM event_scores", &w.event_score_id}}) {
    auto v = db.QueryInteger(sql, "read a watermark");
    if (!v) return v.error();
    *field = *v;
  }
  return w;
}

Status ForEachAlertPayload(Database& db, const std::function<void(std::string_view)>& each) {
  auto st = db.Prepare("SELECT payload FROM alerts ORDER BY id", "read earlier alerts");
  if (!st) return st.error();
  for (;;) {
    auto row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    each(st->ColumnText(0));
  }
  return {};
}

Result<std::vector<AlertRecord>> PendingAlerts(Database& db) {
  return ReadAlerts(db,
                    "WHERE a.status = 'raised' AND NOT EXISTS (SELECT 1 FROM alert_deliveries d "
                    "WHERE d.alert_id = a.id AND d.ok = 1)",
                    "a.id", 0);
}

Result<std::vector<AlertRecord>> AlertHistory(Database& db, size_t limit) {
  return ReadAlerts(db, "", "a.id DESC", limit);
}

Result<std::vector<NewIncidentScore>> NewIncidentScores(Database& db, int64_t after_score_id) {
  auto st = db.Prepare(
      "SELECT s.incident_id, s.severity, s.risk, i.rule_id, i.title FROM scores s "
      "JOIN incidents i ON i.id = s.incident_id WHERE s.id IN (SELECT max(id) FROM scores "
      "WHERE id > ? GROUP BY incident_id) ORDER BY s.incident_id",
      "read new incident scores");
  if (!st) return st.error();
  if (Status s = st->BindInteger(1, after_score_id); !s.ok()) return s.error();
  std::vector<NewIncidentScore> out;
  for (;;) {
    auto row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(
        {st->ColumnInteger(0), Text(*st, 1), st->ColumnInteger(2), Text(*st, 3), Text(*st, 4)});
  }
  return out;
}

Result<std::vector<AnomalousEvent>> NewAnomalousEvents(Database& db, int64_t after_id,
                                                       double min_anomaly) {
  auto st = db.Prepare(
      "SELECT es.event_id, es.anomaly, es.severity, es.risk, e.ts_us, e.source_ip, e.user_name, "
      "e.event_action, e.host_name FROM event_scores es JOIN events e ON e.id = es.event_id "
      "WHERE es.id > ? AND es.anomaly >= ? AND es.severity IN ('Medium', 'High', 'Critical') "
      "ORDER BY e.ts_us, es.event_id",
      "read new anomalous events");
  if (!st) return st.error();
  if (Status s = st->BindInteger(1, after_id); !s.ok()) return s.error();
  if (Status s = st->Bind(2, Value::Real(min_anomaly)); !s.ok()) return s.error();
  std::vector<AnomalousEvent> out;
  for (;;) {
    auto row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back({st->ColumnInteger(0), st->ColumnReal(1), Text(*st, 2), st->ColumnInteger(3),
                   st->ColumnInteger(4), Text(*st, 5), Text(*st, 6), Text(*st, 7), Text(*st, 8)});
  }
  return out;
}

Result<std::optional<int64_t>> EarliestNewEvent(Database& db, int64_t after_event_id) {
  return Earliest(db, "SELECT min(ts_us) FROM events WHERE id > ?", after_event_id);
}

Result<std::vector<WindowRow>> SourceWindowRows(Database& db, int64_t since_us) {
  return ReadRows(db,
                  "SELECT source_ip, ts_us, id, id, event_action, user_name FROM events "
                  "WHERE ts_us >= ? AND source_ip IS NOT NULL AND source_ip != '' ORDER BY "
                  "source_ip, ts_us, id",
                  since_us);
}

Result<std::optional<int64_t>> EarliestNewHighUserEvent(Database& db, int64_t after_score_id) {
  return Earliest(db,
                  "SELECT min(e.ts_us) FROM event_scores es JOIN events e ON e.id = es.event_id "
                  "WHERE es.id > ? AND es.severity IN ('High', 'Critical') AND e.user_name IS "
                  "NOT NULL",
                  after_score_id);
}

Result<std::vector<WindowRow>> UserHighWindowRows(Database& db, int64_t since_us) {
  // One row per event; its newest High/Critical score row decides whether it is new.
  return ReadRows(
      db,
      "SELECT e.user_name, e.ts_us, e.id, max(es.id), e.event_action, e.source_ip FROM "
      "event_scores es JOIN events e ON e.id = es.event_id WHERE es.severity IN ('High', "
      "'Critical') AND e.ts_us >= ? AND e.user_name IS NOT NULL AND e.user_name != '' GROUP BY "
      "e.id ORDER BY e.user_name, e.ts_us, e.id",
      since_us);
}

}  // namespace vigil::store
