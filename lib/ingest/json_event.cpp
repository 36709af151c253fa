// JSON records into events. Each record is parsed on its own with simdjson's DOM (so a bad
// record costs only itself; DEPENDENCIES.md §3), checked for duplicate keys, and handed as a
// formats::Record to its format's mapping (formats/<name>.cpp).
#include "ingest/json_event.h"

#include <simdjson.h>

#include <algorithm>
#include <vector>

#include "formats/labels.h"
#include "ingest/json_record.h"

namespace vigil::ingest {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// Keys of every object in the record, checked for repeats: JSON leaves their meaning open,
// and two readers would see two different records.
// `keys` is scratch shared by the whole recursion (each object sorts only its own tail), so a
// record costs no allocation per object.
Status CheckDuplicateKeys(element e, std::vector<std::string_view>& keys) {
  object obj;
  simdjson::dom::array arr;
  const size_t first = keys.size();
  if (e.get_object().get(obj) == simdjson::SUCCESS) {
    for (auto field : obj) {
      Status inner = CheckDuplicateKeys(field.value, keys);
      if (!inner.ok()) return inner;
      keys.push_back(field.key);
    }
  } else if (e.get_array().get(arr) == simdjson::SUCCESS) {
    for (element item : arr) {
      Status inner = CheckDuplicateKeys(item, keys);
      if (!inner.ok()) return inner;
    }
  }
  if (keys.size() - first < 2) {
    keys.resize(first);
    return {};
  }
  const auto begin = keys.begin() + static_cast<std::ptrdiff_t>(first);
  std::sort(begin, keys.end());
  const auto dup = std::adjacent_find(begin, keys.end());
  if (dup != keys.end()) {
    return MakeError(ErrorCode::kBadInput, "duplicate key \"" + std::string(*dup) + "\"");
  }
  keys.resize(first);
  return {};
}

}  // namespace

struct JsonEventParser::Impl {
  simdjson::dom::parser parser;
  std::vector<std::string_view> keys;  // CheckDuplicateKeys' scratch
};

JsonEventParser::JsonEventParser() : impl_(std::make_unique<Impl>()) {}
JsonEventParser::~JsonEventParser() = default;

Status JsonEventParser::Parse(std::string_view text, const formats::FormatDescriptor& format,
                              const formats::MapContext& context, Event& out) {
  element doc;
  auto err = impl_->parser.parse(text.data(), text.size(), true).get(doc);
  if (err != simdjson::SUCCESS) {
    return MakeError(ErrorCode::kBadInput,
                     std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) {
    return MakeError(ErrorCode::kBadInput,
                     std::string("not a JSON object but ") + formats::TypeName(TypeOf(doc.type())));
  }
  impl_->keys.clear();
  Status dup = CheckDuplicateKeys(doc, impl_->keys);
  if (!dup.ok()) return dup;

  const formats::FormatDescriptor& records = formats::RecordsOf(format);
  out = Event{};
  out.source_format = std::string(records.name);
  JsonRecord record(obj, records.numbers_as_text);
  if (records.map != nullptr) records.map(record, out, context);
  if (!record.ok()) return MakeError(ErrorCode::kBadInput, record.error());
  const formats::RecordStringsOf strings(record);
  formats::Label(out, &strings, !context.text_line);
  return {};
}

}  // namespace vigil::ingest
