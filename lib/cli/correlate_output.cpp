// vigil correlate's JSON summary of a run, and --list-rules.
#include "cli/correlate_output.h"

#include "core/json.h"
#include "core/time.h"

namespace vigil::cli {
namespace {

using correlate::IncidentResult;
using correlate::Rule;
using correlate::RuleSet;

std::string Level(const Rule& r) { return r.level.empty() ? "-" : r.level; }

void WriteRule(JsonWriter& w, const Rule& r) {
  w.BeginObject().Key("title").String(r.title).Key("id").String(r.display_id());
  w.Key("author").String(r.author).Key("level").String(r.level);
  w.Key("type").String(correlate::RuleKindName(r.kind)).Key("file").String(r.file);
  w.Key("line").Int(r.line).Key("generates").Bool(r.generate).Key("tags").BeginArray();
  for (const auto& t : r.tags) w.String(t);
  w.EndArray().EndObject();
}

}  // namespace

void PrintProblems(const Context& ctx, const RuleSet& set) {
  for (const auto& p : set.problems) {
    ctx.err << "vigil correlate: " << Shown(p.where) << ": " << Shown(p.message) << "\n";
  }
  if (ctx.global.quiet) return;
  for (const auto& w : set.warnings) ctx.err << "vigil correlate: warning: " << Shown(w) << "\n";
}

Status ListRules(const Context& ctx, const RuleSet& set) {
  if (ctx.global.format == OutputFormat::kJson) {
    JsonWriter w;
    w.BeginObject().Key("rules").BeginArray();
    for (const Rule& r : set.rules) WriteRule(w, r);
    w.EndArray().Key("problems").BeginArray();
    for (const auto& p : set.problems) {
      w.BeginObject().Key("where").String(p.where).Key("message").String(p.message).EndObject();
    }
    w.EndArray().EndObject();
    ctx.out << w.str() << "\n";
  } else {
    for (const Rule& r : set.rules) {
      ctx.out << (r.generate ? "* " : "  ") << correlate::RuleKindName(r.kind) << "  " << Level(r)
              << "  " << r.title << "  [" << r.display_id() << "] by "
              << (r.author.empty() ? "unknown" : r.author) << "  (" << r.file << ":" << r.line
              << ")\n";
    }
    ctx.out << set.rules.size() << " rules loaded (* raises incidents), " << set.problems.size()
            << " refused\n";
  }
  PrintProblems(ctx, set);
  if (!set.problems.empty()) {
    return MakeError(ErrorCode::kBadInput,
                     std::to_string(set.problems.size()) + " rule(s) refused (see above)");
  }
  return {};
}

void PrintCorrelateJson(const Context& ctx, const correlate::Summary& s, bool dry_run) {
  JsonWriter w;
  w.BeginObject().Key("dry_run").Bool(dry_run).Key("new_events").Int(s.new_events);
  w.Key("events_read").Int(s.events_read).Key("lookback_s").Int(s.lookback_us / 1000000);
  w.Key("rules").Int(int64_t(s.rules.rules.size())).Key("run").Int(s.run_id);
  w.Key("incidents").BeginArray();
  for (const IncidentResult& i : s.incidents) {
    const Rule& r = s.rules.rules[i.rule];
    w.BeginObject();
    if (dry_run) {
      w.Key("id").Null();
    } else {
      w.Key("id").Int(i.id);
    }
    w.Key("status").String(i.created ? "new" : "extended");
    w.Key("rule").String(r.title).Key("rule_id").String(r.display_id());
    w.Key("author").String(r.author).Key("level").String(r.level);
    w.Key("type").String(correlate::RuleKindName(r.kind));
    w.Key("group").Raw(i.group_key);
    w.Key("first_seen").String(FormatUtc(i.first_us)).Key("last_seen").String(FormatUtc(i.last_us));
    w.Key("event_count")
        .Int(int64_t(i.event_count))
        .Key("events_added")
        .Int(int64_t(i.events_added));
    w.Key("detail").String(i.detail).Key("also_matched").BeginArray();
    for (size_t also : i.also_rules) {
      const Rule& a = s.rules.rules[also];
      w.BeginObject().Key("rule").String(a.title).Key("rule_id").String(a.display_id());
      w.Key("author").String(a.author).Key("level").String(a.level).EndObject();
    }
    w.EndArray().Key("suppressed");
    if (i.suppressed.empty()) {
      w.Null();
    } else {
      w.BeginObject().Key("like_incident").Int(i.like_incident);
      w.Key("reason").String(i.suppressed).EndObject();
    }
    w.EndObject();
  }
  w.EndArray().Key("suppressed").Int(s.suppressed).Key("matches").BeginObject();
  for (size_t r = 0; r < s.rules.rules.size() && r < s.match_counts.size(); ++r) {
    if (s.match_counts[r] > 0) {
      w.Key(s.rules.rules[r].display_id()).Int(int64_t(s.match_counts[r]));
    }
  }
  w.EndObject().Key("problems").BeginArray();
  for (const auto& p : s.rules.problems) {
    w.BeginObject().Key("where").String(p.where).Key("message").String(p.message).EndObject();
  }
  w.EndArray().Key("warnings").BeginArray();
  for (const auto& warning : s.warnings) w.String(warning);
  w.EndArray().EndObject();
  ctx.out << w.str() << "\n";
}

}  // namespace vigil::cli
