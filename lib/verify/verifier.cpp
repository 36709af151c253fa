// Verification runs in three steps (vigil-store(5), VERIFYING):
//  1. Under the store's write lock, read the head and each chained table's id range, and let
//     every worker connection start its read transaction, so all of them see one snapshot.
//  2. Workers sweep in parallel: worker j checks the links of chain entries in its seq range
//     and hashes the rows of every chained table in its id range, merging them with the
//     chain entries that claim those rows. The links can be checked independently because
//     each entry stores its own chain_hash.
//  3. The findings are classified (reordered or modified, where an orphan row belongs),
//     checkpoints are checked against the chain, and problems are sorted by sequence number.
#include "verify/verifier.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <span>
#include <thread>

#include "core/encoding.h"
#include "crypto/sha256_many.h"
#include "store/canonical.h"
#include "store/database.h"
#include "store/index_check.h"
#include "store/schema.h"
#include "store/store.h"
#include "store/table_pages.h"
#include "verify/checkpoint.h"
#include "verify/structure_check.h"

namespace vigil::verify {
namespace {

using crypto::Digest;
using store::Database;
using store::Statement;
using store::TableDef;
using store::ValueType;

struct Range {
  int64_t lo = INT64_MIN;
  int64_t hi = INT64_MAX;
};

struct LinkFailure {
  int64_t seq;
  std::string table;
  int64_t row_id;
  Digest expected;
  std::string actual;
  bool malformed = false;  // the entry could not be linked at all (a value of another type)
};

struct RowMismatch {
  int64_t seq;
  std::string table;
  int64_t row_id;
  std::string expected;  // stored record_hash bytes
  Digest actual;
};

struct OrphanRow {
  std::string table;
  int64_t row_id;
};

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

std::string Hex(std::string_view bytes) { return ToHex(bytes); }

Problem MakeProblem(ProblemKind kind, std::optional<int64_t> seq, std::string table,
                    std::optional<int64_t> row_id, std::string detail) {
  Problem p;
  p.kind = kind;
  p.seq = seq;
  p.table = std::move(table);
  p.row_id = row_id;
  p.detail = std::move(detail);
  return p;
}

Result<Database> OpenWorkerConnection(const std::string& path, const store::IndexKey& key) {
  auto db = Database::Open(path, Database::Mode::kReadOnly);
  if (!db) return db.error();
  Status s = store::ConfigureConnection(*db, store::StoreAccess::kRead);
  // Rows are read once, in order: map the file instead of copying pages through the cache.
  if (s.ok()) s = db->Exec("PRAGMA mmap_size = 68719476736", "map the store");
  if (s.ok()) s = store::RegisterRecordFunction(*db);
  if (s.ok()) s = store::RegisterIndexDigest(*db, key);
  if (s.ok()) s = db->Exec("BEGIN", "begin snapshot");
  if (!s.ok()) return s.error();
  // A WAL read transaction takes its snapshot at the first read, so read now.
  auto pinned = db->QueryInteger("SELECT count(*) FROM sqlite_schema", "start snapshot");
  if (!pinned) return pinned.error();
  return db;
}

// Checks a worker's share of the store: the chain entries with seq in its range, read once in
// chunks. For each chunk the links are checked in seq order, then the entries are grouped by
// table and merged with one ordered scan of the rows they claim.
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
  RangeSweep(Database& db, const store::PageImage* image, const std::vector<bool>& table_exists,
             WorkerOut& out, crypto::Sha256 sha, crypto::Sha256Many many,
             std::atomic<int64_t>& checked)
      : db_(db),
        image_(image),
        exists_(table_exists),
        out_(out),
        sha_(std::move(sha)),
        many_(std::move(many)),
        checked_(checked) {
    const size_t tables = store::ChainedTables().size();
    out_.covered.resize(tables);
    by_table_.resize(tables);
    last_of_table_.resize(tables);
  }

  Status Run(Range range) {
    // Row encodings go from SQLite straight into rows_ where they can (PrepareRows).
    Status s = store::RegisterRecordSink(db_, &sink_);
    if (s.ok()) s = ReadPrevious(range);
    if (!s.ok()) return s;
    size_t in_chunk = 0;
    auto read = [&](const ChainRow& entry) -> Status {
      ReadLink(entry);
      if (pending_links_.size() == kLinkBatch) CheckLinks();
      if (++in_chunk == kChunk) {
        Status checked = CheckRows();
        if (!checked.ok()) return checked;
        Count(in_chunk);
        in_chunk = 0;
      }
      return {};
    };
    s = ReadChain(range, read);
    if (!s.ok()) return s;
    CheckLinks();
    s = CheckRows();
    if (!s.ok()) return s;
    Count(in_chunk);
    if (!sha_.ok() || !many_.ok()) return MakeError(ErrorCode::kCrypto, "SHA-256 failed");
    return {};
  }

  // Whether Run stopped because the page reader met something it does not read exactly: the
  // caller then starts over in SQL (GiveUpPages).
  bool gave_up() const { return gave_up_; }
  // Takes back this sweep's progress count, before the range is checked again.
  void Uncount() { checked_.fetch_sub(counted_, std::memory_order_relaxed); }

 private:
  void Count(size_t entries) {
    counted_ += static_cast<int64_t>(entries);
    checked_.fetch_add(static_cast<int64_t>(entries), std::memory_order_relaxed);
  }
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

  Status ReadPrevious(Range range) {
    if (range.lo == INT64_MIN) return {};
    auto before = db_.Prepare(
        "SELECT seq, chain_hash FROM chain WHERE seq < ?1 "
        "ORDER BY seq DESC LIMIT 1",
        "read previous chain entry");
    if (!before) return before.error();
    Status s = before->BindInteger(1, range.lo);
    if (!s.ok()) return s;
    auto row = before->Step();
    if (!row) return row.error();
    if (*row) {
      prev_seq_ = before->ColumnInteger(0);
      auto d = crypto::DigestFromBytes(before->ColumnBlob(1));
      if (d) prev_ = *d;  // a malformed one is reported by the worker that owns it
    }
    return {};
  }

