// DeriveLegacyLabels: the stored record parsed with simdjson's DOM and read through
// formats::RecordStrings, with the lookups that correlate's EventView applied to it before
// schema version 7 (a literal key, each split point as a nested object, then dots as
// underscores).
#include "formats/legacy_labels.h"

#include <simdjson.h>

#include "formats/format.h"
#include "formats/labels.h"

namespace vigil::formats {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

bool LookupIn(object obj, std::string_view path, element* out) {
  if (obj.at_key(path).get(*out) == simdjson::SUCCESS) return true;
  for (size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.', dot + 1)) {
    element e;
    object inner;
    if (obj.at_key(path.substr(0, dot)).get(e) == simdjson::SUCCESS &&
        e.get_object().get(inner) == simdjson::SUCCESS &&
        LookupIn(inner, path.substr(dot + 1), out)) {
      return true;
    }
  }
  return false;
}

// The strings of one JSON object given as text (none when it is not one), parsed on the first
// lookup with the calling thread's parser: one JsonText at a time per thread.
class JsonText final : public RecordStrings {
 public:
  explicit JsonText(std::string_view text) : text_(text) {}

  std::optional<std::string_view> String(std::string_view path) const override {
    if (!Parse()) return std::nullopt;
    element e;
    bool found = LookupIn(root_, path, &e);
    if (!found && path.find('.') != std::string_view::npos) {
      std::string key(path);
      for (char& c : key) c = c == '.' ? '_' : c;
      found = root_.at_key(key).get(e) == simdjson::SUCCESS;
    }
    std::string_view s;
    if (found && e.get_string().get(s) == simdjson::SUCCESS) return s;
    return std::nullopt;
  }

 private:
  std::optional<std::string_view> DoAt(std::span<const std::string_view> keys) const override {
    if (keys.empty() || !Parse()) return std::nullopt;
    object obj = root_;
    element e;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (obj.at_key(keys[i]).get(e) != simdjson::SUCCESS) return std::nullopt;
      if (i + 1 < keys.size() && e.get_object().get(obj) != simdjson::SUCCESS) return std::nullopt;
    }
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
    return s;
  }

  bool Parse() const {
    if (parsed_) return has_root_;
    parsed_ = true;
    size_t start = 0;
    while (start < text_.size() && (text_[start] == ' ' || text_[start] == '\n' ||
                                    text_[start] == '\r' || text_[start] == '\t')) {
      ++start;
    }
    if (start == text_.size() || text_[start] != '{') return false;
    thread_local simdjson::dom::parser parser;
    element doc;
    if (parser.parse(text_.data(), text_.size()).get(doc) != simdjson::SUCCESS) return false;
    has_root_ = doc.get_object().get(root_) == simdjson::SUCCESS;
    return has_root_;
  }

  std::string_view text_;
  mutable bool parsed_ = false, has_root_ = false;
  mutable object root_;
};

}  // namespace

LegacyLabels DeriveLegacyLabels(const StoredEvent& stored, LegacyWant want) {
  LegacyLabels out;
  const Event& event = stored.event;
  if (want.logsource) {
    const Sigma& sigma = SigmaOf(event.source_format);
    out.product = sigma.product;
    if (sigma.service != nullptr) {
      const JsonText record(event.fields ? std::string_view(*event.fields) : stored.raw);
      out.service = sigma.service(event, record);
    }
  }
  // Every key SourceCountry reads holds "geo" or "ountry": other records need no parsing.
  if (want.country && (stored.raw.find("geo") != std::string::npos ||
                       stored.raw.find("ountry") != std::string::npos)) {
    out.country = SourceCountry(JsonText(stored.raw)).value_or("");
  }
  return out;
}

}  // namespace vigil::formats
