// Incidents and the JSON columns about them. The newest update and the newest score of an
// incident are the rows with the highest id (SQLite returns the other columns of a max()
// aggregate from the row that has it). Decoding goes through json/json.h, where a missing key
// or a value of another type is an empty optional, so a damaged column decodes to defaults.
#include "store/incidents.h"

#include <string_view>
#include <utility>

#include "core/json.h"
#include "json/json.h"

namespace vigil::store {
namespace {

void AppendStrings(std::string& out, const std::vector<std::string>& v) {
  out += '[';
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    AppendJsonString(out, v[i]);
  }
  out += ']';
}

void AppendRule(std::string& out, const RuleRecord& r) {
  const std::string_view level = r.level ? std::string_view(*r.level) : std::string_view();
  const std::pair<const char*, std::string_view> texts[] = {{"title", r.title},   {"id", r.id},
                                                            {"author", r.author}, {"level", level},
                                                            {"type", r.type},     {"file", r.file}};
  char separator = '{';
  for (const auto& [key, value] : texts) {
    out += separator;
    out += '"';
    out += key;
    out += "\":";
    AppendJsonString(out, value);
    separator = ',';
  }
  out += ",\"tags\":";
  AppendStrings(out, r.tags);
  out += ",\"falsepositives\":";
  AppendStrings(out, r.falsepositives);
  out += '}';
}

std::string Str(const json::Value& e, std::string_view key) {
  return std::string(e.StringAt(key).value_or(std::string_view()));
}

// The strings of the array `key` (other items skipped).
std::vector<std::string> Strings(const json::Value& e, std::string_view key) {
  std::vector<std::string> out;
  const auto arr = e.Find(key);
  if (!arr) return out;
  for (const json::Value x : arr->items()) {
    if (auto s = x.String()) out.emplace_back(*s);
  }
  return out;
}

// A rule as AppendRule writes it; `e` may be absent or not an object (then all defaults).
RuleRecord DecodeRule(const std::optional<json::Value>& e) {
  RuleRecord r;
  if (!e) return r;
  r.title = Str(*e, "title");
  r.id = Str(*e, "id");
  r.author = Str(*e, "author");
  if (auto level = e->StringAt("level")) r.level = std::string(*level);
  r.type = Str(*e, "type");
  r.file = Str(*e, "file");
  r.tags = Strings(*e, "tags");
  r.falsepositives = Strings(*e, "falsepositives");
  return r;
}

// scores.components: every element, and what is wrong with the column, if anything.
void DecodeComponents(std::string_view text, NewestScore& s) {
  json::Parser parser;
  auto arr = parser.Parse(text);
  if (!arr || !arr->IsArray()) {
    s.components_problem = "a stored score's components are not a JSON array";
    return;
  }
  for (const json::Value c : arr->items()) {
    ScoreComponent k;
    const auto name = c.StringAt("name"), why = c.StringAt("why");
    const auto weight = c.DoubleAt("weight"), value = c.DoubleAt("value");
    if (!(name && weight && value && why) && s.components_problem.empty()) {
      s.components_problem = "a stored score component lacks name, weight, value or why";
    }
    // Read each on its own: a missing one must not hide the others.
    k.name = std::string(name.value_or(std::string_view()));
    k.why = std::string(why.value_or(std::string_view()));
    k.weight = weight.value_or(0);
    k.value = value.value_or(0);
    s.components.push_back(std::move(k));
  }
}

std::vector<ScoreTechnique> DecodeTechniques(std::string_view text) {
  std::vector<ScoreTechnique> out;
  json::Parser parser;
  auto arr = parser.Parse(text);
  if (!arr) return out;
  for (const json::Value t : arr->items()) {
    out.push_back({Str(t, "id"), Str(t, "name"), Strings(t, "tactics")});
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

IncidentDetails DecodeDetails(std::string_view text) {
  IncidentDetails d;
  json::Parser parser;
  auto parsed = parser.Parse(text);
  if (!parsed) return d;
  const json::Value root = *parsed;
  d.rule = DecodeRule(root.Find("rule"));
  if (auto rules = root.Find("rules")) {
    for (const json::Value r : rules->items()) d.rules.push_back(DecodeRule(r));
  }
  if (auto group = root.Find("group")) d.group_json = group->Minify();
  d.detail = Str(root, "detail");
  if (auto also = root.Find("also_matched")) {
    for (const json::Value a : also->items())
      d.also_matched.push_back({DecodeRule(a.Find("rule")), Str(a, "detail")});
  }
  d.event_count = root.Int64At("event_count").value_or(0);
  d.fires = root.Int64At("fires").value_or(0);
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
