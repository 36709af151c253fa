// syslog: RFC 3164 / 5424 lines, parsed by ingest/syslog_parser.h (program, pid, message, and
// the key=value pairs of PAM and sshd lines in the event's `fields`). Sigma knows them as
// product "linux", service the program.
#include "formats/format.h"
#include "formats/words.h"

namespace vigil::formats {
namespace {

// "sshd" also for "sshd(pam_unix)".
std::string Service(const Event& event, const RecordStrings&) {
  const std::string_view program =
      event.process_name ? std::string_view(*event.process_name) : std::string_view();
  return Lower(program.substr(0, program.find('(')));
}

// A PAM or authentication line (Sigma `service: auth`).
bool IsAuthLine(const Event& event, std::string_view service) {
  if (event.event_category == "authentication" || event.event_category == "session") {
    return true;
  }
  static constexpr std::string_view kAuthPrograms[] = {
      "sshd",    "sudo",     "su",       "login",          "passwd",       "useradd", "userdel",
      "usermod", "groupadd", "chpasswd", "systemd-logind", "gdm-password", "pkexec"};
  for (std::string_view p : kAuthPrograms) {
    if (service == p) return true;
  }
  if (event.process_name && event.process_name->find("pam") != std::string::npos) return true;
  return event.message && event.message->starts_with("pam_");
}

// `service: syslog` is every line, `service: auth` every PAM or authentication line.
std::optional<bool> ServiceMatches(std::string_view rule_service, const Event& event,
                                   std::string_view service) {
  if (rule_service == "syslog") return true;
  if (rule_service == "auth") return IsAuthLine(event, service);
  return std::nullopt;
}

// pam_message: the message of a PAM line without its "pam_unix(sshd:auth): " prefix, up to the
// first ';' ("authentication failure"); empty for lines that are not PAM's.
std::string_view Derived(std::string_view name, const Event& event) {
  if (name != "pam_message" || !event.message) return {};
  const std::string_view program =
      event.process_name ? std::string_view(*event.process_name) : std::string_view();
  std::string_view message = *event.message;
  if (message.starts_with("pam_")) {
    size_t close = message.find("): ");
    if (close == std::string_view::npos) return {};
    message.remove_prefix(close + 3);
  } else if (program.find("pam") == std::string_view::npos) {
    return {};
  }
  message = message.substr(0, message.find(';'));
  while (!message.empty() && message.back() == ' ') message.remove_suffix(1);
  return message;
}

constexpr FieldAlias kAliases[] = {{"pam_user", "user"}, {"pam_rhost", "rhost"}};

constexpr Sigma kSigma = {
    .product = "linux",
    .service = Service,
    .service_matches = ServiceMatches,
    .record_aliases = kAliases,
    .empty_alias_is_absent = true,
    .raw_holds_message = true,
    .derived_field = Derived,
};

}  // namespace

extern const FormatDescriptor kSyslogFormat = {
    .name = "syslog",
    .reader = Reader::kSyslog,
    .sigma = &kSigma,
};

}  // namespace vigil::formats
