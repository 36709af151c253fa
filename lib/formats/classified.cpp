// Events a source already classified (formats/classified.h).
#include "formats/classified.h"

#include <cmath>

#include "core/ascii.h"

namespace vigil::formats {
namespace {

// The ATT&CK technique of each finding is in the built-in rule that raises it
// (lib/correlate/rules/classified.yml), with its level.
constexpr EventClass kClasses[] = {
    {"failed_login", "event", "authentication", "start", "failure",
     "login_failed login_failure failed_logon logon_failed logon_failure auth_failure "
     "authentication_failure failed_authentication failed_auth"},
    {"login", "event", "authentication", "start", "success",
     "logon login_success successful_login logon_success auth_success authentication_success "
     "sign_in signin"},
    {"logout", "event", "authentication", "end", "success", "logoff sign_out signout"},
    {"brute_force", "alert", "authentication", "start", "failure",
     "bruteforce brute_force_attack password_guessing password_spray credential_stuffing"},
    {"privilege_escalation", "alert", "iam", "admin", "",
     "privesc privilege_elevation elevation_of_privilege"},
    {"credential_dumping", "alert", "process", "access", "",
     "credential_dump credential_theft credential_access lsass_dump"},
    {"lateral_movement", "alert", "network", "connection", "", "lateral"},
    {"command_and_control", "alert", "network", "connection", "",
     "c2 c2_beacon c2_communication beacon beaconing"},
    {"data_exfiltration", "alert", "network", "connection", "",
     "exfiltration exfil data_exfil data_leak large_upload"},
    {"port_scan", "alert", "network", "connection", "",
     "portscan scan network_scan host_scan port_scanning"},
    {"malware_detected", "alert", "malware", "info", "",
     "malware malware_found malware_detection virus_detected virus trojan infection"},
    {"ransomware", "alert", "malware", "info", "", "ransomware_detected"},
    {"suspicious_process", "alert", "process", "start", "",
     "suspicious_execution malicious_process"},
};

bool HasWord(std::string_view words, std::string_view word) {
  size_t start = 0;
  while (start <= words.size()) {
    size_t end = words.find(' ', start);
    if (end == std::string_view::npos) end = words.size();
    if (words.substr(start, end - start) == word) return true;
    start = end + 1;
  }
  return false;
}

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The multiplier of a unit ("gb", "gib", "b"), lower case; 0 when not a unit.
double UnitFactor(std::string_view unit) {
  if (unit == "b") return 1;
  static constexpr std::string_view kPrefixes = "kmgtp";
  if (unit.size() < 2 || unit.back() != 'b') return 0;
  const size_t power = kPrefixes.find(unit[0]);
  if (power == std::string_view::npos) return 0;
  if (unit.size() == 2) return std::pow(1000.0, static_cast<double>(power + 1));
  if (unit.size() == 3 && unit[1] == 'i') return std::pow(1024.0, static_cast<double>(power + 1));
  return 0;
}

}  // namespace

std::span<const EventClass> EventClasses() { return kClasses; }

const EventClass* FindEventClass(std::string_view type) {
  std::string key = Lower(type);
  for (char& c : key) c = (c == '-' || c == ' ') ? '_' : c;
  for (const EventClass& c : kClasses) {
    if (c.name == key || HasWord(c.synonyms, key)) return &c;
  }
  return nullptr;
}

void ApplyEventClass(const EventClass& cls, Event& ev, bool outcome_field_present) {
  ev.event_action = std::string(cls.name);
  ev.event_kind = std::string(cls.kind);
  ev.event_category = std::string(cls.category);
  if (!ev.event_type) ev.event_type = std::string(cls.type);
  if (!outcome_field_present && !cls.outcome.empty()) ev.event_outcome = std::string(cls.outcome);
  if (cls.name == "data_exfiltration" && !ev.source_bytes && ev.message) {
    ev.source_bytes = ByteSizeIn(*ev.message);
  }
}

std::optional<int64_t> ByteSizeIn(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    // A number starts at a digit not preceded by a letter, digit or point ("v2GB" is no size).
    if (!IsDigit(text[i]) ||
        (i > 0 && (IsAlpha(text[i - 1]) || IsDigit(text[i - 1]) || text[i - 1] == '.'))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && IsDigit(text[j])) ++j;
    if (j + 1 < text.size() && text[j] == '.' && IsDigit(text[j + 1])) {
      ++j;
      while (j < text.size() && IsDigit(text[j])) ++j;
    }
    const std::string number(text.substr(i, j - i));
    size_t k = j;
    while (k < text.size() && text[k] == ' ') ++k;
    size_t end = k;
    while (end < text.size() && IsAlpha(text[end])) ++end;
    const double factor = UnitFactor(Lower(text.substr(k, end - k)));
    if (factor > 0) {
      const double bytes = std::strtod(number.c_str(), nullptr) * factor;
      if (!(bytes < 9.2e18)) return std::nullopt;
      return static_cast<int64_t>(std::llround(bytes));
    }
    i = j;
  }
  return std::nullopt;
}

}  // namespace vigil::formats
