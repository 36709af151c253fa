#pragma once
// A read-only JSON DOM, the only door to simdjson (json.cpp is its one includer).
// A Parser owns the parsed document; every Value, string view and range from it stays valid
// until that parser parses again or is destroyed. Nothing here throws: a missing key, a value
// of another type or bad JSON is an empty optional, false, or an Error.
//
// A Value is a 16-byte handle (simdjson's dom::element, held opaquely and copied freely).
// IndexedObject answers many key lookups on one object with one probe each (ingest asks a
// record for a hundred or so candidate names).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigil::json {

enum class Type : uint8_t { kNull, kBool, kInt64, kUint64, kDouble, kString, kArray, kObject };

struct Field;
struct Access;  // json.cpp's bridge to simdjson

class Value {
 public:
  // Refers to nothing: only assign to it (every other call needs a Value from a Parser).
  Value() noexcept : raw_{} {}

  Type type() const noexcept;
  bool IsNull() const noexcept { return type() == Type::kNull; }
  bool IsObject() const noexcept { return type() == Type::kObject; }
  bool IsArray() const noexcept { return type() == Type::kArray; }

  // The value as that type, or nullopt when it is not one. Int64 takes a uint64 up to
  // INT64_MAX, Uint64 a non-negative int64, Double any number.
  std::optional<std::string_view> String() const noexcept;
  std::optional<int64_t> Int64() const noexcept;
  std::optional<uint64_t> Uint64() const noexcept;
  std::optional<double> Double() const noexcept;
  std::optional<bool> Bool() const noexcept;

  // The member `key` of an object (nullopt: not an object, or no such key).
  std::optional<Value> Find(std::string_view key) const noexcept;
  // A literal key first ("id.orig_h"), then each split point as a nested object, leftmost first
  // ("winlog.event_data.IpAddress" -> winlog -> event_data -> IpAddress).
  std::optional<Value> FindPath(std::string_view dotted) const noexcept;
  // Find(key) as a string, an integer: nullopt when missing or of another type.
  std::optional<std::string_view> StringAt(std::string_view key) const noexcept;
  std::optional<int64_t> Int64At(std::string_view key) const noexcept;
  std::optional<double> DoubleAt(std::string_view key) const noexcept;

  // Members of an object, items of an array (empty for any other type).
  class FieldRange;
  class ItemRange;
  FieldRange fields() const noexcept;
  ItemRange items() const noexcept;

  // The value as compact JSON text.
  std::string Minify() const;
  // A key repeated within one object anywhere in the value (JSON leaves its meaning open).
  // `scratch` is reused across calls so a record costs no allocation per object.
  std::optional<std::string_view> DuplicateKey(std::vector<std::string_view>& scratch) const;

 private:
  friend struct Access;
  alignas(8) unsigned char raw_[16];
};

struct Field {
  std::string_view key;
  Value value;
};

// Forward iterators over object members and array items (opaque like Value).
class FieldIterator {
 public:
  Field operator*() const noexcept;
  FieldIterator& operator++() noexcept;
  bool operator!=(const FieldIterator& other) const noexcept;

 private:
  friend class Value;
  alignas(8) unsigned char raw_[16] = {};
};

class ItemIterator {
 public:
  Value operator*() const noexcept;
  ItemIterator& operator++() noexcept;
  bool operator!=(const ItemIterator& other) const noexcept;

 private:
  friend class Value;
  alignas(8) unsigned char raw_[16] = {};
};

class Value::FieldRange {
 public:
  FieldIterator begin() const noexcept { return begin_; }
  FieldIterator end() const noexcept { return end_; }

 private:
  friend class Value;
  FieldIterator begin_, end_;
};

class Value::ItemRange {
 public:
  ItemIterator begin() const noexcept { return begin_; }
  ItemIterator end() const noexcept { return end_; }
  size_t size() const noexcept { return size_; }

 private:
  friend class Value;
  ItemIterator begin_, end_;
  size_t size_ = 0;
};

class Parser {
 public:
  Parser();
  ~Parser();
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  // Parses `text` (copied into a padded buffer the parser keeps). kBadInput "invalid JSON:
  // <reason>" when it is not one JSON value. Values from an earlier Parse become invalid.
  Result<Value> Parse(std::string_view text);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The members of one object in a small open-addressing table, built once: a lookup is one
// probe instead of a scan of every key. An object with more keys than the table holds is
// searched by Value::Find instead. Keys must be unique (see Value::DuplicateKey).
class IndexedObject {
 public:
  explicit IndexedObject(Value object) noexcept;
  std::optional<Value> Find(std::string_view key) const noexcept;
  // Value::FindPath with this object's own keys from the table.
  std::optional<Value> FindPath(std::string_view dotted) const noexcept;

 private:
  static constexpr size_t kSlots = 256;
  static constexpr size_t kMaxKeys = 128;  // a load of at most one half keeps probes short

  static uint32_t Hash(std::string_view key) noexcept;
  // Never 0 (an empty slot), and differs for most keys that share a slot.
  static uint32_t Tag(std::string_view key) noexcept;

  Value object_;
  bool complete_ = true;
  uint32_t tags_[kSlots];
  std::string_view keys_[kSlots];
  Value values_[kSlots];
};

}  // namespace vigil::json
