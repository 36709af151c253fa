// DeriveLegacyLabels: the stored record parsed with json/'s DOM and read through
// formats::RecordStrings, with the lookups that correlate's EventView applied to it before
// schema version 7 (a literal key, each split point as a nested object, then dots as
// underscores).
#include "formats/legacy_labels.h"

#include "formats/format.h"
#include "formats/labels.h"
#include "json/json.h"

namespace vigil::formats {
namespace {

// The strings of one JSON object given as text (none when it is not one), parsed on the first
// lookup with the calling thread's parser: one JsonText at a time per thread.
class JsonText final : public RecordStrings {
 public:
  explicit JsonText(std::string_view text) : text_(text) {}

  std::optional<std::string_view> String(std::string_view path) const override {
    if (!Parse()) return std::nullopt;
    std::optional<json::Value> found = root_.FindPath(path);
    if (!found && path.find('.') != std::string_view::npos) {
      std::string key(path);
      for (char& c : key) c = c == '.' ? '_' : c;
      found = root_.Find(key);
    }
    return found ? found->String() : std::nullopt;
  }

 private:
  std::optional<std::string_view> DoAt(std::span<const std::string_view> keys) const override {
    if (keys.empty() || !Parse()) return std::nullopt;
    json::Value v = root_;
    for (std::string_view key : keys) {
      std::optional<json::Value> next = v.Find(key);  // nullopt too when v is not an object
      if (!next) return std::nullopt;
      v = *next;
    }
    return v.String();
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
    thread_local json::Parser parser;
    auto doc = parser.Parse(text_);
    if (!doc || !doc->IsObject()) return false;
    root_ = *doc;
    has_root_ = true;
    return true;
  }

  std::string_view text_;
  mutable bool parsed_ = false, has_root_ = false;
  mutable json::Value root_;
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
