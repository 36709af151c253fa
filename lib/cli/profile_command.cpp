// vigil profile: the behaviour profile of a user or a source IP, or the list of them, as the
// newest score run left them.
#include <fmt/format.h>

#include <algorithm>

#include "cli/commands.h"
#include "core/json.h"
#include "score/profile_view.h"
#include "score/score.h"
#include "store/store.h"

namespace vigil::cli {
namespace {

struct Row {
  std::string kind, entity;
  score::ProfileSummary s;
};

// The profiles riskiest first (then busiest, then by kind and name), at most `limit` (0: all).
Result<std::vector<Row>> Rows(const std::vector<score::StoredProfile>& profiles, size_t limit) {
  std::vector<Row> rows;
  for (const auto& p : profiles) {
    auto s = score::SummariseProfile(p.data);
    if (!s) return s.error();
    rows.push_back({p.kind, p.entity, std::move(*s)});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.s.max_risk != b.s.max_risk) return a.s.max_risk > b.s.max_risk;
    return a.s.events > b.s.events;
  });
  if (limit > 0 && rows.size() > limit) rows.resize(limit);
  return rows;
}

}  // namespace

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
  auto rows = list ? Rows(*profiles, options.limit) : Result<std::vector<Row>>(std::vector<Row>{});
  if (!rows) return rows.error();
  if (ctx.global.format == OutputFormat::kJson) {
    if (!list) {
      ctx.out << profiles->front().data << "\n";
      return {};
    }
    JsonWriter w;
    w.BeginObject().Key("profiles").BeginArray();
    for (const Row& r : *rows) {
      w.BeginObject().Key("kind").String(r.kind).Key("entity").String(r.entity);
      w.Key("events").Int(r.s.events).Key("first_seen").String(r.s.first_seen);
      w.Key("last_seen").String(r.s.last_seen).Key("max_risk").Int(r.s.max_risk).EndObject();
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
  for (const Row& r : *rows) {
    ctx.out << fmt::format("{:<6}  {:<32}  {:>9}  {:<20}  {:<20}  {:>8}\n", r.kind,
                           Shown(r.entity, kShownGroup), r.s.events, r.s.first_seen.substr(0, 19),
                           r.s.last_seen.substr(0, 19), r.s.max_risk);
  }
  if (!ctx.global.quiet) {
    ctx.out << rows->size() << " of " << profiles->size() << " profiles, riskiest first\n";
  }
  return {};
}

}  // namespace vigil::cli
