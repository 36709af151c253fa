// vigil correlate: turn events into incidents with Sigma rules and vigil's extensions. The JSON
// summary and --list-rules are in correlate_output.cpp.

#include <cstdio>

#include "cli/commands.h"
#include "cli/correlate_output.h"
#include "core/time.h"
#include "correlate/correlate.h"
#include "store/store.h"

namespace vigil::cli {
namespace {

using correlate::IncidentResult;
using correlate::Rule;

std::string Level(const Rule& r) { return r.level.empty() ? "-" : r.level; }

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
    if (!i.suppressed.empty()) ctx.out << "    suppressed: " << Shown(i.suppressed) << "\n";
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
  if (s.suppressed > 0) {
    ctx.out << s.suppressed
            << " of them suppressed: the same pattern as an incident an analyst marked a false "
               "positive (vigil review --false-positive); still written, scored Low\n";
  }
}

}  // namespace

Status RunCorrelate(const Context& ctx, const CorrelateOptions& options) {
  correlate::Options co;
  co.rule_paths = options.rules;
  co.builtin = !options.no_builtin;
  co.dry_run = options.dry_run;
  co.rescan = options.rescan;
  if (options.max_groups > 0) co.engine.max_groups_per_rule = options.max_groups;
  // vigil.offhours follows the config's working hours (issue 21: "off-hours" is the site's),
  // its privileged accounts are vigil.privileged_account, and its declared internal networks
  // (vigil-config(5) networks.internal) are the rules' %internal%.
  auto config = LoadConfigFor(ctx);
  if (!config) return config.error();
  co.engine.work_start_hour = config->work_hours.start_hour;
  co.engine.work_end_hour = config->work_hours.end_hour;
  co.engine.work_days = config->work_hours.days;
  co.engine.utc_offset_minutes = config->work_hours.utc_offset_minutes;
  co.engine.is_privileged_account = [cfg = *config](std::string_view user) {
    return cfg.IsPrivileged(user);
  };
  co.placeholders = correlate::PlaceholdersFor(config->internal_networks);

  if (options.list_rules) {
    auto set = correlate::LoadRuleSet(co);
    if (!set) return set.error();
    return ListRules(ctx, *set);
  }

  auto db = store::OpenStore(
      ctx.global.db, options.dry_run ? store::StoreAccess::kRead : store::StoreAccess::kWrite);
  if (!db) return db.error();
  const ProgressLine progress(ctx);
  if (progress.on()) {
    co.progress = [&](int64_t done, int64_t) {
      progress.Show("\rvigil correlate: " + std::to_string(done) + " events read ");
    };
  }
  auto summary = correlate::Run(co, *db);
  progress.Clear();
  if (!summary) return summary.error();
  PrintSummary(ctx, *summary, options.dry_run, PrintCorrelateJson, PrintText);
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
