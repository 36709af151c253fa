#pragma once
// Parsing times found in logs into UTC microseconds (see core/time.h).

#include <cstdint>
#include <optional>
#include <string_view>

namespace vigil {

// Days since 1970-01-01 of a proleptic Gregorian date (no range checks).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

// ISO 8601 / RFC 3339: "2026-11-14T00:00:23.829Z", "2021-06-06T15:57:37.123456+0200",
// "2020-10-22 08:29:48.123" (space for T; no zone means UTC), fractions up to 9 digits
// (truncated to microseconds). nullopt for anything else, including impossible dates.
// `zoned`, when given, says whether the text had a zone (Z or an offset): without one the time
// is the logging host's wall clock, returned as though it were UTC (ingest converts it).
std::optional<int64_t> ParseIso8601(std::string_view text, bool* zoned = nullptr);

// Seconds since the epoch as a JSON number (Zeek's ts): 1585789098.518239.
std::optional<int64_t> EpochSecondsToMicros(double seconds);

}  // namespace vigil
