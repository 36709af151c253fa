#pragma once
// formats::Record over one parsed JSON object (json/json.h). Only ingest's JSON parser builds
// one (json_event.cpp); the mappings in formats/ see it as a formats::Record.

#include <string>
#include <string_view>

#include "formats/record.h"
#include "json/json.h"

namespace vigil::ingest {

formats::ValueType TypeOf(json::Type type);

// Typed lookups over one record (keys already checked for duplicates); the first problem is
// kept as the record's reason. The record's own keys go through an IndexedObject: each of the
// hundred or so candidate names a mapping tries then costs one probe.
class JsonRecord final : public formats::Record {
 public:
  JsonRecord(json::Value obj, bool numbers_as_text)
      : index_(obj), numbers_as_text_(numbers_as_text) {}

  // Whether the last time read (Time) was an ISO 8601 text without a zone: the logging host's
  // wall clock (Event::ts_local).
  bool time_was_local() const { return time_local_; }

 private:
  std::optional<formats::Found> DoFind(NameList names) const override;
  std::optional<formats::Found> DoFindAt(NameList keys) const override;
  std::optional<std::string> DoStr(NameList names) override;
  std::optional<std::string> DoText(NameList names) override;
  std::optional<int64_t> DoInt(NameList names, int64_t lo, int64_t hi, bool digit_strings) override;
  std::optional<int64_t> DoTime(NameList names, bool epoch) override;
  std::optional<bool> DoBool(NameList names) override;
  std::optional<std::string> DoKeyword(std::string_view name) const override;

  // The first of `names` present and not null, with its value.
  std::optional<std::pair<std::string_view, json::Value>> FindElement(NameList names) const;

  json::IndexedObject index_;
  bool numbers_as_text_ = false;
  bool time_local_ = false;
};

}  // namespace vigil::ingest
