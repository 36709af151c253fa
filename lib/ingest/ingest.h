#pragma once
// `vigil ingest`: reads logs in any supported format, normalises each record into an Event and
// appends them to the store under the hash chain; bad records go to quarantine, verbatim.
// See vigil-ingest(1) for formats and mapping, vigil-store(5) for the tables.
//
// Records are keyed (events.record_key, see record_key.h) by their time and content: the event
// time, then a SHA-256 over the format and the raw record (for the n-th earlier occurrence of
// the same record in one input, over that hash and n). Re-reading a file, or a file that has
// grown, stores only what is new, and identical records stay distinct; a crash loses at most the
// uncommitted batch, and running again stores it exactly once.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time_zone.h"
#include "formats/format.h"
#include "store/database.h"

namespace vigil::ingest {

struct Options {
  std::vector<std::string> inputs;  // paths; "-" is standard input; none means "-"
  // Forced by --input-format (a formats::All() entry); nullptr: detected per input.
  const formats::FormatDescriptor* format = nullptr;
  std::optional<int> year;  // year of RFC 3164 syslog lines; else from the file's mtime
  // Zone-less times (RFC 3164 syslog, ISO 8601 without an offset) are the logging host's wall
  // clock: converted to UTC from zone_for(path) of each input (a file under a given directory
  // by its own path) when that is set and not null, else from `timezone` (--timezone; UTC).
  TimeZone timezone;
  std::function<const TimeZone*(const std::string& path)> zone_for;
  int64_t now_us = 0;                    // when the batch runs (recorded; dates single events)
  std::string command;                   // recorded in batches.command
  size_t batch_size = 5000;              // records per transaction, at most
  int64_t commit_interval_us = 1000000;  // and a commit at least this often (pipes stay open)
  size_t max_record = 4u << 20;          // --max-record-size: longer records are quarantined cut
  // Called every few thousand records with the input's name, records read so far and bytes
  // consumed; for a progress display. May be empty.
  std::function<void(const std::string& input, int64_t records, int64_t bytes)> on_progress;
};

struct InputSummary {
  std::string name;
  std::string format;      // the format's name, or "unknown"
  std::string confidence;  // "forced" with --input-format
  std::string reason;
  int64_t read = 0;        // records read (lines, or elements of a JSON document)
  int64_t stored = 0;      // events stored
  int64_t duplicates = 0;  // events already in the store
  int64_t rejected = 0;    // records quarantined
  // Empty, or why the input could not be opened, told or read to its end ("cannot open: ...",
  // "cannot tell the format ...", "truncated: ..."); what was read of it is stored.
  std::string error;
  // RFC 3164 syslog lines carry no year: the year of the input's first line, and which rule
  // chose it (--year, or the input's modification time); 0 and "" for other inputs.
  int syslog_year = 0;
  std::string syslog_year_why;
  // Events whose record gave only an hour of day: dated on the day of ingest (UTC).
  int64_t dated_by_ingest = 0;
  std::string timezone;  // the zone its zone-less times were read in
  int64_t zoneless = 0;  // events whose time had no zone (converted from `timezone`)
};

struct Summary {
  int64_t read = 0;
  int64_t stored = 0;
  int64_t duplicates = 0;
  int64_t rejected = 0;
  int64_t unread_inputs = 0;               // inputs with an error
  std::map<std::string, int64_t> formats;  // events stored or already present, per format
  std::vector<InputSummary> inputs;
  int64_t batch_id = 0;
};

// A record that was rejected (and quarantined). `raw` lives only during the call.
struct Rejection {
  std::string input;
  int64_t line = 0;
  int64_t offset = 0;
  std::string reason;
  std::string_view raw;
};
using RejectionSink = std::function<void(const Rejection&)>;

// Reports each input's format without reading further (vigil ingest --detect).
Result<std::vector<InputSummary>> DetectInputs(const std::vector<std::string>& inputs);

// Ingests every input into `db` (opened for writing); a directory stands for the files under it
// (sorted, recursively, hidden ones left out). An input that cannot be opened, told or read to
// its end gets an InputSummary::error and the others are read; only the store failing is an
// error. Bad records are not errors: they are counted, quarantined and passed to `on_reject`.
// Reads: the inputs, and the store's record keys (duplicates). Writes: events, quarantine and
// batches, under the chain. Errors: kUsage for a bad option, kStore when the store fails.
// The third parameter is the shape of a stage that reports per-record diagnostics.
Result<Summary> Run(const Options& options, store::Database& db, const RejectionSink& on_reject);

}  // namespace vigil::ingest
