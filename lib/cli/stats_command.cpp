// vigil stats: incidents and events counted (by severity, type, source, address, user, weekday
// and hour, and risk over time), for the incidents vigil report's filters select.
#include "cli/commands.h"
#include "report/facts.h"
#include "stats/stats.h"
#include "store/store.h"

namespace vigil::cli {

Status RunStats(const Context& ctx, const StatsOptions& options) {
  auto filter = ReportFilter(options.filter);
  if (!filter) return filter.error();
  auto db = store::OpenStore(ctx.global.db, store::StoreAccess::kRead);
  if (!db) return db.error();
  auto scope = report::ActivityScopeOf(*db, *filter);
  if (!scope) return scope.error();
  auto counted = stats::ComputeStats(*db, *scope, options.top);
  if (!counted) return counted.error();
  if (ctx.global.format == OutputFormat::kJson) {
    ctx.out << stats::StatsJson(*counted);
  } else {
    ctx.out << stats::StatsText(*counted, !options.ascii);
  }
  return {};
}

}  // namespace vigil::cli
