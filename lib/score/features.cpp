#include "score/features.h"

#include <cmath>

#include "core/ip.h"

namespace vigil::score {
namespace {

constexpr int64_t kHourUs = 3'600'000'000;
constexpr int64_t kDayUs = 24 * kHourUs;

double Category(const Event& e) {
  static const char* const kOrder[] = {
      "network", "web", "authentication", "email", "intrusion_detection", "file", "iam", "process"};
  if (!e.event_category) return 0;
  for (size_t i = 0; i < std::size(kOrder); ++i) {
    if (*e.event_category == kOrder[i]) return double(i + 1);
  }
  return 9;
}

bool Failed(const Event& e) { return e.event_outcome && *e.event_outcome == "failure"; }

const std::string kNone;

}  // namespace

const char* const FeatureExtractor::kNames[kCount] = {"hour",
                                                      "weekend",
                                                      "offhours",
                                                      "failure",
                                                      "log_bytes_out",
                                                      "port_rarity",
                                                      "src_events",
                                                      "src_distinct_ports",
                                                      "src_failures",
                                                      "src_distinct_users",
                                                      "src_external",
                                                      "dst_events",
                                                      "user_distinct_sources",
                                                      "src_events_5m",
                                                      "src_failures_5m",
                                                      "category"};

FeatureExtractor::Source& FeatureExtractor::SourceOf(const Event& e) {
  return sources_[e.source_ip.value_or(kNone)];
}

void FeatureExtractor::Observe(const Event& e) {
  ++total_;
  Source& s = SourceOf(e);
  ++s.events;
  if (Failed(e)) ++s.failures;
  if (e.destination_port) {
    s.ports.insert(*e.destination_port);
    ++ports_[*e.destination_port];
  }
  if (e.user_name) {
    s.users.insert(*e.user_name);
    if (e.source_ip) user_sources_[*e.user_name].insert(*e.source_ip);
  }
  if (e.destination_ip) ++destinations_[*e.destination_ip];
}

void FeatureExtractor::Extract(const Event& e, double* out) {
  const int64_t days = e.ts_us >= 0 ? e.ts_us / kDayUs : (e.ts_us - kDayUs + 1) / kDayUs;
  const int hour = int((e.ts_us - days * kDayUs) / kHourUs);
  const int weekday = int(((days % 7) + 7 + 3) % 7) + 1;  // 1 = Monday
  const bool failed = Failed(e);
  Source& s = SourceOf(e);
  while (!s.recent.empty() && s.recent.front().first <= e.ts_us - window_us_) {
    s.recent_failures -= s.recent.front().second ? 1u : 0u;
    s.recent.pop_front();
  }
  s.recent.emplace_back(e.ts_us, failed);
  s.recent_failures += failed ? 1u : 0u;

  double port_rarity = 0;
  if (e.destination_port) {
    auto it = ports_.find(*e.destination_port);
    if (it != ports_.end()) port_rarity = std::log(double(total_) / double(it->second));
  }
  uint64_t user_sources = 0;
  if (e.user_name) {
    auto it = user_sources_.find(*e.user_name);
    if (it != user_sources_.end()) user_sources = it->second.size();
  }
  uint64_t dst_events = 0;
  if (e.destination_ip) {
    auto it = destinations_.find(*e.destination_ip);
    if (it != destinations_.end()) dst_events = it->second;
  }
  out[0] = hour;
  out[1] = weekday > 5 ? 1 : 0;
  out[2] =
      (config_ ? !config_->IsWorkTime(e.ts_us) : (weekday > 5 || hour < 8 || hour >= 18)) ? 1 : 0;
  out[3] = failed ? 1 : 0;
  out[4] = std::log1p(double(e.source_bytes.value_or(0) > 0 ? *e.source_bytes : 0));
  out[5] = port_rarity;
  out[6] = std::log1p(double(s.events));
  out[7] = std::log1p(double(s.ports.size()));
  out[8] = std::log1p(double(s.failures));
  out[9] = std::log1p(double(s.users.size()));
  out[10] = e.source_ip && !IsPrivateAddress(*e.source_ip) ? 1 : 0;
  out[11] = std::log1p(double(dst_events));
  out[12] = std::log1p(double(user_sources));
  out[13] = std::log1p(double(s.recent.size()));
  out[14] = std::log1p(double(s.recent_failures));
  out[15] = Category(e);
}

}  // namespace vigil::score
