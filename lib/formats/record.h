#pragma once
// One input record as a format's mapping reads it: typed lookups by field name. A lookup takes
// several candidate names, flat ("id.orig_h", "source.ip") or nested ({"source": {"ip": ...}}),
// and the first present and not null wins. A known field with the wrong type fails the record
// with a one-line reason (the first problem is kept): silently guessing would store wrong
// evidence. Implemented by ingest over a parsed JSON object (ingest/json_record.h).

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace vigil::formats {

using Names = std::initializer_list<std::string_view>;

// The JSON type of a value, for mappings that accept more than one.
enum class ValueType { kNull, kString, kNumber, kBool, kArray, kObject };

// "a string", "an object", ... for reasons.
const char* TypeName(ValueType type);

// A field that was found: the name it was found under, its type, and its text when a string.
struct Found {
  std::string_view name;
  ValueType type = ValueType::kNull;
  std::string_view string;
};

// What a mapping knows besides the record.
struct MapContext {
  int64_t received_us = 0;    // when the batch runs (dates records that carry only an hour)
  std::string_view item_key;  // the array's key when the record is an element of a document
  // The record was made from a text line (CSV, CEF, Zeek TSV): its raw is not this JSON.
  bool text_line = false;
};

class Record {
 public:
  virtual ~Record() = default;

  // The first of `names` present and not null.
  std::optional<Found> Find(Names names) const { return DoFind(List(names)); }
  // The value at exactly these nested object keys (no flat or dotted spelling tried), when
  // present and not null.
  std::optional<Found> FindAt(Names keys) const { return DoFindAt(List(keys)); }
  std::optional<Found> Find(std::span<const std::string_view> names) const { return DoFind(names); }
  // A string; empty strings are absent.
  std::optional<std::string> Str(Names names) { return DoStr(List(names)); }
  std::optional<std::string> Str(std::span<const std::string_view> names) { return DoStr(names); }
  // Strings, and numbers or booleans written as text (severity 2, EventID "4625").
  std::optional<std::string> Text(Names names) { return DoText(List(names)); }
  // An integer in [lo, hi]; with `digit_strings` (or numbers as text), "389" counts too.
  std::optional<int64_t> Int(Names names, int64_t lo, int64_t hi, bool digit_strings = false) {
    return DoInt(List(names), lo, hi, digit_strings);
  }
  std::optional<int64_t> Int(std::span<const std::string_view> names, int64_t lo, int64_t hi) {
    return DoInt(names, lo, hi, false);
  }
  std::optional<int64_t> Port(Names names, bool digit_strings = false) {
    return Int(names, 0, 65535, digit_strings);
  }
  std::optional<int64_t> Bytes(Names names, bool digit_strings = false) {
    return Int(names, 0, INT64_MAX, digit_strings);
  }
  std::optional<int64_t> Bytes(std::span<const std::string_view> names, bool digit_strings) {
    return DoInt(names, 0, INT64_MAX, digit_strings);
  }
  // A required time: ISO 8601 text, or with `epoch` also seconds as a number. Missing fails
  // with "time: missing (expected one of ...)".
  std::optional<int64_t> Time(Names names, bool epoch) { return DoTime(List(names), epoch); }
  std::optional<int64_t> Time(std::span<const std::string_view> names, bool epoch) {
    return DoTime(names, epoch);
  }
  // true/false, or Zeek's "T"/"F".
  std::optional<bool> Bool(Names names) { return DoBool(List(names)); }
  // ECS event.category / event.type: a string, or an array's first string; other shapes are
  // absent (not an error).
  std::optional<std::string> Keyword(std::string_view name) const { return DoKeyword(name); }

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  std::nullopt_t Fail(std::string_view name, const std::string& reason) {
    if (error_.empty()) error_ = std::string(name) + ": " + reason;
    return std::nullopt;
  }

 protected:
  using NameList = std::span<const std::string_view>;

 private:
  static NameList List(Names names) { return NameList(names.begin(), names.size()); }

  virtual std::optional<Found> DoFind(NameList names) const = 0;
  virtual std::optional<Found> DoFindAt(NameList keys) const = 0;
  virtual std::optional<std::string> DoStr(NameList names) = 0;
  virtual std::optional<std::string> DoText(NameList names) = 0;
  virtual std::optional<int64_t> DoInt(NameList names, int64_t lo, int64_t hi,
                                       bool digit_strings) = 0;
  virtual std::optional<int64_t> DoTime(NameList names, bool epoch) = 0;
  virtual std::optional<bool> DoBool(NameList names) = 0;
  virtual std::optional<std::string> DoKeyword(std::string_view name) const = 0;

  std::string error_;
};

}  // namespace vigil::formats
