#pragma once
// JSON records into events (vigil-ingest(1), FORMATS): one parser for every JSON-shaped
// format; the mapping is the format's (formats/format.h). A record is one JSON object: an
// NDJSON line, an element of a JSON array, a CloudTrail "Records" array or an analysis
// bundle, or a CEF line, CSV row or Zeek TSV row turned into JSON.

#include <memory>
#include <string_view>

#include "core/event.h"
#include "core/result.h"
#include "formats/format.h"

namespace vigil::ingest {

class JsonEventParser {
 public:
  JsonEventParser();
  ~JsonEventParser();
  JsonEventParser(const JsonEventParser&) = delete;
  JsonEventParser& operator=(const JsonEventParser&) = delete;

  // Parses one record of `format` (mapped as formats::RecordsOf(format); the event's
  // source_format is that format's name). kBadInput with a one-line reason ("invalid JSON:
  // ...", "ts: missing", "dst_port: expected an integer, got a string", "duplicate key \"ts\"")
  // when it is malformed.
  Status Parse(std::string_view text, const formats::FormatDescriptor& format,
               const formats::MapContext& context, Event& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::ingest
