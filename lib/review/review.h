#pragma once
// Analyst sign-off (vigil-review(1)): who decided what about an incident's report, and when,
// appended to table reviews under the chain. A report is a draft until approved. Each review
// records the content digest of the report as it read then, so that a later change (a new
// score, events added to the incident, other drafted words) shows: the report then reads
// "approved on an earlier version, changed since" instead of APPROVED.

#include <cstdint>
#include <string>

#include "core/result.h"
#include "crypto/sha256.h"
#include "report/facts.h"

namespace vigil::store {
class Database;
}

namespace vigil::report {

struct ReviewRequest {
  int64_t incident_id = 0;
  std::string analyst;
  std::string decision;  // approve, reject, comment
  std::string note;      // required for reject and comment
};

struct ReviewResult {
  int64_t id = 0;      // the reviews row
  std::string digest;  // the content digest recorded with it (hex)
};

// Appends the review, with the content digest of the incident's report as it reads now (read
// in the same transaction). kUsage for a missing incident, an empty analyst, an unknown
// decision, or a reject/comment without a note.
Result<ReviewResult> AddReview(store::Database& db, const ReviewRequest& request);

// What a review covers (vigil-review(1), WHAT A REVIEW COVERS): SHA-256 of
// "vigil-review-v1" 0x00 followed by ReviewedJson(incident) (render.h), the report's JSON
// object without what reviews change and without a --narrator text. Nothing in it depends on
// the clock, on other incidents or on the output format.
// kCrypto when hashing fails.
Result<crypto::Digest> ContentDigest(const Incident& incident, crypto::Sha256& sha);

// The marking of a report's heading: DRAFT, APPROVED, REJECTED, or for a decision made on an
// earlier version "APPROVED (earlier version, changed since)" and likewise REJECTED.
std::string ReviewMarking(const Incident& incident);
// The review status in words: "draft", or for example "approved by alice at <UTC>", followed
// by "; on an earlier version, changed since" or "; version not recorded" when so.
std::string ReviewStatus(const Incident& incident);
// Of one review: "this version", "an earlier version" or "version not recorded".
std::string ReviewVersion(const Incident& incident, const Review& review);

}  // namespace vigil::report
