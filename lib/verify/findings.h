#pragma once
// What verify's workers find (step 2 of verifier.cpp) and how the coordinator turns it into
// problems (step 3). Internal to verify/: the sweep that fills a WorkerOut is range_sweep.h,
// the classification is classify.cpp, the checkpoints are checkpoint_check.cpp.

#include <climits>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "crypto/sha256.h"
#include "store/database.h"
#include "verify/verifier.h"

namespace vigil::verify {

// A range of chain sequence numbers (or of row ids), both ends included.
struct Range {
  int64_t lo = INT64_MIN;
  int64_t hi = INT64_MAX;
};

struct LinkFailure {
  int64_t seq;
  std::string table;
  int64_t row_id;
  crypto::Digest expected;
  std::string actual;
  bool malformed = false;  // the entry could not be linked at all (a value of another type)
};

struct RowMismatch {
  int64_t seq;
  std::string table;
  int64_t row_id;
  std::string expected;  // stored record_hash bytes
  crypto::Digest actual;
};

struct OrphanRow {
  std::string table;
  int64_t row_id;
};

struct WorkerOut {
  Status status;
  int64_t entries = 0;
  int64_t rows = 0;
  std::vector<Problem> problems;
  std::vector<LinkFailure> links;
  std::vector<RowMismatch> mismatches;
  std::vector<OrphanRow> orphans;
  std::set<int64_t> out_of_order;
  std::set<int64_t> duplicates_reported;  // seqs already reported as a second entry
  // Entries that link only to what the previous entry's chain_hash should have been: that
  // hash alone was altered.
  std::set<int64_t> linked_to_expected;
  bool read_pages = false;     // rows were read from the file's pages
  bool read_sql = false;       // rows were read through SQL
  std::string pages_declined;  // why the page reader was not used, or gave up
  // Per chained table (index into ChainedTables()): the [min, max] row ids of each chunk's
  // entries, so the coordinator can find rows that no chunk looked at.
  std::vector<std::vector<std::pair<int64_t, int64_t>>> covered;
};

Problem MakeProblem(ProblemKind kind, std::optional<int64_t> seq, std::string table,
                    std::optional<int64_t> row_id, std::string detail);

// The coordinator's connection (in the snapshot the workers read), what it has learnt so far
// and the problems it has classified.
struct Coordinator {
  const Options& options;
  store::Database db;
  Summary summary;
  std::vector<Problem> problems;
};

// Rows no worker looked at, and entries of two workers claiming one row: added to outs.front().
Status FindUnclaimedRows(Coordinator& c, const std::vector<bool>& table_exists,
                         std::vector<WorkerOut>& outs);
// Turns the workers' raw findings into classified problems in c.problems.
Status Classify(Coordinator& c, std::vector<WorkerOut>& outs);
// Checks the store's checkpoints and the detached ones against the chain: fills
// c.summary's checkpoint counts and adds their problems.
Status CheckCheckpoints(Coordinator& c);

}  // namespace vigil::verify
