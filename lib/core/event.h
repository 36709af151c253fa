#pragma once
// The normalised event: one per input record (vigil-store(5), table events). Field names
// follow the Elastic Common Schema with dots as underscores. Every parser fills what its
// format has; the rest stays empty (stored as NULL).

#include <cstdint>
#include <optional>
#include <string>

namespace vigil {

struct Event {
  int64_t ts_us = 0;           // event time, UTC microseconds since the epoch
  std::string source_format;   // "ndjson", "syslog", "suricata", ... (the parser's name)
  bool ts_from_record = true;  // false when the time was not in the record (single events)
  // Set by the parsers when the record's time had no zone (RFC 3164 syslog, ISO 8601 without
  // an offset): ts_us is then the logging host's wall clock read as UTC, which ingest converts
  // from the input's --timezone before keying and storing the event. Not stored.
  bool ts_local = false;

  std::optional<std::string> event_kind;      // ECS event.kind: event, alert, ...
  std::optional<std::string> event_category;  // ECS event.category: authentication, network...
  std::optional<std::string> event_type;      // ECS event.type: start, connection, denied...
  std::optional<std::string> event_outcome;   // success, failure, unknown
  std::optional<std::string> event_action;    // source-specific action (login_failure, ...)
  std::optional<std::string> event_severity;  // severity as the source gave it
  std::optional<std::string> user_name;
  std::optional<std::string> source_ip;  // IP address, or a host name when that is all
  std::optional<int64_t> source_port;
  std::optional<std::string> destination_ip;
  std::optional<int64_t> destination_port;
  std::optional<std::string> network_protocol;
  std::optional<std::string> host_name;      // the host that logged the event
  std::optional<int64_t> source_bytes;       // bytes sent by the source (out)
  std::optional<int64_t> destination_bytes;  // bytes sent by the destination (in)
  std::optional<std::string> url;
  std::optional<std::string> domain;
  std::optional<std::string> email_from;
  std::optional<std::string> email_subject;
  std::optional<std::string> process_name;
  std::optional<std::string> message;
  // The original fields by their original names, as a JSON object, for formats whose raw
  // record is not JSON (syslog key=value pairs, CEF extensions, CSV columns). NULL for JSON
  // inputs: their raw record already keeps every field under its name.
  std::optional<std::string> fields;

  // Set by ingest after the mapping (formats/labels.h), from the format and the record: the
  // event's Sigma product and service (lower case; service NULL when unknown), and the ECS
  // source.geo.country_iso_code its JSON record names. All three are NULL in rows stored before
  // schema version 7 (readers derive them then: formats/legacy_labels.h); product is set in
  // every later row.
  std::optional<std::string> product;
  std::optional<std::string> service;
  std::optional<std::string> source_country;
  // Set by the mapping: what an analyst decides an event of its kind by (IDS signature, HTTP
  // request, process command line, ...), a JSON object keyed as core/event_details.h lists.
  // NULL in rows stored before schema version 8, and for events with none of those fields.
  std::optional<std::string> details;
};

// One row of `events` as a stage reads it back (store/event_codec.h).
struct StoredEvent {
  int64_t id = 0;
  Event event;      // ts_us, source_format, normalised columns, `fields` JSON
  std::string raw;  // the raw record, verbatim
};

}  // namespace vigil
