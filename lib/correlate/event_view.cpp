// EventView: the lazy field lookup over one stored event. The record is parsed with a reused
// simdjson DOM parser into a reused padded buffer, so after warm-up an event costs one memcpy and
// one parse, and only if a rule asks for a field that the normalised columns do not answer.
// Texts that are not views into the record or the event (numbers, objects) live in `scratch`,
// a deque of strings reused across events: a deque never moves its elements, so views handed
// out earlier in the same Get stay valid while more are produced.
#include "correlate/event_view.h"

#include <simdjson.h>

#include <array>
#include <charconv>
#include <deque>
#include <optional>

namespace vigil::correlate {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

enum class Format { kGeneric, kWindows, kSyslog, kZeek, kSuricata, kCloudTrail };

Format FormatOf(std::string_view source_format) {
  if (source_format == "windows") return Format::kWindows;
  if (source_format == "syslog") return Format::kSyslog;
  if (source_format == "zeek") return Format::kZeek;
  if (source_format == "suricata") return Format::kSuricata;
  if (source_format == "cloudtrail") return Format::kCloudTrail;
  return Format::kGeneric;
}

char LowerChar(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerChar(a[i]) != LowerChar(b[i])) return false;
  }
  return true;
}

void AssignLower(std::string_view s, std::string* out) {
  out->assign(s);
  for (char& c : *out) c = LowerChar(c);
}

// The normalised columns under their ECS names. Integer columns carry a slot for their text.
struct Column {
  std::string_view name;
  std::optional<std::string> Event::*text;
  std::optional<int64_t> Event::*number;
  size_t slot;
};

constexpr size_t kNumberSlots = 4;
const Column kColumns[] = {
    {"event.kind", &Event::event_kind, nullptr, 0},
    {"event.category", &Event::event_category, nullptr, 0},
    {"event.type", &Event::event_type, nullptr, 0},
    {"event.outcome", &Event::event_outcome, nullptr, 0},
    {"event.action", &Event::event_action, nullptr, 0},
    {"event.severity", &Event::event_severity, nullptr, 0},
    {"user.name", &Event::user_name, nullptr, 0},
    {"source.ip", &Event::source_ip, nullptr, 0},
    {"source.port", nullptr, &Event::source_port, 0},
    {"destination.ip", &Event::destination_ip, nullptr, 0},
    {"destination.port", nullptr, &Event::destination_port, 1},
    {"network.transport", &Event::network_protocol, nullptr, 0},
    {"host.name", &Event::host_name, nullptr, 0},
    {"source.bytes", nullptr, &Event::source_bytes, 2},
    {"destination.bytes", nullptr, &Event::destination_bytes, 3},
    {"url.full", &Event::url, nullptr, 0},
    {"url.domain", &Event::domain, nullptr, 0},
    {"email.from.address", &Event::email_from, nullptr, 0},
    {"email.subject", &Event::email_subject, nullptr, 0},
    {"process.name", &Event::process_name, nullptr, 0},
    {"message", &Event::message, nullptr, 0},
};

const Column* FindColumn(std::string_view name) {
  for (const Column& c : kColumns) {
    if (c.name.size() == name.size() && c.name == name) return &c;
  }
  return nullptr;
}

// Names a format's records spell differently from what rules use; tried in order after the
// name itself is not found.
struct Alias {
  Format format;
  std::string_view from;
  std::string_view to;
};

constexpr Alias kAliases[] = {
    {Format::kZeek, "src_ip", "id.orig_h"},
    {Format::kZeek, "dst_ip", "id.resp_h"},
    {Format::kZeek, "src_port", "id.orig_p"},
    {Format::kZeek, "dst_port", "id.resp_p"},
    {Format::kZeek, "c-uri", "uri"},
    {Format::kZeek, "c-useragent", "user_agent"},
    {Format::kZeek, "cs-method", "method"},
    {Format::kZeek, "cs-host", "host"},
    {Format::kSuricata, "dst_ip", "dest_ip"},
    {Format::kSuricata, "dst_port", "dest_port"},
    {Format::kSuricata, "action", "alert.action"},
    {Format::kSuricata, "query", "dns.rrname"},
    {Format::kSuricata, "record_type", "dns.rrtype"},
    {Format::kWindows, "Image", "NewProcessName"},
    {Format::kWindows, "ParentImage", "ParentProcessName"},
    {Format::kWindows, "NewProcessName", "Image"},
    {Format::kWindows, "ParentProcessName", "ParentImage"},
    {Format::kWindows, "Hostname", "Computer"},
    {Format::kSyslog, "pam_user", "user"},
    {Format::kSyslog, "pam_rhost", "rhost"},
};

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

