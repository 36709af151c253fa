#pragma once
// What the chain does not seal but every reading command relies on: the store's schema (a
// trigger or view could drop or alter rows) and its indexes (an index entry pointing at
// another row makes a query show another incident's rows). See vigil-store(5), VERIFYING.

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"
#include "store/index_check.h"
#include "verify/verifier.h"

namespace vigil::verify {

// Problems of kind schema: each difference from the schema this vigil creates.
Result<std::vector<Problem>> SchemaProblems(store::Database& db);

// Compares every index with its table. Plan on the coordinator's connection, then each worker
// calls Work on its own connection (same snapshot) until no task is left, then Problems.
class IndexCheck {
 public:
  static Result<IndexCheck> Plan(store::Database& db);
  IndexCheck(IndexCheck&& other) noexcept;

  const store::IndexKey& key() const { return key_; }
  // Runs tasks (a table scan or an index scan) until none is left. Thread-safe.
  void Work(store::Database& db);
  // Compares what the tasks found and lists the entries of each index that differs (read on
  // `db`, in the same snapshot). At most `limit` entries per index.
  Result<std::vector<Problem>> Problems(store::Database& db, int64_t limit);

 private:
  IndexCheck() = default;
  struct TableTask {
    std::string table;
    std::vector<store::IndexDef> indexes;
    int64_t size = 0;  // largest rowid, to start the big scans first
    std::optional<Result<std::vector<store::IndexDigest>>> through_table;
    std::vector<std::optional<Result<store::IndexDigest>>> through_index;
  };
  struct Task {
    size_t table;
    std::optional<size_t> index;  // none: the table scan
  };
  Result<int64_t> SeqOf(store::Database& db, const std::string& table, int64_t rowid,
                        bool chain_index_ok);

  store::IndexKey key_{};
  std::vector<TableTask> tables_;
  std::vector<Task> tasks_;
  std::atomic<size_t> next_{0};
};

}  // namespace vigil::verify
