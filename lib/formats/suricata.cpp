// suricata: Suricata EVE JSON, one event per line; the event_type is the Sigma service.
#include "formats/details.h"
#include "formats/format.h"
#include "formats/words.h"

namespace vigil::formats {
namespace {

const char* JsonLine(std::string_view line) {
  if (Contains(line, "\"event_type\"") &&
      (Contains(line, "\"flow_id\"") || Contains(line, "\"in_iface\"") ||
       Contains(line, "\"dest_ip\""))) {
    return "keys event_type and flow_id/dest_ip";
  }
  return nullptr;
}

constexpr std::string_view kTimeFields[] = {"flow.start", "timestamp"};

void MapSuricata(Record& f, Event& ev, const MapContext&) {
  const std::string type = f.Str({"event_type"}).value_or("");
  if (type.empty() && f.ok()) f.Fail("event_type", "missing");
  auto t = type == "flow" && f.Find({"flow.start"}).has_value() ? f.Time({"flow.start"}, false)
                                                                : f.Time({"timestamp"}, false);
  if (t) ev.ts_us = *t;
  ev.event_action = type;
  ev.source_ip = f.Str({"src_ip"});
  ev.source_port = f.Port({"src_port"});
  ev.destination_ip = f.Str({"dest_ip"});
  ev.destination_port = f.Port({"dest_port"});
  ev.network_protocol = f.Str({"proto"});
  if (ev.network_protocol) ev.network_protocol = Lower(*ev.network_protocol);
  ev.host_name = f.Str({"host"});
  ev.source_bytes = f.Bytes({"flow.bytes_toserver"});
  ev.destination_bytes = f.Bytes({"flow.bytes_toclient"});
  ev.event_kind = "event";
  ev.event_category = "network";
  if (type == "alert") {
    ev.event_kind = "alert";
    ev.event_category = "intrusion_detection";
    ev.message = f.Str({"alert.signature"});
    ev.event_severity = f.Text({"alert.severity"});
    if (auto action = f.Str({"alert.action"}))
      ev.event_type = *action == "blocked" ? "denied" : "allowed";
  } else if (type == "dns") {
    ev.domain = f.Str({"dns.rrname", "dns.query.0.rrname"});
  } else if (type == "http") {
    ev.event_category = "web";
    ev.domain = f.Str({"http.hostname"});
    ev.url = f.Str({"http.url"});
  } else if (type == "tls") {
    ev.domain = f.Str({"tls.sni"});
  } else if (type == "fileinfo") {
    ev.event_category = "file";
    ev.message = f.Str({"fileinfo.filename"});
  } else if (type == "anomaly") {
    ev.message = f.Str({"anomaly.event"});
  }
  SuricataDetails(f, ev);
}

std::string Service(const Event& event, const RecordStrings&) {
  return event.event_action ? Lower(*event.event_action) : std::string();
}

std::optional<bool> Category(std::string_view category, const Event&, std::string_view service) {
  if (category == "firewall" || category == "network_connection") return true;
  if (category == "dns") return service == "dns";
  return std::nullopt;
}

constexpr FieldAlias kAliases[] = {
    {"dst_ip", "dest_ip"},   {"dst_port", "dest_port"},     {"action", "alert.action"},
    {"query", "dns.rrname"}, {"record_type", "dns.rrtype"},
};
constexpr RuleField kRuleFields[] = {
    {"", "", "dst_ip", "dest_ip"},         {"", "", "dst_port", "dest_port"},
    {"", "", "action", "alert.action"},    {"", "", "query", "dns.rrname"},
    {"", "", "record_type", "dns.rrtype"},
};

constexpr Sigma kSigma = {
    .product = "suricata",
    .service = Service,
    .category = Category,
    .record_aliases = kAliases,
    .rule_fields = kRuleFields,
};

}  // namespace

extern const FormatDescriptor kSuricataFormat = {
    .name = "suricata",
    .reader = Reader::kJsonLines,
    .json_line_rank = 1,
    .json_line = JsonLine,
    .map = MapSuricata,
    .time_fields = kTimeFields,
    .sigma = &kSigma,
};

}  // namespace vigil::formats
