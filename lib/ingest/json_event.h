#pragma once
// JSON records into events (vigil-ingest(1), FORMATS): one parser for every JSON-shaped
// format, with a mapper per flavour. A record is one JSON object: an NDJSON line, or an element
// of a JSON array, a CloudTrail "Records" array or an analysis bundle.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/event.h"
#include "core/result.h"

namespace vigil::ingest {

enum class JsonFlavor {
  kGeneric,     // NDJSON / JSON arrays with common field names (ts, src_ip, user, ...)
  kSingle,      // {"user_id", "source_ip", "event_type", "description", "hour", ...}
  kFirewall,    // elements of a bundle's "firewall_logs"
  kAuth,        // elements of a bundle's "auth_logs"
  kPhishing,    // elements of a bundle's "phishing_alerts"
  kSuricata,    // Suricata EVE JSON
  kWindows,     // Windows Security events (winlogbeat, nxlog, OTRF)
  kCloudTrail,  // AWS CloudTrail records
  kZeek,        // Zeek JSON logs, including RockNSM names (id_orig_h, @stream)
  kCef,         // a CEF line turned into JSON (text_records.h)
  kCsv,         // a CSV row turned into JSON with normalised header names
};

// The format name stored in events.source_format for each flavour.
const char* FlavorName(JsonFlavor flavor);

class JsonEventParser {
 public:
  JsonEventParser();
  ~JsonEventParser();
  JsonEventParser(const JsonEventParser&) = delete;
  JsonEventParser& operator=(const JsonEventParser&) = delete;

  // Parses one record. kBadInput with a one-line reason ("invalid JSON: ...", "ts: missing",
  // "dst_port: expected an integer, got a string", "duplicate key \"ts\"") when it is malformed.
  // `received_us` dates single events, which carry only an hour.
  Status Parse(std::string_view text, JsonFlavor flavor, int64_t received_us, Event& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::ingest
