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
#include "ingest/syslog_header.h"

namespace vigil::ingest {
namespace {

using syslog::Consume;
using syslog::DaysInMonth;
using syslog::Fields;
using syslog::Header;
using syslog::kMicrosPerSecond;
using syslog::NotSyslog;
using syslog::TakeToken;
using syslog::ToInt;

constexpr int64_t kMaxRepeat = 100'000;  // "message repeated N times" is attacker-controlled

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
  e.ts_local = h.month != 0;  // RFC 3164: the host's wall clock; RFC 5424 has a zone
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