  uint32_t TableName(std::string_view table) {
    if (!table_names_.empty() && table_names_[last_name_] == table) return last_name_;
    for (uint32_t i = 0; i < table_names_.size(); ++i) {
      if (table_names_[i] == table) return last_name_ = i;
    }
    table_names_.emplace_back(table);
    return last_name_ = static_cast<uint32_t>(table_names_.size() - 1);
  }

  // Reads the chain entries with seq in `range`, in seq order, into `read`: from the pages
  // when the page reader can read the chain, else through SQL.
  template <typename Read>
  Status ReadChain(Range range, Read& read) {
    auto pages = PagesFor("chain", "seq");
    if (!pages) return pages.error();
    if (PageTable* chain = *pages) {
      out_.read_pages = true;
      std::array<store::ColumnValue, 4> v;
      for (auto state = chain->cursor.Seek(range.lo);; state = chain->cursor.Next()) {
        if (state == store::TableCursor::State::kGiveUp) {
          return GiveUpPages("chain", chain->cursor.why());
        }
        if (state == store::TableCursor::State::kEnd || chain->cursor.rowid() > range.hi) break;
        if (!chain->cursor.ReadColumns(v)) return GiveUpPages("chain", chain->cursor.why());
        // SQL converts a value of another storage class when it is read as this one; such an
        // entry (which a STRICT table cannot hold) is left to SQL.
        if (v[0].type != ValueType::kText || v[1].type != ValueType::kInteger ||
            v[2].type != ValueType::kBlob || v[3].type != ValueType::kBlob) {
          return GiveUpPages("chain", "an entry of another storage class");
        }
        Status s = read(ChainRow{true, chain->cursor.rowid(), v[0].bytes, v[1].integer, v[2].bytes,
                                 v[3].bytes});
        if (!s.ok()) return s;
      }
      return {};
    }
    out_.read_sql = true;
    auto stmt = db_.Prepare(
        "SELECT seq, tbl, row_id, record_hash, chain_hash FROM chain "
        "WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq",
        "read chain");
    if (!stmt) return stmt.error();
    Status s = stmt->BindInteger(1, range.lo);
    if (s.ok()) s = stmt->BindInteger(2, range.hi);
    if (!s.ok()) return s;
    for (;;) {
      auto row = stmt->Step();
      if (!row) return row.error();
      if (!*row) break;
      // An entry whose columns have the wrong storage class is malformed: it cannot link.
      // Check before reading values: reading converts them and changes the reported class.
      const bool well_typed =
          stmt->ColumnType(1) == ValueType::kText && stmt->ColumnType(2) == ValueType::kInteger &&
          stmt->ColumnType(3) == ValueType::kBlob && stmt->ColumnType(4) == ValueType::kBlob;
      s = read(ChainRow{well_typed, stmt->ColumnInteger(0), stmt->ColumnText(1),
                        stmt->ColumnInteger(2), stmt->ColumnBlob(3), stmt->ColumnBlob(4)});
      if (!s.ok()) return s;
    }
    return {};
  }

  // One chain entry as read, valid until the next one is read.
  struct ChainRow {
    bool well_typed;
    int64_t seq;
    std::string_view table;
    int64_t row_id;
    std::string_view record_bytes;
    std::string_view chain_bytes;
  };

  // An entry as read (in seq order): its place in the sequence and in its table, and its link
  // queued for hashing.
  void ReadLink(const ChainRow& entry) {
    ++out_.entries;
    const auto& [well_typed, seq, table, row_id, record_bytes, chain_bytes] = entry;

    if (seq <= prev_seq_) {
      out_.problems.push_back(MakeProblem(ProblemKind::kInserted, seq, std::string(table), row_id,
                                          "chain entry out of sequence"));
      return;
    }
    if (seq > prev_seq_ + 1) {
      Problem p = MakeProblem(ProblemKind::kDeleted, prev_seq_ + 1, {}, std::nullopt,
                              seq == prev_seq_ + 2
                                  ? "chain entry " + std::to_string(prev_seq_ + 1) + " is missing"
                                  : "chain entries " + std::to_string(prev_seq_ + 1) + " to " +
                                        std::to_string(seq - 1) + " are missing");
      p.expected = std::to_string(prev_seq_ + 1);
      p.actual = std::to_string(seq);
      out_.problems.push_back(std::move(p));
      skip_link_ = true;  // the link of the entry after a gap cannot be checked
    }
    auto record = crypto::DigestFromBytes(record_bytes);
    auto stored = crypto::DigestFromBytes(chain_bytes);
    const int table_index = TableIndex(table);
    std::pair<int64_t, int64_t>* last = nullptr;
    if (table_index < 0) {
      out_.problems.push_back(MakeProblem(ProblemKind::kInserted, seq, std::string(table), row_id,
                                          "chain entry for a table vigil does not seal"));
      last = &last_of_unknown_[std::string(table)];
    } else {
      const auto t = static_cast<size_t>(table_index);
      Entry e{seq, row_id, record ? *record : crypto::Digest{}, static_cast<bool>(record), {}};
      if (!record) e.bad_record = std::string(record_bytes);
      by_table_[t].push_back(std::move(e));
      last = &last_of_table_[t];
    }
    if (last->first != 0 && row_id <= last->second) {
      out_.out_of_order.insert(seq);
      out_.out_of_order.insert(last->first);
    }
    *last = {seq, row_id};

    PendingLink link{PendingLink::Mode::kSkip, 0, seq, row_id, {}, {}};
    if (!skip_link_) {
      if (well_typed && record && stored) {
        link.mode = PendingLink::Mode::kHash;
        link.table = TableName(table);
        link.stored = *stored;
        link.record = *record;
        scratch_.clear();
        store::AppendChainLink(scratch_, prev_, seq, table, row_id, *record);
        links_.Add(scratch_);
      } else {
        link.mode = PendingLink::Mode::kMalformed;
        out_.links.push_back(
            {seq, std::string(table), row_id, {}, std::string(chain_bytes), /*malformed=*/true});
      }
    }
    pending_links_.push_back(link);
    skip_link_ = !stored;  // a malformed hash leaves nothing to link the next entry to
    prev_seq_ = seq;
    prev_ = stored ? *stored : crypto::Digest{};
  }

