#pragma once
// UTC time as microseconds since the Unix epoch, the one time representation in the store.

#include <cstdint>
#include <string>

namespace vigil {

// "2026-11-21T16:26:44.123456Z"; the fraction is omitted when it is zero, so whole seconds
// print as "2026-11-21T16:26:44Z". Deterministic: no locale, no time zone.
std::string FormatUtc(int64_t micros);

// The proleptic Gregorian date of `days` since 1970-01-01.
void CivilFromDays(int64_t days, int64_t& year, unsigned& month, unsigned& day);

// The wall clock. Library code takes times as parameters; only the CLI calls this.
int64_t NowMicros();

}  // namespace vigil
