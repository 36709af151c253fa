#pragma once
// Recognising an input's format from its first bytes (vigil-ingest(1), DETECTION).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::ingest {

enum class Format {
  kNdjson,      // one JSON object per line, common field names
  kJsonArray,   // one JSON array of such objects
  kBundle,      // {"firewall_logs": [...], "auth_logs": [...], "phishing_alerts": [...]}
  kSingle,      // single events {"user_id", "source_ip", "event_type", "hour", ...}, per line
  kSyslog,      // RFC 3164 / 5424
  kZeekJson,    // Zeek JSON logs
  kZeekTsv,     // Zeek TSV logs (#fields header)
  kSuricata,    // Suricata EVE JSON
  kWindows,     // Windows Security events as JSON lines
  kCloudTrail,  // CloudTrail, one record per line or a {"Records": [...]} document
  kCef,         // ArcSight Common Event Format lines (with or without a syslog header)
  kCsv,         // CSV with a header row
};

struct Detection {
  Format format = Format::kNdjson;
  std::string confidence;  // "high", "medium", "low"
  std::string reason;      // what gave it away
  bool document = false;   // one JSON document (array, bundle, {"Records": [...]}), not lines
};

// The format of an input starting with `head`; nullopt when nothing fits.
std::optional<Detection> Detect(std::string_view head);

// The names used by --input-format and in summaries ("ndjson", "syslog", "zeek", ...).
const char* FormatName(Format format);
std::optional<Format> FormatFromName(std::string_view name);
std::vector<std::string> FormatNames();

}  // namespace vigil::ingest
