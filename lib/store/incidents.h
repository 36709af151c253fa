#pragma once
// Incidents as stages read them, and the codecs of the JSON columns about them (vigil-store(5)):
// incidents.details and incident_updates.details (written by correlate), scores.components
// and scores.techniques (written by score). The encoders here are the ones the writing
// stages use, and every reader gets decoded values from here: no stage parses another
// stage's JSON or writes the newest-score or newest-update query.
//
// Decoded text is as stored: log data reaches rule details (detail strings, group keys), so a
// caller that shows it to a terminal or a PDF cleans it first.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace vigil::store {

// A rule as the details name it.
struct RuleRecord {
  std::string title, id, author;
  std::optional<std::string> level;  // nullopt: not in the stored details
  std::string type, file;
  std::vector<std::string> tags, falsepositives;  // as stored (repeats kept)
};

struct MergedRule {
  RuleRecord rule;
  std::string detail;
};

// incidents.details, or the newest incident_updates.details.
struct IncidentDetails {
  RuleRecord rule;
  std::vector<RuleRecord> rules;  // the rule and every rule it reads, depth first
  std::string group_json;         // the group key, a JSON value (written as is)
  std::string detail;
  std::vector<MergedRule> also_matched;  // one per stored element, in order
  int64_t event_count = 0, fires = 0;
};

std::string EncodeDetails(const IncidentDetails& details);
// What is missing or not of its type stays empty: details written by an older vigil or by
// another tool still decode, as far as they go.
IncidentDetails DecodeDetails(std::string_view json);

// One sub-score of an incident's risk (scores.components).
struct ScoreComponent {
  std::string name;  // rule, intensity, outcome, anomaly, behaviour, context
  double weight = 0, value = 0;
  std::string why;
  double points() const { return 100.0 * weight * value; }
};

// An ATT&CK technique an incident maps to (scores.techniques).
struct ScoreTechnique {
  std::string id, name;
  std::vector<std::string> tactics;  // shortnames
};

std::string EncodeComponents(const std::vector<ScoreComponent>& components);
std::string EncodeTechniques(const std::vector<ScoreTechnique>& techniques);

// The newest scores row of an incident.
struct NewestScore {
  int64_t run_id = 0;  // 0: not recorded
  int64_t scored_us = 0;
  std::string severity, model;
  int risk = 0;
  std::optional<double> anomaly;
  // Decoded. `components_problem` says why they are not whole: the column is not a JSON
  // array, or an element lacks name, weight, value or why (read as empty or 0); else "".
  std::vector<ScoreComponent> components;
  std::string components_problem;
  std::vector<ScoreTechnique> techniques;
  // The columns as stored, for the score stage to tell whether a new score differs.
  std::string components_json, techniques_json;
};

// An incident with its newest update and newest score.
struct StoredIncident {
  int64_t id = 0;
  std::string title, rule_id;
  std::optional<std::string> group_key;
  int64_t first_us = 0, last_us = 0;  // last_us: of the newest update, if any
  IncidentDetails details;            // of the newest update, if any
  int64_t event_count = 0;            // rows in incident_events (when asked for)
  std::optional<NewestScore> score;   // nullopt: never scored
};

struct IncidentQuery {
  std::vector<int64_t> ids;   // empty: every incident
  bool count_events = false;  // fill StoredIncident::event_count
  bool details = true;        // decode the newest details
};

// The incidents of `query`, by id; an id that does not exist is left out (the caller names
// it). Reads the newest update and score of each as one statement (one snapshot).
Result<std::vector<StoredIncident>> ReadIncidents(Database& db, const IncidentQuery& query);

}  // namespace vigil::store
