// windows: Windows Security (and Sysmon, PowerShell, ...) events as JSON lines, as winlogbeat,
// nxlog and OTRF write them. Known event IDs get an action, category and outcome; the channel
// is the Sigma service.
#include <string>

#include "formats/details.h"
#include "formats/format.h"
#include "formats/words.h"

namespace vigil::formats {
namespace {

const char* JsonLine(std::string_view line) {
  if (Contains(line, "\"EventID\"") || Contains(line, "\"EventId\"") ||
      Contains(line, "\"winlog\"")) {
    return "key EventID or winlog";
  }
  return nullptr;
}

constexpr std::string_view kTimeFields[] = {"@timestamp", "TimeCreated.SystemTime", "TimeCreated",
                                            "UtcTime",    "event.created",          "timestamp"};

struct WindowsEvent {
  int64_t id;
  const char* action;
  const char* category;
  const char* outcome;  // nullptr: from Status / EventType
};

constexpr WindowsEvent kWindowsEvents[] = {
    {1102, "audit_log_cleared", "configuration", "success"},
    {4624, "logon", "authentication", "success"},
    {4625, "logon_failed", "authentication", "failure"},
    {4634, "logoff", "authentication", "success"},
    {4647, "logoff", "authentication", "success"},
    {4648, "explicit_credential_logon", "authentication", "success"},
    {4672, "special_privileges_assigned", "iam", "success"},
    {4688, "process_created", "process", "success"},
    {4720, "user_created", "iam", "success"},
    {4728, "member_added_to_group", "iam", "success"},
    {4732, "member_added_to_group", "iam", "success"},
    {4740, "account_locked_out", "iam", "failure"},
    {4756, "member_added_to_group", "iam", "success"},
    {4768, "kerberos_tgt_requested", "authentication", nullptr},
    {4769, "kerberos_service_ticket_requested", "authentication", nullptr},
    {4771, "kerberos_preauth_failed", "authentication", "failure"},
    {4776, "credential_validation", "authentication", nullptr},
    {5140, "network_share_accessed", "file", "success"},
    {5145, "network_share_object_checked", "file", nullptr},
    {5156, "wfp_connection_permitted", "network", "success"},
    {5157, "wfp_connection_blocked", "network", "failure"},
    {5158, "wfp_bind_permitted", "network", "success"},
    {7045, "service_installed", "configuration", "success"},
};

std::optional<std::string> WinValue(Record& f, std::string_view name) {
  const std::string a(name), b = "winlog.event_data." + a, c = "EventData." + a;
  auto v = f.Text({a, b, c});
  if (v && (*v == "-" || *v == "")) return std::nullopt;
  return v;
}

void MapWindows(Record& f, Event& ev, const MapContext&) {
  if (auto t = f.Time(kTimeFields, false)) {
    ev.ts_us = *t;
  }
  auto id =
      f.Int({"EventID", "EventId", "winlog.event_id", "event_id", "event.code"}, 0, 65535, true);
  if (!id && f.ok()) f.Fail("EventID", "missing");
  if (!id) return;
  const WindowsEvent* known = nullptr;
  for (const WindowsEvent& w : kWindowsEvents) {
    if (w.id == *id) known = &w;
  }
  ev.event_kind = "event";
  ev.event_action = known ? known->action : "event_" + std::to_string(*id);
  if (known) ev.event_category = known->category;
  if (known && known->outcome) {
    ev.event_outcome = known->outcome;
  } else if (auto status = WinValue(f, "Status")) {
    ev.event_outcome = (*status == "0x0" || *status == "0") ? "success" : "failure";
  } else if (auto type = f.Str({"EventType", "event.outcome"})) {
    ev.event_outcome = Contains(*type, "FAIL") || *type == "failure" ? "failure" : "success";
  }
  ev.user_name = WinValue(f, "TargetUserName");
  if (!ev.user_name) ev.user_name = WinValue(f, "SubjectUserName");
  // Kerberos events name users "user@REALM" and hosts "::ffff:a.b.c.d": store the forms the
  // logon events use, so one user and one address correlate across event IDs.
  if (ev.user_name) {
    if (size_t at = ev.user_name->find('@'); at != std::string::npos && at > 0) {
      ev.user_name = ev.user_name->substr(0, at);
    }
  }
  ev.source_ip = WinValue(f, "IpAddress");
  if (!ev.source_ip) ev.source_ip = WinValue(f, "SourceAddress");
  if (ev.source_ip && ev.source_ip->rfind("::ffff:", 0) == 0 &&
      ev.source_ip->find('.') != std::string::npos) {
    ev.source_ip = ev.source_ip->substr(7);
  }
  ev.source_port = f.Port({"IpPort", "winlog.event_data.IpPort", "SourcePort"}, true);
  ev.destination_ip = WinValue(f, "DestAddress");
  ev.destination_port = f.Port({"DestPort", "winlog.event_data.DestPort"}, true);
  ev.host_name = f.Str({"Hostname", "Computer", "winlog.computer_name", "host.name", "host"});
  ev.process_name = WinValue(f, "NewProcessName");
  if (!ev.process_name) ev.process_name = WinValue(f, "ProcessName");
  if (!ev.process_name) ev.process_name = WinValue(f, "Application");
  ev.message = f.Str({"Message", "message"});
  ev.event_severity = f.Text({"Severity", "Level", "log.level"});
  WindowsDetails(f, ev);
}

// Windows channel names as Sigma services.
struct Channel {
  std::string_view channel;
  std::string_view service;
};

constexpr Channel kChannels[] = {
    {"Security", "security"},
    {"System", "system"},
    {"Application", "application"},
    {"Microsoft-Windows-Sysmon/Operational", "sysmon"},
    {"Windows PowerShell", "powershell-classic"},
    {"Microsoft-Windows-PowerShell/Operational", "powershell"},
    {"Microsoft-Windows-Windows Defender/Operational", "windefend"},
    {"Microsoft-Windows-TaskScheduler/Operational", "taskscheduler"},
    {"Microsoft-Windows-WMI-Activity/Operational", "wmi"},
    {"Microsoft-Windows-DNS-Client/Operational", "dns-client"},
    {"Microsoft-Windows-Bits-Client/Operational", "bits-client"},
    {"Microsoft-Windows-NTLM/Operational", "ntlm"},
    {"Microsoft-Windows-Windows Firewall With Advanced Security/Firewall", "firewall-as"},
    {"Microsoft-Windows-CodeIntegrity/Operational", "codeintegrity-operational"},
    {"Microsoft-Windows-AppLocker/EXE and DLL", "applocker"},
    {"Microsoft-Windows-TerminalServices-LocalSessionManager/Operational",
     "terminalservices-localsessionmanager"},
    {"Directory Service", "directory-service"},
    {"DNS Server", "dns-server"},
};

std::string Service(const Event&, const RecordStrings& record) {
  std::string_view channel;
  for (std::string_view key : {"Channel", "winlog.channel", "channel"}) {
    if (auto value = record.String(key)) {
      channel = *value;
      break;
    }
  }
  for (const Channel& c : kChannels) {
    if (EqualsIgnoreCase(c.channel, channel)) return std::string(c.service);
  }
  return Lower(channel);
}

std::optional<bool> Category(std::string_view category, const Event& event,
                             std::string_view service) {
  // Process creation: Security 4688, or Sysmon event 1; Sysmon 3 is a network connection.
  if (category == "process_creation") {
    return event.event_action == "process_created" ||
           (event.event_action == "event_1" && service == "sysmon");
  }
  if (category == "network_connection") {
    return event.event_category == "network" ||
           (event.event_action == "event_3" && service == "sysmon");
  }
  return std::nullopt;
}

constexpr std::string_view kOwnCategories[] = {"process_creation"};

constexpr FieldAlias kAliases[] = {
    {"Image", "NewProcessName"}, {"ParentImage", "ParentProcessName"},
    {"NewProcessName", "Image"}, {"ParentProcessName", "ParentImage"},
    {"Hostname", "Computer"},
};

// Sysmon names Image and ParentImage itself.
constexpr RuleField kRuleFields[] = {
    {"process_creation", "sysmon", "Image", "NewProcessName"},
    {"process_creation", "sysmon", "ParentImage", "ParentProcessName"},
    {"process_creation", "sysmon", "User", "SubjectUserName"},
    {"", "", "User", "TargetUserName"},
    {"", "", "ComputerName", "Hostname"},
};

constexpr Sigma kSigma = {
    .product = "windows",
    .service = Service,
    .category = Category,
    .own_categories = kOwnCategories,
    .record_aliases = kAliases,
    .rule_fields = kRuleFields,
};

}  // namespace

extern const FormatDescriptor kWindowsFormat = {
    .name = "windows",
    .reader = Reader::kJsonLines,
    .json_line_rank = 2,
    .json_line = JsonLine,
    .map = MapWindows,
    .time_fields = kTimeFields,
    .sigma = &kSigma,
};

}  // namespace vigil::formats
