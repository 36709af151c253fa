#include "alert/triggers.h"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <set>

#include "core/fifo.h"
#include "core/time.h"
#include "store/event_codec.h"

namespace vigil::alert {
namespace {

constexpr size_t kMaxEvents = 20;  // event ids listed in one alert
constexpr int64_t kSecond = 1'000'000;

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
  Fifo<const Row*> window;
  for (const Row& r : rows) {
    if (!window.empty() && window.front()->key != r.key) window.clear();
    window.push_back(&r);
    while (r.ts_us - window.front()->ts_us > window_us) window.pop_front();
    if (window.size() >= size_t(n)) {
      bool fresh = false;
      for (const Row* w : window) fresh = fresh || w->is_new;
      if (fresh) {
        std::vector<const Row*> run;
        run.reserve(window.size());
        for (const Row* w : window) run.push_back(w);
        fire(run);
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
  auto scores = store::NewIncidentScores(db, from.score_id);
  if (!scores) return scores.error();
  const int min_rank = SeverityRank(o.min_severity);
  std::vector<Alert> out;
  for (store::NewIncidentScore& s : *scores) {
    Alert a;
    a.incident_id = s.incident_id;
    a.severity = std::move(s.severity);
    a.risk = int(s.risk);
    a.type = std::move(s.rule_id);
    a.title = std::move(s.title);
    if (SeverityRank(a.severity) >= min_rank) a.triggers.push_back("severity");
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
  auto events = store::NewAnomalousEvents(db, from.event_score_id, o.anomaly);
  if (!events) return events.error();
  std::vector<Alert> out;
  for (store::AnomalousEvent& ev : *events) {
    Alert a;
    a.triggers = {"anomaly"};
    a.events = {ev.event_id};
    a.count = 1;
    const double anomaly = ev.anomaly;
    a.severity = std::move(ev.severity);
    a.risk = int(ev.risk);
    a.event_us = ev.ts_us;
    a.source_ip = std::move(ev.source_ip);
    a.user = std::move(ev.user_name);
    a.type = std::move(ev.action);
    const std::string host = std::move(ev.host);
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

// The rows of a windowed trigger, each marked new when its marker is above `watermark`.
std::vector<Row> RowsOf(std::vector<store::WindowRow>&& rows, int64_t watermark) {
  std::vector<Row> out;
  out.reserve(rows.size());
  for (store::WindowRow& r : rows) {
    out.push_back({std::move(r.key), r.ts_us, r.event_id, r.marker > watermark, std::move(r.action),
                   std::move(r.other)});
  }
  return out;
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
  auto first = store::EarliestNewEvent(db, from.event_id);
  if (!first) return first.error();
  if (!*first) return std::vector<Alert>{};
  auto read = store::SourceWindowRows(db, **first - window);
  if (!read) return read.error();
  const std::vector<Row> rows = RowsOf(std::move(*read), from.event_id);
  std::vector<Alert> out;
  SlidingWindows(rows, o.burst_events, window, [&](const std::vector<const Row*>& w) {
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
  auto first = store::EarliestNewHighUserEvent(db, from.event_score_id);
  if (!first) return first.error();
  if (!*first) return std::vector<Alert>{};
  auto read = store::UserHighWindowRows(db, **first - window);
  if (!read) return read.error();
  const std::vector<Row> rows = RowsOf(std::move(*read), from.event_score_id);
  std::vector<Alert> out;
  SlidingWindows(rows, o.user_high_events, window, [&](const std::vector<const Row*>& w) {
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
