#pragma once
// Internal to the engine: an event as the rules see it (correlate/event_view.h) plus vigil's
// derived time fields.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "correlate/engine.h"
#include "correlate/event_view.h"
#include "correlate/field_source.h"

namespace vigil::correlate {

// The event as rules see it, plus vigil's derived fields: vigil.hour (0-23 UTC),
// vigil.weekday (1 = Monday .. 7 = Sunday), vigil.offhours (outside the working hours of
// EngineOptions, the config's work_hours) and vigil.privileged_account (a declared account).
class RuleView final : public FieldSource {
 public:
  RuleView(const EventView& view, const EngineOptions& options) : view_(view), options_(options) {}
  void SetTime(int64_t ts_us) {
    ts_us_ = ts_us;
    computed_ = false;
  }
  void Get(std::string_view name, std::vector<FieldValue>* out) const override {
    if (name.size() > 6 && name.substr(0, 6) == "vigil.") {
      Compute();
      if (name == "vigil.hour") {
        out->push_back({FieldValue::Kind::kNumber, hour_text_});
      } else if (name == "vigil.weekday") {
        out->push_back({FieldValue::Kind::kNumber, weekday_text_});
      } else if (name == "vigil.offhours") {
        out->push_back({FieldValue::Kind::kBool, OffHours() ? "true" : "false"});
      } else if (name == "vigil.privileged_account") {
        out->push_back({FieldValue::Kind::kBool, PrivilegedAccount() ? "true" : "false"});
      }
      return;
    }
    view_.Get(name, out);
  }
  void KeywordTexts(std::vector<std::string_view>* out) const override { view_.KeywordTexts(out); }

 private:
  static constexpr int64_t kHourUs = 3'600'000'000;
  static constexpr int64_t kDayUs = 24 * kHourUs;

  // The derived fields are computed only for events whose rules ask for them.
  void Compute() const {
    if (computed_) return;
    computed_ = true;
    const int64_t days = ts_us_ >= 0 ? ts_us_ / kDayUs : (ts_us_ - kDayUs + 1) / kDayUs;
    hour_ = int((ts_us_ - days * kDayUs) / kHourUs);
    weekday_ = int(((days % 7) + 7 + 3) % 7) + 1;  // 1970-01-01 was a Thursday (4)
    hour_text_ = std::to_string(hour_);
    weekday_text_ = std::to_string(weekday_);
  }

  // Whether the event's account is one the site declared privileged.
  bool PrivilegedAccount() const {
    if (!options_.is_privileged_account) return false;
    std::vector<FieldValue> users;
    view_.Get("user.name", &users);
    for (const FieldValue& u : users) {
      if (options_.is_privileged_account(u.text)) return true;
    }
    return false;
  }

  // Outside the working hours, in the local time of the configured UTC offset.
  bool OffHours() const {
    const int64_t local = ts_us_ + int64_t{options_.utc_offset_minutes} * 60'000'000;
    const int64_t days = local >= 0 ? local / kDayUs : (local - kDayUs + 1) / kDayUs;
    const int hour = int((local - days * kDayUs) / kHourUs);
    const int weekday = int(((days % 7) + 7 + 3) % 7);  // Monday = 0; 1970-01-01 a Thursday
    return ((options_.work_days >> weekday) & 1) == 0 || hour < options_.work_start_hour ||
           hour >= options_.work_end_hour;
  }

  const EventView& view_;
  const EngineOptions& options_;
  int64_t ts_us_ = 0;
  mutable bool computed_ = false;
  mutable int hour_ = 0, weekday_ = 0;
  mutable std::string hour_text_, weekday_text_;
};

}  // namespace vigil::correlate
