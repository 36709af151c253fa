#pragma once
// The drafted text of a report: written offline and deterministically from an incident's
// facts (the same facts give the same words), naming the concrete addresses, accounts, counts
// and times. It is a draft for an analyst to review, and the renderers keep it apart from the
// facts. See vigil-report(1), NARRATIVE.

#include <string>
#include <vector>

#include "report/facts.h"

namespace vigil::report {

struct Narrative {
  std::string summary;                   // two or three sentences for an executive
  std::string what_happened;             // the story of the events, in time order
  std::vector<std::string> why_flagged;  // the rule, what it saw, the strongest sub-scores
  // Recommended actions by NIST SP 800-61 phase; vigil drafts them, a person decides.
  std::vector<std::string> containment, eradication, recovery;
  std::string confidence;  // High, Medium or Low
  std::vector<std::string> confidence_reasons;
};

Narrative Draft(const Incident& incident);

// "Credential Access" for "credential-access".
std::string TacticName(std::string_view shortname);

}  // namespace vigil::report
