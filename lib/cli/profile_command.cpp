// vigil profile: the behaviour profile of a user or a source IP, or the list of them, as the
// newest score run left them.
#include <fmt/format.h>

#include "cli/commands.h"
#include "core/json.h"
#include "score/profile_view.h"
#include "score/score.h"
#include "store/store.h"

namespace vigil::cli {
Status RunProfile(const Context& ctx, const ProfileOptions& options) {
  const bool list = options.list || (options.user.empty() && options.ip.empty());
  if (!options.user.empty() && !options.ip.empty()) {
    return MakeError(ErrorCode::kUsage, "give a USER or --ip ADDRESS, not both");
  }
  if (!list && (!options.kind.empty() || options.limit > 0)) {
    return MakeError(ErrorCode::kUsage, "--kind and --limit are for listing, not one profile");
  }
  auto db = store::OpenStore(ctx.global.db, store::StoreAccess::kRead);
  if (!db) return db.error();
  const std::string kind = list ? options.kind : (options.ip.empty() ? "user" : "source");
  const std::string entity = list ? "" : (options.ip.empty() ? options.user : options.ip);
  auto profiles = score::LatestProfiles(*db, kind, entity);
  if (!profiles) return profiles.error();
  if (!list && profiles->empty()) {
    return MakeError(ErrorCode::kUsage,
                     fmt::format("no profile for {} '{}' (vigil score builds profiles; vigil "
                                 "profile --list shows them)",
                                 kind, entity));
  }
  auto rows = list ? score::RankProfiles(*profiles, options.limit)
                   : Result<std::vector<score::RankedProfile>>(std::vector<score::RankedProfile>{});
  if (!rows) return rows.error();
  if (ctx.global.format == OutputFormat::kJson) {
    if (!list) {
      ctx.out << profiles->front().data << "\n";
      return {};
    }
    JsonWriter w;
    w.BeginObject().Key("profiles").BeginArray();
    for (const score::RankedProfile& r : *rows) {
      w.BeginObject().Key("kind").String(r.kind).Key("entity").String(r.entity);
      w.Key("events").Int(r.summary.events).Key("first_seen").String(r.summary.first_seen);
      w.Key("last_seen")
          .String(r.summary.last_seen)
          .Key("max_risk")
          .Int(r.summary.max_risk)
          .EndObject();
    }
    w.EndArray().EndObject();
    ctx.out << w.str() << "\n";
    return {};
  }
  if (!list) {
    auto text = score::ProfileText(profiles->front().data);
    if (!text) return text.error();
    ctx.out << *text;
    return {};
  }
  ctx.out << fmt::format("{:<6}  {:<32}  {:>9}  {:<20}  {:<20}  {:>8}\n", "KIND", "ENTITY",
                         "EVENTS", "FIRST SEEN", "LAST SEEN", "MAX RISK");
  for (const score::RankedProfile& r : *rows) {
    ctx.out << fmt::format("{:<6}  {:<32}  {:>9}  {:<20}  {:<20}  {:>8}\n", r.kind,
                           Shown(r.entity, kShownGroup), r.summary.events,
                           r.summary.first_seen.substr(0, 19), r.summary.last_seen.substr(0, 19),
                           r.summary.max_risk);
  }
  if (!ctx.global.quiet) {
    ctx.out << rows->size() << " of " << profiles->size() << " profiles, riskiest first\n";
  }
  return {};
}

}  // namespace vigil::cli
