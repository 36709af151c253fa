// The mapping of records with common field names (ECS, and the usual short names), shared by
// ndjson, json-array, bundle, single and csv, and the Sigma data of those "vigil" sources.
#include "formats/generic.h"

#include "formats/details.h"
#include "formats/words.h"

namespace vigil::formats {
namespace {

// The generator's and the seeds' "source" names, mapped to ECS categories.
std::optional<std::string> CategoryFromSource(std::string_view source) {
  const std::string s = Lower(source);
  if (s == "auth" || s == "authentication" || s == "sso" || s == "vpn") return "authentication";
  if (s == "firewall" || s == "fw" || s == "netflow" || s == "network") return "network";
  if (s == "proxy" || s == "web" || s == "waf") return "web";
  if (s == "ids" || s == "ips" || s == "edr") return "intrusion_detection";
  if (s == "phishing" || s == "email" || s == "mail") return "email";
  return std::nullopt;
}

}  // namespace

void MapGeneric(Record& f, Event& ev, std::optional<std::string> category) {
  if (auto src = f.Find({"source"})) {
    if (src->type == ValueType::kString) {
      if (!category) category = CategoryFromSource(src->string);
    } else if (src->type != ValueType::kObject) {
      f.Fail("source", std::string("expected a string or an object, got ") + TypeName(src->type));
    }
  }
  // A record that says its ECS category and type itself is taken at its word.
  ev.event_category = f.Keyword("event.category");
  if (!ev.event_category) ev.event_category = category;
  ev.event_type = f.Keyword("event.type");
  ev.user_name = f.Str(
      {"user.name", "user", "user_id", "username", "user_name", "userName", "account", "src_user"});
  ev.source_ip = f.Str({"source.ip", "src_ip", "source_ip", "src", "client_ip", "srcip", "ip",
                        "ip_address", "client.ip"});
  ev.source_port = f.Port({"source.port", "src_port", "source_port", "sport", "srcport", "spt"});
  ev.destination_ip = f.Str({"destination.ip", "dst_ip", "destination_ip", "dest_ip", "dst",
                             "dstip", "server_ip", "server.ip"});
  ev.destination_port = f.Port(
      {"destination.port", "dst_port", "destination_port", "dest_port", "dport", "dstport", "dpt"});
  ev.network_protocol =
      f.Str({"network.transport", "protocol", "proto", "network.protocol", "transport"});
  ev.host_name = f.Str({"host.name", "host", "hostname", "device", "computer", "observer.name"});
  ev.source_bytes = f.Bytes({"source.bytes", "bytes_out", "bytes_sent", "sent_bytes", "out_bytes"});
  ev.destination_bytes =
      f.Bytes({"destination.bytes", "bytes_in", "bytes_received", "received_bytes", "in_bytes"});
  ev.url = f.Str({"url.full", "url", "uri", "request_url", "url.original"});
  ev.domain = f.Str({"url.domain", "domain", "dns.question.name", "query", "sender_domain"});
  ev.email_from = f.Str({"email.from.address", "sender", "email_from", "from", "mail_from"});
  ev.email_subject = f.Str({"email.subject", "subject", "email_subject"});
  ev.process_name = f.Str({"process.name", "process", "process_name", "image"});
  ev.message = f.Str({"message", "msg", "description", "summary", "event.original"});
  ev.event_severity = f.Text({"event.severity", "severity", "level", "log.level", "priority"});
  ev.event_action = f.Str({"event.action", "event_type", "action", "event_action", "activity"});
  // A separate allow/deny verdict ("action": "allow") becomes ECS event.type.
  if (auto verdict = f.Str({"action"}); !ev.event_type && verdict && ev.event_action != verdict) {
    const std::string v = Lower(*verdict);
    if (v == "allow" || v == "allowed" || v == "accept" || v == "permit") {
      ev.event_type = "allowed";
    } else if (v == "deny" || v == "denied" || v == "block" || v == "blocked" || v == "drop") {
      ev.event_type = "denied";
    }
  }
  ev.event_outcome = f.Str({"event.outcome", "outcome", "result"});
  if (ev.event_outcome) {
    ev.event_outcome = OutcomeFromWords(ev.event_outcome).value_or(Lower(*ev.event_outcome));
  } else {
    ev.event_outcome = OutcomeFromWords(ev.event_action);
  }
  const bool alert = (ev.event_action && Contains(Lower(*ev.event_action), "alert")) ||
                     ev.event_category == "intrusion_detection";
  ev.event_kind = f.Str({"event.kind"}).value_or(alert ? "alert" : "event");
  GenericDetails(f, ev);
}

void MapCommon(Record& f, Event& ev, const MapContext&) {
  if (auto t = f.Time(kCommonTimeFields, false)) ev.ts_us = *t;
  MapGeneric(f, ev, std::nullopt);
  if (auto name = f.Str({"event_name", "eventname"})) ev.event_action = name;
}

namespace {

std::string VigilService(const Event& event, const RecordStrings&) {
  return Lower(event.source_format);
}

}  // namespace

extern const Sigma kVigilSigma = {
    .product = "vigil",
    .service = VigilService,
};

}  // namespace vigil::formats
