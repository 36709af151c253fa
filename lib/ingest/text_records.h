#pragma once
// CEF lines and CSV rows into JSON objects that the JSON mappers read (vigil-ingest(1)).
// Both keep the original field names; CSV also gets normalised names for mapping.

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigil::ingest {

// "CEF:0|Vendor|Product|1.0|100|Name|5|src=10.0.0.1 act=blocked msg=a b c", optionally after a
// syslog header. The JSON has the header as cefVersion, deviceVendor, deviceProduct,
// deviceVersion, signatureId, name, severity, and each extension key as is (escapes undone).
// kBadInput when there is no "CEF:" or fewer than 8 header fields.
Result<std::string> CefToJson(std::string_view line);

// CSV per RFC 4180 with a header row. Fields may be quoted ("" escapes a quote) and a quoted
// field may span lines: Add returns how many more lines the current record still needs (0 when
// complete).
class CsvRecords {
 public:
  // Feeds one line. true when a data record is complete (call Take*), false when the line was
  // the header or the record continues on the next line.
  Result<bool> Add(std::string_view line);
  // The complete record as JSON with the header's names as given (for events.fields) and with
  // names lowercased and spaces turned into '_' (for mapping).
  std::string TakeOriginal() const;
  std::string TakeNormalised() const;
  // true while a quoted field is open across lines.
  bool open() const { return in_quotes_; }

 private:
  std::vector<std::string> header_;
  std::vector<std::string> values_;
  std::string current_;
  bool in_quotes_ = false;
  bool have_header_ = false;
};

}  // namespace vigil::ingest
