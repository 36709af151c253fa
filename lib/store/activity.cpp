// ReadActivity. The selected incidents reach SQL as one bound JSON array (json_each). WHERE
// clauses are put together from constant fragments only: every value is a bound parameter
// (?1 the ids, ?2 since, ?3 until, ?4 the top length).
#include "store/activity.h"

namespace vigil::store {
namespace {

// SQLite's integer division truncates toward zero; these round down for times before 1970.
constexpr const char* kHourOfEvent = "((e.ts_us - (e.ts_us < 0) * 3599999999) / 3600000000)";
constexpr const char* kDayOfIncident =
    "((i.first_ts_us - (i.first_ts_us < 0) * 86399999999) / 86400000000)";
// The newest score of each incident (the highest id), as ReadIncidents reads it.
constexpr const char* kNewestScore =
    " LEFT JOIN (SELECT incident_id, severity, risk, max(id) FROM scores GROUP BY incident_id) s"
    " ON s.incident_id = i.id";

struct Selection {
  std::optional<std::string> ids_json;  // set when the scope names incidents
  bool events_of_incidents = false;
  std::optional<int64_t> since_us, until_us;
};

std::string IncidentWhere(const Selection& sel) {
  return sel.ids_json ? " WHERE i.id IN (SELECT value FROM json_each(?1))" : "";
}

// `extra` is a constant fragment, or empty.
std::string EventWhere(const Selection& sel, std::string_view extra) {
  std::vector<std::string_view> parts;
  if (sel.events_of_incidents) {
    parts.push_back(
        "e.id IN (SELECT event_id FROM incident_events WHERE incident_id IN "
        "(SELECT value FROM json_each(?1)))");
  }
  if (sel.since_us) parts.push_back("e.ts_us >= ?2");
  if (sel.until_us) parts.push_back("e.ts_us <= ?3");
  if (!extra.empty()) parts.push_back(extra);
  std::string out;
  for (std::string_view p : parts) {
    out += out.empty() ? " WHERE " : " AND ";
    out += p;
  }
  return out;
}

// Prepares `sql` and binds what its fragments use.
Result<Statement> Prepare(Database& db, const std::string& sql, const Selection& sel, bool events,
                          std::optional<size_t> top, std::string_view purpose) {
  auto st = db.Prepare(sql, purpose);
  if (!st) return st.error();
  if (sel.ids_json && (!events || sel.events_of_incidents)) {
    if (Status s = st->BindText(1, *sel.ids_json); !s.ok()) return s.error();
  }
  if (events && sel.since_us) {
    if (Status s = st->BindInteger(2, *sel.since_us); !s.ok()) return s.error();
  }
  if (events && sel.until_us) {
    if (Status s = st->BindInteger(3, *sel.until_us); !s.ok()) return s.error();
  }
  if (top) {
    if (Status s = st->BindInteger(4, static_cast<int64_t>(*top)); !s.ok()) return s.error();
  }
  return st;
}

// The first ?4 groups of `groups` (a SELECT of label, n), with the number of groups and the
// sum of n. The groups are materialized once: cheaper than window functions over them (a
// million events by source address: 1.1 s of CPU against 1.4 s).
std::string TopSql(const std::string& groups) {
  return "WITH g AS MATERIALIZED (" + groups +
         ") SELECT label, n, (SELECT count(*) FROM g), (SELECT sum(n) FROM g) FROM g "
         "ORDER BY n DESC, label LIMIT ?4";
}

Status ReadTop(Statement& st, TopCounts& out) {
  for (;;) {
    auto row = st.Step();
    if (!row) return row.error();
    if (!*row) break;
    out.rows.push_back({std::string(st.ColumnText(0)), st.ColumnInteger(1)});
    out.distinct = st.ColumnInteger(2);
    out.labelled = st.ColumnInteger(3);
  }
  return {};
}

// A top list of events by `column` (a constant column name).
Status EventTop(Database& db, const Selection& sel, const char* column, size_t top,
                TopCounts& out) {
  const std::string c = std::string("e.") + column;
  const std::string sql =
      TopSql("SELECT " + c + " AS label, count(*) AS n FROM events e" +
             EventWhere(sel, c + " IS NOT NULL AND " + c + " <> ''") + " GROUP BY label");
  auto st = Prepare(db, sql, sel, true, top, std::string("count events by ") + column);
  if (!st) return st.error();
  return ReadTop(*st, out);
}

Status IncidentCounts(Database& db, const Selection& sel, size_t top, Activity& out) {
  auto st = Prepare(db,
                    std::string("SELECT s.severity, count(*) FROM incidents i") + kNewestScore +
                        IncidentWhere(sel) + " GROUP BY s.severity ORDER BY 2 DESC, 1",
                    sel, false, std::nullopt, "count incidents by severity");
  if (!st) return st.error();
  for (;;) {
    auto row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    std::optional<std::string> severity;
    if (st->ColumnType(0) != ValueType::kNull) severity.emplace(st->ColumnText(0));
    out.incidents_by_severity.emplace_back(std::move(severity), st->ColumnInteger(1));
  }
  auto types = Prepare(db,
                       TopSql("SELECT i.title AS label, count(*) AS n FROM incidents i" +
                              IncidentWhere(sel) + " GROUP BY label"),
                       sel, false, top, "count incidents by title");
  if (!types) return types.error();
  return ReadTop(*types, out.incidents_by_title);
}

Status IncidentDays(Database& db, const Selection& sel, Activity& out) {
  auto st = Prepare(db,
                    std::string("SELECT ") + kDayOfIncident +
                        " AS day, count(*), count(s.risk), coalesce(max(s.risk), 0), "
                        "coalesce(sum(s.risk), 0), coalesce(max(CASE s.severity WHEN 'Critical' "
                        "THEN 3 WHEN 'High' THEN 2 WHEN 'Medium' THEN 1 WHEN 'Low' THEN 0 END), "
                        "-1) FROM incidents i" +
                        kNewestScore + IncidentWhere(sel) + " GROUP BY day ORDER BY day",
                    sel, false, std::nullopt, "count incidents by day");
  if (!st) return st.error();
  for (;;) {
    auto row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.incident_days.push_back({st->ColumnInteger(0), st->ColumnInteger(1), st->ColumnInteger(2),
                                 st->ColumnInteger(3), st->ColumnInteger(4), st->ColumnInteger(5)});
  }
  return {};
}

Status EventCounts(Database& db, const Selection& sel, size_t top, Activity& out) {
  auto st = Prepare(db,
                    "SELECT e.source_format, count(*) AS n FROM events e" + EventWhere(sel, "") +
                        " GROUP BY e.source_format ORDER BY n DESC, e.source_format",
                    sel, true, std::nullopt, "count events by source");
  if (!st) return st.error();
  for (;;) {
    auto row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.events_by_format.push_back({std::string(st->ColumnText(0)), st->ColumnInteger(1)});
  }
  if (Status s = EventTop(db, sel, "source_ip", top, out.events_by_source_ip); !s.ok()) return s;
  if (Status s = EventTop(db, sel, "user_name", top, out.events_by_user); !s.ok()) return s;
  // Hours since the epoch: at most one row per hour the events cover.
  auto hours = Prepare(db,
                       std::string("SELECT ") + kHourOfEvent + " AS h, count(*) FROM events e" +
                           EventWhere(sel, "") + " GROUP BY h",
                       sel, true, std::nullopt, "count events by hour");
  if (!hours) return hours.error();
  for (;;) {
    auto row = hours->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.events_by_hour.emplace_back(hours->ColumnInteger(0), hours->ColumnInteger(1));
  }
  return {};
}

}  // namespace

Result<Activity> ReadActivity(Database& db, const ActivityScope& scope, size_t top) {
  Selection sel;
  sel.since_us = scope.since_us;
  sel.until_us = scope.until_us;
  sel.events_of_incidents = scope.events_of_incidents && scope.incident_ids.has_value();
  if (scope.incident_ids) {
    std::string json = "[";
    for (int64_t id : *scope.incident_ids) {
      json += (json.size() > 1 ? "," : "") + std::to_string(id);
    }
    sel.ids_json = json + "]";
  }
  Activity out;
  // One read transaction: every count below sees the same store.
  auto tx = Transaction::Begin(db, Transaction::Kind::kDeferred);
  if (!tx) return tx.error();
  if (Status s = IncidentCounts(db, sel, top, out); !s.ok()) return s.error();
  if (Status s = IncidentDays(db, sel, out); !s.ok()) return s.error();
  if (Status s = EventCounts(db, sel, top, out); !s.ok()) return s.error();
  return out;
}

}  // namespace vigil::store
