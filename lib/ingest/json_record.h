#pragma once
// formats::Record over one parsed JSON object (simdjson DOM). Only ingest's JSON parser builds
// one (json_event.cpp); the mappings in formats/ see it as a formats::Record.

#include <simdjson.h>

#include <string>
#include <string_view>

#include "formats/record.h"

namespace vigil::ingest {

formats::ValueType TypeOf(simdjson::dom::element_type type);

// The top-level keys of one record in a small open-addressing table, built once: each of the
// hundred or so candidate names a mapping tries then costs one probe instead of a comparison
// with every key (at_key scans the object). An object with more keys than the table holds is
// left to at_key (complete() is false).
class KeyIndex {
 public:
  explicit KeyIndex(simdjson::dom::object obj);
  bool complete() const { return complete_; }
  bool Find(std::string_view key, simdjson::dom::element& out) const;

 private:
  static constexpr size_t kSlots = 256;
  static constexpr size_t kMaxKeys = 128;  // a load of at most one half keeps probes short

  static uint32_t Hash(std::string_view key);
  // Never 0 (an empty slot), and differs for most keys that share a slot.
  static uint32_t Tag(std::string_view key);

  uint32_t tags_[kSlots];
  std::string_view keys_[kSlots];
  simdjson::dom::element values_[kSlots];
  bool complete_ = true;
};

// Typed lookups over one record (keys already checked for duplicates); the first problem is
// kept as the record's reason.
class JsonRecord final : public formats::Record {
 public:
  JsonRecord(simdjson::dom::object obj, bool numbers_as_text)
      : obj_(obj), index_(obj), numbers_as_text_(numbers_as_text) {}

 private:
  std::optional<formats::Found> DoFind(NameList names) const override;
  std::optional<formats::Found> DoFindAt(NameList keys) const override;
  std::optional<std::string> DoStr(NameList names) override;
  std::optional<std::string> DoText(NameList names) override;
  std::optional<int64_t> DoInt(NameList names, int64_t lo, int64_t hi, bool digit_strings) override;
  std::optional<int64_t> DoTime(NameList names, bool epoch) override;
  std::optional<bool> DoBool(NameList names) override;
  std::optional<std::string> DoKeyword(std::string_view name) const override;

  // The first of `names` present and not null, with its element.
  std::optional<std::pair<std::string_view, simdjson::dom::element>> FindElement(
      NameList names) const;
  std::optional<simdjson::dom::element> Lookup(std::string_view path) const;

  simdjson::dom::object obj_;
  KeyIndex index_;
  bool numbers_as_text_ = false;
};

}  // namespace vigil::ingest
