#pragma once
// An input format as one descriptor (vigil-ingest(1), FORMATS): its name, how it is recognised,
// how its records map to the event model (core/event.h), which time fields it reads, and what
// Sigma rules know it as (product, service, categories, field names). Every descriptor is listed
// in one explicit table (registry.cpp); --input-format, --detect, the man page's list, ingest's
// mapping and correlate's log source matching all read that table.
//
// Why a folder of its own: ingest (which reads records) and correlate (which matches rules on
// stored events) both need a format's knowledge, and stages never include one another. The
// descriptors therefore sit below the stages and depend on core only; the byte-level parsing
// (JSON through json/, CSV, CEF, Zeek TSV, syslog) stays in ingest, which hands a mapping a
// Record (formats/record.h) to read fields from.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "formats/record.h"

namespace vigil::formats {

// How ingest reads an input of this format into records.
enum class Reader {
  kJsonLines,     // one JSON object per line (a whole document when the input is one)
  kJsonDocument,  // one JSON document whose arrays hold the records
  kSyslog,        // RFC 3164 / 5424 lines (ingest/syslog_parser.h)
  kZeekTsv,       // Zeek TSV under a #fields header, each row as JSON (ingest/zeek_tsv.h)
  kCef,           // CEF lines, each as JSON (ingest/text_records.h)
  kCsv,           // CSV rows under a header row, each as JSON (ingest/text_records.h)
};

// A name a format's records spell differently from what a rule uses.
struct FieldAlias {
  std::string_view from;
  std::string_view to;
};

// A Sigma field name as a format's records spell it, for rules of the format's product:
// `category` empty or equal to the rule's, and the rule's service not `unless_service`.
struct RuleField {
  std::string_view category;
  std::string_view unless_service;
  std::string_view from;
  std::string_view to;
};

// Strings of a record: nullopt when absent or not a string. Implemented over an input record
// (formats/labels.h, at ingest) and over a stored one (formats/legacy_labels.h).
class RecordStrings {
 public:
  virtual ~RecordStrings() = default;
  // By field path ("Channel", "winlog.channel"): a literal key first, then each split point as
  // a nested object, then (a dotted path not found) with dots as underscores ("winlog_channel").
  virtual std::optional<std::string_view> String(std::string_view path) const = 0;
  // At exactly these nested object keys ({"source", "geo", "country_iso_code"}; a key may hold
  // dots: {"source.geo.country_iso_code"} is one flat key), no other spelling tried.
  std::optional<std::string_view> At(std::initializer_list<std::string_view> keys) const {
    return DoAt(std::span<const std::string_view>(keys.begin(), keys.size()));
  }

 private:
  virtual std::optional<std::string_view> DoAt(std::span<const std::string_view> keys) const = 0;
};

// What Sigma rules know about the events of one stored format (events.source_format).
struct Sigma {
  std::string_view product = {};  // lower case: "windows", "linux", "zeek", ...
  // The event's Sigma service, lower case (may be empty: unknown). Reads the stored event, and
  // the record through `record` when the event's columns do not tell.
  std::string (*service)(const Event& event, const RecordStrings& record) = nullptr;
  // Whether the event belongs to a rule's `category` (lower case), when this format decides
  // differently from the ECS default (core: event.category equal to the name, firewall and
  // network_connection for "network", proxy and webserver for "web"); nullopt: the default.
  std::optional<bool> (*category)(std::string_view category, const Event& event,
                                  std::string_view service) = nullptr;
  // Whether the event belongs to a rule's `service` (lower case), when more than equality
  // with service() decides it (Linux "syslog" and "auth"); nullopt: equality.
  std::optional<bool> (*service_matches)(std::string_view rule_service, const Event& event,
                                         std::string_view service) = nullptr;
  // Categories only this format's events can belong to: a rule naming one of them and no
  // product takes this format's rule field names.
  std::span<const std::string_view> own_categories = {};
  // Names tried in the record, in order, when a rule's field name is not found in it.
  std::span<const FieldAlias> record_aliases = {};
  // Rule field names for rules whose product is this one (see RuleField).
  std::span<const RuleField> rule_fields = {};
  // Record aliases whose value is an empty string are absent (PAM's "rhost=").
  bool empty_alias_is_absent = false;
  // The raw record holds the message already: keywords are searched in the raw record only.
  bool raw_holds_message = false;
  // A field derived from the event rather than read from the record ("pam_message"); empty
  // when the name is not one.
  std::string_view (*derived_field)(std::string_view name, const Event& event) = nullptr;
};

struct FormatDescriptor {
  std::string_view name =
      {};  // --input-format; for formats without records_as, events.source_format
  // The format whose mapping and Sigma data this one's records take ("json-array" -> "ndjson",
  // "zeek-tsv" -> "zeek"); empty: its own.
  std::string_view records_as = {};
  Reader reader = Reader::kJsonLines;
  // An input that is one JSON document (an array, {"Records": [...]}, a bundle) is read as a
  // document, also when the format is forced.
  bool reads_documents = false;

  // Detection (ingest/detect.h). A JSON line with this format's keys: the reason, else nullptr;
  // formats are asked in increasing json_line_rank (0: never asked).
  int json_line_rank = 0;
  const char* (*json_line)(std::string_view line) = nullptr;
  // A JSON document whose first key is one of these is this format.
  std::span<const std::string_view> document_keys = {};
  // A document that is a top-level JSON array is this format.
  bool document_array = false;

  // Mapping: fills `event` from `record`; a problem is left in record.Fail(). Time fields in
  // the order tried (documentation and tests; the mapping reads them).
  void (*map)(Record& record, Event& event, const MapContext& context) = nullptr;
  std::span<const std::string_view> time_fields = {};
  bool numbers_as_text = false;  // every number arrives as text (CEF, CSV)

  const Sigma* sigma = nullptr;  // nullptr when records_as is set
};

// Every format, in the order help and the man page list them.
std::span<const FormatDescriptor* const> All();
// The format named `name` (--input-format, events.source_format); nullptr when none is.
const FormatDescriptor* Find(std::string_view name);
// The format whose records `format`'s records are (itself unless records_as is set).
const FormatDescriptor& RecordsOf(const FormatDescriptor& format);
// The Sigma data of a stored source_format; the generic ("vigil") entry when none matches.
const Sigma& SigmaOf(std::string_view source_format);
// The names of All(), in order.
std::vector<std::string> AllNames();

}  // namespace vigil::formats
