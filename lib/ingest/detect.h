#pragma once
// Recognising an input's format from its first bytes (vigil-ingest(1), DETECTION). The shape
// of the lines (JSON objects, a Zeek header, CEF, syslog, CSV) is told here; which JSON format
// a line or document is, the descriptors say (json_line, document_keys, document_array).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/format.h"

namespace vigil::ingest {

struct Detection {
  const formats::FormatDescriptor* format = nullptr;  // never nullptr in a returned Detection
  std::string confidence;                             // "high", "medium", "low"
  std::string reason;                                 // what gave it away
  bool document = false;  // one JSON document (array, bundle, {"Records": [...]}), not lines
};

// The format of an input starting with `head`; nullopt when nothing fits.
std::optional<Detection> Detect(std::string_view head);

}  // namespace vigil::ingest