  // Hashes the queued links and judges them in seq order.
  void CheckLinks() {
    links_.Run(many_);
    size_t next = 0;
    for (const PendingLink& link : pending_links_) {
      std::optional<crypto::Digest> failed_expected;
      if (link.mode == PendingLink::Mode::kHash) {
        const crypto::Digest& expected = links_.digest(next++);
        bool ok = crypto::DigestEqual(expected, link.stored);
        const std::string& table = table_names_[link.table];
        // When only the previous entry's chain_hash was altered, this entry still links to
        // what that hash should have been: it is not a second problem.
        if (!ok && prev_expected_) {
          ok = crypto::DigestEqual(
              link.stored, store::ChainLinkHash(sha_, scratch_, *prev_expected_, link.seq, table,
                                                link.row_id, link.record));
          if (ok) out_.linked_to_expected.insert(link.seq);
        }
        if (!ok) {
          out_.links.push_back({link.seq, table, link.row_id, expected,
                                std::string(crypto::DigestBytes(link.stored))});
          failed_expected = expected;
        }
      }
      prev_expected_ = failed_expected;
    }
    pending_links_.clear();
    links_.Clear();
  }

  static int TableIndex(std::string_view name) {
    const auto& tables = store::ChainedTables();
    for (size_t i = 0; i < tables.size(); ++i) {
      if (name == tables[i].name) return static_cast<int>(i);
    }
    return -1;
  }

  // Merges each table's entries of this chunk with the rows they claim.
  Status CheckRows() {
    const auto& tables = store::ChainedTables();
    for (size_t t = 0; t < tables.size(); ++t) {
      std::vector<Entry>& entries = by_table_[t];
      if (entries.empty()) continue;
      // Appends give increasing row ids; only a tampered chain needs the sort.
      if (!std::is_sorted(entries.begin(), entries.end(), ByRow)) {
        std::sort(entries.begin(), entries.end(), ByRow);
      }
      // Scan runs of consecutive claimed ids only: a row between two runs may belong to
      // another chunk, so the coordinator checks those gaps once all chunks are done.
      size_t begin = 0;
      for (size_t i = 1; i <= entries.size(); ++i) {
        if (i < entries.size() && entries[i].row_id - entries[i - 1].row_id <= 1) continue;
        Status s = MergeRun(tables[t].name, exists_[t], entries, begin, i);
        if (!s.ok()) return s;
        out_.covered[t].emplace_back(entries[begin].row_id, entries[i - 1].row_id);
        begin = i;
      }
      CheckRowHashes();  // before `entries`, which the pending rows point into, is cleared
      entries.clear();
    }
    return {};
  }

  static bool ByRow(const Entry& a, const Entry& b) {
    return a.row_id != b.row_id ? a.row_id < b.row_id : a.seq < b.seq;
  }

  // Hashes the queued rows and compares each with what its entry sealed.
  void CheckRowHashes() {
    if (pending_rows_.empty()) return;
    rows_.Run(many_);
    for (size_t i = 0; i < pending_rows_.size(); ++i) {
      const PendingRow& r = pending_rows_[i];
      const Digest& actual = rows_.digest(i);
      if (!r.entry->record_ok || !crypto::DigestEqual(r.entry->record, actual)) {
        out_.mismatches.push_back({r.seq, r.table, r.row_id, r.entry->RecordBytes(), actual});
      }
    }
    pending_rows_.clear();
    rows_.Clear();
  }

  // The query that reads a run of rows: each row's id and its record encoding, over every
  // column after id as the table has them now (a column a forger added changes the encoding
  // too). Where id is the rowid, the scan steps in id order and vigil_record_into writes each
  // encoding straight into rows_ as its row is stepped (in_place); a table rebuilt without
  // that (a forger's CREATE TABLE AS, a view) could be read through a sorter, which would
  // call the function for every row before the first one is returned, so such a table is
  // read with vigil_record, one copied BLOB per row.
  struct RowQuery {
    Statement stmt;
    bool in_place;
  };
  Result<RowQuery> PrepareRows(const std::string& table) {
    // The table name is from our own list; column names come from the store's schema, so
    // they are quoted as identifiers.
    auto probe = db_.Prepare("SELECT * FROM " + table + " LIMIT 0", "read " + table);
    if (!probe) return probe.error();
    std::string columns;
    const int n = sqlite3_column_count(probe->handle());
    for (int c = 1; c < n; ++c) {
      if (c > 1) columns += ", ";
      columns += '"';
      for (const char* p = sqlite3_column_name(probe->handle(), c); p && *p; ++p) {
        if (*p == '"') columns += '"';
        columns += *p;
      }
      columns += '"';
    }
    auto alias = db_.Prepare(
        "SELECT count(*) = 1 AND max(pk = 1 AND name = 'id' AND upper(type) = 'INTEGER') "
        "FROM pragma_table_info(?1) WHERE pk > 0",
        "read the key of " + table);
    if (!alias) return alias.error();
    Status s = alias->BindText(1, table);
    if (!s.ok()) return s.error();
    auto row = alias->Step();
    if (!row) return row.error();
    const bool in_place = *row && alias->ColumnInteger(0) == 1;
    auto stmt =
        db_.Prepare("SELECT id, " +
                        (in_place ? "vigil_record_into(id" + (columns.empty() ? "" : ", " + columns)
                                  : "vigil_record(" + columns) +
                        ") FROM " + table + " WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
                    "read " + table);
    if (!stmt) return stmt.error();
    return RowQuery{std::move(*stmt), in_place};
  }

  // A table read from the pages: its layout and a cursor over it.
  struct PageTable {
    store::TableLayout layout;
    store::TableCursor cursor;
    PageTable(const store::PageImage& image, store::TableLayout l)
        : layout(std::move(l)), cursor(image, layout) {}
  };

