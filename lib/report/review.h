#pragma once
// Analyst sign-off (vigil-review(1)): who decided what about an incident's report, and when,
// appended to table reviews under the chain. A report is a draft until approved.

#include <cstdint>
#include <string>

#include "core/result.h"

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

// Appends the review and returns its id. kUsage for a missing incident, an empty analyst, an
// unknown decision, or a reject/comment without a note.
Result<int64_t> AddReview(store::Database& db, const ReviewRequest& request);

}  // namespace vigil::report
