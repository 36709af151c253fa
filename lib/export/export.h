#pragma once
// The export stage (vigil-export(1)): incidents, or the events of incidents, as a PDF report or
// as data files for other tools (JSON, NDJSON, CSV, Markdown), written to a file or returned
// for standard output. A file written is recorded in table reports (format, path, SHA-256)
// under the chain, so an auditor can tell later whether the file handed over is the one vigil
// wrote. The drafting and rendering are report/'s; this stage picks the format, writes the
// file and records it.
//
// Reads: the incidents the filter selects (report::ReadIncidents), their events for --events,
// and for a PDF the chain head, the newest checkpoint and the activity counts of vigil stats.
// Writes: for a file, the file (temp + rename) and one row of table reports under the chain;
// nothing for standard output.
// Errors: kUsage for an unknown format or --events with markdown or pdf, or a filter naming a
// missing incident; kIo when the file cannot be written (or the PDF fonts are missing);
// kStore, kCrypto when the store or hashing fails; kInternal when PoDoFo does.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "report/facts.h"
#include "report/render.h"

namespace vigil::store {
class Database;
}

namespace vigil::exporter {

struct Options {
  std::string format = "json";  // json, ndjson, csv, markdown, pdf
  bool events = false;          // the incidents' events instead of the incidents
  std::string output = "-";     // a path, or - for standard output
  report::Filter filter;
  report::RenderOptions render;
};

struct Summary {
  std::string content;  // what was written (for standard output, the caller prints it)
  int64_t incidents = 0, events = 0;
  std::string sha256;     // hex, of the content
  int64_t report_id = 0;  // the reports row (0 for standard output)
};

Result<Summary> Run(const Options& options, store::Database& db);

// The export formats, in the order --format lists them.
std::vector<std::string> FormatNames();

// The export format a file name asks for by its extension (.pdf, .json, .ndjson or .jsonl,
// .csv, .md or .markdown); "" for any other name.
std::string FormatOfPath(std::string_view path);

// A CSV field per RFC 4180, quoted when needed; a text that a spreadsheet would run as a
// formula (=, +, -, @, tab, CR at the start) is prefixed with a single quote.
std::string CsvField(std::string_view text);

}  // namespace vigil::exporter
