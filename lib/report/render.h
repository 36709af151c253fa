#pragma once
// Reports as text (a terminal), Markdown and JSON. Facts and the drafted narrative are printed
// apart; a report is marked DRAFT until an analyst approves it (vigil review).

#include <string>
#include <vector>

#include "report/facts.h"

namespace vigil::report {

struct RenderOptions {
  std::string tlp = "TLP:AMBER";  // the Traffic Light Protocol marking of the indicators
};

std::string RenderText(const std::vector<Incident>& incidents, const RenderOptions& options);
std::string RenderMarkdown(const std::vector<Incident>& incidents, const RenderOptions& options);
// {"incidents": [{"id", "type", "severity", "risk", "status", "review", "attack", "src_ips",
// "users", "hosts", "first_seen", "last_seen", "event_count", "summary", ...}]}
std::string RenderJson(const std::vector<Incident>& incidents, const RenderOptions& options);
// One incident as the JSON object RenderJson lists (for NDJSON).
std::string IncidentJson(const Incident& incident, const RenderOptions& options);
// What a review covers (review_status.h, ContentDigest): the incident's JSON object as IncidentJson
// writes it for the incident before any review and without a --narrator text, leaving out the
// keys status, draft, review, reviews and machine_narrative. The confidence is the drafted one.
std::string ReviewedJson(const Incident& incident);

}  // namespace vigil::report
