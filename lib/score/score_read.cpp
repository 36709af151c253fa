// The score stage's reads: the last run, the model, the events (two passes) and the
// incidents. Every statement binds its values (log data is attacker-controlled).
#include <algorithm>
#include <set>

#include "formats/legacy_labels.h"
#include "score/features.h"
#include "score/score_data.h"
#include "store/database.h"
#include "store/event_codec.h"
#include "store/score_state.h"

namespace vigil::score {
namespace {

// What the features and behaviour flags read of an event: its stored source country (raw only
// for rows stored before schema version 7, to derive it), and the message's first characters.
store::EventQuery FeatureQuery() {
  store::EventQuery q;
  q.fields = FeatureFields().Add(&Event::product).Add(&Event::source_country);
  q.message_prefix = kMessagePrefix;
  q.raw = true;
  q.raw_only_legacy = true;
  return q;
}

// The country of the source, as stored or (rows before schema version 7) derived.
std::string CountryOf(const StoredEvent& stored) {
  const Event& e = stored.event;
  if (e.product) return e.source_country.value_or("");
  return formats::DeriveLegacyLabels(stored, {.country = true}).country;
}

uint32_t ParseFlags(std::string_view names) {
  uint32_t bits = 0;
  while (!names.empty()) {
    const size_t comma = names.find(',');
    const std::string_view name = names.substr(0, comma);
    for (int b = 0; b < kFlagCount; ++b) {
      if (FlagName(b) == name) bits |= 1u << b;
    }
    if (comma == std::string_view::npos) break;
    names.remove_prefix(comma + 1);
  }
  return bits;
}

constexpr size_t kFitSample = 100'000;  // the forest is fitted on at most this many events

}  // namespace

uint32_t Interner::Add(std::string_view s) {
  auto it = index_.find(std::string(s));
  if (it != index_.end()) return it->second;
  const auto i = uint32_t(names_.size());
  names_.emplace_back(s);
  index_.emplace(names_.back(), i);
  return i;
}

uint32_t Interner::Find(std::string_view s) const {
  auto it = index_.find(std::string(s));
  return it == index_.end() ? kNoIndex : it->second;
}

Status ReadStoreState(store::Database& db, bool retrain, StoreState& state) {
  auto run = store::LastScoreRun(db);
  if (!run) return run.error();
  state.last_run_id = run->id;
  state.watermark = run->last_event_id;
  if (retrain) return {};
  auto model = store::NewestModel(db);
  if (!model) return model.error();
  if (!*model) return {};
  auto forest = IsolationForest::Deserialize((*model)->model);
  if (!forest) {
    return MakeError(ErrorCode::kStore,
                     "stored anomaly model " + std::to_string((*model)->id) + " is unreadable (" +
                         forest.error().message + "); run vigil score --retrain",
                     db.path());
  }
  if (forest->features() != FeatureExtractor::kCount) {
    return MakeError(ErrorCode::kStore,
                     "stored anomaly model has " + std::to_string(forest->features()) +
                         " features, this vigil computes " +
                         std::to_string(FeatureExtractor::kCount) + "; run vigil score --retrain",
                     db.path());
  }
  state.model_id = (*model)->id;
  state.model_trained_on = (*model)->trained_on;
  state.model = std::make_unique<IsolationForest>(std::move(*forest));
  return {};
}

Status ReadStoredEventScores(store::Database& db, StoreState& state, EventTable& events) {
  events.stored.assign(events.id.size(), {});
  return store::ForEachEventScore(db, [&](const store::EventScoreRow& r) {
    const uint32_t at = events.PositionOf(r.event_id);
    if (at == kNoIndex) return;
    StoredEventScore& s = events.stored[at];
    s.risk = int(r.risk);
    s.severity = std::max(0, SeverityRank(r.severity));
    s.anomaly = r.anomaly ? float(*r.anomaly) : NAN;
    s.label = state.labels.Add(r.label);
    s.flags = ParseFlags(r.flags);
  });
}

Status ReadEvents(store::Database& db, const Options& options, const StoreState& state,
                  bool score_all, ProfileBuilder& profiles, EventTable& events,
                  std::vector<float>& to_score, std::vector<double>* fit_sample) {
  FeatureExtractor features(300'000'000, &options.config);
  StoredEvent stored;
  const Event& e = stored.event;
  int64_t total = 0;
  double row[FeatureExtractor::kCount];
  size_t stride = 1;
  auto cursor = store::EventCursor::Open(db, FeatureQuery());
  if (!cursor) return cursor.error();
  for (int pass = 0; pass < 2; ++pass) {
    if (Status s = cursor->Start(); !s.ok()) return s;
    int64_t n = 0;
    for (;; ++n) {
      auto more = cursor->Next(stored);
      if (!more) return more.error();
      if (!*more) break;
      if (pass == 0) {
        features.Observe(e);
        continue;
      }
      const int64_t id = stored.id;
      const bool here = score_all || id > state.watermark;
      const uint32_t flags = profiles.Observe(e, CountryOf(stored));
      events.id.push_back(id);
      events.ts.push_back(e.ts_us);
      events.user.push_back(e.user_name ? events.names.Add(*e.user_name) : kNoIndex);
      events.source.push_back(e.source_ip ? events.names.Add(*e.source_ip) : kNoIndex);
      events.flags.push_back(here ? flags : 0);
      events.scored_here.push_back(here ? 1 : 0);
      events.anomaly.push_back(NAN);
      // Every event goes through Extract (it keeps each source's recent window), so an
      // event's features do not depend on which others this run scores.
      features.Extract(e, row);
      const bool sampled = fit_sample != nullptr && size_t(n) % stride == 0;
      if (here) to_score.insert(to_score.end(), row, row + FeatureExtractor::kCount);
      if (sampled) fit_sample->insert(fit_sample->end(), row, row + FeatureExtractor::kCount);
    }
    if (pass == 0) {
      total = n;
      stride = std::max<size_t>(1, (size_t(total) + kFitSample - 1) / kFitSample);
      events.id.reserve(size_t(total));
      if (options.progress) options.progress("reading events", total / 2, total);
    }
  }
  if (events.id.empty()) return {};
  const auto [lo, hi] = std::minmax_element(events.id.begin(), events.id.end());
  events.min_id = *lo;
  events.position.assign(size_t(*hi - *lo + 1), kNoIndex);
  for (size_t i = 0; i < events.id.size(); ++i) {
    events.position[size_t(events.id[i] - *lo)] = uint32_t(i);
  }
  return {};
}

}  // namespace vigil::score
