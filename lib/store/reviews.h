#pragma once
// Reading reviews (vigil-store(5), table reviews) and the newest checkpoint's note. Review
// rows are written by the review command through ChainWriter.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace vigil::store {

struct ReviewRecord {
  int64_t id = 0, reviewed_us = 0;
  std::string analyst, decision, note;  // "" when NULL
  // The report's content digest the analyst saw (32 bytes), nullopt when not recorded (a
  // review from before schema version 6).
  std::optional<std::string> digest;
};

// Reviews of one incident after another, with the statement prepared once. A store of
// schema version 5 or older read without migrating it (read-only) has no reviews.digest:
// its digests read as nullopt.
class ReviewReader {
 public:
  static Result<ReviewReader> Open(Database& db);
  // The incident's reviews in the order made.
  Result<std::vector<ReviewRecord>> Of(int64_t incident_id);

 private:
  explicit ReviewReader(Statement st) : st_(std::move(st)) {}
  Statement st_;
};

// Every review in the store in the order made, with its incident: the analyst feedback
// (review/feedback.h) reads the false-positive marks from them.
struct IncidentReview {
  int64_t incident_id = 0;
  ReviewRecord review;
};
Result<std::vector<IncidentReview>> ReadAllReviews(Database& db);

// The severity of the newest score of an incident written at or before `at_us`, nullopt
// when it had none then.
Result<std::optional<std::string>> SeverityAsOf(Database& db, int64_t incident_id, int64_t at_us);

// The note of the newest checkpoint, nullopt when the store has none.
Result<std::optional<std::string>> NewestCheckpointNote(Database& db);

}  // namespace vigil::store
