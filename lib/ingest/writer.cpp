// The ingest Writer (writer.h): rows are keyed and hashed on the parsing thread, written
// in batches on the writing thread, and the batches' memory is freed back on the parsing one.
#include "ingest/writer.h"

#include <pthread.h>

#include "store/chain.h"
#include "store/event_codec.h"
#include "store/ledger_rows.h"

namespace vigil::ingest {

using store::Value;

Writer::Writer(store::Database& db, int64_t batch_id, const Options& options, Keyer keyer,
               crypto::Sha256 record_sha)
    : record_sha_(std::move(record_sha)),
      db_(db),
      batch_id_(batch_id),
      now_us_(options.now_us),
      batch_size_(options.batch_size),
      interval_(std::chrono::microseconds(options.commit_interval_us)),
      keyer_(std::move(keyer)) {}

Status Writer::AddEvent(Event& ev, std::string_view raw, const Origin& origin, InputSummary& sum) {
  if (ev.ts_local) {
    ++sum.zoneless;
    if (zone_ != nullptr && !zone_->is_utc()) ev.ts_us = zone_->ToUtc(ev.ts_us);
  }
  std::string key = keyer_.Key(ev.source_format, raw, ev.ts_from_record ? ev.ts_us : 0);
  if (!ev.ts_from_record) ++sum.dated_by_ingest;
  std::vector<Value> row = store::EncodeEvent(
      std::move(ev), {batch_id_, *origin.input, origin.line, origin.offset, std::move(key)}, raw);
  // The record hash is computed here, on the parsing thread, to lighten the writing one.
  auto record = store::RecordHashOf("events", row, record_sha_, canonical_);
  if (!record) return record.error();
  pending_.push_back({true, std::move(row), &sum, ev.source_format, *record});
  return MaybeFlush();
}

Status Writer::AddRejected(std::string_view format, std::string_view raw, const Origin& origin,
                           const std::string& reason, InputSummary& sum) {
  // Keyed like events, so reading the same file again does not quarantine its bad records
  // twice (they are still reported and counted as rejected).
  std::vector<Value> row = store::EncodeQuarantine(
      {batch_id_, now_us_, std::string(format), *origin.input, origin.line, origin.offset, reason,
       std::string(raw), keyer_.Key("quarantine:" + std::string(format), raw, 0)});
  auto record = store::RecordHashOf("quarantine", row, record_sha_, canonical_);
  if (!record) return record.error();
  pending_.push_back({false, std::move(row), &sum, std::string(format), *record});
  return MaybeFlush();
}

// Hands the collected rows to the writing thread (without waiting for their commit).
// Returns the writing thread's error, if it has failed.
Status Writer::Flush() {
  if (!keyer_.ok()) return MakeError(ErrorCode::kCrypto, "SHA-256 failed while keying records");
  std::deque<std::vector<Pending>> spent;
  last_flush_ = Clock::now();
  {
    std::unique_lock<std::mutex> lock(mu_);
    // At most one batch waits: parsing may run ahead of writing, but not without bound.
    cv_.wait(lock, [&] { return queue_.empty() || !error_.ok(); });
    if (!error_.ok()) return error_;
    spent.swap(spent_);
    if (!pending_.empty()) {
      queue_.push_back(std::move(pending_));
      cv_.notify_all();
    }
  }
  // Written batches come back to be freed here, on the thread that allocated their strings:
  // glibc frees another thread's blocks slowly, and the writing thread is the busier one.
  // The first one's capacity is kept for the next batch.
  pending_.clear();
  if (!spent.empty()) {
    pending_ = std::move(spent.front());
    pending_.clear();
  }
  return {};
}

// Writes what is left and waits for the writing thread. Counts are final after this.
Status Writer::Finish() {
  Status s = Flush();
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  return s.ok() ? error_ : s;
}

Writer::~Writer() { (void)Finish(); }

// while it stays open; vigil-ingest(1), STREAMS).
Status Writer::MaybeFlush() {
  if (pending_.size() >= batch_size_ || Clock::now() - last_flush_ >= interval_) return Flush();
  return {};
}

// The writing thread: SQLite and the chain get one core while parsing has the other.
void Writer::WriteLoop() {
  pthread_setname_np(pthread_self(), "vigil-writer");  // tells the threads apart in perf, top
  for (;;) {
    std::vector<Pending> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty() || done_; });
      if (queue_.empty()) return;
      batch = std::move(queue_.front());
      queue_.pop_front();
    }
    cv_.notify_all();
    Status s = WriteBatch(batch);
    std::lock_guard<std::mutex> lock(mu_);
    if (!s.ok()) {
      error_ = s;
      queue_.clear();
      cv_.notify_all();
      return;
    }
    spent_.push_back(std::move(batch));  // freed by the parsing thread (Flush)
  }
}

// One batch in one write transaction under the chain; counts only what was committed.
Status Writer::WriteBatch(std::vector<Pending>& batch) {
  auto tx = store::Transaction::Begin(db_, store::Transaction::Kind::kImmediate);
  if (!tx) return tx.error();
  auto writer = store::ChainWriter::Begin(db_);
  if (!writer) return writer.error();
  std::vector<int> outcome(batch.size());  // 1 stored, 2 duplicate, 3 rejected
  for (size_t i = 0; i < batch.size(); ++i) {
    auto id = writer->AppendIfNew(batch[i].is_event ? "events" : "quarantine", batch[i].row,
                                  &batch[i].record_hash);
    if (!id) return id.error();
    outcome[i] = !batch[i].is_event ? 3 : *id ? 1 : 2;
  }
  Status s = tx->Commit();
  if (!s.ok()) return s;
  // The parsing thread only touches `read` of an InputSummary; these fields are ours.
  for (size_t i = 0; i < batch.size(); ++i) {
    InputSummary& sum = *batch[i].summary;
    if (outcome[i] == 1) ++sum.stored;
    if (outcome[i] == 2) ++sum.duplicates;
    if (outcome[i] == 3) ++sum.rejected;
    if (outcome[i] != 3) ++formats_[batch[i].format];
  }
  return {};
}

}  // namespace vigil::ingest
