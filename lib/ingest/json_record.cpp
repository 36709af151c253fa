// JsonRecord: field lookups by candidate names over a JSON object. A flat key is tried first
// ("id.orig_h"), then each split point as a nested object ("winlog.event_data.IpAddress" ->
// winlog -> event_data -> IpAddress): json::IndexedObject::FindPath.
#include "ingest/json_record.h"

#include <algorithm>
#include <charconv>

#include "core/time_parse.h"

namespace vigil::ingest {
namespace {

using json::Type;
using json::Value;

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string TypeText(Value e) { return formats::TypeName(TypeOf(e.type())); }

}  // namespace

formats::ValueType TypeOf(Type type) {
  switch (type) {
    case Type::kArray:
      return formats::ValueType::kArray;
    case Type::kObject:
      return formats::ValueType::kObject;
    case Type::kInt64:
    case Type::kUint64:
    case Type::kDouble:
      return formats::ValueType::kNumber;
    case Type::kString:
      return formats::ValueType::kString;
    case Type::kBool:
      return formats::ValueType::kBool;
    case Type::kNull:
      return formats::ValueType::kNull;
  }
  return formats::ValueType::kNull;
}

std::optional<std::pair<std::string_view, Value>> JsonRecord::FindElement(NameList names) const {
  for (std::string_view name : names) {
    if (auto e = index_.FindPath(name); e && !e->IsNull()) return std::make_pair(name, *e);
  }
  return std::nullopt;
}

std::optional<formats::Found> JsonRecord::DoFind(NameList names) const {
  auto f = FindElement(names);
  if (!f) return std::nullopt;
  formats::Found found{f->first, TypeOf(f->second.type()), {}};
  if (found.type == formats::ValueType::kString) found.string = *f->second.String();
  return found;
}

std::optional<formats::Found> JsonRecord::DoFindAt(NameList keys) const {
  std::optional<Value> v;
  for (size_t i = 0; i < keys.size(); ++i) {
    v = i == 0 ? index_.Find(keys[i]) : v->Find(keys[i]);  // nullopt too for a non-object
    if (!v) return std::nullopt;
  }
  if (!v || v->IsNull()) return std::nullopt;
  formats::Found found{keys.back(), TypeOf(v->type()), {}};
  if (found.type == formats::ValueType::kString) found.string = *v->String();
  return found;
}

std::optional<std::string> JsonRecord::DoStr(NameList names) {
  auto f = FindElement(names);
  if (!f) return std::nullopt;
  const auto v = f->second.String();
  if (!v) return Fail(f->first, "expected a string, got " + TypeText(f->second));
  if (v->empty()) return std::nullopt;
  return std::string(*v);
}

std::optional<std::string> JsonRecord::DoText(NameList names) {
  auto f = FindElement(names);
  if (!f) return std::nullopt;
  const Value e = f->second;
  switch (e.type()) {
    case Type::kString: {
      std::string_view v = *e.String();
      if (v.empty()) return std::nullopt;
      return std::string(v);
    }
    case Type::kInt64:
      return std::to_string(*e.Int64());
    case Type::kUint64:
      return std::to_string(*e.Uint64());
    case Type::kBool:
      return *e.Bool() ? "true" : "false";
    default:
      return Fail(f->first, "expected text, got " + TypeText(e));
  }
}

std::optional<int64_t> JsonRecord::DoInt(NameList names, int64_t lo, int64_t hi,
                                         bool digit_strings) {
  digit_strings = digit_strings || numbers_as_text_;
  auto f = FindElement(names);
  if (!f) return std::nullopt;
  const Value e = f->second;
  const Type type = e.type();
  int64_t v = 0;
  if (type == Type::kInt64) {
    v = *e.Int64();
  } else if (type == Type::kUint64) {
    return Fail(f->first, "number out of range");
  } else if (type == Type::kString && digit_strings) {
    std::string_view s = *e.String();
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
  const Value e = f->second;
  const Type type = e.type();
  if (type == Type::kString) {
    std::string_view s = *e.String();
    if (s.empty()) return Fail(f->first, "empty time");
    bool zoned = false;
    if (auto t = ParseIso8601(s, &zoned)) {
      time_local_ = !zoned;
      return t;
    }
    return Fail(f->first, "unparseable time \"" + std::string(s.substr(0, 40)) + "\"");
  }
  if (epoch && (type == Type::kDouble || type == Type::kInt64 || type == Type::kUint64)) {
    if (auto d = e.Double()) {
      if (auto t = EpochSecondsToMicros(*d)) {
        time_local_ = false;
        return t;
      }
    }
    return Fail(f->first, "epoch time out of range");
  }
  return Fail(f->first, "expected an ISO 8601 time string, got " + TypeText(e));
}

std::optional<bool> JsonRecord::DoBool(NameList names) {
  auto f = FindElement(names);
  if (!f) return std::nullopt;
  if (auto b = f->second.Bool()) return b;
  if (auto s = f->second.String(); s && (*s == "T" || *s == "F")) return *s == "T";
  return Fail(f->first, "expected a boolean, got " + TypeText(f->second));
}

std::optional<std::string> JsonRecord::DoKeyword(std::string_view name) const {
  auto found = FindElement(NameList(&name, 1));
  if (!found) return std::nullopt;
  Value e = found->second;
  if (e.IsArray()) {
    const auto list = e.items();
    if (list.size() == 0) return std::nullopt;
    e = *list.begin();
  }
  const auto v = e.String();
  if (!v || v->empty()) return std::nullopt;
  return std::string(*v);
}

}  // namespace vigil::ingest
