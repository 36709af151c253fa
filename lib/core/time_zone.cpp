// IANA time zones from TZif files (time_zone.h; RFC 8536 for the format).
#include "core/time_zone.h"

#include <algorithm>
#include <cstdlib>

#include "core/file_io.h"
#include "core/time.h"
#include "core/time_parse.h"

namespace vigil {
namespace {

constexpr int64_t kDay = 86400;

int64_t BigEndian(std::string_view b, size_t pos, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(b[pos + i]);
  if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// A POSIX TZ name: letters, or <...> (quoted, may hold digits and signs).
bool TakeName(std::string_view& s) {
  if (!s.empty() && s[0] == '<') {
    const size_t end = s.find('>');
    if (end == std::string_view::npos) return false;
    s.remove_prefix(end + 1);
    return true;
  }
  size_t n = 0;
  while (n < s.size() && ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z'))) ++n;
  if (n < 3) return false;
  s.remove_prefix(n);
  return true;
}

bool TakeNumber(std::string_view& s, int64_t& out) {
  size_t n = 0;
  int64_t v = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9' && n < 9) v = v * 10 + (s[n++] - '0');
  if (n == 0) return false;
  s.remove_prefix(n);
  out = v;
  return true;
}

// [+-]hh[:mm[:ss]] in seconds.
bool TakeClock(std::string_view& s, int64_t& out) {
  int64_t sign = 1;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    if (s[0] == '-') sign = -1;
    s.remove_prefix(1);
  }
  int64_t h = 0, m = 0, sec = 0;
  if (!TakeNumber(s, h)) return false;
  if (!s.empty() && s[0] == ':') {
    s.remove_prefix(1);
    if (!TakeNumber(s, m)) return false;
    if (!s.empty() && s[0] == ':') {
      s.remove_prefix(1);
      if (!TakeNumber(s, sec)) return false;
    }
  }
  out = sign * (h * 3600 + m * 60 + sec);
  return true;
}

// Day 0..6 (Sunday 0) of days since the epoch (1970-01-01 was a Thursday).
int64_t Weekday(int64_t days) { return ((days % 7) + 11) % 7; }

}  // namespace

bool TimeZone::ParseFooter(std::string_view s, Footer& f) {
  f = Footer{};
  if (s.empty()) return true;
  int64_t west = 0;
  if (!TakeName(s) || !TakeClock(s, west)) return false;
  f.present = true;
  f.std_offset = -west;
  if (s.empty()) return true;
  if (!TakeName(s)) return false;
  f.has_dst = true;
  f.dst_offset = f.std_offset + 3600;
  if (!s.empty() && s[0] != ',') {
    if (!TakeClock(s, west)) return false;
    f.dst_offset = -west;
  }
  auto date = [&](Footer::Date& d) {
    if (s.empty() || s[0] != ',') return false;
    s.remove_prefix(1);
    int64_t a = 0, b = 0, c = 0;
    if (!s.empty() && s[0] == 'M') {
      s.remove_prefix(1);
      if (!TakeNumber(s, a) || s.empty() || s[0] != '.') return false;
      s.remove_prefix(1);
      if (!TakeNumber(s, b) || s.empty() || s[0] != '.') return false;
      s.remove_prefix(1);
      if (!TakeNumber(s, c) || a < 1 || a > 12 || b < 1 || b > 5 || c > 6) return false;
      d.kind = 'M';
      d.month = static_cast<int>(a);
      d.week = static_cast<int>(b);
      d.weekday = static_cast<int>(c);
    } else {
      d.kind = 'n';
      if (!s.empty() && s[0] == 'J') {
        d.kind = 'J';
        s.remove_prefix(1);
      }
      if (!TakeNumber(s, a) || a > 365) return false;
      d.day = static_cast<int>(a);
    }
    d.time = 7200;
    if (!s.empty() && s[0] == '/') {
      s.remove_prefix(1);
      if (!TakeClock(s, d.time)) return false;
    }
    return true;
  };
  // A zone with daylight saving time and no rule: the POSIX default (US rules).
  if (s.empty()) {
    f.start = Footer::Date{'M', 3, 2, 0, 0, 7200};
    f.end = Footer::Date{'M', 11, 1, 0, 0, 7200};
    return true;
  }
  return date(f.start) && date(f.end) && s.empty();
}

int64_t TimeZone::FooterOffset(int64_t utc) const {
  if (!footer_.has_dst) return footer_.std_offset;
  const auto day_of = [](int64_t year, const Footer::Date& d) -> int64_t {
    const int64_t jan1 = DaysFromCivil(year, 1, 1);
    if (d.kind == 'J') return jan1 + d.day - 1 + (IsLeap(year) && d.day >= 60 ? 1 : 0);
    if (d.kind == 'n') return jan1 + d.day;
    const auto month = static_cast<unsigned>(d.month);
    const int64_t first = DaysFromCivil(year, month, 1);
    int64_t day = first + (d.weekday - Weekday(first) + 7) % 7 + 7 * (d.week - 1);
    const int64_t next =
        month == 12 ? DaysFromCivil(year + 1, 1, 1) : DaysFromCivil(year, month + 1, 1);
    while (day >= next) day -= 7;  // week 5: the last such weekday
    return day;
  };
  int64_t year = 0;
  unsigned m = 0, dd = 0;
  const int64_t local = utc + footer_.std_offset;
  CivilFromDays(local >= 0 ? local / kDay : (local - kDay + 1) / kDay, year, m, dd);
  // Start in standard time, end in daylight saving time, both as UTC.
  const int64_t start =
      day_of(year, footer_.start) * kDay + footer_.start.time - footer_.std_offset;
  const int64_t end = day_of(year, footer_.end) * kDay + footer_.end.time - footer_.dst_offset;
  const bool dst = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);
  return dst ? footer_.dst_offset : footer_.std_offset;
}

Result<TimeZone> TimeZone::FromTzif(std::string name, std::string_view b) {
  auto bad = [&](const std::string& why) {
    return MakeError(ErrorCode::kBadInput, "not a TZif time zone file: " + why, name);
  };
  if (b.size() < 44 || b.substr(0, 4) != "TZif") return bad("no TZif header");
  size_t pos = 0;
  // The v1 block (32-bit times); with version 2 or later, skip it for the 64-bit block.
  auto counts = [&](size_t at, int64_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = BigEndian(b, at + 20 + 4 * static_cast<size_t>(i), 4);
  };
  int64_t c[6];
  counts(0, c);
  const bool v2 = b[4] >= '2';
  size_t time_size = 4;
  auto block_size = [&](size_t ts) {
    return static_cast<size_t>(c[3]) * (ts + 1) + static_cast<size_t>(c[4]) * 6 +
           static_cast<size_t>(c[5]) + static_cast<size_t>(c[2]) * (ts + 4) +
           static_cast<size_t>(c[1]) + static_cast<size_t>(c[0]);
  };
  for (int i = 0; i < 6; ++i) {
    if (c[i] < 0 || c[i] > 100000) return bad("count out of range");
  }
  if (v2) {
    pos = 44 + block_size(4);
    if (b.size() < pos + 44 || b.substr(pos, 4) != "TZif") return bad("no second header");
    counts(pos, c);
    for (int i = 0; i < 6; ++i) {
      if (c[i] < 0 || c[i] > 100000) return bad("count out of range");
    }
    time_size = 8;
  }
  pos += 44;
  if (b.size() < pos + block_size(time_size) || c[4] == 0) return bad("cut short");
  TimeZone z;
  z.name_ = std::move(name);
  const auto n = static_cast<size_t>(c[3]);
  const auto types = static_cast<size_t>(c[4]);
  for (size_t i = 0; i < n; ++i)
    z.transitions_.push_back(BigEndian(b, pos + i * time_size, time_size));
  pos += n * time_size;
  for (size_t i = 0; i < n; ++i) {
    const auto t = static_cast<uint8_t>(b[pos + i]);
    if (t >= types) return bad("transition type out of range");
    z.transition_type_.push_back(t);
  }
  pos += n;
  for (size_t i = 0; i < types; ++i) z.offsets_.push_back(BigEndian(b, pos + i * 6, 4));
  pos += block_size(time_size) - n * (time_size + 1);
  z.initial_offset_ = z.offsets_[0];
  if (!std::is_sorted(z.transitions_.begin(), z.transitions_.end())) {
    return bad("transitions out of order");
  }
  if (v2 && pos < b.size() && b[pos] == '\n') {
    const size_t end = b.find('\n', pos + 1);
    if (end == std::string_view::npos) return bad("footer not closed");
    if (!ParseFooter(b.substr(pos + 1, end - pos - 1), z.footer_)) return bad("bad TZ footer");
  }
  return z;
}

Result<TimeZone> TimeZone::Load(std::string_view name) {
  const std::string shown(name);
  if (name == "UTC" || name == "Etc/UTC" || name == "Z") return TimeZone();
  auto unknown = [&](const std::string& why) {
    return MakeError(ErrorCode::kUsage, "unknown time zone \"" + shown + "\" (" + why + ")");
  };
  if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos ||
      name.find_first_of("\\\n") != std::string_view::npos) {
    return unknown("not an IANA zone name such as Europe/Berlin");
  }
  const char* dir = std::getenv("TZDIR");
  const std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + shown;
  auto bytes = ReadFile(path, 1u << 20);
  if (!bytes) return unknown("no such zone in the tz database, " + path);
  auto zone = FromTzif(shown, *bytes);
  if (!zone) return unknown(path + " is not a zone file");
  return zone;
}

