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

}  // namespace vigil::testing
