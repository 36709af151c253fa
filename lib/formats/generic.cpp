// The mapping of records with common field names (ECS, and the usual short names), shared by
// ndjson, json-array, bundle, single and csv, and the Sigma data of those "vigil" sources.
#include "formats/generic.h"

#include "formats/classified.h"
#include "formats/details.h"
#include "formats/variants.h"
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
  ev.user_name = f.Str(variants::kUser);
  if (!ev.user_name) {
    // A mail alert names the mailbox, not the user: its local part is the user.
    if (auto to = f.Find(variants::kRecipient); to && to->type == ValueType::kString) {
      if (std::string user = variants::MailboxUser(to->string); !user.empty()) ev.user_name = user;
    }
  }
  ev.source_ip = f.Str(variants::kSourceIp);
  ev.source_port = f.Port({"source.port", "src_port", "source_port", "sport", "srcport", "spt"});
  ev.destination_ip = f.Str(variants::kDestinationIp);
  ev.destination_port = f.Port(
      {"destination.port", "dst_port", "destination_port", "dest_port", "dport", "dstport", "dpt"});
  ev.network_protocol =
      f.Str({"network.transport", "protocol", "proto", "network.protocol", "transport"});
  ev.host_name = f.Str({"host.name", "host", "hostname", "device", "computer", "observer.name"});
  ev.source_bytes = f.Bytes(variants::kBytesOut, false);
  ev.destination_bytes = f.Bytes(variants::kBytesIn, false);
  ev.url = f.Str(variants::kUrl);
  ev.domain = f.Str({"url.domain", "domain", "dns.question.name", "query", "sender_domain"});
  ev.email_from = f.Str(variants::kSender);
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
  bool outcome_present = false;
  ev.event_outcome = variants::Outcome(f, outcome_present);
  // An event type a source already classified, in a record whose log does not say otherwise.
  const EventClass* cls = ev.event_action ? FindEventClass(*ev.event_action) : nullptr;
  if (cls != nullptr && (!ev.event_category || ev.event_category == "intrusion_detection") &&
      f.ok()) {
    ApplyEventClass(*cls, ev, outcome_present);
  }
  // Without an outcome field, the words of the action tell ("login_failed", "allow").
  if (!ev.event_outcome && !outcome_present) ev.event_outcome = OutcomeFromWords(ev.event_action);
  const bool alert = (ev.event_action && Contains(Lower(*ev.event_action), "alert")) ||
                     ev.event_category == "intrusion_detection";
  if (auto kind = f.Str({"event.kind"})) {
    ev.event_kind = kind;
  } else if (!ev.event_kind) {
    ev.event_kind = alert ? "alert" : "event";
  }
  GenericDetails(f, ev);
}

bool MapTime(Record& f, Event& ev, const MapContext& context) {
  if (f.Find(variants::kTime)) {
    auto t = f.Time(variants::kTime, false);
    if (t) ev.ts_us = *t;
    return t.has_value();
  }
  if (!f.Find(variants::kHour)) {
    std::string names;
    for (std::string_view n : variants::kTime) names += std::string(n) + ", ";
    f.Fail("time", "missing (expected one of " + names + "or hour)");
    return false;
  }
  auto hour = f.Int(variants::kHour, 0, 23);
  if (!hour) return false;
  // Only an hour of day: the day of ingest (UTC) at that hour, not from the record.
  const int64_t day = context.received_us / 86400000000 * 86400000000;
  ev.ts_us = day + *hour * 3600000000;
  ev.ts_from_record = false;
  return true;
}

void MapCommon(Record& f, Event& ev, const MapContext& context) {
  MapTime(f, ev, context);
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