// A flat key first ("id.orig_h"), then each split point as a nested object.
bool LookupIn(object obj, std::string_view path, element* out) {
  if (obj.at_key(path).get(*out) == simdjson::SUCCESS) return true;
  for (size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.', dot + 1)) {
    element e;
    object inner;
    if (obj.at_key(path.substr(0, dot)).get(e) == simdjson::SUCCESS &&
        e.get_object().get(inner) == simdjson::SUCCESS &&
        LookupIn(inner, path.substr(dot + 1), out)) {
      return true;
    }
  }
  return false;
}

// The message of a PAM line without its "pam_unix(sshd:auth): " prefix, up to the first ';'
// ("authentication failure"); empty for lines that are not PAM's.
std::string_view PamMessage(std::string_view program, std::string_view message) {
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

}  // namespace

struct EventView::Impl {
  Format format = Format::kGeneric;
  bool parsed = false;
  bool has_root = false;
  object root;
  simdjson::dom::parser parser;
  std::string padded;  // the record + SIMDJSON_PADDING, reused

  bool service_done = false;
  std::string service;

  std::deque<std::string> scratch;
  size_t scratch_used = 0;
  std::array<std::array<char, 24>, kNumberSlots> numbers{};
  std::string key;  // a name with dots as underscores

  std::string& Scratch() {
    if (scratch_used == scratch.size()) scratch.emplace_back();
    return scratch[scratch_used++];
  }

  void Parse(const StoredEvent& ev) {
    parsed = true;
    const std::string_view text = ev.event.fields ? std::string_view(*ev.event.fields) : ev.raw;
    size_t start = 0;
    while (start < text.size() && (text[start] == ' ' || text[start] == '\n' ||
                                   text[start] == '\r' || text[start] == '\t')) {
      ++start;
    }
    if (start == text.size() || text[start] != '{') return;
    padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
    text.copy(padded.data(), text.size());
    element doc;
    if (parser.parse(padded.data(), text.size(), false).get(doc) != simdjson::SUCCESS) return;
    has_root = doc.get_object().get(root) == simdjson::SUCCESS;
  }

  void EmitNumber(FieldValue::Kind kind, const char* begin, const char* end,
                  std::vector<FieldValue>* out) {
    std::string& s = Scratch();
    s.assign(begin, end);
    out->push_back({kind, s});
  }

  void Emit(element e, std::vector<FieldValue>* out) {
    std::array<char, 32> buf{};
    char* const first = buf.data();
    char* const last = buf.data() + buf.size();
    switch (e.type()) {
      case element_type::STRING:
        out->push_back({FieldValue::Kind::kString, e.get_string().value_unsafe()});
        return;
      case element_type::INT64: {
        auto r = std::to_chars(first, last, e.get_int64().value_unsafe());
        EmitNumber(FieldValue::Kind::kNumber, first, r.ptr, out);
        return;
      }
      case element_type::UINT64: {
        auto r = std::to_chars(first, last, e.get_uint64().value_unsafe());
        EmitNumber(FieldValue::Kind::kNumber, first, r.ptr, out);
        return;
      }
      case element_type::DOUBLE: {
        auto r = std::to_chars(first, last, e.get_double().value_unsafe());
        EmitNumber(FieldValue::Kind::kNumber, first, r.ptr, out);
        return;
      }
      case element_type::BOOL:
        out->push_back({FieldValue::Kind::kBool, e.get_bool().value_unsafe() ? "true" : "false"});
        return;
      case element_type::NULL_VALUE:
        out->push_back({FieldValue::Kind::kNull, "null"});
        return;
      case element_type::ARRAY: {
        simdjson::dom::array items;
        if (e.get_array().get(items) != simdjson::SUCCESS) return;
        for (element item : items) Emit(item, out);  // nested arrays are flattened
        return;
      }
      case element_type::OBJECT: {
        std::string& s = Scratch();
        s = simdjson::minify(e);
        out->push_back({FieldValue::Kind::kObject, s});
        return;
      }
    }
  }

  // The record's field `name`: literal, dotted path, then with dots as underscores.
  bool Find(std::string_view name, element* out) {
    if (!has_root) return false;
    if (LookupIn(root, name, out)) return true;
    if (name.find('.') == std::string_view::npos) return false;
    key.assign(name);
    for (char& c : key) c = c == '.' ? '_' : c;
    return root.at_key(key).get(*out) == simdjson::SUCCESS;
  }
};

EventView::EventView() : impl_(std::make_unique<Impl>()) {}
EventView::~EventView() = default;

void EventView::Reset(const StoredEvent& ev) {
  ev_ = &ev;
  impl_->format = FormatOf(ev.event.source_format);
  impl_->parsed = false;
  impl_->has_root = false;
  impl_->service_done = false;
  impl_->scratch_used = 0;
}

