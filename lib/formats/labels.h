#pragma once
// What ingest stores with every event besides its mapped columns (vigil-store(5), events
// product, service, source_country): the Sigma product and service its format gives it
// (formats::Sigma) and the country its JSON record names for the source. Ingest sets them once,
// right after the format's mapping; correlate's log source matching and score's behaviour
// profiles read them back. Rows stored before schema version 7 get the same values from
// formats/legacy_labels.h, which runs this code over the stored record.

#include <optional>
#include <string>
#include <string_view>

#include "core/event.h"
#include "formats/format.h"
#include "formats/record.h"

namespace vigil::formats {

// A Record's strings as a Sigma service function and SourceCountry read them.
class RecordStringsOf final : public RecordStrings {
 public:
  explicit RecordStringsOf(const Record& record) : record_(record) {}
  std::optional<std::string_view> String(std::string_view path) const override;

 private:
  std::optional<std::string_view> DoAt(std::span<const std::string_view> keys) const override;
  const Record& record_;
  mutable std::string key_;  // a dotted path with dots as underscores
};

// The country a JSON record names for its source, if any: "geo" or "country" as a string, the
// flat keys source.geo.country_iso_code, src_country, client.geo.country_iso_code and
// source_country, then ECS source.geo.country_iso_code and client.geo.country_iso_code as
// nested objects, then geo.country_iso_code nested; the first non-empty string wins.
std::optional<std::string> SourceCountry(const RecordStrings& record);

// Sets event.product and event.service (nullopt when the service is unknown) from
// SigmaOf(event.source_format), and event.source_country from `record` when `json_raw`: the
// raw record is the JSON `record` reads (a country is not read from the columns of syslog,
// CEF, CSV or Zeek TSV lines). `record` is nullptr for a record that has no fields.
void Label(Event& event, const RecordStrings* record, bool json_raw);

// Strings of a record that has none (a syslog line's service reads only the event).
class NoRecordStrings final : public RecordStrings {
 public:
  std::optional<std::string_view> String(std::string_view) const override { return std::nullopt; }

 private:
  std::optional<std::string_view> DoAt(std::span<const std::string_view>) const override {
    return std::nullopt;
  }
};

}  // namespace vigil::formats