  // The page reader for `table`, or null when it cannot read it (the SQL path does).
  Result<PageTable*> PagesFor(const char* table, const char* key = "id") {
    if (image_ == nullptr) return nullptr;
    auto it = pages_.find(table);
    if (it == pages_.end()) {
      auto layout = store::ReadTableLayout(db_, table, key);
      if (!layout) return layout.error();
      std::unique_ptr<PageTable> reader;
      if (*layout) {
        reader = std::make_unique<PageTable>(*image_, std::move(**layout));
      } else if (out_.pages_declined.empty()) {
        out_.pages_declined = std::string(table) + " is not a table the page reader reads";
      }
      it = pages_.emplace(table, std::move(reader)).first;
    }
    return it->second.get();
  }

  Status GiveUpPages(const char* table, const std::string& why) {
    gave_up_ = true;
    out_.pages_declined = std::string("page reader gave up on ") + table + ": " + why;
    return MakeError(ErrorCode::kInternal, out_.pages_declined);
  }

  // Merges entries[begin, end), whose row ids are consecutive, with the rows they claim.
  // `table` is a TableDef name, which outlives the rows queued here.
  Status MergeRun(const char* table, bool exists, const std::vector<Entry>& all, size_t begin,
                  size_t end) {
    const std::span<const Entry> entries(all.data() + begin, end - begin);
    const int64_t lo = entries.front().row_id, hi = entries.back().row_id;
    PageTable* pages = nullptr;
    if (exists) {
      auto found = PagesFor(table);
      if (!found) return found.error();
      pages = *found;
    }
    std::optional<RowQuery>& query = row_stmts_[table];
    if (exists && !pages && !query) {
      auto prepared = PrepareRows(table);
      if (!prepared) return prepared.error();
      query = std::move(*prepared);
    }
    Statement* rows = query ? &query->stmt : nullptr;
    (pages ? out_.read_pages : out_.read_sql) |= exists;
    bool have_row = false;
    int64_t row_id = 0;
    // Moves the source to its next row in [lo, hi] (the first one when `first`).
    auto advance = [&](bool first) -> Status {
      if (pages) {
        const auto state = first ? pages->cursor.Seek(lo) : pages->cursor.Next();
        if (state == store::TableCursor::State::kGiveUp) {
          return GiveUpPages(table, pages->cursor.why());
        }
        have_row = state == store::TableCursor::State::kRow && pages->cursor.rowid() <= hi;
        row_id = pages->cursor.rowid();
        return {};
      }
      if (rows == nullptr) return {};
      if (first) {
        rows->Reset();
        Status s = rows->BindInteger(1, lo);
        if (s.ok()) s = rows->BindInteger(2, hi);
        if (!s.ok()) return s;
      }
      auto step = rows->Step();
      if (!step) return step.error();
      have_row = *step;
      if (have_row) row_id = rows->ColumnInteger(0);
      return {};
    };
    Status s = advance(true);
    if (!s.ok()) return s;
    size_t e = 0;
    while (e < entries.size() || have_row) {
      if (e < entries.size() && (!have_row || entries[e].row_id < row_id)) {
        Problem p = MakeProblem(ProblemKind::kDeleted, entries[e].seq, table, entries[e].row_id,
                                "sealed row is missing");
        p.expected = Hex(entries[e].RecordBytes());
        out_.problems.push_back(std::move(p));
        ++e;
        continue;
      }
      ++out_.rows;
      if (e < entries.size() && entries[e].row_id == row_id) {
        if (pages) {
          if (!pages->cursor.AppendEncoding(rows_.Open())) {
            return GiveUpPages(table, pages->cursor.why());
          }
          rows_.Close();
        } else if (!query->in_place) {
          rows_.Add(rows->ColumnBlob(1));
        } else if (sink_.row_id == row_id) {
          rows_.Close();  // keep the encoding vigil_record_into wrote for this row
        } else {
          return MakeError(ErrorCode::kInternal, std::string("rows of ") + table +
                                                     " were encoded out of order (row " +
                                                     std::to_string(row_id) + ")");
        }
        pending_rows_.push_back({entries[e].seq, row_id, table, &entries[e]});
        if (pending_rows_.size() == kRowBatch) CheckRowHashes();
        for (++e; e < entries.size() && entries[e].row_id == row_id; ++e) {
          out_.problems.push_back(MakeProblem(ProblemKind::kInserted, entries[e].seq, table, row_id,
                                              "second chain entry for one row"));
          out_.duplicates_reported.insert(entries[e].seq);
        }
      } else {
        out_.orphans.push_back({table, row_id});  // unreachable: the run's ids are consecutive
      }
      s = advance(false);
      if (!s.ok()) return s;
    }
    return {};
  }

  Database& db_;
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
std::vector<Range> Split(int64_t lo, int64_t hi, unsigned parts) {
  std::vector<Range> out(parts);
  if (hi < lo) hi = lo;
  // Unsigned: a forged seq near INT64_MAX must not overflow the arithmetic.
  const uint64_t step = (static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo)) / parts + 1;
  for (unsigned j = 0; j < parts; ++j) {
    out[j].lo = j == 0 ? INT64_MIN : static_cast<int64_t>(static_cast<uint64_t>(lo) + step * j);
    out[j].hi = j + 1 == parts
                    ? INT64_MAX
                    : static_cast<int64_t>(static_cast<uint64_t>(lo) + step * (j + 1) - 1);
  }
  return out;
}

}  // namespace

