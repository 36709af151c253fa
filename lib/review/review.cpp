#include "review/review.h"

#include "core/time.h"
#include "crypto/sha256.h"
#include "report/facts.h"
#include "report/review_status.h"
#include "store/chain.h"
#include "store/database.h"

namespace vigil::review {

Result<Summary> Run(const Options& r, store::Database& db) {
  if (r.analyst.empty()) return MakeError(ErrorCode::kUsage, "a review needs --analyst NAME");
  if (r.decision != "approve" && r.decision != "reject" && r.decision != "comment") {
    return MakeError(ErrorCode::kUsage, "a review is --approve, --reject or --comment");
  }
  if (r.decision != "approve" && r.note.empty()) {
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
