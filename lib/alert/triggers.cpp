#include "alert/triggers.h"

#include <fmt/format.h>

#include <deque>
#include <map>
#include <optional>
#include <set>

#include "core/time.h"
#include "store/event_codec.h"

namespace vigil::alert {
namespace {

using store::Statement;
using store::ValueType;

constexpr size_t kMaxEvents = 20;  // event ids listed in one alert
constexpr int64_t kSecond = 1'000'000;

std::string Text(const Statement& st, int i) {
  return st.ColumnType(i) == ValueType::kNull ? std::string() : std::string(st.ColumnText(i));
}

Status Bind(Statement& st, std::initializer_list<int64_t> values) {
  int i = 1;
  for (int64_t v : values) {
    if (Status s = st.BindInteger(i++, v); !s.ok()) return s;
  }
  return {};
}

// One row of a windowed trigger: an event of the group `key`, in time order within the group.
struct Row {
  std::string key;
  int64_t ts_us = 0, event_id = 0;
  bool is_new = false;
  std::string action, other;  // other: the user of a source address, or the reverse
};

// Rows ordered by (key, ts_us, event_id): calls `fire` with each run of `n` events of one key
// within `window_us` that holds a new event. After a run the window starts afresh, so one
// sustained burst gives one candidate per `n` events rather than one per event.
template <typename Fire>
void SlidingWindows(const std::vector<Row>& rows, int n, int64_t window_us, Fire fire) {
  std::deque<const Row*> window;
  for (const Row& r : rows) {
    if (!window.empty() && window.front()->key != r.key) window.clear();
    window.push_back(&r);
    while (r.ts_us - window.front()->ts_us > window_us) window.pop_front();
    if (window.size() >= size_t(n)) {
      bool fresh = false;
      for (const Row* w : window) fresh = fresh || w->is_new;
      if (fresh) {
        fire(std::vector<const Row*>(window.begin(), window.end()));
        window.clear();
      }
    }
  }
}

std::string Counted(const std::map<std::string, int>& m) {
  std::string out;
  for (const auto& [name, n] : m)
    out += fmt::format("{}{} \u00d7{}", out.empty() ? "" : ", ", name, n);
  return out;
}

}  // namespace

Result<std::vector<Alert>> IncidentTriggers(store::Database& db, const Watermarks& from,
                                            const config::AlertOptions& o) {
  // The newest new score of each incident, with the incident's rule and title.
  auto st = db.Prepare(
      "SELECT s.incident_id, s.severity, s.risk, i.rule_id, i.title FROM scores s "
      "JOIN incidents i ON i.id = s.incident_id WHERE s.id IN (SELECT max(id) FROM scores "
      "WHERE id > ? GROUP BY incident_id) ORDER BY s.incident_id",
      "read new incident scores");
  if (!st) return st.error();
  if (Status s = Bind(*st, {from.score_id}); !s.ok()) return s.error();
  const int min_rank = config::SeverityRank(o.min_severity);
  std::vector<Alert> out;
  for (;;) {
    auto row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    Alert a;
    a.incident_id = st->ColumnInteger(0);
    a.severity = Text(*st, 1);
    a.risk = int(st->ColumnInteger(2));
    a.type = Text(*st, 3);
    a.title = Text(*st, 4);
    if (config::SeverityRank(a.severity) >= min_rank) a.triggers.push_back("severity");
    if (a.risk > o.risk_above) a.triggers.push_back("risk");
    if (!a.triggers.empty()) out.push_back(std::move(a));
  }
  // Each alerting incident's main source and user, its events and its latest event time.
  store::EventQuery q;
  q.scope = store::EventQuery::Scope::kIncident;
  q.fields = store::EventFields().Add(&Event::source_ip).Add(&Event::user_name);
  auto ev = store::EventCursor::Open(db, q);
  if (!ev) return ev.error();
  StoredEvent stored;
  const Event& e = stored.event;
  for (Alert& a : out) {
    if (Status s = ev->Start(a.incident_id); !s.ok()) return s.error();
    std::map<std::string, int64_t> ips, users;
    for (;;) {
      auto row = ev->Next(stored);
      if (!row) return row.error();
      if (!*row) break;
      ++a.count;
      if (a.events.size() < kMaxEvents) a.events.push_back(stored.id);
      a.event_us = std::max(a.event_us, e.ts_us);
      if (e.source_ip && !e.source_ip->empty()) ++ips[*e.source_ip];
      if (e.user_name && !e.user_name->empty()) ++users[*e.user_name];
    }
    auto top = [](const std::map<std::string, int64_t>& m) {
      std::string best;
      int64_t n = 0;
      for (const auto& [k, c] : m) {
        if (c > n) best = k, n = c;
      }
      return best;
    };
    a.source_ip = top(ips);
    a.user = top(users);
    a.entity = !a.source_ip.empty() ? a.source_ip : a.user;
    a.summary = fmt::format("Incident #{} \"{}\" is {} (risk {}/100){}{}, {} events.",
                            a.incident_id, a.title, a.severity, a.risk,
                            a.source_ip.empty() ? "" : ", source " + a.source_ip,
                            a.user.empty() ? "" : ", user " + a.user, a.count);
  }
  return out;
}

Result<std::vector<Alert>> AnomalyTriggers(store::Database& db, const Watermarks& from,
                                           const config::AlertOptions& o) {
  auto st = db.Prepare(
      "SELECT es.event_id, es.anomaly, es.severity, es.risk, e.ts_us, e.source_ip, e.user_name, "
      "e.event_action, e.host_name FROM event_scores es JOIN events e ON e.id = es.event_id "
      "WHERE es.id > ? AND es.anomaly >= ? AND es.severity IN ('Medium', 'High', 'Critical') "
      "ORDER BY e.ts_us, es.event_id",
      "read new anomalous events");
  if (!st) return st.error();
  if (Status s = st->BindInteger(1, from.event_score_id); !s.ok()) return s.error();
  if (Status s = st->Bind(2, store::Value::Real(o.anomaly)); !s.ok()) return s.error();
  std::vector<Alert> out;
  for (;;) {
    auto row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    Alert a;
    a.triggers = {"anomaly"};
    a.events = {st->ColumnInteger(0)};
    a.count = 1;
    const double anomaly = st->ColumnReal(1);
    a.severity = Text(*st, 2);
    a.risk = int(st->ColumnInteger(3));
    a.event_us = st->ColumnInteger(4);
    a.source_ip = Text(*st, 5);
    a.user = Text(*st, 6);
    a.type = Text(*st, 7);
    const std::string host = Text(*st, 8);
    a.entity = !a.source_ip.empty() ? a.source_ip : !a.user.empty() ? a.user : host;
    if (a.type.empty()) a.type = "event";
    a.summary =
        fmt::format("Anomalous {} event (Isolation Forest {:.3f}, {} risk {}){}{}.", a.type,
                    anomaly, a.severity, a.risk, a.source_ip.empty() ? "" : " from " + a.source_ip,
                    a.user.empty() ? "" : " as " + a.user);
    out.push_back(std::move(a));
  }
  return out;
}

namespace {

// The earliest event time among what is new (`sql` takes the watermark), nullopt if none.
Result<std::optional<int64_t>> Earliest(store::Database& db, const char* sql, int64_t watermark) {
  auto st = db.Prepare(sql, "find what is new");
  if (!st) return st.error();
  if (Status s = Bind(*st, {watermark}); !s.ok()) return s.error();
  auto has = st->Step();
  if (!has) return has.error();
  if (!*has || st->ColumnType(0) == ValueType::kNull) return std::optional<int64_t>();
  return std::optional<int64_t>(st->ColumnInteger(0));
}

// The rows of `sql` (key, ts_us, event id, the id compared with `watermark`, action, and the
// other entity), events from `since` on.
Result<std::vector<Row>> ReadRows(store::Database& db, const char* sql, int64_t since,
                                  int64_t watermark) {
  auto st = db.Prepare(sql, "read events for a windowed trigger");
  if (!st) return st.error();
  if (Status s = Bind(*st, {since}); !s.ok()) return s.error();
  std::vector<Row> rows;
  for (;;) {
    auto row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    Row r{Text(*st, 0),         st->ColumnInteger(1),
          st->ColumnInteger(2), st->ColumnInteger(3) > watermark,
          Text(*st, 4),         Text(*st, 5)};
    rows.push_back(std::move(r));
  }
  return rows;
}

// The alert for one window of a windowed trigger; `other` is set when all its events agree.
Alert WindowAlert(const char* trigger, const std::vector<const Row*>& w, std::string& other) {
  Alert a;
  a.triggers = {trigger};
  a.type = trigger;
  a.entity = w.front()->key;
  a.event_us = w.back()->ts_us;
  a.count = int64_t(w.size());
  std::map<std::string, int> actions;
  std::set<std::string> others;
  for (const Row* r : w) {
    if (a.events.size() < kMaxEvents) a.events.push_back(r->event_id);
    ++actions[r->action.empty() ? "event" : r->action];
    if (!r->other.empty()) others.insert(r->other);
  }
  if (others.size() == 1) other = *others.begin();
  a.summary = fmt::format("({}), {} to {}.", Counted(actions), FormatUtc(w.front()->ts_us),
                          FormatUtc(w.back()->ts_us));
  return a;
}

}  // namespace

Result<std::vector<Alert>> BurstTriggers(store::Database& db, const Watermarks& from,
                                         const config::AlertOptions& o) {
  const int64_t window = int64_t(o.burst_window_s) * kSecond;
  auto first = Earliest(db, "SELECT min(ts_us) FROM events WHERE id > ?", from.event_id);
  if (!first) return first.error();
  if (!*first) return std::vector<Alert>{};
  auto rows = ReadRows(db,
                       "SELECT source_ip, ts_us, id, id, event_action, user_name FROM events "
                       "WHERE ts_us >= ? AND source_ip IS NOT NULL AND source_ip != '' ORDER BY "
                       "source_ip, ts_us, id",
                       **first - window, from.event_id);
  if (!rows) return rows.error();
  std::vector<Alert> out;
  SlidingWindows(*rows, o.burst_events, window, [&](const std::vector<const Row*>& w) {
    std::string user;
    Alert a = WindowAlert("burst", w, user);
    a.user = user;
    a.source_ip = a.entity;
    a.summary = fmt::format("{} events from {} within {} s {}", a.count, a.source_ip,
                            o.burst_window_s, a.summary);
    out.push_back(std::move(a));
  });
  return out;
}

Result<std::vector<Alert>> UserHighTriggers(store::Database& db, const Watermarks& from,
                                            const config::AlertOptions& o) {
  const int64_t window = int64_t(o.user_high_window_s) * kSecond;
  auto first =
      Earliest(db,
               "SELECT min(e.ts_us) FROM event_scores es JOIN events e ON e.id = es.event_id WHERE "
               "es.id > ? AND es.severity IN ('High', 'Critical') AND e.user_name IS NOT NULL",
               from.event_score_id);
  if (!first) return first.error();
  if (!*first) return std::vector<Alert>{};
  // One row per event; its newest High/Critical score row decides whether it is new.
  auto rows = ReadRows(
      db,
      "SELECT e.user_name, e.ts_us, e.id, max(es.id), e.event_action, e.source_ip FROM "
      "event_scores es JOIN events e ON e.id = es.event_id WHERE es.severity IN ('High', "
      "'Critical') AND e.ts_us >= ? AND e.user_name IS NOT NULL AND e.user_name != '' GROUP BY "
      "e.id ORDER BY e.user_name, e.ts_us, e.id",
      **first - window, from.event_score_id);
  if (!rows) return rows.error();
  std::vector<Alert> out;
  SlidingWindows(*rows, o.user_high_events, window, [&](const std::vector<const Row*>& w) {
    std::string source;
    Alert a = WindowAlert("user_high", w, source);
    a.user = a.entity;
    a.source_ip = source;
    a.severity = "High";
    a.summary = fmt::format("{} High or Critical events for user {} within {} s {}", a.count,
                            a.user, o.user_high_window_s, a.summary);
    out.push_back(std::move(a));
  });
  return out;
}

}  // namespace vigil::alert
