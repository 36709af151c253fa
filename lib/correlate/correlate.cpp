#include "correlate/correlate.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "core/encoding.h"
#include "core/json.h"
#include "core/time.h"
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

// Everything one run writes, in one write transaction.
class Writer {
 public:
  Writer(Database& db, const RuleSet& set, int64_t watermark, int64_t prev_last_ts, bool rescan)
      : db_(db), set_(set), watermark_(watermark), prev_last_ts_(prev_last_ts), rescan_(rescan) {}

  Status Begin() {
    auto chain = store::ChainWriter::Begin(db_);
    if (!chain) return chain.error();
    chain_.emplace(std::move(chain).value());
    auto lookup = store::IncidentLookup::Open(db_);
    if (!lookup) return lookup.error();
    lookup_.emplace(std::move(lookup).value());
    return {};
  }

  // The run's row, then the updates of the incidents it extended.
  Result<int64_t> AddRun(int64_t started, int64_t last_event_id, int64_t last_ts,
                         int64_t events_read, int64_t created) {
    auto run_id =
        chain_->Append("correlate_runs", {Value::Integer(started), Value::Text(set_.digest),
                                          Value::Integer(last_event_id), Value::Integer(last_ts),
                                          Value::Integer(events_read), Value::Integer(created),
                                          Value::Integer(int64_t(updates_.size()))});
    if (!run_id) return run_id;
    for (const Update& u : updates_) {
      auto update = chain_->Append(
          "incident_updates",
          {Value::Integer(u.incident_id), Value::Integer(*run_id), Value::Integer(u.last_ts_us),
           Value::Integer(u.event_count), Value::Text(u.details)});
      if (!update) return update.error();
    }
    return run_id;
  }

