// The score stage's view of incidents: the newest details of each (rule, level, tags, the
// rules merged into it) and the facts of its events that the sub-scores weigh.
#include <simdjson.h>

#include <algorithm>
#include <set>

#include "score/attack.h"
#include "score/score_data.h"
#include "store/database.h"
#include "store/event_codec.h"

namespace vigil::score {
namespace {

using store::Statement;
using store::ValueType;

// `rule` may be a lookup that failed (details written by an older vigil or another tool have
// no rule object): converting that to an element would throw.
void AddTags(simdjson::simdjson_result<simdjson::dom::element> rule,
             std::vector<std::string>& tags) {
  simdjson::dom::array arr;
  if (rule["tags"].get(arr) != simdjson::SUCCESS) return;
  for (simdjson::dom::element t : arr) {
    std::string_view s;
    if (t.get(s) == simdjson::SUCCESS && std::find(tags.begin(), tags.end(), s) == tags.end()) {
      tags.emplace_back(s);
    }
  }
}

// Level and tags of the rule, and of each rule merged in ("also_matched").
void ReadDetails(std::string_view json, IncidentFacts& f) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) return;
  std::string_view level;
  if (root["rule"]["level"].get(level) == simdjson::SUCCESS) f.level = std::string(level);
  AddTags(root["rule"], f.tags);
  simdjson::dom::array also;
  if (root["also_matched"].get(also) != simdjson::SUCCESS) return;
  for (simdjson::dom::element a : also) {
    std::string_view l;
    f.also.emplace_back(a["rule"]["level"].get(l) == simdjson::SUCCESS ? l : "medium");
    AddTags(a["rule"], f.tags);
  }
}

std::string LabelOf(const TagMapping& m) {
  if (!m.techniques.empty()) return m.techniques.front()->id;
  if (!m.tactics.empty()) return m.tactics.front()->shortname;
  return "suspicious";
}

// Accumulates one incident's facts, event by event in time order.
class FactsBuilder {
 public:
  FactsBuilder(const config::Config& config, IncidentFacts& f) : config_(config), f_(f) {
    f_.flag_entities.assign(kFlagCount, "");
  }
  void Add(int64_t id, const Event& e, float anomaly, uint32_t flags) {
    ++f_.events;
    const bool failed = e.event_outcome && *e.event_outcome == "failure";
    // A network connection that "succeeded" only happened; success means something where an
    // action was attempted (a logon, an API call, a request).
    const bool succeeded = e.event_outcome && *e.event_outcome == "success" &&
                           !(e.event_category && *e.event_category == "network");
    if (failed) ++f_.failures;
    if (succeeded) {
      ++f_.successes;
      if (f_.failures > 0 && f_.success_event == 0) {
        f_.success_event = id;
        f_.failures_before_success = f_.failures;
      }
    }
    if (e.source_bytes && *e.source_bytes > 0) {
      f_.bytes_out += *e.source_bytes;
      if (*e.source_bytes >= kBulkBytes) {
        f_.bulk_bytes += *e.source_bytes;
        ++f_.bulk_transfers;
      }
    }
    if (!failed && IsPrivilegedAction(e)) ++f_.privileged_actions;
    if (!std::isnan(anomaly) && anomaly > f_.max_anomaly) {
      f_.max_anomaly = anomaly;
      f_.anomaly_event = id;
    }
    for (int b = 0; b < kFlagCount; ++b) {
      if ((flags & (1u << b)) == 0 || (f_.flags & (1u << b)) != 0) continue;
      f_.flags |= 1u << b;
      const bool user_flag = (1u << b) <= kUserFirstPrivilege;
      const auto& who = user_flag ? e.user_name : e.source_ip;
      f_.flag_entities[size_t(b)] = (user_flag ? "user " : "source ") + who.value_or("?");
    }
    Note(users_, e.user_name);
    Note(destinations_, e.destination_ip);
    Note(hosts_, e.host_name);
    if (e.destination_port) ports_.insert(*e.destination_port);
    for (const auto* v : {&e.destination_ip, &e.host_name, &e.source_ip}) {
      if (*v && config_.IsCriticalAsset(**v)) critical_.insert(**v);
    }
    if (e.user_name && config_.IsPrivileged(*e.user_name)) privileged_.insert(*e.user_name);
  }
  void Finish() {
    f_.distinct_users = int64_t(users_.size());
    f_.distinct_destinations = int64_t(destinations_.size());
    f_.distinct_hosts = int64_t(hosts_.size());
    f_.distinct_ports = int64_t(ports_.size());
    f_.critical_assets.assign(critical_.begin(), critical_.end());
    f_.privileged_accounts.assign(privileged_.begin(), privileged_.end());
  }

