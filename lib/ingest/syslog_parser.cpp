// Syslog lines into events, by plain string_view scanning (std::regex is too slow for logs).
// After an optional <PRI>, "1 " starts an RFC 5424 header; an ISO-8601 time starts an
// RSYSLOG_FileFormat line; "Mmm dd hh:mm:ss" starts an RFC 3164 line, whose year is guessed.
// Every body then goes through one classifier keyed on the program and the message text, which
// maps the sshd and pam_unix messages that matter for intrusion analysis to ECS-style fields.
//
// event.action names (ours; ECS leaves them to the source):
//   ssh_login_failed            sshd "Failed <method> for [invalid user ]U from IP port N"
//   ssh_login                   sshd "Accepted <method> for U from IP port N"
//   ssh_invalid_user            sshd "Invalid user U from IP [port N]"
//   ssh_reverse_mapping_failed  sshd "reverse mapping checking getaddrinfo for H [IP] failed"
//   pam_auth_failure            pam_unix "authentication failure; logname= ... user=U"
//   pam_user_unknown            pam_unix "check pass; user unknown"
//   session_opened/_closed      pam_unix "session opened|closed for user U"
// The method (password, publickey, none, ...) goes to fields.method.
#include "ingest/syslog_parser.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <tuple>
#include <utility>

#include "core/json.h"
#include "core/time_parse.h"

namespace vigil::ingest {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMaxRepeat = 100'000;  // "message repeated N times" is attacker-controlled
constexpr size_t kMaxTagLength = 48;     // RFC 3164 says 32; real tags run a little longer

Status NotSyslog(std::string_view why) {
  return MakeError(ErrorCode::kBadInput, "not a syslog line: " + std::string(why));
}

// The `fields` JSON object. Keys are unique: a later duplicate (say, a crafted key=value pair
// named "program") is ignored, since the message keeps the original text anyway.
class Fields {
 public:
  void Str(std::string_view key, std::string_view value) {
    std::string json;
    AppendJsonString(json, value);
    Raw(key, std::move(json));
  }
  void Raw(std::string_view key, std::string json) {
    for (const auto& item : items_) {
      if (item.first == key) return;
    }
    items_.emplace_back(std::string(key), std::move(json));
  }
  void StrOrNull(std::string_view key, std::string_view value) {
    if (value.empty()) {
      Raw(key, "null");
    } else {
      Str(key, value);
    }
  }
  void Merge(const Fields& other) {
    for (const auto& [key, value] : other.items_) Raw(key, value);
  }
  std::string Json() const {
    std::string out = "{";
    for (const auto& [key, value] : items_) {
      if (out.size() > 1) out.push_back(',');
      AppendJsonString(out, key);
      out.push_back(':');
      out += value;
    }
    out.push_back('}');
    return out;
  }

