#pragma once
// IANA time zones (Europe/Berlin), read from the system's tz database (TZif files under
// /usr/share/zoneinfo, or $TZDIR), to turn a logging host's wall-clock times into UTC.
// libstdc++ 12 has no std::chrono::locate_zone, so the TZif file (RFC 8536) and its POSIX TZ
// footer (for times after the last listed transition) are read here. A TimeZone is an
// immutable value: no process-wide TZ variable is touched.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigil {

class TimeZone {
 public:
  // UTC: no file needed.
  TimeZone() = default;

  // The zone named `name` ("Europe/Berlin", "UTC"). kUsage naming it when there is no such
  // zone (or the name is not a zone name: absolute, with "..", or a file that is not TZif).
  static Result<TimeZone> Load(std::string_view name);
  // Parses TZif bytes (for tests and Load). kBadInput when they are not a TZif file.
  static Result<TimeZone> FromTzif(std::string name, std::string_view bytes);

  const std::string& name() const { return name_; }
  bool is_utc() const { return name_ == "UTC"; }

  // Seconds east of UTC in effect at `utc_seconds`.
  int64_t OffsetAt(int64_t utc_seconds) const;

  // The UTC time of a wall-clock time of this zone (`local_us`: microseconds since the epoch
  // as if the wall clock were UTC). A time the clock skipped (02:30 on the night the clocks go
  // forward) is read with the offset before the change, so it lands where the clock would have
  // shown it had it not been changed (02:30 CET = 03:30 CEST = 01:30 UTC in Europe/Berlin); a
  // time the clock showed twice (the hour repeated when the clocks go back) is its first
  // occurrence, still in daylight saving time.
  int64_t ToUtc(int64_t local_us) const;

 private:
  struct Footer {
    bool present = false;
    int64_t std_offset = 0, dst_offset = 0;  // seconds east of UTC
    bool has_dst = false;
    // Start and end of daylight saving time: kind 'M' (month, week, weekday), 'J' (1..365, no
    // Feb 29) or 'n' (0..365); the time of day in local seconds.
    struct Date {
      char kind = 'M';
      int month = 0, week = 0, weekday = 0, day = 0;
      int64_t time = 7200;
    } start, end;
  };
  int64_t FooterOffset(int64_t utc_seconds) const;
  static bool ParseFooter(std::string_view text, Footer& out);

  std::string name_ = "UTC";
  std::vector<int64_t> transitions_;      // UTC seconds, ascending
  std::vector<uint8_t> transition_type_;  // index into offsets_, per transition
  std::vector<int64_t> offsets_;          // per local time type
  int64_t initial_offset_ = 0;            // before the first transition
  Footer footer_;
};

}  // namespace vigil
