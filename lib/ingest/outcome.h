#pragma once
// What `vigil ingest` reports beyond the store (vigil-ingest(1), OUTPUT and EXIT STATUS): the
// --errors file of rejected records, the --format json of a run and of --detect, and whether
// the run counts as bad input.

#include <optional>
#include <string>
#include <vector>

#include "core/file_io.h"
#include "core/result.h"
#include "ingest/ingest.h"

namespace vigil::ingest {

// --errors FILE: every rejected record as one NDJSON line (input, line, offset, reason and the
// first 4 KiB of raw). Written under a temporary name and renamed into place by Commit: a link
// at that path is refused, a file there is replaced, never written through or truncated (mode
// 0600: it holds raw log lines).
class RejectsFile {
 public:
  static Result<RejectsFile> Create(const std::string& path);
  void Add(const Rejection& r);
  // Writes what is buffered and puts the file in place; the first write error, if any.
  Status Commit();

 private:
  explicit RejectsFile(AtomicFile file) : file_(std::move(file)) {}
  AtomicFile file_;
  std::string buffer_;
  Status status_;
};

// --detect --format json: one object per input.
std::string DetectJson(const std::vector<InputSummary>& inputs);
// --format json: the run's counts, per format and per input.
std::string SummaryJson(const Summary& summary);
// kBadInput naming what ingest could not store (rejected records, inputs not read in full),
// else success.
Status Outcome(const Summary& summary);

}  // namespace vigil::ingest
