#include "report/review.h"

#include <fmt/format.h>

#include "core/time.h"
#include "crypto/sha256.h"
#include "report/render.h"
#include "store/chain.h"
#include "store/database.h"

namespace vigil::report {
namespace {

constexpr std::string_view kDigestPrefix{"vigil-review-v1\0", 16};

}  // namespace

Result<crypto::Digest> ContentDigest(const Incident& incident, crypto::Sha256& sha) {
  std::string message(kDigestPrefix);
  message += ReviewedJson(incident);
  const crypto::Digest d = sha.Hash(message);
  if (!sha.ok()) return MakeError(ErrorCode::kCrypto, "SHA-256 failed on a report's content");
  return d;
}

Result<ReviewResult> AddReview(store::Database& db, const ReviewRequest& r) {
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
  Filter only;
  only.ids = {r.incident_id};
  auto incidents = ReadIncidentsLocked(db, only);  // kUsage: "no incident N in the store"
  if (!incidents) return incidents.error();
  if (incidents->size() != 1) {
    return MakeError(ErrorCode::kInternal,
                     "incident " + std::to_string(r.incident_id) + " read more than once");
  }
  auto sha = crypto::Sha256::Create();
  if (!sha) return sha.error();
  auto digest = ContentDigest(incidents->front(), *sha);
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
  return ReviewResult{*id, crypto::DigestHex(*digest)};
}

std::string ReviewMarking(const Incident& inc) {
  const char* base = inc.status == "approved"   ? "APPROVED"
                     : inc.status == "rejected" ? "REJECTED"
                                                : "DRAFT";
  if (inc.currency == Currency::kChanged)
    return std::string(base) + " (earlier version, changed since)";
  return base;
}

std::string ReviewStatus(const Incident& inc) {
  if (inc.decided_by < 0 || size_t(inc.decided_by) >= inc.reviews.size()) return inc.status;
  const Review& r = inc.reviews[size_t(inc.decided_by)];
  std::string out = fmt::format("{} by {} at {}", inc.status, r.analyst, FormatUtc(r.ts_us));
  if (inc.currency == Currency::kChanged) {
    out += "; on an earlier version, changed since (review it again)";
  } else if (inc.currency == Currency::kUnrecorded) {
    out += "; version not recorded (reviewed before vigil recorded what was reviewed)";
  }
  return out;
}

std::string ReviewVersion(const Incident& inc, const Review& r) {
  if (r.digest.empty()) return "version not recorded";
  return r.digest == inc.digest ? "this version" : "an earlier version";
}

}  // namespace vigil::report
