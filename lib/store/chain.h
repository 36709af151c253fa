#pragma once
// Appending to chained tables. Every row written through a ChainWriter gets, in the same
// transaction, a chain entry (seq, tbl, row_id, record_hash, chain_hash); see vigil-store(5).
//
// Use:
//   auto tx = Transaction::Begin(db, Transaction::Kind::kImmediate);
//   auto writer = ChainWriter::Begin(db);          // reads the head under the write lock
//   writer->Append("events", values); ...
//   tx->Commit();
// After any error the writer and its transaction must be abandoned (the transaction rolls
// back, and the writer's idea of the head is stale).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "crypto/sha256.h"
#include "store/canonical.h"
#include "store/database.h"
#include "store/value.h"

namespace vigil::store {

struct ChainHead {
  int64_t seq = 0;        // 0 for an empty chain
  crypto::Digest hash{};  // 32 zero bytes for an empty chain
};

// The newest entry of the chain as stored (not verified).
Result<ChainHead> ReadHead(Database& db);

// The record hash ChainWriter seals for `values` in `table` (the same checks, the same
// encoding), for callers that compute it on another thread. kInternal for a row Append would
// refuse. `sha` and `scratch` are reused by the caller.
Result<crypto::Digest> RecordHashOf(std::string_view table, const std::vector<Value>& values,
                                    crypto::Sha256& sha, CanonicalRow& scratch);

class ChainWriter {
 public:
  // Must be called inside an immediate (write) transaction on `db`.
  static Result<ChainWriter> Begin(Database& db);

  // Inserts one row into chained table `table` and appends its chain entry. `values` holds
  // every column after `id`, in declaration order, each NULL or of the declared type:
  // anything else is kInternal (a bug in the caller, caught before SQLite could coerce it).
  // Returns the new row's id.
  Result<int64_t> Append(std::string_view table, const std::vector<Value>& values);

  // As Append, but a row that collides with an existing one on a UNIQUE column (such as
  // events.record_key) is skipped: nullopt, no row and no chain entry. A row dropped for any
  // other reason (a trigger's RAISE(IGNORE)) is kStore, as is any insert that does not write
  // exactly one row. `record_hash`, when
  // given, must be RecordHashOf(table, values): it lets another thread do that work.
  Result<std::optional<int64_t>> AppendIfNew(std::string_view table,
                                             const std::vector<Value>& values,
                                             const crypto::Digest* record_hash = nullptr);

  const ChainHead& head() const { return head_; }

 private:
  ChainWriter(Database& db, crypto::Sha256 sha, Statement chain_insert, ChainHead head);
  Result<Statement*> InsertFor(std::string_view table, bool or_ignore);
  Error NotOneRow(std::string_view table, int64_t changes) const;
  // After an ignored insert: ok only if the row repeats one already stored (UNIQUE).
  Status CheckRepeat(std::string_view table, const std::vector<Value>& values);
  Result<std::optional<int64_t>> Insert(std::string_view table, const std::vector<Value>& values,
                                        bool or_ignore, const crypto::Digest* record_hash);

  Database* db_;
  crypto::Sha256 sha_;
  Statement chain_insert_;
  std::map<std::string, Statement, std::less<>> inserts_[2];  // [or_ignore]: plain, OR IGNORE
  ChainHead head_;
  CanonicalRow canonical_;
  std::string scratch_;
};

}  // namespace vigil::store