namespace {

struct Coordinator {
  const Options& options;
  Database db;
  Summary summary;
  std::vector<Problem> problems;
};

// Checks one checkpoint against the chain. `chain_seq` is the entry that records it in the
// store (nullopt for a detached one); `own_key` the key it names (store checkpoints only).
struct CheckpointResult {
  bool valid = false;
  int64_t size = 0;
  std::optional<Problem> problem;  // rewritten problems get their seq later
};

Result<CheckpointResult> CheckCheckpoint(Coordinator& c, const std::string& name,
                                         std::optional<int64_t> chain_seq, const std::string& note,
                                         const std::optional<std::string>& own_key) {
  CheckpointResult r;
  auto fail = [&](ProblemKind kind, std::optional<int64_t> seq, std::string detail) {
    r.problem =
        MakeProblem(kind, seq, chain_seq ? "checkpoints" : "", std::nullopt, name + ": " + detail);
    return r;
  };
  std::vector<crypto::NoteVerifier> keys = c.options.trusted_keys;
  if (keys.empty() && own_key) {
    auto key = crypto::ParseVerifierKey(*own_key);
    if (!key) return fail(ProblemKind::kBadSignature, chain_seq, "its key is malformed");
    keys.push_back(*key);
  }
  auto opened = crypto::OpenNote(note, keys);
  if (!opened) return fail(ProblemKind::kBadSignature, chain_seq, opened.error().message);
  auto body = ParseCheckpointBody(opened->text);
  if (!body) return fail(ProblemKind::kBadSignature, chain_seq, body.error().message);
  if (body->origin != OriginFor(c.summary.store_id)) {
    return fail(ProblemKind::kBadSignature, chain_seq,
                "checkpoint is for '" + body->origin + "', not this store");
  }
  r.size = body->size;
  if (body->size > c.summary.head_seq) {
    // Its seq is set later: the first entry no valid checkpoint vouches for.
    Problem p = MakeProblem(ProblemKind::kTruncated, std::nullopt, {}, std::nullopt,
                            name + ": signed checkpoint covers " + std::to_string(body->size) +
                                " entries, the chain has " + std::to_string(c.summary.head_seq));
    p.expected = std::to_string(body->size);
    p.actual = std::to_string(c.summary.head_seq);
    r.problem = std::move(p);
    return r;
  }
  crypto::Digest at_size{};
  if (body->size > 0) {
    auto stmt =
        c.db.Prepare("SELECT chain_hash FROM chain WHERE seq = ?1", "read checkpointed entry");
    if (!stmt) return stmt.error();
    Status s = stmt->BindInteger(1, body->size);
    if (!s.ok()) return s.error();
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) return r;  // that entry is gone: already reported as deleted
    auto d = crypto::DigestFromBytes(stmt->ColumnBlob(0));
    if (!d) return r;  // malformed: already reported as modified
    at_size = *d;
  }
  if (!crypto::DigestEqual(at_size, body->head)) {
    Problem p = MakeProblem(ProblemKind::kRewritten, std::nullopt, {}, std::nullopt,
                            name + ": the chain at seq " + std::to_string(body->size) +
                                " differs from the signed head: it was recomputed");
    p.expected = crypto::DigestHex(body->head);
    p.actual = crypto::DigestHex(at_size);
    r.problem = std::move(p);
    return r;
  }
  r.valid = true;
  return r;
}

Status CheckCheckpoints(Coordinator& c) {
  struct Found {
    std::string name;
    std::optional<int64_t> chain_seq;
    std::string note;
    std::optional<std::string> key;
  };
  std::vector<Found> found;
  auto stmt = c.db.Prepare(
      "SELECT c.id, c.key, c.note, (SELECT seq FROM chain WHERE tbl = 'checkpoints' AND "
      "row_id = c.id) FROM checkpoints c ORDER BY c.id",
      "read checkpoints");
  if (!stmt) return stmt.error();
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    Found f;
    f.name = "checkpoint " + std::to_string(stmt->ColumnInteger(0));
    if (stmt->ColumnType(3) != ValueType::kNull) f.chain_seq = stmt->ColumnInteger(3);
    f.key = std::string(stmt->ColumnText(1));
    f.note = std::string(stmt->ColumnText(2));
    found.push_back(std::move(f));
  }
  for (const auto& [name, text] : c.options.detached_checkpoints) {
    found.push_back({name, std::nullopt, text, std::nullopt});
  }

  std::vector<CheckpointResult> results;
  for (const Found& f : found) {
    auto r = CheckCheckpoint(c, f.name, f.chain_seq, f.note, f.key);
    if (!r) return r.error();
    results.push_back(std::move(*r));
  }
  c.summary.checkpoints = static_cast<int64_t>(found.size());
  for (const CheckpointResult& r : results) {
    if (!r.valid) continue;
    ++c.summary.checkpoints_valid;
    if (!c.summary.sealed_size || r.size > *c.summary.sealed_size) c.summary.sealed_size = r.size;
  }
  for (CheckpointResult& r : results) {
    if (!r.problem) continue;
    if (r.problem->kind == ProblemKind::kRewritten || r.problem->kind == ProblemKind::kTruncated) {
      // The first entry no valid checkpoint vouches for: everything after the newest valid
      // checkpoint below this one may have been recomputed. A chain cut short has lost the
      // entries that would show whether the rest is the sealed one: a tail cut off and a
      // chain recomputed from some earlier point and cut give the same evidence.
      int64_t below = 0;
      for (const CheckpointResult& other : results) {
        if (other.valid && other.size < r.size) below = std::max(below, other.size);
      }
      r.problem->seq = below + 1;
      if (r.problem->kind == ProblemKind::kTruncated && below < c.summary.head_seq) {
        r.problem->detail += below == 0 ? "; no valid checkpoint vouches for any entry"
                                        : "; no valid checkpoint vouches for the entries after " +
                                              std::to_string(below);
      }
    }
    c.problems.push_back(std::move(*r.problem));
  }
  if (!c.options.trusted_keys.empty() && c.summary.checkpoints_valid == 0 &&
      std::none_of(results.begin(), results.end(),
                   [](const CheckpointResult& r) { return r.problem.has_value(); })) {
    c.problems.push_back(MakeProblem(ProblemKind::kBadSignature, std::nullopt, {}, std::nullopt,
                                     "no checkpoint signed by a trusted key was found"));
  }
  return {};
}

