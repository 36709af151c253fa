#pragma once
// The impact rule of an incident's risk (vigil-score(1), SEVERITY BY IMPACT): confirmed impact
// (a success after failures, a privileged action, spread to another host, data leaving, or a
// high-level rule's action that succeeded) lifts the risk to at least the High band; failures
// alone are held below it, by a ceiling that grows with their evidence (attempts, duration,
// distinct targets). Pure functions of the facts and the bands.

#include <string>
#include <vector>

#include "config/config.h"
#include "score/risk.h"

namespace vigil::score {

struct Impact {
  // The kinds of confirmed impact that apply ("access", "privilege", "spread", "data"), each
  // with its reason; two or more lift to Critical.
  std::vector<std::pair<std::string, std::string>> kinds;
  // A rule of level high or critical whose own events include an action that succeeded: the
  // technique was carried out, not only tried. Lifts to High, does not count toward Critical.
  std::string compromise;    // its reason, "" when it does not apply
  bool failed_only = false;  // failures, no success and no confirmed impact
  double evidence = 0;       // of failures alone, in [0, 1] (0 unless failed_only)
  std::string evidence_why;

  bool confirmed() const { return !kinds.empty() || !compromise.empty(); }
};

Impact ImpactOf(const IncidentFacts& f);

// The highest risk failures alone can have: medium + round((high - 1 - medium) x evidence),
// within the Medium band, so always below High.
int FailedOnlyCeiling(double evidence, const config::Bands& bands);

// The seventh part, "impact": applies the floor or ceiling to `weighted` (the sum of the six
// weighted parts' points) and returns the part whose points are the change (weight 1, value =
// change / 100, negative for a ceiling); `risk` gets the final risk, 0..100.
Component ImpactPart(const IncidentFacts& f, double weighted, const config::Bands& bands,
                     int& risk);

}  // namespace vigil::score
