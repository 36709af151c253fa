#include "alert/alert.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "alert/triggers.h"
#include "core/json.h"
#include "core/time.h"
#include "core/time_parse.h"
#include "crypto/sha256.h"
#include "json/json.h"
#include "store/chain.h"

namespace vigil::alert {
namespace {

using store::Value;

// What earlier alerts leave behind: the newest event time per (entity, type) for the cooldown,
// and the highest severity alerted per incident.
struct Earlier {
  std::map<std::pair<std::string, std::string>, int64_t> last_us;
  std::map<int64_t, int> incident_rank;
};

Result<Earlier> ReadHistory(store::Database& db) {
  Earlier h;
  json::Parser parser;
  Status read = store::ForEachAlertPayload(db, [&](std::string_view payload) {
    auto root = parser.Parse(payload);
    if (!root) return;
    const auto entity = root->StringAt("entity"), type = root->StringAt("type"),
               time = root->StringAt("time");
    if (!entity || !type || !time) return;  // not written by vigil alert (a synthetic or older row)
    if (const auto us = ParseIso8601(*time)) {
      auto& last = h.last_us[{std::string(*entity), std::string(*type)}];
      last = std::max(last, *us);
    }
    const auto incident = root->Int64At("incident_id");
    const auto severity = root->StringAt("severity");
    if (incident && severity) {
      int& rank = h.incident_rank[*incident];
      rank = std::max(rank, SeverityRank(*severity) + 1);  // 0: none alerted
    }
  });
  if (!read.ok()) return read.error();
  return h;
}

std::string OptionsDigest(const config::AlertOptions& o) {
  const std::string text = fmt::format(
      "vigil-alert 1\nmin_severity {}\nrisk_above {}\nanomaly {}\nburst {} {}\nuser_high {} {}\n"
      "cooldown {}\n",
      o.min_severity, o.risk_above, o.anomaly, o.burst_events, o.burst_window_s, o.user_high_events,
      o.user_high_window_s, o.cooldown_s);
  auto sha = crypto::Sha256::Create();
  return sha ? crypto::DigestHex(sha->Hash(text)) : std::string();
}

// Applies "already alerted" (incidents alert again only when they escalate) and the cooldown
// per (entity, type) in event time, in order of event time. Returns what passes.
std::vector<Alert> Filter(std::vector<Alert> candidates, Earlier& h, int cooldown_s,
                          int64_t& suppressed) {
  std::stable_sort(candidates.begin(), candidates.end(), [](const Alert& a, const Alert& b) {
    return a.event_us != b.event_us ? a.event_us < b.event_us : a.type < b.type;
  });
  const int64_t cooldown = int64_t(cooldown_s) * 1'000'000;
  std::vector<Alert> out;
  for (Alert& a : candidates) {
    bool escalation = false;
    if (a.incident_id > 0) {
      int& rank = h.incident_rank[a.incident_id];
      const int now = SeverityRank(a.severity) + 1;
      if (rank >= now) {
        ++suppressed;
        continue;
      }
      escalation = rank > 0;
      rank = now;
    }
    auto it = h.last_us.find({a.entity, a.type});
    if (!escalation && it != h.last_us.end() && a.event_us - it->second < cooldown &&
        it->second - a.event_us < cooldown) {
      ++suppressed;
      continue;
    }
    h.last_us[{a.entity, a.type}] = a.event_us;
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

std::string AlertJson(const Alert& a) {
  JsonWriter w;
  w.BeginObject().Key("time").String(FormatUtc(a.event_us));
  w.Key("triggers").BeginArray();
  for (const std::string& t : a.triggers) w.String(t);
  w.EndArray();
  if (a.severity.empty()) {
    w.Key("severity").Null();
  } else {
    w.Key("severity").String(a.severity);
  }
  if (a.risk < 0) {
    w.Key("risk").Null();
  } else {
    w.Key("risk").Int(a.risk);
  }
  w.Key("summary").String(a.summary);
  w.Key("entity").String(a.entity).Key("type").String(a.type);
  if (a.incident_id > 0) {
    w.Key("incident_id").Int(a.incident_id).Key("title").String(a.title);
  }
  w.Key("source_ip").String(a.source_ip).Key("user").String(a.user);
  w.Key("event_count").Int(a.count).Key("events").BeginArray();
  for (int64_t id : a.events) w.Int(id);
  w.EndArray().Key("raised").String(FormatUtc(a.created_us)).EndObject();
  return w.str();
}

std::string DeliveredJson(const StoredAlert& a) {
  std::string out = fmt::format("{{\"alert_id\":{}", a.id);
  if (a.payload.size() > 2)
    out += "," + a.payload.substr(1);
  else
    out += "}";
  return out;
}

std::string DeliveryState(const StoredAlert& a) {
  if (a.delivered) return "delivered";
  return a.attempts > 0 ? fmt::format("failed x{}", a.attempts) : "pending";
}

std::optional<std::string> PayloadSummary(const StoredAlert& a) {
  json::Parser parser;
  auto root = parser.Parse(a.payload);
  if (!root) return std::nullopt;
  const auto summary = root->StringAt("summary");
  if (!summary) return std::nullopt;
  return std::string(*summary);
}

namespace {

// The configuration's thresholds with the command line's overrides.
config::AlertOptions Thresholds(const Options& options) {
  config::AlertOptions t = options.thresholds;
  if (!options.min_severity.empty()) t.min_severity = options.min_severity;
  if (options.risk_above >= 0) t.risk_above = options.risk_above;
  if (options.cooldown_s >= 0) t.cooldown_s = options.cooldown_s;
  if (options.anomaly >= 0) t.anomaly = options.anomaly;
  return t;
}

}  // namespace

Result<Summary> Run(const Options& options, store::Database& db) {
  // One write transaction from the first read: two runs at once cannot raise the same alert.
  auto tx = store::Transaction::Begin(db, store::Transaction::Kind::kImmediate);
  if (!tx) return tx.error();
  auto from = store::LastAlertWatermarks(db);
  if (!from) return from.error();
  auto to = store::CurrentWatermarks(db);
  if (!to) return to.error();
  Summary result;
  result.events_read = to->event_id - from->event_id;
  result.scores_read = to->score_id - from->score_id;
  result.event_scores_read = to->event_score_id - from->event_score_id;
  if (result.events_read == 0 && result.scores_read == 0 && result.event_scores_read == 0) {
    return result;  // nothing new: nothing written
  }
  const config::AlertOptions o = Thresholds(options);
  if (!options.mark_seen) {
    std::vector<Alert> candidates;
    for (auto* trigger : {&IncidentTriggers, &AnomalyTriggers, &BurstTriggers, &UserHighTriggers}) {
      auto found = (*trigger)(db, *from, o);
      if (!found) return found.error();
      for (Alert& a : *found) candidates.push_back(std::move(a));
    }
    auto history = ReadHistory(db);
    if (!history) return history.error();
    result.raised = Filter(std::move(candidates), *history, o.cooldown_s, result.suppressed);
  }
  if (options.dry_run) return result;
  auto chain = store::ChainWriter::Begin(db);
  if (!chain) return chain.error();
  const int64_t now = NowMicros();
  for (Alert& a : result.raised) {
    a.created_us = now;
    auto id =
        chain->Append("alerts", {a.incident_id > 0 ? Value::Integer(a.incident_id) : Value::Null(),
                                 Value::Integer(now), Value::Text("vigil-alert"), Value::Null(),
                                 Value::Text(AlertJson(a)), Value::Text("raised")});
    if (!id) return id.error();
    a.id = *id;
  }
  auto run = chain->Append(
      "alert_runs",
      {Value::Integer(now), Value::Text(OptionsDigest(o)), Value::Integer(to->event_id),
       Value::Integer(to->score_id), Value::Integer(to->event_score_id),
       Value::Integer(int64_t(result.raised.size())), Value::Integer(result.suppressed)});
  if (!run) return run.error();
  if (Status s = tx->Commit(); !s.ok()) return s.error();
  return result;
}

Result<std::vector<StoredAlert>> Pending(store::Database& db) { return store::PendingAlerts(db); }

Result<std::vector<StoredAlert>> History(store::Database& db, size_t limit) {
  return store::AlertHistory(db, limit);
}

}  // namespace vigil::alert
