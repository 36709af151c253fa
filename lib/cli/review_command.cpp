// vigil review: approve, reject or comment on an incident's report (review/review.h).
#include <ostream>

#include "cli/commands.h"
#include "review/review.h"
#include "store/store.h"

namespace vigil::cli {

Status RunReview(const Context& ctx, const ReviewOptions& options) {
  if (!options.approve && !options.reject && !options.comment) {
    return MakeError(ErrorCode::kUsage, "say --approve, --reject or --comment");
  }
  review::Options r;
  r.incident_id = options.id;
  r.analyst = options.analyst;
  r.decision = options.approve ? "approve" : options.reject ? "reject" : "comment";
  r.note = options.note;
  auto db = store::OpenStore(ctx.global.db, store::StoreAccess::kWrite);
  if (!db) return db.error();
  auto added = review::Run(r, *db);
  if (!added) return added.error();
  const int64_t id = added->id;
  if (ctx.global.format == OutputFormat::kJson) {
    ctx.out << "{\"review\":" << id << ",\"incident\":" << r.incident_id << ",\"decision\":\""
            << r.decision << "\",\"digest\":\"" << added->digest << "\"}\n";
  } else if (!ctx.global.quiet) {
    const char* done = r.decision == "approve"  ? "approved"
                       : r.decision == "reject" ? "rejected"
                                                : "commented on";
    ctx.out << "review " << id << ": incident " << r.incident_id << " " << done << " by "
            << Shown(r.analyst) << "\n";
  }
  return {};
}

}  // namespace vigil::cli
