#include "report/facts.h"

#include <algorithm>
#include <map>
#include <set>

#include "config/config.h"
#include "core/encoding.h"
#include "core/ip.h"
#include "crypto/sha256.h"
#include "report/counts.h"
#include "report/hashes.h"
#include "report/review_status.h"
#include "store/database.h"
#include "store/event_codec.h"
#include "store/incidents.h"
#include "store/reviews.h"
#include "store/schema.h"

namespace vigil::report {
namespace {

// Log data is attacker-controlled: a control character (an escape sequence for the terminal,
// a newline that would forge a report line) is shown as '?'.
std::string Clean(std::string_view text) { return TerminalSafe(text); }

std::string Text(const std::optional<std::string>& v) { return v ? Clean(*v) : std::string(); }

// Text decoded from stored JSON (rule details, sub-score reasons) can carry log data too:
// cleaned, then each once.
void Strings(const std::vector<std::string>& from, std::vector<std::string>& out) {
  for (const std::string& s : from) {
    std::string clean = Clean(s);
    if (std::find(out.begin(), out.end(), clean) == out.end()) out.push_back(std::move(clean));
  }
}

// The rule and what was merged into it, from incidents.details (or the newest update's).
void ReadDetails(const store::IncidentDetails& d, Incident& inc) {
  inc.rule_level = Clean(d.rule.level.value_or(""));
  inc.rule_author = Clean(d.rule.author);
  inc.detail = Clean(d.detail);
  Strings(d.rule.tags, inc.tags);
  Strings(d.rule.falsepositives, inc.falsepositives);
  for (const store::MergedRule& a : d.also_matched) inc.also.push_back(Clean(a.rule.title));
}

void ReadScore(const store::NewestScore& s, Incident& inc) {
  inc.scored = true;
  inc.severity = Clean(s.severity);
  inc.risk = s.risk;
  inc.anomaly = s.anomaly;
  for (const store::ScoreComponent& c : s.components) {
    inc.parts.push_back({Clean(c.name), Clean(c.why), c.weight, c.value});
  }
  for (const store::ScoreTechnique& t : s.techniques) {
    Technique k{Clean(t.id), Clean(t.name), {}};
    Strings(t.tactics, k.tactics);
    for (const auto& tactic : k.tactics) {
      if (std::find(inc.tactics.begin(), inc.tactics.end(), tactic) == inc.tactics.end()) {
        inc.tactics.push_back(tactic);
      }
    }
    inc.techniques.push_back(std::move(k));
  }
}

std::vector<std::pair<std::string, int64_t>> ByCount(const std::map<std::string, int64_t>& m) {
  std::vector<std::pair<std::string, int64_t>> v(m.begin(), m.end());
  std::stable_sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second > b.second; });
  return v;
}