  // Creates an incident or extends the one it continues. nullopt: nothing to write.
  Result<std::optional<IncidentResult>> Add(const Candidate& c, int64_t now) {
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

    IncidentResult result;
    result.rule = c.rule;
    result.group_key = c.group_key;
    result.first_us = c.first_us;
    result.last_us = c.last_us;
    result.detail = c.detail;
    result.also_rules = c.also_rules;
    if (!existing) {
      auto id =
          chain_->Append("incidents", {Value::Integer(now), Value::Text(rule_id),
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
  Status AddSeen(int64_t run_id, const SeenState& s) {
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

 private:
  Database& db_;
  const RuleSet& set_;
  int64_t watermark_, prev_last_ts_;
  bool rescan_;
  std::optional<store::ChainWriter> chain_;
  std::optional<store::IncidentLookup> lookup_;
  struct Update {
    int64_t incident_id, last_ts_us, event_count;
    std::string details;
  };
  std::vector<Update> updates_;
};

// Reads and decodes event rows on its own thread, in batches; the consumer takes full batches
// with Next() and gives them back with Recycle(), so strings keep their buffers.
class EventReader {
 public:
  explicit EventReader(store::EventCursor& cursor) : cursor_(cursor) {
    for (auto& b : pool_) free_.push_back(&b);
  }
  ~EventReader() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  EventReader(const EventReader&) = delete;
  EventReader& operator=(const EventReader&) = delete;

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }

  // The next full batch, or nullptr at the end (or on error: see Finish).
  std::vector<StoredEvent>* Next() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !full_.empty() || done_; });
    if (full_.empty()) return nullptr;
    std::vector<StoredEvent>* b = full_.front();
    full_.pop_front();
    return b;
  }
  void Recycle(std::vector<StoredEvent>* b) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      free_.push_back(b);
    }
    cv_.notify_all();
  }
  Status Finish() {
    if (thread_.joinable()) thread_.join();
    return status_;
  }

 private:
  static constexpr size_t kBatch = 1024;

  void Run() {
    for (;;) {
      std::vector<StoredEvent>* b = nullptr;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return !free_.empty() || stop_; });
        if (stop_) break;
        b = free_.back();
        free_.pop_back();
      }
      b->resize(kBatch);
      size_t n = 0;
      bool end = false;
      while (n < kBatch) {
        auto row = cursor_.Next((*b)[n]);
        if (!row) {
          status_ = row.error();
          end = true;
          break;
        }
        if (!*row) {
          end = true;
          break;
        }
        ++n;
      }
      b->resize(n);
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (n > 0) {
          full_.push_back(b);
        } else {
          free_.push_back(b);
        }
        if (end) done_ = true;
      }
      cv_.notify_all();
      if (end) break;
    }
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    cv_.notify_all();
  }

  store::EventCursor& cursor_;
  std::array<std::vector<StoredEvent>, 4> pool_;
  std::deque<std::vector<StoredEvent>*> full_;
  std::vector<std::vector<StoredEvent>*> free_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false, stop_ = false;
  Status status_;
  std::thread thread_;
};

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
    engine.LoadSeen(values);
  }
  const int64_t start = all ? INT64_MIN : (t0 > INT64_MIN + lookback ? t0 - lookback : INT64_MIN);
  store::EventQuery query;
  query.raw = true;
  query.min_ts = start;
  query.max_id = rr.max_id;
  auto events = store::EventCursor::Open(db, query);
  if (!events) return events.error();
  // A reader thread steps SQLite and decodes rows while this thread runs the engine: the
  // two halves take similar time, and the machine has at least two cores.
  EventReader reader(*events);
  reader.Start();
  for (;;) {
    std::vector<StoredEvent>* batch = reader.Next();
    if (batch == nullptr) break;
    for (const StoredEvent& ev : *batch) {
      engine.Feed(ev);
      rr.max_ts = std::max(rr.max_ts, ev.event.ts_us);
      if ((++rr.events_read & 0xffff) == 0 && options.progress) {
        options.progress(rr.events_read, -1);
      }
    }
    reader.Recycle(batch);
  }
  if (Status s = reader.Finish(); !s.ok()) return s.error();
  rr.candidates = engine.Finish();
  MergeOverlapping(set, &rr.candidates);
  rr.new_seen = engine.new_seen();
  rr.warnings = engine.warnings();
  rr.match_counts = engine.match_counts();
  return rr;
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
  return LoadRules(sources);
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
      for (const Candidate& c : rr.candidates) {
        IncidentResult r;
        r.created = true;
        r.rule = c.rule;
        r.group_key = c.group_key;
        r.first_us = c.first_us;
        r.last_us = c.last_us;
        r.event_count = r.events_added = c.event_ids.size();
        r.detail = c.detail;
        r.also_rules = c.also_rules;
        summary.incidents.push_back(std::move(r));
      }
      return summary;
    }
    if (rr.nothing_new) return summary;

    auto tx = Transaction::Begin(db, Transaction::Kind::kImmediate);
    if (!tx) return tx.error();
    auto current = store::LastCorrelateRun(db);
    if (!current) return current.error();
    if (current->id != rr.prev.id) continue;  // another run landed meanwhile: redo

    const int64_t watermark = options.rescan ? 0 : rr.prev.last_event_id;
    Writer writer(db, summary.rules, watermark, rr.prev.last_ts_us, options.rescan);
    if (Status s = writer.Begin(); !s.ok()) return s.error();
    const int64_t now = NowMicros();
    const int64_t last_ts = std::max(rr.prev.last_ts_us, rr.max_ts);
    summary.incidents.clear();
    int64_t created = 0;
    for (const Candidate& c : rr.candidates) {
      auto added = writer.Add(c, now);
      if (!added) return added.error();
      if (!*added) continue;
      created += (*added)->created ? 1 : 0;
      summary.incidents.push_back(std::move(**added));
    }
    auto run_id = writer.AddRun(now, rr.max_id, last_ts, rr.events_read, created);
    if (!run_id) return run_id.error();
    summary.run_id = *run_id;
    for (const SeenState& s : rr.new_seen) {
      if (Status st = writer.AddSeen(*run_id, s); !st.ok()) return st.error();
    }
    if (Status s = tx->Commit(); !s.ok()) return s.error();
    return summary;
  }
  return MakeError(ErrorCode::kStore,
                   "other correlate runs kept landing while this one read; try again");
}

}  // namespace vigil::correlate
