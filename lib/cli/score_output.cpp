// vigil score's JSON summary of a run, and --explain: how one incident's stored risk was built.
#include "cli/score_output.h"

#include <fmt/format.h>

#include "core/json.h"
#include "core/time.h"
#include "score/attack.h"
#include "store/store.h"

namespace vigil::cli {
namespace {

void WriteComponents(JsonWriter& w, const std::vector<score::Component>& parts) {
  w.BeginArray();
  for (const auto& c : parts) {
    w.BeginObject().Key("name").String(c.name).Key("weight").Fixed(c.weight, 4);
    w.Key("value").Fixed(c.value, 4).Key("points").Fixed(c.points(), 2);
    w.Key("why").String(c.why).EndObject();
  }
  w.EndArray();
}

}  // namespace

void PrintScoreJson(const Context& ctx, const score::Summary& s, bool dry_run) {
  JsonWriter w;
  w.BeginObject().Key("dry_run").Bool(dry_run).Key("run").Int(s.run_id);
  w.Key("events").Int(s.events).Key("new_events").Int(s.new_events);
  w.Key("event_rows").Int(s.event_rows);
  w.Key("events_by_severity").BeginObject();
  const char* names[] = {"Low", "Medium", "High", "Critical"};
  for (int i = 0; i < 4; ++i) w.Key(names[i]).Int(s.severity_counts[i]);
  w.EndObject().Key("model").BeginObject().Key("id").Int(s.model_id);
  w.Key("trained_now").Bool(s.trained).Key("trained_on").Int(s.model_trained_on).EndObject();
  w.Key("profiles_written").Int(s.profiles_written);
  w.Key("incidents_changed").Int(s.incidents_changed).Key("incidents").BeginArray();
  for (const auto& i : s.incidents) {
    w.BeginObject().Key("id").Int(i.id).Key("title").String(i.title);
    w.Key("rule_id").String(i.rule_id).Key("group").Raw(i.group_key.empty() ? "{}" : i.group_key);
    w.Key("first_seen").String(FormatUtc(i.first_us)).Key("last_seen").String(FormatUtc(i.last_us));
    w.Key("events").Int(i.events).Key("severity").String(i.score.severity);
    w.Key("risk").Int(i.score.risk).Key("anomaly");
    if (i.anomaly < 0) {
      w.Null();
    } else {
      w.Fixed(i.anomaly, 4);
    }
    w.Key("label").String(i.label).Key("changed").Bool(i.changed).Key("techniques").BeginArray();
    for (const auto& t : i.techniques) {
      w.BeginObject().Key("id").String(t.id).Key("name").String(t.name).Key("tactics");
      w.BeginArray();
      for (const auto& tactic : t.tactics) w.String(tactic);
      w.EndArray().EndObject();
    }
    w.EndArray().Key("components");
    WriteComponents(w, i.score.components);
    w.Key("suppressed");
    if (i.suppressed.empty()) {
      w.Null();
    } else {
      w.BeginObject().Key("like_incident").Int(i.like_incident);
      w.Key("reason").String(i.suppressed).EndObject();
    }
    w.EndObject();
  }
  w.EndArray().Key("warnings").BeginArray();
  for (const auto& warning : s.warnings) w.String(warning);
  w.EndArray().Key("attack_notice").String(score::kAttackNotice).EndObject();
  ctx.out << w.str() << "\n";
}

Status ExplainScore(const Context& ctx, const config::Config& config, int64_t id) {
  auto db = store::OpenStore(ctx.global.db, store::StoreAccess::kRead);
  if (!db) return db.error();
  auto stored = score::LatestScore(*db, id);
  if (!stored) return stored.error();
  if (!*stored) {
    return MakeError(ErrorCode::kUsage, "incident " + std::to_string(id) +
                                            " has not been scored yet; run vigil score");
  }
  const score::StoredScore& s = **stored;
  if (ctx.global.format == OutputFormat::kJson) {
    JsonWriter w;
    w.BeginObject().Key("id").Int(s.incident_id).Key("title").String(s.title);
    w.Key("rule_id").String(s.rule_id).Key("severity").String(s.severity).Key("risk").Int(s.risk);
    w.Key("anomaly");
    if (s.anomaly) {
      w.Fixed(*s.anomaly, 4);
    } else {
      w.Null();
    }
    w.Key("scored_at").String(FormatUtc(s.scored_us)).Key("run").Int(s.run_id);
    w.Key("model").String(s.model).Key("components");
    WriteComponents(w, s.components);
    w.Key("techniques").Raw(s.techniques_json);
    w.Key("attack_notice").String(score::kAttackNotice).EndObject();
    ctx.out << w.str() << "\n";
    return {};
  }
  ctx.out << fmt::format("incident #{}  {}\nrisk {} / 100, {}\n", s.incident_id, Shown(s.title),
                         s.risk, s.severity);
  ctx.out << fmt::format("  {:<10} {:>6} {:>6} {:>7}  {}\n", "PART", "WEIGHT", "VALUE", "POINTS",
                         "WHY");
  double total = 0;
  for (const auto& c : s.components) {
    total += c.points();
    ctx.out << fmt::format("  {:<10} {:>6.2f} {:>6.2f} {:>7.1f}  {}\n", c.name, c.weight, c.value,
                           c.points(), Shown(c.why));
  }
  ctx.out << fmt::format("  {:<10} {:>6} {:>6} {:>7.1f}  rounded to {}\n", "total", "", "", total,
                         s.risk);
  ctx.out << fmt::format(
      "bands (this config): Low < {}, Medium >= {}, High >= {}, Critical >= {}\n",
      config.bands.medium, config.bands.medium, config.bands.high, config.bands.critical);
  // ATT&CK: the ids stored in scores.techniques, named from the offline table.
  for (const auto& stored_technique : s.techniques) {
    const score::Technique* t = score::FindTechnique(stored_technique.id);
    ctx.out << "ATT&CK: " << (t ? score::Describe(*t) : Shown(stored_technique.id)) << "\n";
  }
  ctx.out << fmt::format("scored {} by run {}{}\n", FormatUtc(s.scored_us), s.run_id,
                         s.model.empty() ? "" : ", model " + s.model);
  ctx.out << score::kAttackNotice << "\n";
  return {};
}

}  // namespace vigil::cli