// Events of one incident, in time order: entities, indicators and the folded timeline.
Status ReadEvents(store::Database& db, Incident& inc) {
  store::EventQuery q;
  q.scope = store::EventQuery::Scope::kIncident;
  q.fields = store::EventFields()
                 .Add(&Event::event_action)
                 .Add(&Event::event_outcome)
                 .Add(&Event::user_name)
                 .Add(&Event::source_ip)
                 .Add(&Event::destination_ip)
                 .Add(&Event::host_name)
                 .Add(&Event::domain)
                 .Add(&Event::url)
                 .Add(&Event::source_bytes)
                 .Add(&Event::source_port)
                 .Add(&Event::destination_port)
                 .Add(&Event::network_protocol)
                 .Add(&Event::fields)
                 .Add(&Event::process_name);
  // A store read as it is (report does not migrate) has events.details from schema 8 on.
  auto version = store::SchemaVersionOf(db);
  if (!version) return version.error();
  if (*version >= 8) q.fields.Add(&Event::details);
  q.raw = true;
  auto st = store::EventCursor::Open(db, q);
  if (!st) return st.error();
  if (Status s = st->Start(inc.id); !s.ok()) return s;
  std::map<std::string, int64_t> sources, destinations, users, hosts, actions, domains, urls;
  std::map<std::pair<std::string, std::string>, int64_t> hashes;  // (algorithm, hex)
  std::vector<TimelineEntry> lines;
  EvidenceCounter counter;
  std::map<std::string, int64_t> bytes_to;
  DetailTally tally;
  StoredEvent stored;
  const Event& e = stored.event;
  for (;;) {
    auto row = st->Next(stored);
    if (!row) return row.error();
    if (!*row) break;
    TimelineEntry t;
    t.event_id = stored.id;
    t.ts_us = t.last_ts_us = e.ts_us;
    t.action = Text(e.event_action);
    t.outcome = Text(e.event_outcome);
    t.user = Text(e.user_name);
    t.source = Text(e.source_ip);
    t.destination = Text(e.destination_ip);
    t.host = Text(e.host_name);
    t.details = tally.Read(e);
    tally.Count(t.details);
    const std::string domain = Text(e.domain), url = Text(e.url);
    if (counter.Add(stored)) {  // a second sensor's copy is evidence, not a second event
      if (e.source_bytes) {
        inc.bytes_out += *e.source_bytes;
        if (!t.destination.empty()) bytes_to[t.destination] += *e.source_bytes;
      }
      for (auto [m, v] : {std::pair{&sources, &t.source},
                          {&destinations, &t.destination},
                          {&users, &t.user},
                          {&hosts, &t.host},
                          {&actions, &t.action}}) {
        if (!v->empty()) ++(*m)[*v];
      }
      if (!domain.empty()) ++domains[domain];
      if (!url.empty()) ++urls[url];
      for (FileHash& h : FindHashes(stored.raw)) ++hashes[{h.algorithm, std::move(h.value)}];
    }
    if (!lines.empty()) {
      TimelineEntry& last = lines.back();
      if (last.action == t.action && last.outcome == t.outcome && last.user == t.user &&
          last.source == t.source && last.destination == t.destination && last.host == t.host &&
          last.details == t.details) {
        ++last.repeats;
        last.last_ts_us = t.ts_us;
        continue;
      }
    }
    lines.push_back(std::move(t));
  }
  inc.sources = ByCount(sources);
  inc.destinations = ByCount(destinations);
  inc.users = ByCount(users);
  inc.hosts = ByCount(hosts);
  inc.actions = ByCount(actions);
  counter.Finish(inc);
  inc.bytes_by_destination = ByCount(bytes_to);
  inc.decisive = tally.Summaries();
  if (lines.size() > kTimelineHead + kTimelineTail) {
    inc.timeline_omitted = int64_t(lines.size() - kTimelineHead - kTimelineTail);
    lines.erase(lines.begin() + long(kTimelineHead), lines.end() - long(kTimelineTail));
  }
  inc.timeline = std::move(lines);
  for (const auto* m : {&sources, &destinations}) {
    for (const auto& entry : ByCount(*m)) {
      const std::string& ip = entry.first;  // a plain name: lambdas cannot capture bindings
      const int64_t n = entry.second;
      auto it = std::find_if(inc.indicators.begin(), inc.indicators.end(),
                             [&](const Indicator& i) { return i.value == ip; });
      if (it != inc.indicators.end()) {
        it->events += n;
        continue;
      }
      const bool is_ip = ParseIp(ip).has_value();
      inc.indicators.push_back(
          {is_ip ? "ip" : "host", ip, n, is_ip ? !IsPrivateAddress(ip) : false});
    }
  }
  for (const auto& [d, n] : ByCount(domains)) inc.indicators.push_back({"domain", d, n, false});
  for (const auto& [u, n] : ByCount(urls)) inc.indicators.push_back({"url", u, n, false});
  for (const auto& [u, n] : inc.users) inc.indicators.push_back({"user", u, n, false});
  for (const auto& [h, n] : hashes) inc.indicators.push_back({h.first, h.second, n, false});
  return {};
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char b : bytes) {
    const auto c = static_cast<unsigned char>(b);
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// The reviews in the order made; the newest approve or reject decides the status, and its
// recorded digest against inc.digest says whether it covers the report as it reads now.
Status ReadReviews(store::ReviewReader& reader, Incident& inc) {
  auto stored = reader.Of(inc.id);
  if (!stored) return stored.error();
  inc.status = "draft";
  inc.currency = Currency::kNone;
  inc.decided_by = -1;
  for (const store::ReviewRecord& sr : *stored) {
    Review r{sr.id,
             sr.reviewed_us,
             Clean(sr.analyst),
             Clean(sr.decision),
             Clean(sr.note),
             sr.digest ? Hex(*sr.digest) : std::string()};
    if (r.decision == "approve" || r.decision == "reject") {
      inc.status = r.decision == "approve" ? "approved" : "rejected";
      inc.decided_by = int64_t(inc.reviews.size());
      inc.currency = r.digest.empty()         ? Currency::kUnrecorded
                     : r.digest == inc.digest ? Currency::kCurrent
                                              : Currency::kChanged;
    }
    inc.reviews.push_back(std::move(r));
  }
  return {};
}

bool ContainsNoCase(std::string_view hay, std::string_view needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
  return it != hay.end();
}

bool Has(const std::vector<std::pair<std::string, int64_t>>& v, const std::string& x) {
  return std::any_of(v.begin(), v.end(), [&](auto& p) { return p.first == x; });
}

bool Passes(const Incident& inc, const Filter& f) {
  if (!f.min_severity.empty() &&
      (!inc.scored || SeverityRank(inc.severity) < SeverityRank(f.min_severity))) {
    return false;
  }
  if (!f.type.empty()) {
    bool hit = ContainsNoCase(inc.title, f.type) || ContainsNoCase(inc.rule_id, f.type);
    for (const auto& t : inc.techniques) hit = hit || ContainsNoCase(t.id, f.type);
    if (!hit) return false;
  }
  if (!f.user.empty() && !Has(inc.users, f.user)) return false;
  if (!f.ip.empty() && !Has(inc.sources, f.ip) && !Has(inc.destinations, f.ip)) return false;
  if (f.since_us && inc.last_us < *f.since_us) return false;
  if (f.until_us && inc.first_us > *f.until_us) return false;
  if (!f.status.empty()) {
    const bool changed = inc.currency == Currency::kChanged;
    if (f.status == "changed" ? !changed : (changed || inc.status != f.status)) return false;
  }
  return true;
}

}  // namespace

