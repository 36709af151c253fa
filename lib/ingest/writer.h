#pragma once
// The ingest Writer: collects parsed events and rejected records, keys them (record_key.h),
// and hands them in batches to its own writing thread, which appends each batch in one write
// transaction under the chain, dropping records already stored. Internal to ingest/.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/event.h"
#include "core/result.h"
#include "crypto/sha256.h"
#include "ingest/ingest.h"
#include "ingest/record_key.h"
#include "store/canonical.h"
#include "store/database.h"
#include "store/value.h"

namespace vigil::ingest {

// Where a record was read: its input's name (which outlives the record), line and byte offset.
struct Origin {
  const std::string* input;
  int64_t line;
  int64_t offset;
};

class Writer {
 public:
  Writer(store::Database& db, int64_t batch_id, const Options& options, Keyer keyer,
         crypto::Sha256 record_sha);
  ~Writer();

  // Queues an event parsed from `raw`; counted in `sum` once its batch is committed.
  Status AddEvent(Event& ev, std::string_view raw, const Origin& origin, InputSummary& sum);
  // Queues a rejected record for quarantine, verbatim.
  Status AddRejected(std::string_view format, std::string_view raw, const Origin& origin,
                     const std::string& reason, InputSummary& sum);
  // Hands the collected rows to the writing thread (without waiting for their commit).
  // Returns the writing thread's error, if it has failed.
  Status Flush();
  // Writes what is left and waits for the writing thread. Counts are final after this.
  Status Finish();

  const std::map<std::string, int64_t>& formats() const { return formats_; }
  // The next events are of a new input, whose zone-less times are in `zone` (Event::ts_local).
  void NewInput(const TimeZone& zone) {
    keyer_.NewInput();
    zone_ = &zone;
  }

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    bool is_event;
    std::vector<store::Value> row;
    InputSummary* summary;
    std::string format;
    crypto::Digest record_hash;
  };
  Status MaybeFlush();
  void WriteLoop();
  Status WriteBatch(std::vector<Pending>& batch);

  crypto::Sha256 record_sha_;  // the parsing thread's
  store::CanonicalRow canonical_;
  store::Database& db_;
  int64_t batch_id_;
  int64_t now_us_;
  size_t batch_size_;
  Clock::duration interval_;
  Clock::time_point last_flush_ = Clock::now();
  Keyer keyer_;
  const TimeZone* zone_ = nullptr;
  std::vector<Pending> pending_;
  std::map<std::string, int64_t> formats_;  // written by the writing thread only
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<Pending>> queue_;
  std::deque<std::vector<Pending>> spent_;  // written batches, to be freed by the parser
  bool done_ = false;
  Status error_;
  std::thread thread_{[this] { WriteLoop(); }};  // last member: starts when all others exist
};

}  // namespace vigil::ingest