void EventView::Get(std::string_view name, std::vector<FieldValue>* out) const {
  if (ev_ == nullptr) return;
  Impl& m = *impl_;
  const Event& event = ev_->event;
  const Column* column = FindColumn(name);
  if (column != nullptr) {
    if (column->text != nullptr && event.*(column->text)) {
      out->push_back({FieldValue::Kind::kString, *(event.*(column->text))});
      return;
    }
    if (column->number != nullptr && event.*(column->number)) {
      std::array<char, 24>& buf = m.numbers[column->slot];
      auto r = std::to_chars(buf.data(), buf.data() + buf.size(), *(event.*(column->number)));
      out->push_back({FieldValue::Kind::kNumber,
                      std::string_view(buf.data(), static_cast<size_t>(r.ptr - buf.data()))});
      return;
    }
    // The format mappers read these names from their records already (generic JSON
    // included: it takes every ECS name, nested or dotted, before its own aliases), so an
    // empty column means the record has no such field: no need to parse it.
    return;
  }
  if (!m.parsed) m.Parse(*ev_);
  element e;
  if (m.Find(name, &e)) {
    m.Emit(e, out);
    return;
  }
  for (const Alias& a : kAliases) {
    if (a.format != m.format || a.from != name || !m.Find(a.to, &e)) continue;
    // PAM's empty "ruser=" / "rhost=" say "none": not a value to group or match on.
    if (m.format == Format::kSyslog && e.type() == element_type::STRING &&
        e.get_string().value_unsafe().empty()) {
      return;
    }
    m.Emit(e, out);
    return;
  }
  if (m.format == Format::kSyslog && name == "pam_message" && event.message) {
    std::string_view text = PamMessage(event.process_name.value_or(std::string()), *event.message);
    if (!text.empty()) out->push_back({FieldValue::Kind::kString, text});
  }
}

void EventView::KeywordTexts(std::vector<std::string_view>* out) const {
  if (ev_ == nullptr) return;
  // A syslog line contains its message already.
  if (ev_->event.message && impl_->format != Format::kSyslog) out->push_back(*ev_->event.message);
  out->push_back(ev_->raw);
}

std::string_view EventView::product() const {
  if (ev_ == nullptr) return {};
  switch (impl_->format) {
    case Format::kWindows:
      return "windows";
    case Format::kSyslog:
      return "linux";
    case Format::kZeek:
      return "zeek";
    case Format::kSuricata:
      return "suricata";
    case Format::kCloudTrail:
      return "aws";
    case Format::kGeneric:
      return "vigil";
  }
  return {};
}

std::string_view EventView::service() const {
  if (ev_ == nullptr) return {};
  Impl& m = *impl_;
  if (m.service_done) return m.service;
  m.service_done = true;
  m.service.clear();
  const Event& event = ev_->event;
  switch (m.format) {
    case Format::kWindows: {
      if (!m.parsed) m.Parse(*ev_);
      element e;
      std::string_view channel;
      for (std::string_view key : {"Channel", "winlog.channel", "channel"}) {
        if (m.Find(key, &e) && e.get_string().get(channel) == simdjson::SUCCESS) break;
      }
      for (const Channel& c : kChannels) {
        if (EqualsIgnoreCase(c.channel, channel)) {
          m.service.assign(c.service);
          return m.service;
        }
      }
      AssignLower(channel, &m.service);
      break;
    }
    case Format::kSyslog: {
      std::string_view program = event.process_name ? *event.process_name : std::string_view();
      AssignLower(program.substr(0, program.find('(')), &m.service);  // "sshd(pam_unix)"
      break;
    }
    case Format::kZeek:
      // The ingest mapper puts the log path in event.action, except for notice.log (alerts).
      if (event.event_kind == "alert") {
        m.service = "notice";
      } else if (event.event_action && *event.event_action != "zeek") {
        AssignLower(*event.event_action, &m.service);
      }
      break;
    case Format::kSuricata:
      if (event.event_action) AssignLower(*event.event_action, &m.service);
      break;
    case Format::kCloudTrail:
      m.service = "cloudtrail";
      break;
    case Format::kGeneric:
      AssignLower(event.source_format, &m.service);
      break;
  }
  return m.service;
}

bool EventView::IsProcessCreation() const {
  if (ev_ == nullptr || impl_->format != Format::kWindows) return false;
  const std::optional<std::string>& action = ev_->event.event_action;
  if (action == "process_created") return true;  // 4688
  return action == "event_1" && service() == "sysmon";
}