// Rows no chunk looked at: ids outside every chunk's [min, max] of its table, which only a
// forger's insert produces. And entries of two chunks claiming one row: only a forged entry
// makes chunk ranges overlap. Both checks cost a query per gap or overlap, none in a clean store.
Status FindUnclaimedRows(Coordinator& c, const std::vector<bool>& table_exists,
                         std::vector<WorkerOut>& outs) {
  const auto& tables = store::ChainedTables();
  std::set<int64_t> reported;
  for (const WorkerOut& o : outs)
    reported.insert(o.duplicates_reported.begin(), o.duplicates_reported.end());
  WorkerOut& sink = outs.front();
  for (size_t t = 0; t < tables.size(); ++t) {
    if (!table_exists[t]) continue;
    const std::string name = tables[t].name;
    std::vector<std::pair<int64_t, int64_t>> covered;
    for (const WorkerOut& o : outs)
      covered.insert(covered.end(), o.covered[t].begin(), o.covered[t].end());
    std::sort(covered.begin(), covered.end());
    std::vector<std::pair<int64_t, int64_t>> gaps;
    std::vector<std::pair<int64_t, int64_t>> overlaps;
    int64_t next = INT64_MIN;  // first id not yet covered
    bool done = false;
    for (const auto& [lo, hi] : covered) {
      if (lo > next) gaps.emplace_back(next, lo - 1);
      if (lo < next) overlaps.emplace_back(lo, std::min(hi, next - 1));
      if (hi == INT64_MAX) {
        done = true;
        break;
      }
      next = std::max(next, hi + 1);
    }
    if (!done) gaps.emplace_back(next, INT64_MAX);

    auto ids = c.db.Prepare("SELECT id FROM " + name + " WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
                            "find unsealed rows");
    if (!ids) return ids.error();
    for (const auto& [lo, hi] : gaps) {
      ids->Reset();
      Status s = ids->BindInteger(1, lo);
      if (s.ok()) s = ids->BindInteger(2, hi);
      if (!s.ok()) return s;
      for (;;) {
        auto row = ids->Step();
        if (!row) return row.error();
        if (!*row) break;
        ++sink.rows;
        sink.orphans.push_back({name, ids->ColumnInteger(0)});
      }
    }
    auto dup = c.db.Prepare(
        "SELECT seq, row_id FROM chain WHERE tbl = ?1 AND row_id BETWEEN ?2 "
        "AND ?3 ORDER BY row_id, seq",
        "find repeated entries");
    if (!dup) return dup.error();
    for (const auto& [lo, hi] : overlaps) {
      dup->Reset();
      Status s = dup->BindText(1, name);
      if (s.ok()) s = dup->BindInteger(2, lo);
      if (s.ok()) s = dup->BindInteger(3, hi);
      if (!s.ok()) return s;
      std::optional<int64_t> last_row;
      for (;;) {
        auto row = dup->Step();
        if (!row) return row.error();
        if (!*row) break;
        const int64_t seq = dup->ColumnInteger(0), row_id = dup->ColumnInteger(1);
        if (last_row == row_id && reported.insert(seq).second) {
          sink.problems.push_back(MakeProblem(ProblemKind::kInserted, seq, name, row_id,
                                              "second chain entry for one row"));
          sink.duplicates_reported.insert(seq);
        }
        last_row = row_id;
      }
    }
  }
  return {};
}

// What the workers found, by seq, to judge one failed link against its neighbours.
struct ChainEvidence {
  std::set<int64_t> failed;              // entries whose link failed
  std::set<int64_t> other;               // entries with any other problem
  std::set<int64_t> linked_to_expected;  // see WorkerOut
};

// Entry s does not link to entry s-1, although s-1 links to its own predecessor, both rows
// match what their entries seal, and s+1 links to s as stored. Then either s-1 was changed
// together with its own chain entry (record and chain hash recomputed for it alone) or s was
// changed together with its row; the hashes cannot tell which, so the earlier one, s-1, is
// the first record that may be broken, and is reported. Returns nullopt when the failure is
// not of that shape (it is then reported at s).
Result<std::optional<Problem>> RecomputedBefore(Coordinator& c, const LinkFailure& l,
                                                const ChainEvidence& e) {
  const int64_t s = l.seq;
  if (s <= 1 || l.malformed || e.failed.count(s - 1) != 0 || e.other.count(s - 1) != 0 ||
      e.other.count(s) != 0 || e.failed.count(s + 1) != 0 ||
      e.linked_to_expected.count(s + 1) != 0) {
    return std::optional<Problem>();
  }
  auto stmt = c.db.Prepare(
      "SELECT seq, tbl, row_id, chain_hash FROM chain WHERE seq IN (?1, ?2) ORDER BY seq",
      "read the neighbours of a broken link");
  if (!stmt) return stmt.error();
  Status st = stmt->BindInteger(1, s - 1);
  if (st.ok()) st = stmt->BindInteger(2, s + 1);
  if (!st.ok()) return st.error();
  std::optional<Problem> p;
  bool next = false;
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    if (stmt->ColumnInteger(0) == s + 1) {
      next = true;
      continue;
    }
    p = MakeProblem(ProblemKind::kModified, s - 1, std::string(stmt->ColumnText(1)),
                    stmt->ColumnInteger(2),
                    "chain entry was sealed again with its row: entry " + std::to_string(s) +
                        ", sealed after it, does not link to it (else entry " + std::to_string(s) +
                        " was changed together with its row)");
    p->actual = Hex(stmt->ColumnBlob(3));
  }
  if (!next) return std::optional<Problem>();  // nothing after s confirms s's own hash
  return p;
}

