// JSON records into events. Each record is parsed on its own into a DOM (json/json.h: a bad
// record costs only itself), checked for duplicate keys, and handed as a formats::Record to
// its format's mapping (formats/<name>.cpp).
#include "ingest/json_event.h"

#include <vector>

#include "formats/labels.h"
#include "ingest/json_record.h"
#include "json/json.h"

namespace vigil::ingest {

struct JsonEventParser::Impl {
  json::Parser parser;
  // Keys of every object in the record, checked for repeats: JSON leaves their meaning open,
  // and two readers would see two different records. Scratch reused across records.
  std::vector<std::string_view> keys;
};

JsonEventParser::JsonEventParser() : impl_(std::make_unique<Impl>()) {}
JsonEventParser::~JsonEventParser() = default;

Status JsonEventParser::Parse(std::string_view text, const formats::FormatDescriptor& format,
                              const formats::MapContext& context, Event& out) {
  auto doc = impl_->parser.Parse(text);
  if (!doc) return doc.error();
  if (!doc->IsObject()) {
    return MakeError(ErrorCode::kBadInput, std::string("not a JSON object but ") +
                                               formats::TypeName(TypeOf(doc->type())));
  }
  impl_->keys.clear();
  if (auto dup = doc->DuplicateKey(impl_->keys)) {
    return MakeError(ErrorCode::kBadInput, "duplicate key \"" + std::string(*dup) + "\"");
  }

  const formats::FormatDescriptor& records = formats::RecordsOf(format);
  out = Event{};
  out.source_format = std::string(records.name);
  JsonRecord record(*doc, records.numbers_as_text);
  if (records.map != nullptr) records.map(record, out, context);
  if (!record.ok()) return MakeError(ErrorCode::kBadInput, record.error());
  out.ts_local = out.ts_from_record && record.time_was_local();
  const formats::RecordStringsOf strings(record);
  formats::Label(out, &strings, !context.text_line);
  return {};
}

}  // namespace vigil::ingest
