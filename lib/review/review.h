#pragma once
// The review stage (vigil-review(1)): analyst sign-off, who decided what about an incident's
// report and when. A report is a draft until approved. Each review records the content digest
// of the report as it read then (report/review_status.h, ContentDigest), so that a later change
// (a new score, events added to the incident, other drafted words) shows: the report then reads
// "approved on an earlier version, changed since" instead of APPROVED.
//
// Reads: the incident (events, scores, earlier reviews) through report::ReadIncidentsLocked.
// Writes: one row of table reviews, under the chain, in one transaction with that read.
// Errors: kUsage for a missing incident, an empty analyst, an unknown decision, a
// reject/comment without a note, or an undo of an incident with no false-positive mark; kCrypto
// when hashing fails; kStore when the store does.

#include <cstdint>
#include <string>

#include "core/result.h"

namespace vigil::store {
class Database;
}

namespace vigil::review {

struct Options {
  int64_t incident_id = 0;
  std::string analyst;
  // approve, reject, comment, or analyst feedback (review/feedback.h): false-positive (this
  // rule on this entity), false-positive-rule (this rule anywhere), undo-false-positive
  std::string decision;
  std::string note;  // required for reject and comment
};

struct Summary {
  int64_t id = 0;      // the reviews row
  std::string digest;  // the content digest recorded with it (hex)
};

// Appends the review, with the content digest of the incident's report as it reads now (read
// in the same transaction).
Result<Summary> Run(const Options& options, store::Database& db);

}  // namespace vigil::review