 private:
  static void Note(std::set<std::string>& s, const std::optional<std::string>& v) {
    if (v && !v->empty()) s.insert(*v);
  }
  const config::Config& config_;
  IncidentFacts& f_;
  std::set<std::string> users_, destinations_, hosts_, critical_, privileged_;
  std::set<int64_t> ports_;
};

}  // namespace

Status ReadIncidents(store::Database& db, const Options& options, const EventTable& events,
                     std::vector<IncidentRow>& incidents,
                     std::vector<std::vector<uint32_t>>& members) {
  auto st = db.Prepare(
      "SELECT i.id, i.rule_id, i.title, i.group_key, i.first_ts_us, "
      "coalesce(u.last_ts_us, i.last_ts_us), coalesce(u.details, i.details), "
      "s.risk, s.severity, s.anomaly, s.components, s.techniques "
      "FROM incidents i "
      "LEFT JOIN (SELECT incident_id, last_ts_us, details, max(id) FROM incident_updates "
      "GROUP BY incident_id) u ON u.incident_id = i.id "
      "LEFT JOIN (SELECT incident_id, risk, severity, anomaly, components, techniques, max(id) "
      "FROM scores GROUP BY incident_id) s ON s.incident_id = i.id ORDER BY i.id",
      "read incidents");
  if (!st) return st.error();
  std::unordered_map<int64_t, size_t> index;
  for (;;) {
    auto row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    IncidentRow r;
    r.out.id = st->ColumnInteger(0);
    r.out.rule_id = std::string(st->ColumnText(1));
    r.out.title = std::string(st->ColumnText(2));
    r.out.group_key = Text(*st, 3).value_or("");
    r.out.first_us = r.facts.first_us = st->ColumnInteger(4);
    r.out.last_us = r.facts.last_us = st->ColumnInteger(5);
    if (auto d = Text(*st, 6)) ReadDetails(*d, r.facts);
    if (st->ColumnType(7) != ValueType::kNull) {
      r.stored = true;
      r.stored_risk = st->ColumnInteger(7);
      r.stored_severity = Text(*st, 8).value_or("");
      if (st->ColumnType(9) != ValueType::kNull) r.stored_anomaly = st->ColumnReal(9);
      r.stored_components = Text(*st, 10).value_or("");
      r.stored_techniques = Text(*st, 11).value_or("");
    }
    const TagMapping m = MapTags(r.facts.tags);
    for (const Technique* t : m.techniques)
      r.out.techniques.push_back({t->id, t->name, t->tactics});
    r.out.label = LabelOf(m);
    index.emplace(r.out.id, incidents.size());
    incidents.push_back(std::move(r));
  }
  members.assign(incidents.size(), {});

  store::EventQuery q;
  q.scope = store::EventQuery::Scope::kAllIncidents;
  q.fields = store::EventFields()
                 .Add(&Event::user_name)
                 .Add(&Event::source_ip)
                 .Add(&Event::destination_ip)
                 .Add(&Event::destination_port)
                 .Add(&Event::host_name)
                 .Add(&Event::event_outcome)
                 .Add(&Event::event_action)
                 .Add(&Event::process_name)
                 .Add(&Event::source_bytes)
                 .Add(&Event::message)
                 .Add(&Event::event_category);
  q.message_prefix = 8;
  auto ev = store::EventCursor::Open(db, q);
  if (!ev) return ev.error();
  std::unique_ptr<FactsBuilder> builder;
  size_t current = SIZE_MAX;
  StoredEvent stored;
  const Event& e = stored.event;
  for (;;) {
    auto row = ev->Next(stored);
    if (!row) return row.error();
    if (!*row) break;
    auto it = index.find(ev->incident_id());
    if (it == index.end()) continue;  // an incident newer than our snapshot's list
    if (it->second != current) {
      if (builder) builder->Finish();
      current = it->second;
      builder = std::make_unique<FactsBuilder>(options.config, incidents[current].facts);
    }
    const int64_t id = stored.id;
    const uint32_t at = events.PositionOf(id);
    float anomaly = NAN;
    uint32_t flags = 0;
    if (at != kNoIndex) {
      members[current].push_back(at);
      const bool here = events.scored_here[at] != 0;
      anomaly = here ? events.anomaly[at] : events.stored[at].anomaly;
      flags = here ? events.flags[at] : events.stored[at].flags;
    }
    builder->Add(id, e, anomaly, flags);
  }
  if (builder) builder->Finish();
  for (IncidentRow& r : incidents) r.out.events = r.facts.events;
  return {};
}

}  // namespace vigil::score
