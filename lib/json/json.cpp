// The JSON DOM over simdjson's (json.h). A Value, FieldIterator and ItemIterator hold
// simdjson's dom::element, object::iterator and array::iterator in their raw bytes: all three
// are trivially copyable 16-byte tape references, checked below.
#include "json/json.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

namespace vigil::json {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

template <class T>
constexpr bool kFits = sizeof(T) == 16 && alignof(T) <= 8 && std::is_trivially_copyable_v<T>;
static_assert(kFits<element> && kFits<simdjson::dom::object::iterator> &&
              kFits<simdjson::dom::array::iterator>);

template <class T, class Raw>
T Load(const Raw& raw) noexcept {
  T t;
  std::memcpy(static_cast<void*>(&t), raw, sizeof(T));
  return t;
}

template <class T, class Raw>
void Store(Raw& raw, const T& t) noexcept {
  std::memcpy(raw, static_cast<const void*>(&t), sizeof(T));
}

}  // namespace

// Value wraps and unwraps through these two (friends cannot name simdjson in the header).
struct Access {
  static element Of(const Value& v) noexcept { return Load<element>(v.raw_); }
  static Value From(element e) noexcept {
    Value v;
    Store(v.raw_, e);
    return v;
  }
};

namespace {

element E(const Value& v) noexcept { return Access::Of(v); }
Value V(element e) noexcept { return Access::From(e); }

// A simdjson result as an optional: empty on any error (missing key, other type, range).
template <class T>
std::optional<T> Get(simdjson::simdjson_result<T> result) noexcept {
  T value{};
  if (std::move(result).get(value) != simdjson::SUCCESS) return std::nullopt;
  return value;
}

}  // namespace

Type Value::type() const noexcept {
  switch (E(*this).type()) {
    case element_type::ARRAY:
      return Type::kArray;
    case element_type::OBJECT:
      return Type::kObject;
    case element_type::INT64:
      return Type::kInt64;
    case element_type::UINT64:
      return Type::kUint64;
    case element_type::DOUBLE:
      return Type::kDouble;
    case element_type::STRING:
      return Type::kString;
    case element_type::BOOL:
      return Type::kBool;
    case element_type::NULL_VALUE:
      return Type::kNull;
  }
  return Type::kNull;
}

std::optional<std::string_view> Value::String() const noexcept {
  return Get(E(*this).get_string());
}
std::optional<int64_t> Value::Int64() const noexcept { return Get(E(*this).get_int64()); }
std::optional<uint64_t> Value::Uint64() const noexcept { return Get(E(*this).get_uint64()); }
std::optional<double> Value::Double() const noexcept { return Get(E(*this).get_double()); }
std::optional<bool> Value::Bool() const noexcept { return Get(E(*this).get_bool()); }

std::optional<Value> Value::Find(std::string_view key) const noexcept {
  element e;
  if (E(*this).at_key(key).get(e) != simdjson::SUCCESS) return std::nullopt;
  return V(e);
}

