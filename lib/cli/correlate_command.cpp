// vigil correlate: turn events into incidents with Sigma rules and vigil's extensions.

#include <cstdio>

#include "cli/commands.h"
#include "core/json.h"
#include "core/time.h"
#include "correlate/correlate.h"
#include "store/store.h"

namespace vigil::cli {
namespace {

using correlate::IncidentResult;
using correlate::Rule;
using correlate::RuleSet;

std::string Level(const Rule& r) { return r.level.empty() ? "-" : r.level; }

void PrintProblems(const Context& ctx, const RuleSet& set) {
  for (const auto& p : set.problems) {
    ctx.err << "vigil correlate: " << Shown(p.where) << ": " << Shown(p.message) << "\n";
  }
  if (ctx.global.quiet) return;
  for (const auto& w : set.warnings) ctx.err << "vigil correlate: warning: " << Shown(w) << "\n";
}

void WriteRule(JsonWriter& w, const Rule& r) {
  w.BeginObject().Key("title").String(r.title).Key("id").String(r.display_id());
  w.Key("author").String(r.author).Key("level").String(r.level);
  w.Key("type").String(correlate::RuleKindName(r.kind)).Key("file").String(r.file);
  w.Key("line").Int(r.line).Key("generates").Bool(r.generate).Key("tags").BeginArray();
  for (const auto& t : r.tags) w.String(t);
  w.EndArray().EndObject();
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

void PrintJson(const Context& ctx, const correlate::Summary& s, bool dry_run) {
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
    w.EndArray().EndObject();
  }
  w.EndArray().Key("matches").BeginObject();
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

void PrintText(const Context& ctx, const correlate::Summary& s, bool dry_run) {
  if (s.nothing_new) {
    if (!ctx.global.quiet) ctx.out << "no new events since the last run; nothing to do\n";
    return;
  }
  size_t created = 0, extended = 0;
  for (const IncidentResult& i : s.incidents) {
    const Rule& r = s.rules.rules[i.rule];
    (i.created ? created : extended)++;
    const std::string id = dry_run ? "-" : "#" + std::to_string(i.id);
    ctx.out << (i.created ? "new      " : "extended ") << id << "  " << Shown(Level(r)) << "  "
            << Shown(r.title) << "\n    " << Shown(i.group_key, kShownGroup) << "  "
            << FormatUtc(i.first_us) << " .. " << FormatUtc(i.last_us) << "  " << i.event_count
            << " events";
    if (!i.created) ctx.out << " (+" << i.events_added << ")";
    ctx.out << "\n    " << Shown(i.detail) << "\n    rule " << Shown(r.display_id()) << " by "
            << (r.author.empty() ? "unknown" : Shown(r.author)) << "\n";
    for (size_t also : i.also_rules) {
      const Rule& a = s.rules.rules[also];
      ctx.out << "    also matched: " << Shown(a.title) << " [" << Shown(a.display_id()) << "] by "
              << (a.author.empty() ? "unknown" : Shown(a.author)) << "\n";
    }
  }
  if (dry_run && ctx.global.verbose) {
    for (size_t r = 0; r < s.rules.rules.size() && r < s.match_counts.size(); ++r) {
      if (s.match_counts[r] == 0) continue;
      ctx.out << "matches  " << s.match_counts[r] << "  " << Shown(s.rules.rules[r].title) << "\n";
    }
  }
  if (ctx.global.quiet) return;
  ctx.out << (dry_run ? "dry run: " : "") << s.new_events << " new events (" << s.events_read
          << " read with the look-back), " << s.rules.rules.size() << " rules: " << created
          << (dry_run ? " incidents would be raised" : " incidents created") << ", " << extended
          << " extended\n";
}

}  // namespace

Status RunCorrelate(const Context& ctx, const CorrelateOptions& options) {
  correlate::Options co;
  co.rule_paths = options.rules;
  co.builtin = !options.no_builtin;
  co.dry_run = options.dry_run;
  co.rescan = options.rescan;
  if (options.max_groups > 0) co.engine.max_groups_per_rule = options.max_groups;

  if (options.list_rules) {
    auto set = correlate::LoadRuleSet(co);
    if (!set) return set.error();
    return ListRules(ctx, *set);
  }

  auto db = store::OpenStore(
      ctx.global.db, options.dry_run ? store::StoreAccess::kRead : store::StoreAccess::kWrite);
  if (!db) return db.error();
  const bool progress = WantsProgress(ctx);
  if (progress) {
    co.progress = [&](int64_t done, int64_t) {
      ctx.err << "\rvigil correlate: " << done << " events read " << std::flush;
    };
  }
  auto summary = correlate::Run(co, *db);
  if (progress) ctx.err << "\r\033[K" << std::flush;
  if (!summary) return summary.error();
  if (ctx.global.format == OutputFormat::kJson) {
    PrintJson(ctx, *summary, options.dry_run);
  } else {
    PrintText(ctx, *summary, options.dry_run);
  }
  PrintProblems(ctx, summary->rules);
  if (!ctx.global.quiet) {
    for (const auto& w : summary->warnings) {
      ctx.err << "vigil correlate: warning: " << Shown(w) << "\n";
    }
  }
  if (!summary->rules.problems.empty()) {
    return MakeError(ErrorCode::kBadInput, std::to_string(summary->rules.problems.size()) +
                                               " rule(s) refused (see above); the others ran");
  }
  return {};
}

}  // namespace vigil::cli
