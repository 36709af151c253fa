#include "score/feedback.h"

#include <algorithm>

#include "core/severity.h"
#include "store/incidents.h"

namespace vigil::score {

Result<Feedback> Feedback::Read(store::Database& db, const std::vector<IncidentRow>& incidents) {
  Feedback out;
  auto marks = review::Marks::Read(db);
  if (!marks) return marks.error();
  if (marks->marks.empty()) return out;
  // Only incidents whose own rule a mark covers can match; their merged rules are read next.
  store::IncidentQuery query;
  for (const IncidentRow& r : incidents) {
    review::Pattern own{r.out.id, r.out.group_key, {r.out.rule_id}};
    if (marks->Match(own)) query.ids.push_back(r.out.id);
  }
  if (query.ids.empty()) return out;
  auto stored = store::ReadIncidents(db, query);
  if (!stored) return stored.error();
  for (const store::StoredIncident& si : *stored) {
    review::Pattern p{si.id, si.group_key.value_or(""), {si.rule_id}};
    for (const store::MergedRule& a : si.details.also_matched) p.rules.push_back(a.rule.id);
    if (auto s = marks->Match(p)) out.matched_.emplace(si.id, std::move(*s));
  }
  return out;
}

void Feedback::Apply(const config::Config& config, IncidentScore& out) const {
  auto it = matched_.find(out.id);
  if (it == matched_.end()) return;
  const review::Suppression& s = it->second;
  RiskScore& score = out.score;
  const std::string was = std::to_string(score.risk) + " " + score.severity;
  if (!s.severity.empty() && SeverityRank(score.severity) > SeverityRank(s.severity)) {
    score.components.push_back({"feedback", 0, 0,
                                "not suppressed: " + was + " is stronger than incident " +
                                    std::to_string(s.like_incident) + " was (" + s.severity +
                                    ") when " + s.analyst + " marked it a false positive"});
    return;
  }
  out.like_incident = s.like_incident;
  out.suppressed = s.Reason();
  const int capped = std::min(score.risk, std::max(0, config.bands.medium - 1));
  // Weight 1 and a negative value: the parts still add up to the risk (vigil score --explain).
  score.components.push_back({"feedback", 1, double(capped - score.risk) / 100.0,
                              "suppressed, " + was + " without it: " + s.Reason()});
  score.risk = capped;
  score.severity = config.SeverityOf(capped);
}

}  // namespace vigil::score
