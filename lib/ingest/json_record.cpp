// JsonRecord: field lookups by candidate names over a simdjson DOM object. A flat key is tried
// first ("id.orig_h"), then each split point as a nested object ("winlog.event_data.IpAddress"
// -> winlog -> event_data -> IpAddress). The record's own keys go through KeyIndex; nested
// objects are scanned.
#include "ingest/json_record.h"

#include <algorithm>
#include <charconv>

#include "core/time_parse.h"

namespace vigil::ingest {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string TypeText(element e) { return formats::TypeName(TypeOf(e.type())); }

// `index`, when given and complete, holds `obj`'s keys (the record's own).
std::optional<element> LookupIn(object obj, const KeyIndex* index, std::string_view path) {
  auto key = [&](std::string_view name, element& e) {
    if (index != nullptr && index->complete()) return index->Find(name, e);
    return obj.at_key(name).get(e) == simdjson::SUCCESS;
  };
  element e;
  if (key(path, e)) return e;
  for (size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.', dot + 1)) {
    object inner;
    if (key(path.substr(0, dot), e) && e.get_object().get(inner) == simdjson::SUCCESS) {
      if (auto found = LookupIn(inner, nullptr, path.substr(dot + 1))) return found;
    }
  }
  return std::nullopt;
}

}  // namespace

formats::ValueType TypeOf(element_type type) {
  switch (type) {
    case element_type::ARRAY:
      return formats::ValueType::kArray;
    case element_type::OBJECT:
      return formats::ValueType::kObject;
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return formats::ValueType::kNumber;
    case element_type::STRING:
      return formats::ValueType::kString;
    case element_type::BOOL:
      return formats::ValueType::kBool;
    case element_type::NULL_VALUE:
      return formats::ValueType::kNull;
  }
  return formats::ValueType::kNull;
}

KeyIndex::KeyIndex(object obj) {
  std::fill(std::begin(tags_), std::end(tags_), 0u);
  size_t count = 0;
  for (auto field : obj) {
    if (++count > kMaxKeys) {
      complete_ = false;
      return;
    }
    const std::string_view key = field.key;
    size_t slot = Hash(key) & (kSlots - 1);
    const uint32_t tag = Tag(key);
    // Keys are unique (duplicates were rejected), so a free slot is always found.
    while (tags_[slot] != 0) slot = (slot + 1) & (kSlots - 1);
    tags_[slot] = tag;
    keys_[slot] = key;
    values_[slot] = field.value;
  }
}

bool KeyIndex::Find(std::string_view key, element& out) const {
  const uint32_t tag = Tag(key);
  for (size_t slot = Hash(key) & (kSlots - 1); tags_[slot] != 0; slot = (slot + 1) & (kSlots - 1)) {
    if (tags_[slot] == tag && keys_[slot] == key) {
      out = values_[slot];
      return true;
    }
  }
  return false;
}

uint32_t KeyIndex::Hash(std::string_view key) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (char c : key) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
  return h;
}

uint32_t KeyIndex::Tag(std::string_view key) {
  return static_cast<uint32_t>(key.size()) << 8 |
         (key.empty() ? 1u : static_cast<uint8_t>(key[0])) | 0x80000000u;
}

std::optional<element> JsonRecord::Lookup(std::string_view path) const {
  return LookupIn(obj_, &index_, path);
}

std::optional<std::pair<std::string_view, element>> JsonRecord::FindElement(NameList names) const {
  for (std::string_view name : names) {
    if (auto e = Lookup(name); e && e->type() != element_type::NULL_VALUE) {
      return std::make_pair(name, *e);
    }
  }
  return std::nullopt;
}

std::optional<formats::Found> JsonRecord::DoFind(NameList names) const {
  auto f = FindElement(names);
  if (!f) return std::nullopt;
  formats::Found found{f->first, TypeOf(f->second.type()), {}};
  if (found.type == formats::ValueType::kString)
    found.string = f->second.get_string().value_unsafe();
  return found;
}

std::optional<formats::Found> JsonRecord::DoFindAt(NameList keys) const {
  element e;
  object obj = obj_;
  for (size_t i = 0; i < keys.size(); ++i) {
    const bool found = i == 0 && index_.complete()
                           ? index_.Find(keys[i], e)
                           : obj.at_key(keys[i]).get(e) == simdjson::SUCCESS;
    if (!found) return std::nullopt;
    if (i + 1 < keys.size() && e.get_object().get(obj) != simdjson::SUCCESS) return std::nullopt;
  }
  if (keys.empty() || e.type() == element_type::NULL_VALUE) return std::nullopt;
  formats::Found found{keys.back(), TypeOf(e.type()), {}};
  if (found.type == formats::ValueType::kString) found.string = e.get_string().value_unsafe();
  return found;
}

