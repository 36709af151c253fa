#pragma once
// Cutting a JSON document into its records without parsing them: the elements of a top-level
// array, or of every array value of a top-level object (a CloudTrail {"Records": [...]}
// file, an analysis bundle {"firewall_logs": [...], ...}). Each record keeps its exact bytes,
// its line and its offset, and is parsed on its own later, so one bad record costs only itself.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::ingest {

struct JsonItem {
  std::string_view text;  // the element, verbatim
  std::string key;        // the array's key in the top-level object; empty for a top-level array
  int64_t line = 0;       // 1-based line where the element starts
  int64_t offset = 0;     // its byte offset in the document
};

struct SplitResult {
  std::vector<JsonItem> items;
  // Set when the document's structure breaks (unterminated string, missing bracket): the
  // rest of the document from `error_offset` on is not split.
  std::string error;
  int64_t error_line = 0;
  int64_t error_offset = 0;
};

SplitResult SplitJsonDocument(std::string_view doc);

}  // namespace vigil::ingest
