#pragma once
// Analyst feedback in score (vigil-score(1), FALSE POSITIVES): an incident of the same
// pattern as one an analyst marked a false positive (review/feedback.h) is scored Low, with a
// risk part "feedback" that says which incident it is like, who marked it and when, and
// takes the risk down to the top of the Low band. A finding stronger than the marked one is
// never hidden: the pattern covers only the rules the marked incident had, and an incident
// whose score without the mark is in a higher band than the marked incident's when it was
// marked keeps its score (the part then says why it was not suppressed).

#include <map>

#include "config/config.h"
#include "core/result.h"
#include "review/feedback.h"
#include "score/score_data.h"

namespace vigil::store {
class Database;
}

namespace vigil::score {

class Feedback {
 public:
  // Inside the run's read transaction: the marks in force, matched against `incidents`.
  static Result<Feedback> Read(store::Database& db, const std::vector<IncidentRow>& incidents);
  // After ScoreIncident: suppresses `out` (a copy of its own score's parts and a "feedback"
  // part) when it is the same pattern as a mark and no stronger.
  void Apply(const config::Config& config, IncidentScore& out) const;

 private:
  std::map<int64_t, review::Suppression> matched_;
};

}  // namespace vigil::score
