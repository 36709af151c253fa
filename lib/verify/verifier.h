#pragma once
// `vigil verify`: recompute every record hash and every chain link of a store, check its
// signed checkpoints, and say exactly where and how it was broken (vigil-store(5), VERIFYING).
//
// Every chain entry stores its own chain_hash, so each link can be checked on its own: the
// chain is split into ranges and each chained table into id ranges, one per worker thread,
// each with its own read-only connection. All connections read one snapshot: the verifier
// holds the write lock (when the file is writable) while the workers start their reads.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "crypto/sha256.h"
#include "crypto/signed_note.h"

namespace vigil::verify {

enum class ProblemKind {
  kModified,      // a row or chain entry differs from what was sealed
  kDeleted,       // a sealed row or chain entry is gone
  kInserted,      // a row or chain entry that was never sealed
  kReordered,     // sealed content sits at another place than it was sealed at
  kTruncated,     // entries after the current head were sealed and are gone
  kBadSignature,  // a checkpoint that no trusted key signed, or that names another store
  kRewritten,     // the chain is consistent but disagrees with a signed checkpoint
  kIndex,         // an index entry differs from its table's row (indexes are not chained)
  kSchema,        // a table, index, trigger or view differs from the schema vigil creates
};

// "modified", "deleted", "inserted", "reordered", "truncated", "bad_signature", "rewritten",
// "index", "schema".
const char* ProblemKindName(ProblemKind kind);

struct Problem {
  ProblemKind kind = ProblemKind::kModified;
  std::optional<int64_t> seq;     // first sequence number this problem breaks
  std::string table;              // empty when not about one row
  std::optional<int64_t> row_id;  // the row in `table`
  std::string expected;           // hex hash (or count) that was sealed
  std::string actual;             // hex hash (or count) found
  std::string detail;             // one sentence for people
};

// How rows are read: from the store file's pages where that gives exactly what SQL gives
// (store/table_pages.h), else through SQL; or always through SQL.
enum class Reader { kAuto, kSql };

struct Options {
  std::string db_path;
  Reader reader = Reader::kAuto;
  unsigned jobs = 0;  // worker threads; 0 = one per core
  // Keys whose signatures count. Empty: checkpoints are checked only against the key each
  // one records, which shows edits but not a forger who re-signs with a key of their own.
  std::vector<crypto::NoteVerifier> trusted_keys;
  // Checkpoints kept off the machine: (name for messages, signed note text).
  std::vector<std::pair<std::string, std::string>> detached_checkpoints;
  size_t max_problems = 1000;  // problems listed (all are counted)
  // May be empty. Called on the calling thread every `progress_every` while the workers run,
  // and once when they are done: chain entries checked so far, and the head's sequence
  // number (entries a forger put outside 1..head are checked too, so `done` can pass `total`).
  std::function<void(int64_t done, int64_t total)> progress;
  std::chrono::milliseconds progress_every{200};
};

struct Summary {
  bool verified = false;
  int64_t records = 0;    // chain entries read
  int64_t rows = 0;       // rows of chained tables hashed
  int64_t head_seq = 0;   // sequence number of the head
  crypto::Digest head{};  // chain hash of the head (zeros for an empty store)
  std::optional<int64_t> first_broken_seq;
  std::vector<Problem> problems;  // sorted by seq (none last), at most max_problems
  size_t problems_total = 0;
  int64_t checkpoints = 0;             // checkpoints examined (in the store and detached)
  int64_t checkpoints_valid = 0;       // of those, signed by an accepted key and matching the chain
  bool trusted = false;                // whether signatures were checked against trusted keys
  std::optional<int64_t> sealed_size;  // largest size vouched for by a valid checkpoint
  std::string store_id;
  unsigned jobs = 0;
  std::string sha256;  // the SHA-256 backend that hashed (crypto/sha256_many.h)
  // How the chain and the rows were read: "pages", "sql" or "mixed" (some of each).
  std::string reader;
  std::string reader_note;  // why SQL read some rows, when it did
};

// kNotFound / kStore when the store cannot be read at all. A tampered store is not an error:
// it is a Summary with verified == false.
Result<Summary> Run(const Options& options);

}  // namespace vigil::verify
