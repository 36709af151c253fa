#pragma once
// Zeek TSV logs: the "#" header lines set the separator, the unset and empty markers, the field
// names and types; each data line becomes a JSON object with those names (typed: numbers,
// booleans, strings; unset fields left out), which the Zeek JSON mapper then reads.

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigil::ingest {

class ZeekTsv {
 public:
  // true when `line` was a header line (consumed here).
  bool Header(std::string_view line);
  // The JSON object for one data line. kBadInput before a #fields header.
  Result<std::string> ToJson(std::string_view line) const;

 private:
  std::string separator_ = "\t";
  bool empty_separator_ = false;  // the last #separator header was empty
  std::string unset_ = "-";
  std::string empty_ = "(empty)";
  std::string path_;
  std::vector<std::string> fields_;
  std::vector<std::string> types_;
};

}  // namespace vigil::ingest
