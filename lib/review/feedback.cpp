#include "review/feedback.h"

#include <algorithm>
#include <map>

#include "core/time.h"
#include "store/database.h"
#include "store/incidents.h"

namespace vigil::review {
namespace {

bool IsMark(std::string_view decision) {
  return decision == kFalsePositive || decision == kFalsePositiveRule;
}

bool Withdraws(std::string_view decision) {
  return decision == kUndoFalsePositive || decision == "approve";
}

bool Covers(const Mark& m, const Pattern& p, const std::string& rule) {
  if (!m.any_entity && m.entity != p.entity) return false;
  return std::find(m.rules.begin(), m.rules.end(), rule) != m.rules.end();
}

}  // namespace

std::string Suppression::Reason() const {
  std::string out = self ? "" : "like incident " + std::to_string(like_incident) + ", ";
  out += "marked a false positive by " + analyst + " on " + FormatUtc(marked_us).substr(0, 10);
  out += any_entity ? " (this rule on any entity)" : " (this rule on this entity)";
  return out;
}

std::optional<size_t> MarkInForce(const std::vector<store::ReviewRecord>& reviews) {
  std::optional<size_t> in_force;
  for (size_t i = 0; i < reviews.size(); ++i) {
    if (IsMark(reviews[i].decision)) in_force = i;
    if (Withdraws(reviews[i].decision)) in_force.reset();
  }
  return in_force;
}

Result<Marks> Marks::Read(store::Database& db) {
  auto all = store::ReadAllReviews(db);
  if (!all) return all.error();
  std::map<int64_t, std::vector<store::ReviewRecord>> by_incident;
  for (store::IncidentReview& r : *all) {
    by_incident[r.incident_id].push_back(std::move(r.review));
  }
  Marks out;
  store::IncidentQuery query;
  for (const auto& [incident, reviews] : by_incident) {
    const std::optional<size_t> at = MarkInForce(reviews);
    if (!at) continue;
    const store::ReviewRecord& r = reviews[*at];
    Mark m;
    m.incident_id = incident;
    m.review_id = r.id;
    m.marked_us = r.reviewed_us;
    m.analyst = r.analyst;
    m.note = r.note;
    m.any_entity = r.decision == kFalsePositiveRule;
    out.marks.push_back(std::move(m));
    query.ids.push_back(incident);
  }
  if (out.marks.empty()) return out;
  auto incidents = store::ReadIncidents(db, query);
  if (!incidents) return incidents.error();
  for (Mark& m : out.marks) {
    auto it = std::find_if(incidents->begin(), incidents->end(),
                           [&](const store::StoredIncident& i) { return i.id == m.incident_id; });
    if (it == incidents->end()) continue;  // reviews reference incidents (REFERENCES)
    m.entity = it->group_key.value_or("");
    m.rules.push_back(it->rule_id);
    for (const store::MergedRule& a : it->details.also_matched) m.rules.push_back(a.rule.id);
    auto severity = store::SeverityAsOf(db, m.incident_id, m.marked_us);
    if (!severity) return severity.error();
    m.severity = severity->value_or("");
  }
  return out;
}

std::optional<Suppression> Marks::Match(const Pattern& p) const {
  if (p.rules.empty()) return std::nullopt;
  const Mark* chosen = nullptr;
  for (const std::string& rule : p.rules) {
    const Mark* covering = nullptr;
    for (const Mark& m : marks) {
      if (!Covers(m, p, rule)) continue;
      if (covering == nullptr || m.incident_id == p.incident_id) covering = &m;
    }
    if (covering == nullptr) return std::nullopt;  // a finding nobody marked
    if (chosen == nullptr) chosen = covering;      // the mark of the incident's own rule
  }
  Suppression s;
  s.like_incident = chosen->incident_id;
  s.self = chosen->incident_id == p.incident_id;
  s.any_entity = chosen->any_entity;
  s.analyst = chosen->analyst;
  s.severity = chosen->severity;
  s.marked_us = chosen->marked_us;
  return s;
}

}  // namespace vigil::review
