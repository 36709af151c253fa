#pragma once
// Internal to correlate's Run: reads and decodes event rows on a thread of its own.

#include <array>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "core/event.h"
#include "core/result.h"
#include "store/event_codec.h"

namespace vigil::correlate {

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

  void Run();  // the reading thread

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

}  // namespace vigil::correlate