int64_t TimeZone::OffsetAt(int64_t utc) const {
  if (transitions_.empty() || utc < transitions_.front()) {
    if (transitions_.empty() && footer_.present) return FooterOffset(utc);
    return initial_offset_;
  }
  if (utc >= transitions_.back() && footer_.present) return FooterOffset(utc);
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc);
  return offsets_[transition_type_[static_cast<size_t>(it - transitions_.begin()) - 1]];
}

int64_t TimeZone::ToUtc(int64_t local_us) const {
  if (transitions_.empty() && !footer_.present) return local_us - initial_offset_ * 1000000;
  const int64_t local = local_us >= 0 ? local_us / 1000000 : (local_us - 999999) / 1000000;
  const int64_t fraction = local_us - local * 1000000;
  // The offsets a day either side: around one change of the clock they are the two in play.
  const int64_t before = OffsetAt(local - kDay);
  const int64_t after = OffsetAt(local + kDay);
  const int64_t u1 = local - before, u2 = local - after;
  const bool ok1 = OffsetAt(u1) == before, ok2 = OffsetAt(u2) == after;
  int64_t utc = u1;  // skipped: the offset before the change
  if (ok1 && ok2) {
    utc = std::min(u1, u2);  // shown twice: the first
  } else if (ok2) {
    utc = u2;
  }
  return utc * 1000000 + fraction;
}

}  // namespace vigil
