#include "report/review.h"

#include "core/time.h"
#include "store/chain.h"
#include "store/database.h"

namespace vigil::report {

Result<int64_t> AddReview(store::Database& db, const ReviewRequest& r) {
  if (r.analyst.empty()) return MakeError(ErrorCode::kUsage, "a review needs --analyst NAME");
  if (r.decision != "approve" && r.decision != "reject" && r.decision != "comment") {
    return MakeError(ErrorCode::kUsage, "a review is --approve, --reject or --comment");
  }
  if (r.decision != "approve" && r.note.empty()) {
    return MakeError(ErrorCode::kUsage, "--" + r.decision + " needs --note TEXT saying why");
  }
  auto tx = store::Transaction::Begin(db, store::Transaction::Kind::kImmediate);
  if (!tx) return tx.error();
  auto exists = db.Prepare("SELECT 1 FROM incidents WHERE id = ?", "find the incident");
  if (!exists) return exists.error();
  if (Status s = exists->BindInteger(1, r.incident_id); !s.ok()) return s.error();
  auto row = exists->Step();
  if (!row) return row.error();
  if (!*row) {
    return MakeError(ErrorCode::kUsage,
                     "no incident " + std::to_string(r.incident_id) + " in the store");
  }
  exists->Reset();
  auto chain = store::ChainWriter::Begin(db);
  if (!chain) return chain.error();
  using store::Value;
  auto id = chain->Append("reviews", {Value::Integer(r.incident_id), Value::Integer(NowMicros()),
                                      Value::Text(r.analyst), Value::Text(r.decision),
                                      r.note.empty() ? Value::Null() : Value::Text(r.note)});
  if (!id) return id.error();
  if (Status s = tx->Commit(); !s.ok()) return s.error();
  return *id;
}

}  // namespace vigil::report
