#pragma once
// How a drafted report shows its analyst sign-off (vigil-review(1)), and what a review covers.
// The reviews themselves are appended by the review stage (review/review.h); this is the
// drafting side, which renderers and the incident reader use.

#include <string>

#include "core/result.h"
#include "crypto/sha256.h"
#include "report/facts.h"

namespace vigil::report {

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
