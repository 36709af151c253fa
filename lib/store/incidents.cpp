// Incidents and the JSON columns about them. The newest update and the newest score of an
// incident are the rows with the highest id (SQLite returns the other columns of a max()
// aggregate from the row that has it). Decoding uses simdjson's DOM through results, never
// elements, so a missing key is a value here and never an exception.
#include "store/incidents.h"

#include <simdjson.h>

#include "core/json.h"

namespace vigil::store {
namespace {

using Node = simdjson::simdjson_result<simdjson::dom::element>;

Node N(simdjson::dom::element e) { return Node(std::move(e)); }

void AppendStrings(std::string& out, const std::vector<std::string>& v) {
  out += '[';
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    AppendJsonString(out, v[i]);
  }
  out += ']';
}

void AppendRule(std::string& out, const RuleRecord& r) {
  out += "{\"title\":";
  AppendJsonString(out, r.title);
  out += ",\"id\":";
  AppendJsonString(out, r.id);
  out += ",\"author\":";
  AppendJsonString(out, r.author);
  out += ",\"level\":";
  AppendJsonString(out, r.level.value_or(""));
  out += ",\"type\":";
  AppendJsonString(out, r.type);
  out += ",\"file\":";
  AppendJsonString(out, r.file);
  out += ",\"tags\":";
  AppendStrings(out, r.tags);
  out += ",\"falsepositives\":";
  AppendStrings(out, r.falsepositives);
  out += '}';
}

std::string Str(Node e, const char* key) {
  std::string_view s;
  return e[key].get(s) == simdjson::SUCCESS ? std::string(s) : std::string();
}

std::vector<std::string> Strings(Node e, const char* key) {
  std::vector<std::string> out;
  simdjson::dom::array arr;
  if (e[key].get(arr) != simdjson::SUCCESS) return out;
  for (simdjson::dom::element x : arr) {
    std::string_view s;
    if (x.get(s) == simdjson::SUCCESS) out.emplace_back(s);
  }
  return out;
}

RuleRecord DecodeRule(Node e) {
  RuleRecord r;
  r.title = Str(e, "title");
  r.id = Str(e, "id");
  r.author = Str(e, "author");
  std::string_view level;
  if (e["level"].get(level) == simdjson::SUCCESS) r.level = std::string(level);
  r.type = Str(e, "type");
  r.file = Str(e, "file");
  r.tags = Strings(e, "tags");
  r.falsepositives = Strings(e, "falsepositives");
  return r;
}

// scores.components: every element, and what is wrong with the column, if anything.
void DecodeComponents(std::string_view json, NewestScore& s) {
  simdjson::dom::parser parser;
  simdjson::dom::array arr;
  if (parser.parse(json.data(), json.size()).get(arr) != simdjson::SUCCESS) {
    s.components_problem = "a stored score's components are not a JSON array";
    return;
  }
  for (simdjson::dom::element c : arr) {
    ScoreComponent k;
    std::string_view name, why;
    const bool whole = c["name"].get(name) == simdjson::SUCCESS &&
                       c["weight"].get(k.weight) == simdjson::SUCCESS &&
                       c["value"].get(k.value) == simdjson::SUCCESS &&
                       c["why"].get(why) == simdjson::SUCCESS;
    if (!whole && s.components_problem.empty()) {
      s.components_problem = "a stored score component lacks name, weight, value or why";
    }
    // Read each on its own: a missing one must not hide the others.
    k.name = Str(N(c), "name");
    k.why = Str(N(c), "why");
    if (c["weight"].get(k.weight) != simdjson::SUCCESS) k.weight = 0;
    if (c["value"].get(k.value) != simdjson::SUCCESS) k.value = 0;
    s.components.push_back(std::move(k));
  }
}

std::vector<ScoreTechnique> DecodeTechniques(std::string_view json) {
  std::vector<ScoreTechnique> out;
  simdjson::dom::parser parser;
  simdjson::dom::array arr;
  if (parser.parse(json.data(), json.size()).get(arr) != simdjson::SUCCESS) return out;
  for (simdjson::dom::element t : arr) {
    out.push_back({Str(N(t), "id"), Str(N(t), "name"), Strings(N(t), "tactics")});
  }
  return out;
}

std::string OptText(const Statement& st, int i) {
  return st.ColumnType(i) == ValueType::kNull ? std::string() : std::string(st.ColumnText(i));
}

}  // namespace

std::string EncodeDetails(const IncidentDetails& d) {
  std::string out = "{\"rule\":";
  AppendRule(out, d.rule);
  out += ",\"rules\":[";
  for (size_t i = 0; i < d.rules.size(); ++i) {
    if (i) out += ',';
    AppendRule(out, d.rules[i]);
  }
  out += "],\"group\":";
  out += d.group_json;
  out += ",\"detail\":";
  AppendJsonString(out, d.detail);
  out += ",\"also_matched\":[";
  for (size_t i = 0; i < d.also_matched.size(); ++i) {
    if (i) out += ',';
    out += "{\"rule\":";
    AppendRule(out, d.also_matched[i].rule);
    out += ",\"detail\":";
    AppendJsonString(out, d.also_matched[i].detail);
    out += '}';
  }
  out += "],\"event_count\":" + std::to_string(d.event_count) +
         ",\"fires\":" + std::to_string(d.fires) + "}";
  return out;
}

