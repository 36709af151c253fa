#include "correlate/incident_writer.h"

#include <set>

#include "store/incidents.h"

namespace vigil::correlate {
namespace {

using store::Value;

store::RuleRecord RecordOf(const Rule& r) {
  return {r.title,
          std::string(r.display_id()),
          r.author,
          r.level,
          std::string(RuleKindName(r.kind)),
          r.file,
          r.tags,
          r.falsepositives};
}

// The rule and everything it reads, depth first, each once (the Detection Rule License asks
// for title, id and author of each).
std::vector<store::RuleRecord> RuleChain(const RuleSet& set, size_t r) {
  std::vector<size_t> order;
  std::vector<size_t> stack = {r};
  std::set<size_t> seen;
  while (!stack.empty()) {
    const size_t i = stack.back();
    stack.pop_back();
    if (!seen.insert(i).second) continue;
    order.push_back(i);
    const auto& inputs = set.rules[i].inputs;
    for (auto it = inputs.rbegin(); it != inputs.rend(); ++it) stack.push_back(*it);
  }
  std::vector<store::RuleRecord> out;
  for (size_t i : order) out.push_back(RecordOf(set.rules[i]));
  return out;
}

std::string DetailsJson(const RuleSet& set, const Candidate& c, size_t event_count) {
  store::IncidentDetails d;
  d.rule = RecordOf(set.rules[c.rule]);
  d.rules = RuleChain(set, c.rule);
  d.group_json = c.group_key;
  d.detail = c.detail;
  for (size_t i = 0; i < c.also_rules.size(); ++i) {
    d.also_matched.push_back({RecordOf(set.rules[c.also_rules[i]]), c.also_details[i]});
  }
  d.event_count = int64_t(event_count);
  d.fires = int64_t(c.fires);
  return store::EncodeDetails(d);
}

}  // namespace

IncidentWriter::IncidentWriter(store::Database& db, const RuleSet& set, int64_t watermark,
                               int64_t prev_last_ts, bool rescan)
    : db_(db), set_(set), watermark_(watermark), prev_last_ts_(prev_last_ts), rescan_(rescan) {}

Status IncidentWriter::Begin() {
  auto chain = store::ChainWriter::Begin(db_);
  if (!chain) return chain.error();
  chain_.emplace(std::move(chain).value());
  auto lookup = store::IncidentLookup::Open(db_);
  if (!lookup) return lookup.error();
  lookup_.emplace(std::move(lookup).value());
  return {};
}

// The run's row, then the updates of the incidents it extended.
Result<int64_t> IncidentWriter::AddRun(int64_t started, int64_t last_event_id, int64_t last_ts,
                                       int64_t events_read, int64_t created) {
  auto run_id =
      chain_->Append("correlate_runs", {Value::Integer(started), Value::Text(set_.digest),
                                        Value::Integer(last_event_id), Value::Integer(last_ts),
                                        Value::Integer(events_read), Value::Integer(created),
                                        Value::Integer(int64_t(updates_.size()))});
  if (!run_id) return run_id;
  for (const Update& u : updates_) {
    auto update =
        chain_->Append("incident_updates", {Value::Integer(u.incident_id), Value::Integer(*run_id),
                                            Value::Integer(u.last_ts_us),
                                            Value::Integer(u.event_count), Value::Text(u.details)});
    if (!update) return update.error();
  }
  return run_id;
}

// Creates an incident or extends the one it continues. nullopt: nothing to write.
Result<std::optional<IncidentResult>> IncidentWriter::Add(const Candidate& c, int64_t now) {
  const Rule& rule = set_.rules[c.rule];
  const std::string rule_id(rule.display_id());
  const int64_t gap =
      rule.gap_us > 0 ? rule.gap_us : (rule.timespan_us > 0 ? rule.timespan_us : 3'600'000'000LL);
  auto latest = lookup_->Find(rule_id, c.group_key);
  if (!latest) return latest.error();
  std::optional<int64_t> existing;
  if (*latest && c.first_us <= (*latest)->last_ts_us + gap) existing = (*latest)->id;

  const bool has_new = rescan_ || (!c.event_ids.empty() && c.event_ids.back() > watermark_) ||
                       c.fired_us >= prev_last_ts_;
  if (!existing && !has_new) return std::optional<IncidentResult>();

  IncidentResult result{.rule = c.rule,
                        .group_key = c.group_key,
                        .first_us = c.first_us,
                        .last_us = c.last_us,
                        .detail = c.detail,
                        .also_rules = c.also_rules};
  if (!existing) {
    auto id = chain_->Append("incidents", {Value::Integer(now), Value::Text(rule_id),
                                           Value::Text(rule.title), Value::Integer(c.first_us),
                                           Value::Integer(c.last_us), Value::Text(c.group_key),
                                           Value::Text(DetailsJson(set_, c, c.event_ids.size()))});
    if (!id) return id.error();
    result.id = *id;
    result.created = true;
  } else {
    result.id = *existing;
  }
  for (int64_t event_id : c.event_ids) {
    auto added = chain_->AppendIfNew(
        "incident_events", {Value::Integer(result.id), Value::Integer(event_id), Value::Null()});
    if (!added) return added.error();
    if (*added) ++result.events_added;
  }
  auto counted = lookup_->EventCount(result.id);
  if (!counted) return counted.error();
  result.event_count = size_t(*counted);
  if (!result.created) {
    if (result.events_added == 0) return std::optional<IncidentResult>();
    // Written after the run's own row, which it names.
    updates_.push_back({result.id, c.last_us, int64_t(result.event_count),
                        DetailsJson(set_, c, result.event_count)});
  }
  return std::optional<IncidentResult>(std::move(result));
}

// One row per first_seen rule and run: 17 bytes per entry ('g' or 'v', the hash and the
// first time, both big-endian). Written after the run's row, which it names.
Status IncidentWriter::AddSeen(int64_t run_id, const SeenState& s) {
  std::vector<store::SeenEntry> entries;
  entries.reserve(s.entries.size());
  for (const SeenEntry& e : s.entries) entries.push_back({e.group, e.hash, e.first_us});
  std::string blob = store::EncodeSeen(entries);
  auto added = chain_->Append(
      "first_seen", {Value::Integer(run_id), Value::Text(s.rule),
                     Value::Integer(int64_t(s.entries.size())), Value::Blob(std::move(blob))});
  if (!added) return added.error();
  return {};
}

}  // namespace vigil::correlate
