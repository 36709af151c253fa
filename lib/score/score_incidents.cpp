// The score stage's view of incidents: the newest details of each (rule, level, tags, the
// rules merged into it) and the facts of its events that the sub-scores weigh.
#include <algorithm>
#include <set>

#include "score/attack.h"
#include "score/score_data.h"
#include "store/database.h"
#include "store/event_codec.h"
#include "store/incidents.h"

namespace vigil::score {
namespace {

void AddTags(const std::vector<std::string>& from, std::vector<std::string>& tags) {
  for (const std::string& t : from) {
    if (std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(t);
  }
}

// Level and tags of the rule, and of each rule merged in ("also_matched").
void ReadDetails(const store::IncidentDetails& d, IncidentFacts& f) {
  if (d.rule.level) f.level = *d.rule.level;
  AddTags(d.rule.tags, f.tags);
  for (const store::MergedRule& a : d.also_matched) {
    f.also.push_back(a.rule.level.value_or("medium"));
    AddTags(a.rule.tags, f.tags);
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
  auto stored = store::ReadIncidents(db, {});
  if (!stored) return stored.error();
  std::unordered_map<int64_t, size_t> index;
  for (store::StoredIncident& si : *stored) {
    IncidentRow r;
    r.out.id = si.id;
    r.out.rule_id = std::move(si.rule_id);
    r.out.title = std::move(si.title);
    r.out.group_key = si.group_key.value_or("");
    r.out.first_us = r.facts.first_us = si.first_us;
    r.out.last_us = r.facts.last_us = si.last_us;
    ReadDetails(si.details, r.facts);
    if (si.score) {
      r.stored = true;
      r.stored_risk = si.score->risk;
      r.stored_severity = si.score->severity;
      r.stored_anomaly = si.score->anomaly;
      r.stored_components = std::move(si.score->components_json);
      r.stored_techniques = std::move(si.score->techniques_json);
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
  q.fields = FeatureFields();
  q.message_prefix = kMessagePrefix;
  auto ev = store::EventCursor::Open(db, q);
  if (!ev) return ev.error();
  std::unique_ptr<FactsBuilder> builder;
  size_t current = SIZE_MAX;
  StoredEvent event;
  const Event& e = event.event;
  for (;;) {
    auto row = ev->Next(event);
    if (!row) return row.error();
    if (!*row) break;
    auto it = index.find(ev->incident_id());
    if (it == index.end()) continue;  // an incident newer than our snapshot's list
    if (it->second != current) {
      if (builder) builder->Finish();
      current = it->second;
      builder = std::make_unique<FactsBuilder>(options.config, incidents[current].facts);
    }
    const int64_t id = event.id;
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
