#pragma once
// What a report says about an incident, read from the store: the facts (counts, times,
// addresses, scores, reviews) that the narrative is drafted from and that the renderers print
// apart from it. See vigil-report(1).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "report/details.h"
#include "store/activity.h"

namespace vigil::store {
class Database;
}

namespace vigil::report {

struct Part {  // one sub-score of the risk, as vigil score stored it
  std::string name, why;
  double weight = 0, value = 0;
};

struct Technique {
  std::string id, name;
  std::vector<std::string> tactics;
};

struct Indicator {
  std::string type;  // ip, domain, url, user, host, md5, sha1, sha256, sha512
  std::string value;
  int64_t events = 0;
  bool external = false;  // ip: a public address
};

// A long timeline keeps its first kTimelineHead and last kTimelineTail lines.
constexpr size_t kTimelineHead = 30, kTimelineTail = 10;

struct TimelineEntry {
  int64_t ts_us = 0, event_id = 0;
  int64_t last_ts_us = 0;  // of the last event folded into this line
  std::string action, outcome, user, source, destination, host;
  int64_t repeats = 1;               // consecutive events alike, folded into one line
  std::vector<DetailValue> details;  // its decisive fields (report/details.h)
};

struct Review {
  int64_t id = 0, ts_us = 0;
  std::string analyst, decision, note;
  // What the analyst saw: the report's content digest then (hex, see review_status.h), or "" for a
  // review recorded before schema version 6.
  std::string digest;
};

// Whether the deciding review (the newest approve or reject) was made on the report as it
// reads now: its recorded digest against the content digest now.
enum class Currency {
  kNone,        // a draft: nothing decided
  kCurrent,     // decided on this version
  kChanged,     // decided on an earlier version: facts, score or drafted text changed since
  kUnrecorded,  // decided before vigil recorded digests (schema version 5 and older)
};

struct Incident {
  int64_t id = 0;
  std::string title, rule_id, rule_level, rule_author, group_key, detail;
  std::vector<std::string> tags, falsepositives, also;  // also: titles of merged rules
  int64_t first_us = 0, last_us = 0, event_count = 0;
  // The newest score; scored = false when vigil score has not run on it yet.
  bool scored = false;
  std::string severity;
  int risk = 0;
  std::optional<double> anomaly;
  std::vector<Part> parts;
  std::vector<Technique> techniques;
  std::vector<std::string> tactics;  // of its techniques, in order of first appearance
  // Entities, by number of events (most first), then by name.
  std::vector<std::pair<std::string, int64_t>> sources, destinations, users, hosts, actions;
  // success / failure / unknown, in attempts (CountAttempts in facts.cpp; vigil-report(1),
  // COUNTS): lines that log one attempt (sshd's "Failed password" and pam_unix's
  // "authentication failure" of the same sshd process) count once.
  std::vector<std::pair<std::string, int64_t>> outcomes;
  // Who acted besides the source addresses: calling accounts (Windows SubjectUserName) and the
  // accounts of events that did not fail; the workstations named as where a logon came from.
  std::vector<std::pair<std::string, int64_t>> actor_accounts, workstations;
  // Events a second sensor also logged (same action and 5-tuple, another host, within a
  // second): kept in the timeline, counted once in the counts above and in bytes_out.
  int64_t duplicate_events = 0;
  int64_t bytes_out = 0;
  std::vector<std::pair<std::string, int64_t>> bytes_by_destination;  // most first
  std::vector<DetailSummary> decisive;  // the decisive fields' values (report/details.h)
  std::vector<Indicator> indicators;
  std::vector<TimelineEntry> timeline;
  int64_t timeline_omitted = 0;  // lines left out of a long timeline
  std::vector<Review> reviews;
  std::string status;  // draft, approved, rejected (from the newest approve/reject)
  std::string digest;  // the content digest of the report as it reads now (hex, review_status.h)
  Currency currency = Currency::kNone;
  int64_t decided_by = -1;  // index in `reviews` of the deciding review, -1 for a draft
  // Set by --narrator: a local command's narrative, shown marked as machine-drafted.
  std::string machine_narrative, narrator;
};

struct Filter {
  std::vector<int64_t> ids;  // empty: all
  std::string min_severity;  // Low..Critical in any case, empty: any
  std::string type;          // substring of the title, rule id or an ATT&CK id (any case)
  std::string user, ip;      // an entity of the incident
  std::optional<int64_t> since_us, until_us;  // the incident overlaps [since, until]
  // draft; approved or rejected (on this version, or with the version not recorded);
  // changed (approved or rejected on an earlier version)
  std::string status;
};

// The incidents that pass the filter, riskiest first (unscored last), then by id.
// kUsage for an id that does not exist.
Result<std::vector<Incident>> ReadIncidents(store::Database& db, const Filter& filter);
// The same, inside a transaction the caller holds (vigil review reads and appends in one).
Result<std::vector<Incident>> ReadIncidentsLocked(store::Database& db, const Filter& filter);

// What vigil stats counts for `filter` (stats::Stats): every incident and event without one;
// the incidents it selects when it names incidents or a time window; their events only when
// it names incidents. `selected` is ReadIncidents(db, filter), read once by the caller.
store::ActivityScope ActivityScopeOf(const Filter& filter, const std::vector<Incident>& selected);
// As above, reading the selection only when the filter needs it (kUsage as ReadIncidents).
Result<store::ActivityScope> ActivityScopeOf(store::Database& db, const Filter& filter);

}  // namespace vigil::report