Result<std::vector<Incident>> ReadIncidents(store::Database& db, const Filter& filter) {
  auto tx = store::Transaction::Begin(db, store::Transaction::Kind::kDeferred);
  if (!tx) return tx.error();
  return ReadIncidentsLocked(db, filter);  // the read transaction ends when `tx` goes
}

Result<std::vector<Incident>> ReadIncidentsLocked(store::Database& db, const Filter& filter) {
  store::IncidentQuery query;
  query.ids = filter.ids;
  query.count_events = true;
  auto stored = store::ReadIncidents(db, query);
  if (!stored) return stored.error();
  std::vector<Incident> out;
  std::set<int64_t> wanted(filter.ids.begin(), filter.ids.end()), seen;
  for (const store::StoredIncident& si : *stored) {
    Incident inc;
    inc.id = si.id;
    seen.insert(inc.id);
    inc.title = Clean(si.title);
    inc.rule_id = Clean(si.rule_id);
    inc.group_key = Clean(si.group_key.value_or(""));
    inc.first_us = si.first_us;
    inc.last_us = si.last_us;
    ReadDetails(si.details, inc);
    inc.event_count = si.event_count;
    if (si.score) ReadScore(*si.score, inc);
    out.push_back(std::move(inc));
  }
  for (int64_t id : wanted) {
    if (!seen.count(id)) {
      return MakeError(ErrorCode::kUsage, "no incident " + std::to_string(id) + " in the store");
    }
  }
  auto reviews = store::ReviewReader::Open(db);
  if (!reviews) return reviews.error();
  auto sha = crypto::Sha256::Create();
  if (!sha) return sha.error();
  std::vector<Incident> kept;
  for (Incident& inc : out) {
    if (Status s = ReadEvents(db, inc); !s.ok()) return s.error();
    auto digest = ContentDigest(inc, *sha);
    if (!digest) return digest.error();
    inc.digest = crypto::DigestHex(*digest);
    if (Status s = ReadReviews(*reviews, inc); !s.ok()) return s.error();
    if (Passes(inc, filter)) kept.push_back(std::move(inc));
  }
  std::stable_sort(kept.begin(), kept.end(), [](const Incident& a, const Incident& b) {
    if (a.scored != b.scored) return a.scored;
    if (a.risk != b.risk) return a.risk > b.risk;
    return a.id < b.id;
  });
  return kept;
}

namespace {

bool NamesIncidents(const Filter& f) {
  return !f.ids.empty() || !f.min_severity.empty() || !f.type.empty() || !f.user.empty() ||
         !f.ip.empty() || !f.status.empty();
}

bool SelectsIncidents(const Filter& f) { return NamesIncidents(f) || f.since_us || f.until_us; }

}  // namespace

store::ActivityScope ActivityScopeOf(const Filter& filter, const std::vector<Incident>& selected) {
  store::ActivityScope scope;
  scope.since_us = filter.since_us;
  scope.until_us = filter.until_us;
  scope.events_of_incidents = NamesIncidents(filter);
  if (SelectsIncidents(filter)) {
    std::vector<int64_t> ids;
    for (const Incident& inc : selected) ids.push_back(inc.id);
    std::sort(ids.begin(), ids.end());
    scope.incident_ids = std::move(ids);
  }
  return scope;
}

Result<store::ActivityScope> ActivityScopeOf(store::Database& db, const Filter& filter) {
  if (!SelectsIncidents(filter)) return ActivityScopeOf(filter, {});
  auto incidents = ReadIncidents(db, filter);
  if (!incidents) return incidents.error();
  return ActivityScopeOf(filter, *incidents);
}

}  // namespace vigil::report
