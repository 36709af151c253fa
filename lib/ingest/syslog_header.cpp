// Syslog headers (syslog_header.h), by plain string_view scanning: the time, host, program
// and pid of RFC 3164 and RSYSLOG_FileFormat lines, and RFC 5424's header and structured data.
#include "ingest/syslog_header.h"

#include "core/time_parse.h"

namespace vigil::ingest::syslog {
namespace {

constexpr size_t kMaxTagLength = 48;  // RFC 3164 says 32; real tags run a little longer

// Exactly n ASCII digits.
bool TakeDigits(std::string_view& s, size_t n, int& out) {
  if (s.size() < n) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!IsDigit(s[i])) return false;
    out = out * 10 + (s[i] - '0');
  }
  s.remove_prefix(n);
  return true;
}

// "hh:mm:ss" (a leap second 60 is accepted) into seconds of the day.
bool TakeClock(std::string_view& s, int64_t& seconds) {
  int h = 0, m = 0, sec = 0;
  if (!TakeDigits(s, 2, h) || !Consume(s, ":") || !TakeDigits(s, 2, m) || !Consume(s, ":") ||
      !TakeDigits(s, 2, sec) || h > 23 || m > 59 || sec > 60) {
    return false;
  }
  seconds = h * 3600 + m * 60 + sec;
  return true;
}

// RFC 3339 "YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|-hh:mm)" into UTC microseconds.
std::optional<int64_t> TakeIsoTime(std::string_view& s) {
  int y = 0, mo = 0, d = 0;
  int64_t secs = 0;
  if (!TakeDigits(s, 4, y) || !Consume(s, "-") || !TakeDigits(s, 2, mo) || !Consume(s, "-") ||
      !TakeDigits(s, 2, d) || s.empty() || (s[0] != 'T' && s[0] != 't')) {
    return std::nullopt;
  }
  s.remove_prefix(1);
  if (!TakeClock(s, secs) || mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo)) {
    return std::nullopt;
  }
  int64_t micros = 0;
  if (Consume(s, ".")) {
    int64_t scale = kMicrosPerSecond;
    size_t n = 0;
    for (; n < s.size() && IsDigit(s[n]); ++n) {  // digits past the 6th are truncated
      scale /= 10;
      micros += (s[n] - '0') * scale;
    }
    if (n == 0 || n > 9) return std::nullopt;
    s.remove_prefix(n);
  }
  int64_t offset = 0;
  if (!Consume(s, "Z") && !Consume(s, "z")) {
    if (s.empty() || (s[0] != '+' && s[0] != '-')) return std::nullopt;
    int64_t sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
    int oh = 0, om = 0;
    if (!TakeDigits(s, 2, oh) || !Consume(s, ":") || !TakeDigits(s, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = sign * (oh * 3600 + om * 60);
  }
  int64_t seconds =
      DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + secs - offset;
  return seconds * kMicrosPerSecond + micros;
}

// "Mmm dd hh:mm:ss"; the day may be space-padded ("Jun  4").
bool TakeBsdTime(std::string_view& s, Header& h) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12 && h.month == 0; ++i) {
    if (Consume(s, kMonths[i])) h.month = i + 1;
  }
  if (h.month == 0 || !Consume(s, " ")) return false;
  if (!TakeDigits(s, 2, h.day) && !(Consume(s, " ") && TakeDigits(s, 1, h.day)) &&
      !TakeDigits(s, 1, h.day)) {
    return false;
  }
  return h.day >= 1 && h.day <= 31 && Consume(s, " ") && TakeClock(s, h.seconds_of_day);
}

// "<PRI>" with PRI 0..191 (facility * 8 + severity), when present.
bool TakePri(std::string_view& s, Header& h) {
  if (!Consume(s, "<")) return true;
  size_t close = s.find('>');
  if (close == 0 || close > 3) return false;
  std::optional<int64_t> pri = ToInt(s.substr(0, close));
  if (!pri || *pri < 0 || *pri > 191) return false;
  h.pri = static_cast<int>(*pri);
  s.remove_prefix(close + 1);
  return true;
}

