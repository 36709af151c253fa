#include "review/review.h"

#include "core/time.h"
#include "crypto/sha256.h"
#include "report/facts.h"
#include "report/review_status.h"
#include "review/feedback.h"
#include "store/chain.h"
#include "store/database.h"

namespace vigil::review {
namespace {

// kUsage unless a false-positive mark of the incident is in force (what --undo withdraws).
Status HasMark(store::Database& db, int64_t incident_id) {
  auto reader = store::ReviewReader::Open(db);
  if (!reader) return reader.error();
  auto reviews = reader->Of(incident_id);
  if (!reviews) return reviews.error();
  if (MarkInForce(*reviews)) return {};
  return MakeError(ErrorCode::kUsage, "incident " + std::to_string(incident_id) +
                                          " is not marked a false positive: nothing to undo");
}

}  // namespace

Result<Summary> Run(const Options& r, store::Database& db) {
  if (r.analyst.empty()) return MakeError(ErrorCode::kUsage, "a review needs --analyst NAME");
  const bool feedback = r.decision == kFalsePositive || r.decision == kFalsePositiveRule ||
                        r.decision == kUndoFalsePositive;
  if (r.decision != "approve" && r.decision != "reject" && r.decision != "comment" && !feedback) {
    return MakeError(ErrorCode::kUsage,
                     "a review is --approve, --reject, --comment or --false-positive");
  }
  if (r.decision != "approve" && !feedback && r.note.empty()) {
    return MakeError(ErrorCode::kUsage, "--" + r.decision + " needs --note TEXT saying why");
  }
  auto tx = store::Transaction::Begin(db, store::Transaction::Kind::kImmediate);
  if (!tx) return tx.error();
  // The report as it reads now, in the transaction that appends the review: no score or
  // event can come between what is digested and what is recorded.
  report::Filter only;
  only.ids = {r.incident_id};
  auto incidents = report::ReadIncidentsLocked(db, only);  // kUsage: "no incident N in the store"
  if (!incidents) return incidents.error();
  if (incidents->size() != 1) {
    return MakeError(ErrorCode::kInternal,
                     "incident " + std::to_string(r.incident_id) + " read more than once");
  }
  if (r.decision == kUndoFalsePositive) {
    if (Status s = HasMark(db, r.incident_id); !s.ok()) return s.error();
  }
  auto sha = crypto::Sha256::Create();
  if (!sha) return sha.error();
  auto digest = report::ContentDigest(incidents->front(), *sha);
  if (!digest) return digest.error();
  auto chain = store::ChainWriter::Begin(db);
  if (!chain) return chain.error();
  using store::Value;
  auto id = chain->Append("reviews", {Value::Integer(r.incident_id), Value::Integer(NowMicros()),
                                      Value::Text(r.analyst), Value::Text(r.decision),
                                      r.note.empty() ? Value::Null() : Value::Text(r.note),
                                      Value::Blob(std::string(crypto::DigestBytes(*digest)))});
  if (!id) return id.error();
  if (Status s = tx->Commit(); !s.ok()) return s.error();
  return Summary{*id, crypto::DigestHex(*digest)};
}

}  // namespace vigil::review
