#include "score/score.h"

#include <algorithm>
#include <thread>

#include "core/json.h"
#include "core/time.h"
#include "score/features.h"
#include "score/feedback.h"
#include "score/score_data.h"
#include "store/chain.h"
#include "store/database.h"
#include "store/schema.h"
#include "store/score_state.h"

namespace vigil::score {
namespace {

using store::Transaction;
using store::Value;

constexpr int64_t kMinEventsForModel = 100;  // fewer events than this: no anomaly model yet
// Anomaly scores at or below this (the paper's "no distinct anomaly") are not recorded; they
// weigh 0 in every sub-score and risk.
constexpr float kRecordedAnomaly = 0.5f;

std::string FeatureNamesJson() {
  JsonWriter w;
  w.BeginArray();
  for (const char* n : FeatureExtractor::kNames) w.String(n);
  w.EndArray();
  return w.str();
}

// Scores the feature rows of `rows` (kCount floats each) on `threads` threads.
std::vector<float> ScoreRows(const IsolationForest& forest, const std::vector<float>& rows,
                             unsigned threads) {
  constexpr size_t kWidth = FeatureExtractor::kCount, kBlock = 4096;
  const size_t n = rows.size() / kWidth;
  std::vector<float> out(n);
  auto work = [&](size_t first, size_t last) {
    std::vector<double> x(kBlock * kWidth), s(kBlock);
    for (size_t at = first; at < last; at += kBlock) {
      const size_t m = std::min(kBlock, last - at);
      std::copy(rows.begin() + ptrdiff_t(at * kWidth), rows.begin() + ptrdiff_t((at + m) * kWidth),
                x.begin());
      forest.ScoreMany(x.data(), m, s.data());
      for (size_t i = 0; i < m; ++i) out[at + i] = float(s[i]);
    }
  };
  threads = std::max(1u, std::min<unsigned>(threads, unsigned(n / kBlock + 1)));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(work, n * t / threads, n * (t + 1) / threads);
  work(0, n / threads);
  for (auto& th : pool) th.join();
  return out;
}

bool SameFloat(float a, float b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// One event's values as this run decides them.
struct EventOutcome {
  int64_t event_id;
  int risk, severity;
  uint32_t label;  // into StoreState::labels
  float anomaly;
  uint32_t flags;
};

struct Plan {
  Summary summary;
  std::vector<IncidentRow> incidents;
  std::vector<EventOutcome> writes;                           // event_scores rows to append
  std::vector<std::pair<std::string, std::string>> profiles;  // (kind, entity) -> data below
  std::vector<std::string> profile_data;
  std::unique_ptr<IsolationForest> trained;
  int64_t trained_rows = 0, last_event_id = 0;
  std::string config_digest;
};

// Everything but the writes, in one read snapshot.
Result<Plan> Compute(const Options& options, store::Database& db, StoreState& state) {
  Plan plan;
  Summary& sum = plan.summary;
  auto tx = Transaction::Begin(db, Transaction::Kind::kDeferred);
  if (!tx) return tx.error();
  auto version = store::SchemaVersionOf(db);
  if (!version) return version.error();
  if (*version < 4) {
    return MakeError(ErrorCode::kStore,
                     "the store is at schema version " + std::to_string(*version) +
                         "; scoring needs version 4: run vigil init (or any command that writes) "
                         "to migrate it",
                     db.path());
  }
  if (Status s = ReadStoreState(db, options.retrain, state); !s.ok()) return s.error();
  const bool fit = state.model == nullptr;
  ProfileBuilder profiles(options.config);
  EventTable events;
  std::vector<float> to_score;
  std::vector<double> sample;
  if (Status s =
          ReadEvents(db, options, state, fit, profiles, events, to_score, fit ? &sample : nullptr);
      !s.ok()) {
    return s.error();
  }
  const size_t n = events.id.size();
  sum.events = int64_t(n);
  plan.last_event_id = n ? *std::max_element(events.id.begin(), events.id.end()) : state.watermark;
  plan.last_event_id = std::max(plan.last_event_id, state.watermark);

  const IsolationForest* forest = state.model.get();
  if (fit && int64_t(n) >= kMinEventsForModel) {
    if (options.progress) options.progress("fitting the anomaly model", 0, int64_t(n));
    auto f = IsolationForest::Fit(sample.data(), sample.size() / FeatureExtractor::kCount,
                                  FeatureExtractor::kCount, {});
    if (!f) return f.error();
    plan.trained = std::make_unique<IsolationForest>(std::move(*f));
    plan.trained_rows = int64_t(sample.size() / FeatureExtractor::kCount);
    forest = plan.trained.get();
    sum.trained = true;
  } else if (fit) {
    sum.warnings.push_back("only " + std::to_string(n) + " events: at least " +
                           std::to_string(kMinEventsForModel) +
                           " are needed to train the anomaly model, so anomaly counts 0");
  }
  sum.model_id = state.model_id;
  sum.model_trained_on = sum.trained ? sum.events : state.model_trained_on;
  if (forest != nullptr) {
    if (options.progress) options.progress("scoring events", 0, int64_t(to_score.size() / 16));
    const std::vector<float> scores = ScoreRows(*forest, to_score, options.threads);
    size_t k = 0;
    for (size_t i = 0; i < n; ++i) {
      // Only a distinct anomaly (above 0.5) is kept: the rest counts 0 in every use.
      if (events.scored_here[i]) {
        const float a = scores[k++];
        events.anomaly[i] = a > kRecordedAnomaly ? a : NAN;
      }
    }
  }
  if (Status s = ReadStoredEventScores(db, state, events); !s.ok()) return s.error();
  std::vector<std::vector<uint32_t>> members;
  if (Status s = ReadIncidents(db, options, events, plan.incidents, members); !s.ok()) {
    return s.error();
  }
  auto feedback = Feedback::Read(db, plan.incidents);
  if (!feedback) return feedback.error();
  if (Status s = tx->Commit(); !s.ok()) return s.error();

  // Incidents.
  for (IncidentRow& r : plan.incidents) {
    r.facts.has_model = forest != nullptr;
    r.out.score = ScoreIncident(r.facts, options.config);
    feedback->Apply(options.config, r.out);
    r.out.anomaly = r.facts.max_anomaly;
    const bool has_anomaly = r.facts.max_anomaly >= 0;
    const bool anomaly_changed =
        r.stored_anomaly.has_value() != has_anomaly ||
        (has_anomaly && r.stored_anomaly.value_or(-1) != r.facts.max_anomaly);
    r.out.changed = !r.stored || r.stored_risk != r.out.score.risk ||
                    r.stored_severity != r.out.score.severity || anomaly_changed ||
                    r.stored_components != store::EncodeComponents(r.out.score.components) ||
                    r.stored_techniques != store::EncodeTechniques(r.out.techniques);
    if (r.out.changed) ++sum.incidents_changed;
  }

  // Events: the risk of their riskiest incident, else their anomaly alone.
  std::vector<int> best(n, -1);
  std::vector<uint32_t> label(n, kNoIndex);
  for (size_t k = 0; k < plan.incidents.size(); ++k) {
    const IncidentRow& r = plan.incidents[k];
    const uint32_t l = state.labels.Add(r.out.label);
    for (uint32_t at : members[k]) {
      if (r.out.score.risk > best[at]) {
        best[at] = r.out.score.risk;
        label[at] = l;
      }
    }
  }
  const uint32_t normal = state.labels.Add("normal");
  std::vector<uint8_t> touched_names(events.names.size(), 0);
  for (size_t i = 0; i < n; ++i) {
    const bool here = events.scored_here[i] != 0;
    // An event a run covered without writing a row had nothing to record: risk 0, Low,
    // normal, no distinct anomaly, no flags (the default StoredEventScore but for `risk`).
    StoredEventScore old = events.stored[i];
    if (old.risk < 0) {
      old.risk = 0;
      old.label = normal;
    }
    EventOutcome o{events.id[i],
                   0,
                   0,
                   normal,
                   here ? events.anomaly[i] : old.anomaly,
                   here ? events.flags[i] : old.flags};
    o.risk = best[i] >= 0
                 ? best[i]
                 : LoneEventRisk(std::isnan(o.anomaly) ? -1.0 : double(o.anomaly), options.config);
    if (best[i] >= 0) o.label = label[i];
    o.severity = SeverityRank(options.config.SeverityOf(o.risk));
    ++sum.severity_counts[o.severity];
    if (here) ++sum.new_events;
    const bool changed = old.risk != o.risk || old.severity != o.severity || old.label != o.label ||
                         !SameFloat(old.anomaly, o.anomaly) || old.flags != o.flags;
    if (changed) plan.writes.push_back(o);
    // Profiles to rewrite: those of events new to the store and of events whose score moved.
    if (changed || events.id[i] > state.watermark) {
      for (uint32_t who : {events.user[i], events.source[i]}) {
        if (who != kNoIndex) touched_names[who] = 1;
      }
    }
    const auto name = [&](uint32_t ix) { return ix == kNoIndex ? nullptr : &events.names[ix]; };
    profiles.AddRisk(events.ts[i], name(events.user[i]), name(events.source[i]), o.risk);
  }
  sum.event_rows = int64_t(plan.writes.size());

  // Profiles of every user and source touched above, by name.
  for (const auto& [kind, table] :
       {std::pair{"user", &profiles.users()}, std::pair{"source", &profiles.sources()}}) {
    std::vector<const std::string*> names;
    for (const auto& [name, p] : *table) {
      const uint32_t ix = events.names.Find(name);
      if (ix != kNoIndex && touched_names[ix]) names.push_back(&name);
    }
    std::sort(names.begin(), names.end(), [](auto* a, auto* b) { return *a < *b; });
    for (const std::string* name : names) {
      plan.profiles.emplace_back(kind, *name);
      plan.profile_data.push_back(ProfileJson(table->at(*name), kind, *name));
    }
  }
  sum.profiles_written = int64_t(plan.profiles.size());

  for (const IncidentRow& r : plan.incidents) sum.incidents.push_back(r.out);
  std::stable_sort(sum.incidents.begin(), sum.incidents.end(), [](auto& a, auto& b) {
    return a.score.risk != b.score.risk ? a.score.risk > b.score.risk : a.id < b.id;
  });
  plan.config_digest = options.config.Digest();
  return plan;
}

// Appends the run under the chain. false: another score run committed since our snapshot.
Result<bool> Write(store::Database& db, const StoreState& state, Plan& plan) {
  Summary& sum = plan.summary;
  if (!plan.trained && sum.event_rows == 0 && sum.incidents_changed == 0 &&
      sum.profiles_written == 0 && plan.last_event_id == state.watermark) {
    return true;  // nothing new and nothing changed: no run to record
  }
  auto tx = Transaction::Begin(db, Transaction::Kind::kImmediate);
  if (!tx) return tx.error();
  auto last = store::LastScoreRun(db);
  if (!last) return last.error();
  if (last->id != state.last_run_id) return false;
  auto chain = store::ChainWriter::Begin(db);
  if (!chain) return chain.error();
  const int64_t now = NowMicros();
  if (plan.trained) {
    JsonWriter params;
    params.BeginObject().Key("trees").Int(int64_t(plan.trained->trees()));
    params.Key("sample_size").Int(plan.trained->sample_size());
    params.Key("seed").Int(int64_t(ForestOptions{}.seed)).Key("fit_rows").Int(plan.trained_rows);
    params.Key("events").Int(sum.events).EndObject();
    auto id = chain->Append("models",
                            {Value::Integer(now), Value::Text("isolation-forest"),
                             Value::Text(FeatureNamesJson()), Value::Integer(sum.events),
                             Value::Text(params.str()), Value::Blob(plan.trained->Serialize())});
    if (!id) return id.error();
    sum.model_id = *id;
    sum.model_trained_on = sum.events;
  }
  auto run = chain->Append(
      "score_runs", {Value::Integer(now), Value::Text(plan.config_digest),
                     sum.model_id ? Value::Integer(sum.model_id) : Value::Null(),
                     Value::Integer(plan.last_event_id), Value::Integer(sum.event_rows),
                     Value::Integer(sum.incidents_changed), Value::Integer(sum.profiles_written)});
  if (!run) return run.error();
  sum.run_id = *run;
  const std::string model = sum.model_id ? "isolation-forest#" + std::to_string(sum.model_id) : "";
  for (const IncidentRow& r : plan.incidents) {
    if (!r.out.changed) continue;
    auto id = chain->Append(
        "scores", {Value::Integer(r.out.id), Value::Integer(now), Value::Text(r.out.score.severity),
                   Value::Integer(r.out.score.risk),
                   r.out.anomaly < 0 ? Value::Null() : Value::Real(r.out.anomaly),
                   Value::Text(store::EncodeComponents(r.out.score.components)),
                   Value::Text(store::EncodeTechniques(r.out.techniques)),
                   model.empty() ? Value::Null() : Value::Text(model), Value::Integer(sum.run_id)});
    if (!id) return id.error();
  }
  for (const EventOutcome& o : plan.writes) {
    auto id = chain->Append("event_scores",
                            {Value::Integer(o.event_id), Value::Integer(sum.run_id),
                             Value::Integer(o.risk), Value::Text(kSeverityNames[o.severity]),
                             std::isnan(o.anomaly) ? Value::Null() : Value::Real(double(o.anomaly)),
                             Value::Text(state.labels[o.label]),
                             o.flags ? Value::Text(FlagNames(o.flags)) : Value::Null()});
    if (!id) return id.error();
  }
  for (size_t i = 0; i < plan.profiles.size(); ++i) {
    auto id = chain->Append(
        "profiles", {Value::Integer(sum.run_id), Value::Text(plan.profiles[i].first),
                     Value::Text(plan.profiles[i].second), Value::Text(plan.profile_data[i])});
    if (!id) return id.error();
  }
  if (Status s = tx->Commit(); !s.ok()) return s.error();
  return true;
}

}  // namespace

Result<Summary> Run(const Options& options, store::Database& db) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    StoreState state;
    auto plan = Compute(options, db, state);
    if (!plan) return plan.error();
    if (options.dry_run) return std::move(plan->summary);
    auto written = Write(db, state, *plan);
    if (!written) return written.error();
    if (*written) return std::move(plan->summary);
  }
  return MakeError(ErrorCode::kStore,
                   "other score runs kept committing while this one computed; try again",
                   db.path());
}

}  // namespace vigil::score
