#include "correlate/feedback.h"

#include "review/feedback.h"

namespace vigil::correlate {

Status MarkSuppressed(store::Database& db, Summary* summary) {
  summary->suppressed = 0;
  auto marks = review::Marks::Read(db);
  if (!marks) return marks.error();
  if (marks->marks.empty()) return {};
  for (IncidentResult& i : summary->incidents) {
    review::Pattern p;
    p.incident_id = i.id;
    p.entity = i.group_key;
    p.rules.emplace_back(summary->rules.rules[i.rule].display_id());
    for (size_t a : i.also_rules) p.rules.emplace_back(summary->rules.rules[a].display_id());
    const std::optional<review::Suppression> s = marks->Match(p);
    if (!s) continue;
    i.like_incident = s->like_incident;
    i.suppressed = s->Reason();
    ++summary->suppressed;
  }
  return {};
}

}  // namespace vigil::correlate
