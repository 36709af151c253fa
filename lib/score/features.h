#pragma once
// Features of an event for the Isolation Forest: what the event is (hour, failure, bytes,
// port rarity), what its source and user do over the whole data set (volume, distinct
// ports, failures, distinct users, distinct sources per user), how rare its destination is,
// and how busy its source is right now (events and failures in the last five minutes).
// Two passes: Observe every event (totals), then Extract in event-time order.

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "config/config.h"
#include "core/event.h"

namespace vigil::score {

class FeatureExtractor {
 public:
  static constexpr size_t kCount = 16;
  static const char* const kNames[kCount];

  // `config`, when given, says the work hours of the offhours feature (else 08-18 UTC,
  // Monday to Friday: the default config's).
  explicit FeatureExtractor(int64_t window_us = 300'000'000, const config::Config* config = nullptr)
      : window_us_(window_us), config_(config) {}

  // Pass 1: every event once, any order.
  void Observe(const Event& e);
  // Pass 2: events in (time, id) order; writes kCount values to `out`.
  void Extract(const Event& e, double* out);

 private:
  struct Source {
    uint64_t events = 0, failures = 0;
    std::unordered_set<int64_t> ports;
    std::unordered_set<std::string> users;
    std::deque<std::pair<int64_t, bool>> recent;  // pass 2: (time, failure) in the window
    uint64_t recent_failures = 0;
  };
  Source& SourceOf(const Event& e);

  int64_t window_us_;
  const config::Config* config_;
  uint64_t total_ = 0;
  std::unordered_map<std::string, Source> sources_;
  std::unordered_map<std::string, uint64_t> destinations_;
  std::unordered_map<int64_t, uint64_t> ports_;
  std::unordered_map<std::string, std::unordered_set<std::string>> user_sources_;
};

}  // namespace vigil::score