std::optional<std::string> JsonRecord::DoStr(NameList names) {
  auto f = FindElement(names);
  if (!f) return std::nullopt;
  std::string_view v;
  if (f->second.get_string().get(v) != simdjson::SUCCESS) {
    return Fail(f->first, "expected a string, got " + TypeText(f->second));
  }
  if (v.empty()) return std::nullopt;
  return std::string(v);
}

std::optional<std::string> JsonRecord::DoText(NameList names) {
  auto f = FindElement(names);
  if (!f) return std::nullopt;
  element e = f->second;
  switch (e.type()) {
    case element_type::STRING: {
      std::string_view v = e.get_string().value_unsafe();
      if (v.empty()) return std::nullopt;
      return std::string(v);
    }
    case element_type::INT64:
      return std::to_string(e.get_int64().value_unsafe());
    case element_type::UINT64:
      return std::to_string(e.get_uint64().value_unsafe());
    case element_type::BOOL:
      return e.get_bool().value_unsafe() ? "true" : "false";
    default:
      return Fail(f->first, "expected text, got " + TypeText(e));
  }
}

std::optional<int64_t> JsonRecord::DoInt(NameList names, int64_t lo, int64_t hi,
                                         bool digit_strings) {
  digit_strings = digit_strings || numbers_as_text_;
  auto f = FindElement(names);
  if (!f) return std::nullopt;
  element e = f->second;
  int64_t v = 0;
  if (e.type() == element_type::INT64) {
    v = e.get_int64().value_unsafe();
  } else if (e.type() == element_type::UINT64) {
    return Fail(f->first, "number out of range");
  } else if (e.type() == element_type::STRING && digit_strings) {
    std::string_view s = e.get_string().value_unsafe();
    if (s.empty() || s == "-") return std::nullopt;
    if (!IsDigits(s) || std::from_chars(s.data(), s.data() + s.size(), v).ec != std::errc()) {
      return Fail(f->first, "expected an integer, got \"" + std::string(s.substr(0, 40)) + "\"");
    }
  } else {
    return Fail(f->first, "expected an integer, got " + TypeText(e));
  }
  if (v < lo || v > hi) return Fail(f->first, "number out of range: " + std::to_string(v));
  return v;
}

std::optional<int64_t> JsonRecord::DoTime(NameList names, bool epoch) {
  auto f = FindElement(names);
  if (!f) {
    std::string list;
    for (std::string_view n : names) list += (list.empty() ? "" : ", ") + std::string(n);
    return Fail("time", "missing (expected one of " + list + ")");
  }
  element e = f->second;
  if (e.type() == element_type::STRING) {
    std::string_view s = e.get_string().value_unsafe();
    if (s.empty()) return Fail(f->first, "empty time");
    if (auto t = ParseIso8601(s)) return t;
    return Fail(f->first, "unparseable time \"" + std::string(s.substr(0, 40)) + "\"");
  }
  if (epoch && (e.type() == element_type::DOUBLE || e.type() == element_type::INT64 ||
                e.type() == element_type::UINT64)) {
    double d = 0;
    if (e.get_double().get(d) == simdjson::SUCCESS) {
      if (auto t = EpochSecondsToMicros(d)) return t;
    }
    return Fail(f->first, "epoch time out of range");
  }
  return Fail(f->first, "expected an ISO 8601 time string, got " + TypeText(e));
}

std::optional<bool> JsonRecord::DoBool(NameList names) {
  auto f = FindElement(names);
  if (!f) return std::nullopt;
  bool b = false;
  if (f->second.get_bool().get(b) == simdjson::SUCCESS) return b;
  std::string_view s;
  if (f->second.get_string().get(s) == simdjson::SUCCESS && (s == "T" || s == "F")) {
    return s == "T";
  }
  return Fail(f->first, "expected a boolean, got " + TypeText(f->second));
}

std::optional<std::string> JsonRecord::DoKeyword(std::string_view name) const {
  auto found = FindElement(NameList(&name, 1));
  if (!found) return std::nullopt;
  element e = found->second;
  simdjson::dom::array list;
  if (e.get_array().get(list) == simdjson::SUCCESS) {
    if (list.size() == 0) return std::nullopt;
    e = list.at(0).value_unsafe();
  }
  std::string_view v;
  if (e.get_string().get(v) != simdjson::SUCCESS || v.empty()) return std::nullopt;
  return std::string(v);
}

}  // namespace vigil::ingest