namespace {

// Value::FindPath; `index`, when given, holds `obj`'s own keys.
std::optional<Value> FindPathIn(const Value& obj, const IndexedObject* index,
                                std::string_view path) noexcept {
  auto key = [&](std::string_view name) { return index ? index->Find(name) : obj.Find(name); };
  if (auto v = key(path)) return v;
  for (size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.', dot + 1)) {
    auto inner = key(path.substr(0, dot));
    if (inner && inner->IsObject()) {
      if (auto found = FindPathIn(*inner, nullptr, path.substr(dot + 1))) return found;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Value> Value::FindPath(std::string_view dotted) const noexcept {
  return FindPathIn(*this, nullptr, dotted);
}

std::optional<std::string_view> Value::StringAt(std::string_view key) const noexcept {
  return Get(E(*this).at_key(key).get_string());
}
std::optional<int64_t> Value::Int64At(std::string_view key) const noexcept {
  return Get(E(*this).at_key(key).get_int64());
}
std::optional<double> Value::DoubleAt(std::string_view key) const noexcept {
  return Get(E(*this).at_key(key).get_double());
}

Value::FieldRange Value::fields() const noexcept {
  FieldRange r;
  simdjson::dom::object obj;
  if (E(*this).get_object().get(obj) == simdjson::SUCCESS) {
    Store(r.begin_.raw_, obj.begin());
    Store(r.end_.raw_, obj.end());
  }
  return r;
}

Value::ItemRange Value::items() const noexcept {
  ItemRange r;
  simdjson::dom::array arr;
  if (E(*this).get_array().get(arr) == simdjson::SUCCESS) {
    Store(r.begin_.raw_, arr.begin());
    Store(r.end_.raw_, arr.end());
    r.size_ = arr.size();
  }
  return r;
}

std::string Value::Minify() const { return simdjson::minify(E(*this)); }

std::optional<std::string_view> Value::DuplicateKey(std::vector<std::string_view>& scratch) const {
  // Each object sorts only its own tail of `scratch`, after its members were checked.
  const size_t first = scratch.size();
  const element e = E(*this);
  simdjson::dom::object obj;
  simdjson::dom::array arr;
  if (e.get_object().get(obj) == simdjson::SUCCESS) {
    for (auto field : obj) {
      if (auto dup = V(field.value).DuplicateKey(scratch)) return dup;
      scratch.push_back(field.key);
    }
  } else if (e.get_array().get(arr) == simdjson::SUCCESS) {
    for (element item : arr) {
      if (auto dup = V(item).DuplicateKey(scratch)) return dup;
    }
  }
  if (scratch.size() - first < 2) {
    scratch.resize(first);
    return std::nullopt;
  }
  const auto begin = scratch.begin() + static_cast<std::ptrdiff_t>(first);
  std::sort(begin, scratch.end());
  const auto dup = std::adjacent_find(begin, scratch.end());
  if (dup != scratch.end()) return *dup;
  scratch.resize(first);
  return std::nullopt;
}

Field FieldIterator::operator*() const noexcept {
  const auto it = Load<simdjson::dom::object::iterator>(raw_);
  return {it.key(), V(it.value())};
}

FieldIterator& FieldIterator::operator++() noexcept {
  auto it = Load<simdjson::dom::object::iterator>(raw_);
  ++it;
  Store(raw_, it);
  return *this;
}

bool FieldIterator::operator!=(const FieldIterator& other) const noexcept {
  return std::memcmp(raw_, other.raw_, sizeof(raw_)) != 0;
}

Value ItemIterator::operator*() const noexcept {
  return V(*Load<simdjson::dom::array::iterator>(raw_));
}

ItemIterator& ItemIterator::operator++() noexcept {
  auto it = Load<simdjson::dom::array::iterator>(raw_);
  ++it;
  Store(raw_, it);
  return *this;
}

bool ItemIterator::operator!=(const ItemIterator& other) const noexcept {
  return std::memcmp(raw_, other.raw_, sizeof(raw_)) != 0;
}

struct Parser::Impl {
  simdjson::dom::parser parser;
};

Parser::Parser() : impl_(std::make_unique<Impl>()) {}
Parser::~Parser() = default;

Result<Value> Parser::Parse(std::string_view text) {
  element doc;
  // realloc_if_needed: the text is copied into the parser's own padded buffer, reused.
  const auto err = impl_->parser.parse(text.data(), text.size(), true).get(doc);
  if (err != simdjson::SUCCESS) {
    return MakeError(ErrorCode::kBadInput,
                     std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  return V(doc);
}

IndexedObject::IndexedObject(Value object) noexcept : object_(object) {
  std::fill(std::begin(tags_), std::end(tags_), 0u);
  simdjson::dom::object obj;
  if (E(object).get_object().get(obj) != simdjson::SUCCESS) return;
  size_t count = 0;
  for (auto field : obj) {
    if (++count > kMaxKeys) {
      complete_ = false;
      return;
    }
    const std::string_view key = field.key;
    size_t slot = Hash(key) & (kSlots - 1);
    const uint32_t tag = Tag(key);
    // Keys are unique, so a free slot is always found.
    while (tags_[slot] != 0) slot = (slot + 1) & (kSlots - 1);
    tags_[slot] = tag;
    keys_[slot] = key;
    values_[slot] = V(field.value);
  }
}

std::optional<Value> IndexedObject::Find(std::string_view key) const noexcept {
  if (!complete_) return object_.Find(key);
  const uint32_t tag = Tag(key);
  for (size_t slot = Hash(key) & (kSlots - 1); tags_[slot] != 0; slot = (slot + 1) & (kSlots - 1)) {
    if (tags_[slot] == tag && keys_[slot] == key) return values_[slot];
  }
  return std::nullopt;
}

std::optional<Value> IndexedObject::FindPath(std::string_view dotted) const noexcept {
  return FindPathIn(object_, this, dotted);
}

uint32_t IndexedObject::Hash(std::string_view key) noexcept {
  uint32_t h = 2166136261u;  // FNV-1a
  for (char c : key) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
  return h;
}

uint32_t IndexedObject::Tag(std::string_view key) noexcept {
  return static_cast<uint32_t>(key.size()) << 8 |
         (key.empty() ? 1u : static_cast<uint8_t>(key[0])) | 0x80000000u;
}

}  // namespace vigil::json