// Step 3: turn the workers' raw findings into classified problems.
Status Classify(Coordinator& c, std::vector<WorkerOut>& outs) {
  std::set<int64_t> out_of_order;
  std::set<int64_t> second_entries;  // entries found claiming a row another entry claims
  std::map<std::pair<std::string, std::string>, int64_t> expected_by_hash;  // (table, hash)
  for (WorkerOut& o : outs) {
    c.summary.records += o.entries;
    c.summary.rows += o.rows;
    out_of_order.insert(o.out_of_order.begin(), o.out_of_order.end());
    second_entries.insert(o.duplicates_reported.begin(), o.duplicates_reported.end());
    for (Problem& p : o.problems) c.problems.push_back(std::move(p));
    for (const RowMismatch& m : o.mismatches) expected_by_hash[{m.table, m.expected}] = m.seq;
  }
  ChainEvidence evidence;
  for (const WorkerOut& o : outs) {
    for (const LinkFailure& l : o.links) evidence.failed.insert(l.seq);
    for (const RowMismatch& m : o.mismatches) evidence.other.insert(m.seq);
    for (const Problem& p : o.problems) {
      if (p.seq) evidence.other.insert(*p.seq);
    }
    evidence.linked_to_expected.insert(o.linked_to_expected.begin(), o.linked_to_expected.end());
  }
  for (WorkerOut& o : outs) {
    for (const LinkFailure& l : o.links) {
      // A second entry for a row was slipped in: that it does not link (and sits out of its
      // table's order) is the same insertion, not a modification or a move.
      const bool inserted = second_entries.count(l.seq) != 0;
      const bool moved = !inserted && out_of_order.count(l.seq) != 0;
      if (!inserted && !moved) {
        auto before = RecomputedBefore(c, l, evidence);
        if (!before) return before.error();
        if (*before) {
          c.problems.push_back(std::move(**before));
          continue;
        }
      }
      Problem p = MakeProblem(inserted ? ProblemKind::kInserted
                              : moved  ? ProblemKind::kReordered
                                       : ProblemKind::kModified,
                              l.seq, l.table, l.row_id,
                              inserted ? "inserted chain entry does not link to the one before it"
                              : moved  ? "chain entry is out of order"
                                       : "chain entry does not link to the one before it");
      p.expected = crypto::DigestHex(l.expected);
      p.actual = Hex(l.actual);
      c.problems.push_back(std::move(p));
    }
    for (const RowMismatch& m : o.mismatches) {
      auto it = expected_by_hash.find({m.table, std::string(crypto::DigestBytes(m.actual))});
      const bool moved = it != expected_by_hash.end() && it->second != m.seq;
      Problem p = MakeProblem(
          moved ? ProblemKind::kReordered : ProblemKind::kModified, m.seq, m.table, m.row_id,
          moved ? "row holds the content sealed at seq " + std::to_string(it->second)
                : "row differs from what was sealed");
      p.expected = Hex(m.expected);
      p.actual = crypto::DigestHex(m.actual);
      c.problems.push_back(std::move(p));
    }
  }
  // An orphan row breaks the chain where it was slipped in: at the first entry of its table
  // that comes after it, or just past the head when it was appended.
  auto after = c.db.Prepare("SELECT min(seq) FROM chain WHERE tbl = ?1 AND row_id > ?2",
                            "place an unsealed row");
  if (!after) return after.error();
  for (WorkerOut& o : outs) {
    for (const OrphanRow& orphan : o.orphans) {
      after->Reset();
      Status s = after->BindText(1, orphan.table);
      if (s.ok()) s = after->BindInteger(2, orphan.row_id);
      if (!s.ok()) return s;
      auto row = after->Step();
      if (!row) return row.error();
      int64_t seq = c.summary.head_seq + 1;
      if (*row && after->ColumnType(0) != ValueType::kNull) seq = after->ColumnInteger(0);
      c.problems.push_back(MakeProblem(ProblemKind::kInserted, seq, orphan.table, orphan.row_id,
                                       "row was never sealed"));
    }
  }
  return {};
}

}  // namespace

const char* ProblemKindName(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::kModified:
      return "modified";
    case ProblemKind::kDeleted:
      return "deleted";
    case ProblemKind::kInserted:
      return "inserted";
    case ProblemKind::kReordered:
      return "reordered";
    case ProblemKind::kTruncated:
      return "truncated";
    case ProblemKind::kBadSignature:
      return "bad_signature";
    case ProblemKind::kRewritten:
      return "rewritten";
    case ProblemKind::kIndex:
      return "index";
    case ProblemKind::kSchema:
      return "schema";
  }
  return "modified";
}