IncidentDetails DecodeDetails(std::string_view json) {
  IncidentDetails d;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) return d;
  const Node top = N(root);
  d.rule = DecodeRule(root["rule"]);
  simdjson::dom::array arr;
  if (root["rules"].get(arr) == simdjson::SUCCESS) {
    for (simdjson::dom::element r : arr) d.rules.push_back(DecodeRule(N(r)));
  }
  simdjson::dom::element group;
  if (root["group"].get(group) == simdjson::SUCCESS) d.group_json = simdjson::minify(group);
  d.detail = Str(top, "detail");
  if (root["also_matched"].get(arr) == simdjson::SUCCESS) {
    for (simdjson::dom::element a : arr) {
      d.also_matched.push_back({DecodeRule(a["rule"]), Str(N(a), "detail")});
    }
  }
  if (root["event_count"].get(d.event_count) != simdjson::SUCCESS) d.event_count = 0;
  if (root["fires"].get(d.fires) != simdjson::SUCCESS) d.fires = 0;
  return d;
}

std::string EncodeComponents(const std::vector<ScoreComponent>& components) {
  JsonWriter w;
  w.BeginArray();
  for (const ScoreComponent& c : components) {
    w.BeginObject().Key("name").String(c.name).Key("weight").Fixed(c.weight, 4);
    w.Key("value").Fixed(c.value, 4).Key("points").Fixed(c.points(), 2);
    w.Key("why").String(c.why).EndObject();
  }
  w.EndArray();
  return w.str();
}

std::string EncodeTechniques(const std::vector<ScoreTechnique>& techniques) {
  JsonWriter w;
  w.BeginArray();
  for (const ScoreTechnique& t : techniques) {
    w.BeginObject().Key("id").String(t.id).Key("name").String(t.name).Key("tactics").BeginArray();
    for (const auto& tactic : t.tactics) w.String(tactic);
    w.EndArray().EndObject();
  }
  w.EndArray();
  return w.str();
}

Result<std::vector<StoredIncident>> ReadIncidents(Database& db, const IncidentQuery& query) {
  std::string sql =
      "SELECT i.id, i.title, i.rule_id, i.group_key, i.first_ts_us, "
      "coalesce(u.last_ts_us, i.last_ts_us), coalesce(u.details, i.details), ";
  sql += query.count_events
             ? "(SELECT count(*) FROM incident_events ie WHERE ie.incident_id = i.id), "
             : "0, ";
  sql +=
      "s.id, s.run_id, s.scored_us, s.severity, s.risk, s.anomaly, s.components, s.techniques, "
      "s.model FROM incidents i "
      "LEFT JOIN (SELECT incident_id, last_ts_us, details, max(id) FROM incident_updates "
      "GROUP BY incident_id) u ON u.incident_id = i.id "
      "LEFT JOIN (SELECT incident_id, id, run_id, scored_us, severity, risk, anomaly, components, "
      "techniques, model, max(id) FROM scores GROUP BY incident_id) s ON s.incident_id = i.id";
  std::string ids = "[";
  if (!query.ids.empty()) {
    sql += " WHERE i.id IN (SELECT value FROM json_each(?1))";
    for (int64_t id : query.ids) ids += (ids.size() > 1 ? "," : "") + std::to_string(id);
  }
  sql += " ORDER BY i.id";
  auto st = db.Prepare(sql, "read incidents");
  if (!st) return st.error();
  if (!query.ids.empty()) {
    if (Status s = st->BindText(1, ids + "]"); !s.ok()) return s.error();
  }
  std::vector<StoredIncident> out;
  for (;;) {
    auto row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    StoredIncident inc;
    inc.id = st->ColumnInteger(0);
    inc.title = std::string(st->ColumnText(1));
    inc.rule_id = std::string(st->ColumnText(2));
    if (st->ColumnType(3) != ValueType::kNull) inc.group_key.emplace(st->ColumnText(3));
    inc.first_us = st->ColumnInteger(4);
    inc.last_us = st->ColumnInteger(5);
    if (query.details) inc.details = DecodeDetails(OptText(*st, 6));
    inc.event_count = st->ColumnInteger(7);
    if (st->ColumnType(8) != ValueType::kNull) {
      NewestScore s;
      s.run_id = st->ColumnType(9) == ValueType::kNull ? 0 : st->ColumnInteger(9);
      s.scored_us = st->ColumnInteger(10);
      s.severity = OptText(*st, 11);
      s.risk = int(st->ColumnInteger(12));
      if (st->ColumnType(13) != ValueType::kNull) s.anomaly = st->ColumnReal(13);
      s.components_json = OptText(*st, 14);
      s.techniques_json = OptText(*st, 15);
      s.model = OptText(*st, 16);
      DecodeComponents(s.components_json, s);
      s.techniques = DecodeTechniques(s.techniques_json);
      inc.score = std::move(s);
    }
    out.push_back(std::move(inc));
  }
  return out;
}

}  // namespace vigil::store
