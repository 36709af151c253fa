#pragma once
// Analyst feedback in correlate (vigil-correlate(1), FALSE POSITIVES): an incident of the
// same pattern as one an analyst marked a false positive (review/feedback.h) is still
// written, evidence is never dropped, but reported as suppressed with the marked incident
// it is like; vigil score then scores it Low.

#include "core/result.h"
#include "correlate/correlate.h"

namespace vigil::store {
class Database;
}

namespace vigil::correlate {

// Reads the marks in force and fills like_incident and suppressed of each incident of
// `summary`, and summary->suppressed.
Status MarkSuppressed(store::Database& db, Summary* summary);

}  // namespace vigil::correlate