Result<Summary> Run(const Options& options) {
  // Step 1. Prefer a writable connection so the write lock can freeze the store while the
  // workers start; a read-only copy (evidence on write-protected media) cannot change anyway.
  auto db = store::OpenStore(options.db_path, store::StoreAccess::kRead);
  if (!db) return db.error();
  std::optional<Database> locker;
  if (auto rw = Database::Open(options.db_path, Database::Mode::kReadWrite); rw) {
    if (store::ConfigureConnection(*rw, store::StoreAccess::kRead).ok() &&
        rw->Exec("BEGIN IMMEDIATE", "lock the store while verifying").ok()) {
      locker = std::move(*rw);
    }
  }
  Coordinator c{options, std::move(*db), {}, {}};
  Status s = c.db.Exec("BEGIN", "begin snapshot");
  if (!s.ok()) return s.error();
  auto store_id = store::StoreId(c.db);
  if (!store_id) return store_id.error();
  c.summary.store_id = *store_id;
  auto head_stmt = c.db.Prepare("SELECT seq, chain_hash FROM chain ORDER BY seq DESC LIMIT 1",
                                "read chain head");
  if (!head_stmt) return head_stmt.error();
  auto head_row = head_stmt->Step();
  if (!head_row) return head_row.error();
  if (*head_row) {
    c.summary.head_seq = head_stmt->ColumnInteger(0);
    if (auto d = crypto::DigestFromBytes(head_stmt->ColumnBlob(1)); d) c.summary.head = *d;
  }
  head_stmt = Statement();

  unsigned jobs = options.jobs != 0 ? options.jobs : std::thread::hardware_concurrency();
  jobs = std::clamp(jobs, 1u, 64u);
  c.summary.jobs = jobs;
  c.summary.sha256 = crypto::Sha256BackendName(crypto::BestSha256Backend());

  std::vector<bool> table_exists;
  for (const TableDef& def : store::ChainedTables()) {
    auto stmt = c.db.Prepare(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1", "look for table");
    if (!stmt) return stmt.error();
    s = stmt->BindText(1, def.name);
    if (!s.ok()) return s.error();
    auto row = stmt->Step();
    if (!row) return row.error();
    table_exists.push_back(*row && stmt->ColumnInteger(0) != 0);
  }
  const std::vector<Range> seq_ranges = Split(1, c.summary.head_seq, jobs);
  auto index_check = IndexCheck::Plan(c.db);
  if (!index_check) return index_check.error();

  // Step 2.
  std::vector<WorkerOut> outs(jobs);
  std::latch pinned(static_cast<std::ptrdiff_t>(jobs));
  std::atomic<int64_t> checked{0};
  std::mutex finished_mu;
  std::condition_variable finished_cv;
  unsigned finished = 0;  // guarded by finished_mu
  std::vector<std::thread> threads;
  threads.reserve(jobs);
  for (unsigned j = 0; j < jobs; ++j) {
    threads.emplace_back([&, j] {
      struct Finish {  // however the worker ends, the progress loop below hears of it
        std::mutex& mu;
        std::condition_variable& cv;
        unsigned& n;
        ~Finish() {
          {
            std::lock_guard<std::mutex> lock(mu);
            ++n;
          }
          cv.notify_one();
        }
      } finish{finished_mu, finished_cv, finished};
      WorkerOut& out = outs[j];
      auto conn = OpenWorkerConnection(options.db_path, index_check->key());
      pinned.count_down();
      if (!conn) {
        out.status = conn.error();
        return;
      }
      // The connection's snapshot is pinned: its pages can be mapped now.
      std::optional<store::PageImage> image;
      if (options.reader == Reader::kSql) {
        out.pages_declined = "asked to read through SQL";
      } else if (auto mapped = store::MapStoreFile(*conn); !mapped) {
        out.pages_declined = mapped.error().message;
      } else if (!*mapped) {
        out.pages_declined =
            "the write-ahead log holds frames, or the file is not one the "
            "page reader reads";
      } else {
        image = std::move(*mapped);
      }
      for (;;) {
        auto sha = crypto::Sha256::Create();
        if (!sha) {
          out.status = sha.error();
          return;
        }
        auto many = crypto::Sha256Many::Create();
        if (!many) {
          out.status = many.error();
          return;
        }
        RangeSweep sweep(*conn, image ? &*image : nullptr, table_exists, out, std::move(*sha),
                         std::move(*many), checked);
        out.status = sweep.Run(seq_ranges[j]);
        if (!sweep.gave_up()) break;
        // Start the range over through SQL, in the same snapshot: what the page reader found
        // so far is dropped, so nothing is counted or reported twice.
        sweep.Uncount();
        std::string why = std::move(out.pages_declined);
        out = WorkerOut{};
        out.pages_declined = std::move(why);
        image.reset();
      }
      // Then, in the same snapshot, the indexes: tasks are shared, so the worker that
      // finishes its range first takes more of them.
      if (out.status.ok()) index_check->Work(*conn);
    });
  }
  pinned.wait();
  locker.reset();  // releases the write lock: every worker has its snapshot
  if (options.progress) {
    std::unique_lock<std::mutex> lock(finished_mu);
    while (!finished_cv.wait_for(lock, options.progress_every, [&] { return finished == jobs; })) {
      options.progress(checked.load(std::memory_order_relaxed), c.summary.head_seq);
    }
  }
  for (std::thread& t : threads) t.join();
  if (options.progress) options.progress(checked.load(), c.summary.head_seq);
  bool pages = false, sql = false;
  for (const WorkerOut& o : outs) {
    if (!o.status.ok()) return o.status.error();
    pages |= o.read_pages;
    sql |= o.read_sql;
    if (c.summary.reader_note.empty()) c.summary.reader_note = o.pages_declined;
  }
  c.summary.reader = pages && sql ? "mixed" : pages ? "pages" : "sql";

  // Step 3.
  s = FindUnclaimedRows(c, table_exists, outs);
  if (!s.ok()) return s.error();
  s = Classify(c, outs);
  if (!s.ok()) return s.error();
  // sqlite_sequence remembers the highest seq ever given, so a cut tail shows even when no
  // checkpoint covers it (unless the forger also lowered the counter).
  auto counter = c.db.QueryInteger("SELECT seq FROM sqlite_sequence WHERE name = 'chain'",
                                   "read chain counter", 0);
  if (!counter) return counter.error();
  if (*counter > c.summary.head_seq) {
    Problem p =
        MakeProblem(ProblemKind::kTruncated, c.summary.head_seq + 1, {}, std::nullopt,
                    "the store's counter shows " + std::to_string(*counter) +
                        " chain entries, the chain ends at " + std::to_string(c.summary.head_seq));
    p.expected = std::to_string(*counter);
    p.actual = std::to_string(c.summary.head_seq);
    c.problems.push_back(std::move(p));
  }
  auto index_problems = index_check->Problems(c.db, static_cast<int64_t>(options.max_problems) + 1);
  if (!index_problems) return index_problems.error();
  for (Problem& p : *index_problems) c.problems.push_back(std::move(p));
  auto schema_problems = SchemaProblems(c.db);
  if (!schema_problems) return schema_problems.error();
  for (Problem& p : *schema_problems) c.problems.push_back(std::move(p));
  c.summary.trusted = !options.trusted_keys.empty();
  s = CheckCheckpoints(c);
  if (!s.ok()) return s.error();

  std::stable_sort(c.problems.begin(), c.problems.end(), [](const Problem& a, const Problem& b) {
    const int64_t sa = a.seq.value_or(INT64_MAX), sb = b.seq.value_or(INT64_MAX);
    if (sa != sb) return sa < sb;
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.table != b.table) return a.table < b.table;
    return a.row_id.value_or(0) < b.row_id.value_or(0);
  });
  c.summary.problems_total = c.problems.size();
  for (const Problem& p : c.problems) {
    if (p.seq) {
      c.summary.first_broken_seq = *p.seq;
      break;
    }
  }
  if (c.problems.size() > options.max_problems) c.problems.resize(options.max_problems);
  c.summary.problems = std::move(c.problems);
  c.summary.verified = c.summary.problems_total == 0;
  return std::move(c.summary);
}

}  // namespace vigil::verify
