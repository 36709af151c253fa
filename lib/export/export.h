#pragma once
// vigil export (vigil-export(1)): incidents, or the events of incidents, as data files for
// other tools (JSON, NDJSON, CSV, Markdown), written to a file or standard output. A file
// written is recorded in table reports (format, path, SHA-256) under the chain, so an auditor
// can tell later whether the file handed over is the one vigil wrote.

#include <cstdint>
#include <string>

#include "core/result.h"
#include "report/facts.h"
#include "report/render.h"

namespace vigil::store {
class Database;
}

namespace vigil::report {

struct ExportOptions {
  std::string format = "json";  // json, ndjson, csv, markdown
  bool events = false;          // the incidents' events instead of the incidents
  std::string output = "-";     // a path, or - for standard output
  Filter filter;
  RenderOptions render;
};

struct ExportSummary {
  std::string content;  // what was written (for standard output, the caller prints it)
  int64_t incidents = 0, events = 0;
  std::string sha256;     // hex, of the content
  int64_t report_id = 0;  // the reports row (0 for standard output)
};

Result<ExportSummary> Export(store::Database& db, const ExportOptions& options);

// A CSV field per RFC 4180, quoted when needed; a text that a spreadsheet would run as a
// formula (=, +, -, @, tab, CR at the start) is prefixed with a single quote.
std::string CsvField(std::string_view text);

}  // namespace vigil::report
