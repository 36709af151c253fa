#pragma once
// Deterministic synthetic stores for tests and benchmarks: events shaped like the output of
// ../shared/bench/gen_events.py (about 300-byte raw JSON plus normalised fields), and a few
// rows in every other chained table. Written through the real ChainWriter.

#include <cstdint>
#include <string>

#include "core/result.h"

namespace vigil::testing {

struct PopulateOptions {
  int64_t events = 100;
  int64_t incidents = 3;       // each with links, a score, a review, an alert and a report
  int64_t batch_size = 50000;  // rows per transaction
  uint64_t seed = 42;
};

// Creates the store if needed and appends to it.
Status Populate(const std::string& db_path, const PopulateOptions& options);

// Makes a store's events what vigil of store schema 6 wrote (issue 20): product, service and
// source_country (and schema 8's details and batches.timezone) NULL and then dropped, every chain
// entry sealed again as that vigil sealed it (the events' record hashes without the three, and the
// links after them), user_version 6. For a store without checkpoints.
Status EventsAsSchema6(const std::string& db_path);

}  // namespace vigil::testing
