#include "correlate/event_reader.h"

namespace vigil::correlate {

void EventReader::Run() {
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

}  // namespace vigil::correlate
