// vigil review: approve, reject or comment on an incident's report (review/review.h).
#include <ostream>

#include "cli/commands.h"
#include "review/feedback.h"
#include "review/review.h"
#include "store/store.h"

namespace vigil::cli {

Status RunReview(const Context& ctx, const ReviewOptions& options) {
  if (!options.approve && !options.reject && !options.comment && !options.false_positive &&
      !options.undo) {
    return MakeError(ErrorCode::kUsage,
                     "say --approve, --reject, --comment, --false-positive or --undo");
  }
  review::Options r;
  r.incident_id = options.id;
  r.analyst = options.analyst;
  r.decision = options.approve           ? "approve"
               : options.reject          ? "reject"
               : options.comment         ? "comment"
               : options.undo            ? std::string(review::kUndoFalsePositive)
               : options.scope == "rule" ? std::string(review::kFalsePositiveRule)
                                         : std::string(review::kFalsePositive);
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
    const char* done = r.decision == "approve"                    ? "approved"
                       : r.decision == "reject"                   ? "rejected"
                       : r.decision == "comment"                  ? "commented on"
                       : r.decision == review::kFalsePositive     ? "marked a false positive "
                                                                    "(this rule on this entity)"
                       : r.decision == review::kFalsePositiveRule ? "marked a false positive "
                                                                    "(this rule on any entity)"
                                                                  : "no longer marked a false "
                                                                    "positive";
    ctx.out << "review " << id << ": incident " << r.incident_id << " " << done << " by "
            << Shown(r.analyst) << "\n";
  }
  return {};
}

}  // namespace vigil::cli
