#pragma once
// One verify worker's sweep over its share of the store (step 2 of verifier.cpp): the chain
// entries with seq in its range, read once in chunks. For each chunk the links are checked in
// seq order (range_sweep.cpp), then the entries are grouped by table and merged with one
// ordered scan of the rows they claim (row_merge.cpp). Internal to verify/.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "crypto/sha256.h"
#include "crypto/sha256_many.h"
#include "store/canonical.h"
#include "store/database.h"
#include "store/table_pages.h"
#include "verify/findings.h"

namespace vigil::verify {

// One chain entry as a worker holds it while its chunk is checked.
struct Entry {
  int64_t seq;
  int64_t row_id;
  crypto::Digest record;  // the stored record_hash, when it has 32 bytes
  bool record_ok;
  std::string bad_record;  // the stored bytes otherwise (reported as they are)

  std::string RecordBytes() const {
    return record_ok ? std::string(crypto::DigestBytes(record)) : bad_record;
  }
};

class RangeSweep {
 public:
  static constexpr size_t kChunk = 16384;
  // Hashes wait in batches this large (a few hundred KB, so they stay in the L2 cache) and
  // are then hashed side by side (crypto/sha256_many.h).
  static constexpr size_t kLinkBatch = 1024;
  static constexpr size_t kRowBatch = 512;

  // `checked` counts the chain entries every worker has read, for Options::progress.
  // `image` (may be null) holds the pages of db's snapshot: rows are read from it where the
  // page reader can read their table (store/table_pages.h), through SQL otherwise.
  RangeSweep(store::Database& db, const store::PageImage* image,
             const std::vector<bool>& table_exists, WorkerOut& out, crypto::Sha256 sha,
             crypto::Sha256Many many, std::atomic<int64_t>& checked);

  Status Run(Range range);

  // Whether Run stopped because the page reader met something it does not read exactly: the
  // caller then starts over in SQL (GiveUpPages).
  bool gave_up() const { return gave_up_; }
  // Takes back this sweep's progress count, before the range is checked again.
  void Uncount() { checked_.fetch_sub(counted_, std::memory_order_relaxed); }

 private:
  // A chain entry whose link waits for its hash. Links are checked in seq order once the
  // batch is hashed, because a failed link changes how the next one is judged.
  struct PendingLink {
    enum class Mode : uint8_t { kSkip, kMalformed, kHash };
    Mode mode;
    uint32_t table;  // index into table_names_
    int64_t seq;
    int64_t row_id;
    crypto::Digest stored;
    crypto::Digest record;
  };

  // A row whose canonical encoding waits in rows_ for its hash.
  struct PendingRow {
    int64_t seq;
    int64_t row_id;
    const char* table;  // a TableDef name (static)
    const Entry* entry;
  };

  // One chain entry as read, valid until the next one is read.
  struct ChainRow {
    bool well_typed;
    int64_t seq;
    std::string_view table;
    int64_t row_id;
    std::string_view record_bytes;
    std::string_view chain_bytes;
  };

  // The query that reads a run of rows through SQL (PrepareRows).
  struct RowQuery {
    store::Statement stmt;
    bool in_place;
  };

  // A table read from the pages: its layout and a cursor over it.
  struct PageTable {
    store::TableLayout layout;
    store::TableCursor cursor;
    PageTable(const store::PageImage& image, store::TableLayout l)
        : layout(std::move(l)), cursor(image, layout) {}
  };

  // Where MergeRun reads the rows of one run of ids: the pages, a SQL query, or nothing (the
  // table is gone); and the row it stands on.
  struct RunSource {
    const char* table;
    int64_t lo;
    int64_t hi;
    PageTable* pages = nullptr;
    RowQuery* query = nullptr;
    bool have_row = false;
    int64_t row_id = 0;
  };

  // range_sweep.cpp: the chain entries and their links.
  void Count(size_t entries);
  Status ReadPrevious(Range range);
  uint32_t TableName(std::string_view table);
  template <typename Read>
  Status ReadChain(Range range, Read& read);
  void ReadLink(const ChainRow& entry);
  void CheckLinks();

  // row_merge.cpp: the rows the entries claim.
  Status CheckRows();
  void CheckRowHashes();
  Result<RowQuery> PrepareRows(const std::string& table);
  Result<PageTable*> PagesFor(const char* table, const char* key = "id");
  Status GiveUpPages(const char* table, const std::string& why);
  Status MergeRun(const char* table, bool exists, const std::vector<Entry>& all, size_t begin,
                  size_t end);
  Status OpenRun(bool exists, RunSource& source);
  Status Advance(RunSource& source, bool first);
  Status QueueEncoding(const RunSource& source);

  store::Database& db_;
  const store::PageImage* image_;
  const std::vector<bool>& exists_;
  WorkerOut& out_;
  crypto::Sha256 sha_;
  crypto::Sha256Many many_;
  std::string scratch_;
  crypto::Digest prev_{};
  int64_t prev_seq_ = 0;
  bool skip_link_ = false;
  std::optional<crypto::Digest> prev_expected_;  // set when the previous link failed
  // (seq, row_id) of the last entry seen per table: by index for vigil's, by name otherwise.
  std::vector<std::pair<int64_t, int64_t>> last_of_table_;
  std::map<std::string, std::pair<int64_t, int64_t>, std::less<>> last_of_unknown_;
  std::vector<std::vector<Entry>> by_table_;
  std::map<std::string, std::optional<RowQuery>> row_stmts_;
  std::map<std::string, std::unique_ptr<PageTable>> pages_;  // null: read through SQL
  bool gave_up_ = false;
  int64_t counted_ = 0;                   // entries this sweep added to checked_
  std::vector<std::string> table_names_;  // every table name an entry named
  uint32_t last_name_ = 0;
  crypto::HashBatch links_;
  std::vector<PendingLink> pending_links_;
  crypto::HashBatch rows_;
  store::RecordSink sink_{&rows_, 0};
  std::vector<PendingRow> pending_rows_;
  std::atomic<int64_t>& checked_;
};

// Splits [lo, hi] into `parts` ranges of equal width; the outer ranges extend to the ends of
// int64 so entries outside [lo, hi] are still seen by someone.
std::vector<Range> Split(int64_t lo, int64_t hi, unsigned parts);

}  // namespace vigil::verify