bool EventView::IsAuthLine() const {
  if (ev_ == nullptr || impl_->format != Format::kSyslog) return false;
  const Event& event = ev_->event;
  if (event.event_category == "authentication" || event.event_category == "session") {
    return true;
  }
  static constexpr std::string_view kAuthPrograms[] = {
      "sshd",    "sudo",     "su",       "login",          "passwd",       "useradd", "userdel",
      "usermod", "groupadd", "chpasswd", "systemd-logind", "gdm-password", "pkexec"};
  const std::string_view program = service();
  for (std::string_view p : kAuthPrograms) {
    if (program == p) return true;
  }
  if (event.process_name && event.process_name->find("pam") != std::string::npos) return true;
  return event.message && event.message->starts_with("pam_");
}

namespace {

bool CategoryIs(const EventView& ev, std::string_view category) {
  const std::optional<std::string>& c = ev.event()->event.event_category;
  return c && *c == category;
}

bool IsNetworkEvent(const EventView& ev) {
  const std::string_view product = ev.product();
  if (product == "suricata") return true;
  if (product == "zeek") return ev.service() == "conn";
  return CategoryIs(ev, "network");
}

bool CategoryMatches(std::string_view category, const EventView& ev) {
  if (category == "process_creation") return ev.IsProcessCreation();
  if (category == "firewall") return IsNetworkEvent(ev);
  if (category == "network_connection") {
    return IsNetworkEvent(ev) ||
           (ev.product() == "windows" && ev.event()->event.event_action == "event_3" &&
            ev.service() == "sysmon");
  }
  if (category == "dns") {
    return (ev.product() == "zeek" || ev.product() == "suricata") && ev.service() == "dns";
  }
  if (category == "proxy" || category == "webserver") return CategoryIs(ev, "web");
  static constexpr std::string_view kEcsCategories[] = {
      "authentication", "network", "web",           "email",    "intrusion_detection",
      "file",           "iam",     "configuration", "process",  "session",
      "malware",        "host",    "package",       "database", "driver",
      "registry",       "threat"};
  for (std::string_view c : kEcsCategories) {
    if (category == c) return CategoryIs(ev, c);
  }
  return false;
}

}  // namespace

bool LogsourceMatches(const Logsource& ls, const EventView& ev) {
  if (ev.event() == nullptr) return false;
  if (!ls.product.empty() && !EqualsIgnoreCase(ls.product, ev.product())) return false;
  if (!ls.category.empty()) {
    std::string category;
    AssignLower(ls.category, &category);
    if (!CategoryMatches(category, ev)) return false;
  }
  if (ls.service.empty()) return true;
  if (ev.product() == "linux") {
    if (EqualsIgnoreCase(ls.service, "syslog")) return true;
    if (EqualsIgnoreCase(ls.service, "auth")) return ev.IsAuthLine();
  }
  return EqualsIgnoreCase(ls.service, ev.service());
}

std::string MapFieldName(const Logsource& ls, std::string_view sigma_name) {
  struct Mapping {
    std::string_view from;
    std::string_view to;
  };
  static constexpr Mapping kProcessCreation[] = {{"Image", "NewProcessName"},
                                                 {"ParentImage", "ParentProcessName"},
                                                 {"User", "SubjectUserName"}};
  static constexpr Mapping kWindows[] = {{"User", "TargetUserName"}, {"ComputerName", "Hostname"}};
  static constexpr Mapping kZeek[] = {{"c-uri", "uri"},          {"c-useragent", "user_agent"},
                                      {"cs-method", "method"},   {"cs-host", "host"},
                                      {"src_ip", "id.orig_h"},   {"dst_ip", "id.resp_h"},
                                      {"src_port", "id.orig_p"}, {"dst_port", "id.resp_p"}};
  static constexpr Mapping kSuricata[] = {{"dst_ip", "dest_ip"},
                                          {"dst_port", "dest_port"},
                                          {"action", "alert.action"},
                                          {"query", "dns.rrname"},
                                          {"record_type", "dns.rrtype"}};
  auto lookup = [&](const auto& table) -> std::optional<std::string> {
    for (const Mapping& m : table) {
      if (m.from == sigma_name) return std::string(m.to);
    }
    return std::nullopt;
  };
  const bool process_creation = EqualsIgnoreCase(ls.category, "process_creation");
  std::optional<std::string> mapped;
  if (EqualsIgnoreCase(ls.product, "windows") || (ls.product.empty() && process_creation)) {
    // Sysmon names Image and ParentImage itself.
    if (process_creation && !EqualsIgnoreCase(ls.service, "sysmon"))
      mapped = lookup(kProcessCreation);
    if (!mapped) mapped = lookup(kWindows);
  } else if (EqualsIgnoreCase(ls.product, "zeek")) {
    mapped = lookup(kZeek);
  } else if (EqualsIgnoreCase(ls.product, "suricata")) {
    mapped = lookup(kSuricata);
  }
  return mapped ? *std::move(mapped) : std::string(sigma_name);
}

}  // namespace vigil::correlate
