#include "correlate/correlate.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "core/encoding.h"
#include "core/json.h"
#include "core/time.h"
#include "correlate/actors.h"
#include "correlate/event_reader.h"
#include "correlate/feedback.h"
#include "correlate/incident_writer.h"
#include "store/chain.h"
#include "store/correlate_state.h"
#include "store/database.h"
#include "store/event_codec.h"
#include "store/incidents.h"
#include "store/store.h"

namespace vigil::correlate {
namespace {

using store::Database;
using store::Statement;
using store::Transaction;
using store::Value;

using PreviousRun = store::CorrelateRun;

struct ReadResult {
  PreviousRun prev;
  int64_t max_id = 0;
  int64_t max_ts = INT64_MIN;
  std::vector<Candidate> candidates;
  std::vector<SeenState> new_seen;
  std::vector<std::string> warnings;
  std::vector<size_t> match_counts;
  int64_t new_events = 0, events_read = 0;
  bool nothing_new = false;
};

// What first_seen rules saw in earlier runs, into the engine.
Status LoadSeen(Database& db, Engine* engine) {
  auto seen = store::ReadFirstSeen(db);
  if (!seen) return seen.error();
  std::vector<SeenState> values;
  for (store::SeenRow& row : *seen) {
    SeenState state{std::move(row.rule), {}};
    state.entries.reserve(row.entries.size());
    for (const store::SeenEntry& e : row.entries) {
      state.entries.push_back(SeenEntry{e.group, e.hash, e.first_us});
    }
    values.push_back(std::move(state));
  }
  engine->LoadSeen(values);
  return {};
}

// Runs every event of `events` through the engine. A reader thread steps SQLite and decodes
// rows while this thread runs the engine: the two halves take similar time, and the machine
// has at least two cores.
Status Feed(const Options& options, store::EventCursor& events, Engine* engine, ActorLog* actors,
            ReadResult* rr) {
  EventReader reader(events);
  reader.Start();
  for (;;) {
    std::vector<StoredEvent>* batch = reader.Next();
    if (batch == nullptr) break;
    for (const StoredEvent& ev : *batch) {
      engine->Feed(ev);
      actors->Add(ev);
      rr->max_ts = std::max(rr->max_ts, ev.event.ts_us);
      if ((++rr->events_read & 0xffff) == 0 && options.progress) {
        options.progress(rr->events_read, -1);
      }
    }
    reader.Recycle(batch);
  }
  return reader.Finish();
}

// Reads one consistent snapshot and runs the engine over it.
Result<ReadResult> Evaluate(const Options& options, const RuleSet& set, int64_t lookback,
                            Database& db) {
  ReadResult rr;
  auto tx = Transaction::Begin(db, Transaction::Kind::kDeferred);
  if (!tx) return tx.error();
  auto prev = store::LastCorrelateRun(db);  // the first read fixes the snapshot
  if (!prev) return prev.error();
  rr.prev = *prev;
  const bool all = options.rescan || options.dry_run;
  const int64_t watermark = all ? 0 : rr.prev.last_event_id;
  auto max_id = store::NewestEventId(db);
  if (!max_id) return max_id.error();
  rr.max_id = *max_id;
  if (rr.max_id <= watermark) {
    rr.nothing_new = true;
    return rr;
  }
  auto span = store::EventsBetween(db, watermark, rr.max_id);
  if (!span) return span.error();
  const int64_t t0 = span->min_ts_us;
  rr.new_events = span->count;

  EngineOptions engine_options = options.engine;
  auto store_id = store::StoreId(db);
  if (!store_id) return store_id.error();
  const std::optional<std::string> id_bytes = FromHex(*store_id);
  engine_options.hash_key = SipKeyFrom(id_bytes ? *id_bytes : *store_id);
  Engine engine(set, engine_options);
  if (!all) {
    if (Status s = LoadSeen(db, &engine); !s.ok()) return s.error();
  }
  const int64_t start = all ? INT64_MIN : (t0 > INT64_MIN + lookback ? t0 - lookback : INT64_MIN);
  store::EventQuery query;
  query.raw = true;
  query.min_ts = start;
  query.max_id = rr.max_id;
  auto events = store::EventCursor::Open(db, query);
  if (!events) return events.error();
  ActorLog actors;
  if (Status s = Feed(options, *events, &engine, &actors, &rr); !s.ok()) return s.error();
  rr.candidates = engine.Finish();
  MergeOverlapping(set, &rr.candidates);
  MergeByActor(set, actors.Of(rr.candidates), &rr.candidates);
  rr.new_seen = engine.new_seen();
  rr.warnings = engine.warnings();
  rr.match_counts = engine.match_counts();
  return rr;
}

// What a dry run reports for a candidate: a new incident of all its events.
IncidentResult DryRunResult(const Candidate& c) {
  const size_t events = c.event_ids.size();
  return IncidentResult{.created = true,
                        .rule = c.rule,
                        .group_key = c.group_key,
                        .first_us = c.first_us,
                        .last_us = c.last_us,
                        .event_count = events,
                        .events_added = events,
                        .detail = c.detail,
                        .also_rules = c.also_rules};
}

// Writes what `rr` found in one write transaction; false (nothing written) when another run
// landed after `rr` was read.
Result<bool> Write(const Options& options, Database& db, const ReadResult& rr, Summary* summary) {
  auto tx = Transaction::Begin(db, Transaction::Kind::kImmediate);
  if (!tx) return tx.error();
  auto current = store::LastCorrelateRun(db);
  if (!current) return current.error();
  if (current->id != rr.prev.id) return false;

  const int64_t watermark = options.rescan ? 0 : rr.prev.last_event_id;
  IncidentWriter writer(db, summary->rules, watermark, rr.prev.last_ts_us, options.rescan);
  if (Status s = writer.Begin(); !s.ok()) return s.error();
  const int64_t now = NowMicros();
  const int64_t last_ts = std::max(rr.prev.last_ts_us, rr.max_ts);
  summary->incidents.clear();
  int64_t created = 0;
  for (const Candidate& c : rr.candidates) {
    auto added = writer.Add(c, now);
    if (!added) return added.error();
    if (!*added) continue;
    created += (*added)->created ? 1 : 0;
    summary->incidents.push_back(std::move(**added));
  }
  auto run_id = writer.AddRun(now, rr.max_id, last_ts, rr.events_read, created);
  if (!run_id) return run_id.error();
  summary->run_id = *run_id;
  for (const SeenState& s : rr.new_seen) {
    if (Status st = writer.AddSeen(*run_id, s); !st.ok()) return st.error();
  }
  if (Status s = MarkSuppressed(db, summary); !s.ok()) return s.error();
  if (Status s = tx->Commit(); !s.ok()) return s.error();
  return true;
}

}  // namespace

Result<RuleSet> LoadRuleSet(const Options& options) {
  std::vector<RuleSource> sources;
  if (options.builtin) sources = BuiltinRuleSources();
  if (!options.rule_paths.empty()) {
    auto files = ReadRuleFiles(options.rule_paths);
    if (!files) return files.error();
    for (RuleSource& s : *files) sources.push_back(std::move(s));
  }
  if (sources.empty()) {
    return MakeError(ErrorCode::kUsage, "no rules: --no-builtin needs --rules FILE|DIR");
  }
  return LoadRules(sources, options.placeholders);
}

Result<Summary> Run(const Options& options, Database& db) {
  Summary summary;
  auto set = LoadRuleSet(options);
  if (!set) return set.error();
  summary.rules = std::move(set).value();
  summary.lookback_us = summary.rules.LookbackMicros();

  // Read a snapshot without blocking writers, then write; if another correlate wrote in
  // between, start again from its watermark.
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto read = Evaluate(options, summary.rules, summary.lookback_us, db);
    if (!read) return read.error();
    ReadResult& rr = *read;
    summary.nothing_new = rr.nothing_new;
    summary.new_events = rr.new_events;
    summary.events_read = rr.events_read;
    summary.warnings = rr.warnings;
    summary.match_counts = rr.match_counts;
    if (!rr.prev.rules_digest.empty() && rr.prev.rules_digest != summary.rules.digest &&
        !options.rescan && !options.dry_run && !rr.nothing_new) {
      summary.warnings.push_back(
          "the rules changed since the last run; events before it were matched with the old "
          "rules (vigil correlate --rescan applies the new rules to every event)");
    }
    if (options.dry_run) {
      for (const Candidate& c : rr.candidates) summary.incidents.push_back(DryRunResult(c));
      if (Status s = MarkSuppressed(db, &summary); !s.ok()) return s.error();
      return summary;
    }
    if (rr.nothing_new) return summary;
    auto written = Write(options, db, rr, &summary);
    if (!written) return written.error();
    if (*written) return summary;  // else another run landed meanwhile: redo
  }
  return MakeError(ErrorCode::kStore,
                   "other correlate runs kept landing while this one read; try again");
}

}  // namespace vigil::correlate