 private:
  std::vector<std::pair<std::string, std::string>> items_;  // key -> encoded JSON value
};

// What a header yields; views point into the line.
struct Header {
  int64_t ts_us = 0;
  int month = 0;  // RFC 3164 only: the year is still to be chosen
  int day = 0;
  int64_t seconds_of_day = 0;
  std::optional<int> pri;
  std::string_view host, program, pid, msgid, message;
  Fields fields;  // RFC 5424 structured data
};

bool Consume(std::string_view& s, std::string_view prefix) {
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

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

// Up to the next space (or the end); the space is consumed.
std::string_view TakeToken(std::string_view& s) {
  size_t sp = s.find(' ');
  std::string_view token = s.substr(0, sp);
  s.remove_prefix(sp == std::string_view::npos ? s.size() : sp + 1);
  return token;
}

std::optional<int64_t> ToInt(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
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

struct LoginTarget {
  std::string_view user, ip;
  std::optional<int64_t> port;
  bool invalid_user = false;
};

// "[invalid user ]USER from IP[ port N[ ...]]". The user is whatever lies before the last
// " from ", verbatim: "invalid user  0101 from ..." names the user " 0101".
std::optional<LoginTarget> TakeLoginTarget(std::string_view s) {
  LoginTarget t;
  t.invalid_user = Consume(s, "invalid user ");
  size_t from = s.rfind(" from ");
  if (from == std::string_view::npos) return std::nullopt;
  t.user = s.substr(0, from);
  s.remove_prefix(from + 6);
  t.ip = TakeToken(s);
  if (Consume(s, "port ")) t.port = ToInt(TakeToken(s));
  return t;
}

void SetAuth(Event& e, const char* outcome, const char* action, const char* type) {
  e.event_category = "authentication";
  if (outcome != nullptr) e.event_outcome = outcome;
  e.event_action = action;
  e.event_type = type;
}

void SetNonEmpty(std::optional<std::string>& out, std::string_view v) {
  if (!v.empty()) out = std::string(v);
}

bool ClassifySshd(std::string_view msg, Event& e, Fields& f) {
  bool failed = Consume(msg, "Failed ");
  if (failed || Consume(msg, "Accepted ")) {
    size_t for_pos = msg.find(" for ");
    if (for_pos == std::string_view::npos) return false;
    std::optional<LoginTarget> t = TakeLoginTarget(msg.substr(for_pos + 5));
    if (!t) return false;
    SetAuth(e, failed ? "failure" : "success", failed ? "ssh_login_failed" : "ssh_login", "start");
    f.Str("method", msg.substr(0, for_pos));
    if (t->invalid_user) f.Raw("invalid_user", "true");
    SetNonEmpty(e.user_name, t->user);
    SetNonEmpty(e.source_ip, t->ip);
    e.source_port = t->port;
    return true;
  }
  if (Consume(msg, "Invalid user ")) {
    std::optional<LoginTarget> t = TakeLoginTarget(msg);
    if (!t) return false;
    SetAuth(e, "failure", "ssh_invalid_user", "info");
    SetNonEmpty(e.user_name, t->user);
    SetNonEmpty(e.source_ip, t->ip);
    e.source_port = t->port;
    return true;
  }
  if (Consume(msg, "reverse mapping checking getaddrinfo for ")) {
    size_t lb = msg.find(" [");
    size_t rb = msg.find(']', lb);
    if (lb == std::string_view::npos || rb == std::string_view::npos) return false;
    SetAuth(e, nullptr, "ssh_reverse_mapping_failed", "info");
    f.Str("reverse_host", msg.substr(0, lb));
    SetNonEmpty(e.source_ip, msg.substr(lb + 2, rb - lb - 2));
    return true;
  }
  return false;
}

// pam_unix's "logname= uid=0 euid=0 tty=ssh ruser= rhost=H  user=U". user= comes last and
// its value runs to the end of the line, since a user name may contain spaces.
void TakePamPairs(std::string_view s, Event& e, Fields& f) {
  while (!s.empty()) {
    if (Consume(s, " ")) continue;
    if (Consume(s, "user=")) {
      f.Str("user", s);
      SetNonEmpty(e.user_name, s);
      return;
    }
    std::string_view token = TakeToken(s);
    size_t eq = token.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    f.Str(token.substr(0, eq), token.substr(eq + 1));
    if (token.substr(0, eq) == "rhost") SetNonEmpty(e.source_ip, token.substr(eq + 1));
  }
}

void ClassifyPam(std::string_view msg, Event& e, Fields& f) {
  // sshd logs "pam_unix(sshd:auth): ..."; older systems put it in the tag, "sshd(pam_unix)".
  if (msg.starts_with("pam_unix(")) {
    size_t colon = msg.find("): ");
    if (colon != std::string_view::npos) msg.remove_prefix(colon + 3);
  }
  if (Consume(msg, "authentication failure;")) {
    SetAuth(e, "failure", "pam_auth_failure", "info");
    TakePamPairs(msg, e, f);
  } else if (msg.starts_with("check pass; user unknown")) {
    SetAuth(e, "failure", "pam_user_unknown", "info");
  } else if (Consume(msg, "session opened for user ")) {
    e.event_category = "session";
    e.event_action = "session_opened";
    e.event_type = "start";
    SetNonEmpty(e.user_name, msg.substr(0, msg.rfind(" by ")));
  } else if (Consume(msg, "session closed for user ")) {
    e.event_category = "session";
    e.event_action = "session_closed";
    e.event_type = "end";
    SetNonEmpty(e.user_name, msg);
  }
}

// "message repeated N times: [ inner]" -> {N, inner}.
std::optional<std::pair<int64_t, std::string_view>> Repeated(std::string_view msg) {
  if (!Consume(msg, "message repeated ")) return std::nullopt;
  std::optional<int64_t> n = ToInt(TakeToken(msg));
  if (!n || *n < 1 || !Consume(msg, "times: [") || !msg.ends_with(']')) return std::nullopt;
  msg.remove_suffix(1);
  Consume(msg, " ");
  return std::pair(*n, msg);
}

const char* SeverityName(int pri) {
  static constexpr const char* kNames[] = {"emerg",   "alert",  "crit", "err",
                                           "warning", "notice", "info", "debug"};
  return kNames[pri % 8];
}

// The RFC 3164 year guess. A step back of more than six months (Dec -> Jan) starts a new
// year; a shorter one is out-of-order lines around a month boundary, which keeps the year and
// the latest month seen.
void GuessYear(int month, int& year, int& last_month) {
  if (last_month != 0 && month + 6 < last_month) {
    ++year;
    last_month = month;
  } else if (month > last_month) {
    last_month = month;
  }
}

// The event for `message` (the inner one of a repeat), with the common fields and the mapping.
Event MakeEvent(const Header& h, std::string_view message, int64_t count) {
  Event e;
  e.ts_us = h.ts_us;
  e.source_format = "syslog";
  e.event_kind = "event";
  if (h.pri) e.event_severity = SeverityName(*h.pri);
  SetNonEmpty(e.host_name, h.host);
  SetNonEmpty(e.process_name, h.program);
  e.message = std::string(message);
  Fields f;
  f.StrOrNull("program", h.program);
  f.StrOrNull("pid", h.pid);  // a string: RFC 5424 PROCID need not be a number
  if (h.pri) f.Raw("facility", std::to_string(*h.pri / 8));
  if (!h.msgid.empty()) f.Str("msgid", h.msgid);
  if (message != h.message) f.Raw("repeated", std::to_string(count));
  f.Merge(h.fields);
  if (!(h.program.starts_with("sshd") && ClassifySshd(message, e, f))) ClassifyPam(message, e, f);
  e.fields = f.Json();
  return e;
}

}  // namespace

Status SyslogParser::Parse(std::string_view line, std::vector<Event>& out) {
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (line.empty()) return NotSyslog("empty line");
  Header h;
  Status status = ParseHeader(line, h);
  if (!status.ok()) return status;

  int year = year_;
  int last_month = last_month_;
  if (h.month != 0) {
    GuessYear(h.month, year, last_month);
    if (h.day > DaysInMonth(year, h.month)) return NotSyslog("day out of range");
    h.ts_us =
        (DaysFromCivil(year, static_cast<unsigned>(h.month), static_cast<unsigned>(h.day)) * 86400 +
         h.seconds_of_day) *
        kMicrosPerSecond;
  }
  int64_t count = 1;
  std::string_view message = h.message;
  if (auto repeat = Repeated(h.message)) {
    if (repeat->first > kMaxRepeat) {
      return MakeError(ErrorCode::kBadInput,
                       "syslog line: repeat count over " + std::to_string(kMaxRepeat));
    }
    std::tie(count, message) = *repeat;
  }
  year_ = year;  // only now: a rejected line leaves the year guess alone
  last_month_ = last_month;
  Event e = MakeEvent(h, message, count);
  for (int64_t i = 1; i < count; ++i) out.push_back(e);
  out.push_back(std::move(e));
  return {};
}

}  // namespace vigil::ingest
