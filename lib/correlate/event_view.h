#pragma once
// A stored event as rules see it (FieldSource): the original record's fields by their own names,
// the normalised columns under their ECS dotted names, and the log source (product / service)
// that Sigma rules select on. The raw record is parsed lazily, at most once per event, and only
// when a rule asks for a field outside the normalised set.
//
// Field lookup, Get(name):
//   1. an ECS name of a normalised column (event.category, source.ip, ... see kColumns in the
//      .cpp) whose column is set: the column, without parsing (the column was derived from the
//      record, and Windows/Kerberos values are cleaned there: "::ffff:a.b.c.d" -> "a.b.c.d").
//   2. the record: the raw JSON object, or for formats whose raw record is text (syslog, Zeek
//      TSV, CEF, CSV) the `fields` JSON. A literal key first ("id.orig_h"), then a dotted path
//      into nested objects ("userIdentity.sessionContext.sessionIssuer.type").
//   3. aliases: a dotted name with dots as underscores (RockNSM "id_orig_h",
//      "certificate_serial"); the format's record aliases and derived fields
//      (formats::Sigma: Zeek src_ip -> id.orig_h, Suricata query -> dns.rrname, syslog
//      pam_user / pam_rhost / pam_message, ...).
// An unset column answers nothing without parsing, except for generic records (ndjson, CEF,
// CSV, ...), where the name is then looked up in the record (say a flat "event.category").
//
// Not thread-safe: one EventView per thread. The StoredEvent passed to Reset must outlive the
// view's use of it (until the next Reset).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "correlate/field_source.h"
#include "correlate/logsource.h"
#include "formats/format.h"
#include "formats/legacy_labels.h"

namespace vigil::correlate {

using vigil::StoredEvent;  // one row of `events` as the engine reads it (core/event.h)

class EventView final : public FieldSource {
 public:
  EventView();
  ~EventView() override;
  EventView(const EventView&) = delete;
  EventView& operator=(const EventView&) = delete;

  // Points at a new event (O(1): nothing is parsed or copied). `ev` must stay alive and
  // unchanged while this view refers to it.
  void Reset(const StoredEvent& ev);

  void Get(std::string_view name, std::vector<FieldValue>* out) const override;
  // The message column (when set) and the raw record (for syslog: the whole line).
  void KeywordTexts(std::vector<std::string_view>* out) const override;

  // The event's Sigma product and service as ingest stored them (formats/labels.h): "windows" /
  // channel, "linux" / program, "zeek" / log, "suricata" / event_type, "aws" / "cloudtrail",
  // "vigil" / source_format. The service is lower case, empty when unknown. For an event stored
  // before schema version 7 they are derived once from its record (formats/legacy_labels.h).
  std::string_view product() const;
  std::string_view service() const;

  // True for Windows process creation: Security 4688 or Sysmon event 1.
  bool IsProcessCreation() const;
  // A PAM or authentication syslog line (Sigma `service: auth`).
  bool IsAuthLine() const;

  const StoredEvent* event() const { return ev_; }
  // The Sigma data of the event's format (valid after Reset).
  const formats::Sigma& sigma() const;

 private:
  struct Impl;
  const formats::LegacyLabels& Legacy() const;
  const StoredEvent* ev_ = nullptr;
  std::unique_ptr<Impl> impl_;
};

// Whether an event belongs to a rule's log source. Empty parts match anything; product and
// service compare case-insensitively with product()/service(), unless the event's format says
// more (formats::Sigma::service_matches: Linux `service: syslog` matches every line and
// `service: auth` every PAM/authentication line). A category is first decided by the format
// (formats::Sigma::category: process_creation for Windows 4688 or Sysmon 1, firewall and
// network_connection for every Suricata event and Zeek conn, dns for Zeek's and Suricata's
// dns), else:
//   process_creation, dns         nothing
//   firewall, network_connection  event.category "network"
//   proxy, webserver              event.category "web"
//   authentication, network, web, email, intrusion_detection, file, iam, configuration,
//   process, session, malware, host, package, database, driver, registry, threat
//                                 event.category equal to the name
// Any other category matches nothing (a rule for a source vigil does not ingest).
bool LogsourceMatches(const Logsource& ls, const EventView& ev);

// The field name a rule's Sigma field has in the source's records, for the rule's log source:
// the rule fields (formats::Sigma::rule_fields) of the format whose product the rule names, or,
// with no product, of the format that alone has the rule's category (process_creation:
// Windows); identity when nothing is known. (EventView::Get resolves the record aliases per
// event as well, for rules whose log source names only a category.)
std::string MapFieldName(const Logsource& ls, std::string_view sigma_name);

}  // namespace vigil::correlate