// The BSD body after the timestamp: " host tag[pid]: message". Extra spaces after the host
// are skipped (Linux_2k.log has "combo  -- root[2421]: ..."). The tag is the text before the
// first ": " when that is short enough; otherwise there is no tag and all of it is message.
bool TakeBsdBody(std::string_view s, Header& h) {
  if (!Consume(s, " ")) return false;
  h.host = TakeToken(s);
  if (h.host.empty()) return false;
  while (Consume(s, " ")) {
  }
  size_t colon = s.find(": ");
  if (colon == std::string_view::npos && s.ends_with(':')) colon = s.size() - 1;
  if (colon == 0 || colon > kMaxTagLength) {
    h.message = s;
    return true;
  }
  std::string_view tag = s.substr(0, colon);
  h.message = s.substr(std::min(colon + 2, s.size()));
  size_t lb = tag.rfind('[');
  if (tag.ends_with(']') && lb != std::string_view::npos && lb > 0) {
    h.pid = tag.substr(lb + 1, tag.size() - lb - 2);
    tag = tag.substr(0, lb);
  }
  h.program = tag;
  return true;
}

// RFC 5424 PARAM-VALUE: up to an unescaped '"'; \" \\ \] are unescaped, other '\' kept.
bool TakeSdValue(std::string_view& s, std::string& value) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '"') {
      s.remove_prefix(i + 1);
      return true;
    }
    if (s[i] == '\\' && i + 1 < s.size() &&
        (s[i + 1] == '"' || s[i + 1] == '\\' || s[i + 1] == ']')) {
      ++i;
    }
    value.push_back(s[i]);
  }
  return false;
}

// STRUCTURED-DATA: "-" or one or more [SD-ID name="value" ...]; params become fields
// "<SD-ID>.<name>" so that equal names in different elements stay apart.
bool TakeStructuredData(std::string_view& s, Fields& fields) {
  if (Consume(s, "-")) return true;
  if (!s.starts_with('[')) return false;
  while (Consume(s, "[")) {
    size_t end = s.find_first_of(" ]");
    if (end == 0 || end == std::string_view::npos) return false;
    std::string_view id = s.substr(0, end);
    s.remove_prefix(end);
    while (Consume(s, " ")) {
      size_t eq = s.find('=');
      if (eq == 0 || eq == std::string_view::npos || eq + 1 >= s.size() || s[eq + 1] != '"') {
        return false;
      }
      std::string key = std::string(id) + "." + std::string(s.substr(0, eq));
      s.remove_prefix(eq + 2);
      std::string value;
      if (!TakeSdValue(s, value)) return false;
      fields.Str(key, value);
    }
    if (!Consume(s, "]")) return false;
  }
  return true;
}

// After "<PRI>1 ": TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG].
Status Parse5424(std::string_view s, Header& h) {
  std::optional<int64_t> ts = TakeIsoTime(s);
  if (!ts) return NotSyslog("no timestamp");
  h.ts_us = *ts;
  auto nil = [](std::string_view v) { return v == "-" ? std::string_view() : v; };
  if (!Consume(s, " ")) return NotSyslog("bad RFC 5424 header");
  h.host = nil(TakeToken(s));
  h.program = nil(TakeToken(s));
  h.pid = nil(TakeToken(s));
  h.msgid = nil(TakeToken(s));
  if (s.empty()) return NotSyslog("bad RFC 5424 header");
  if (!TakeStructuredData(s, h.fields)) return NotSyslog("bad structured data");
  if (!s.empty() && !Consume(s, " ")) return NotSyslog("bad structured data");
  Consume(s, "\xEF\xBB\xBF");  // the optional UTF-8 BOM
  h.message = s;
  return {};
}

}  // namespace

Status ParseHeader(std::string_view s, Header& h) {
  if (!TakePri(s, h)) return NotSyslog("bad PRI");
  if (Consume(s, "1 ")) return Parse5424(s, h);
  if (!s.empty() && IsDigit(s[0])) {  // RSYSLOG_FileFormat: ISO time, then a BSD body
    std::optional<int64_t> ts = TakeIsoTime(s);
    if (!ts) return NotSyslog("no timestamp");
    h.ts_us = *ts;
  } else if (!TakeBsdTime(s, h)) {
    return NotSyslog("no timestamp");
  }
  if (!TakeBsdBody(s, h)) return NotSyslog("no host");
  return {};
}

}  // namespace vigil::ingest::syslog
