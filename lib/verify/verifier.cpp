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

#include <algorithm>
#include <climits>
#include <latch>
#include <map>
#include <set>
#include <span>
#include <thread>

#include "core/encoding.h"
#include "store/canonical.h"
#include "store/database.h"
#include "store/schema.h"
#include "store/store.h"
#include "verify/checkpoint.h"

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
  std::string record;  // stored record_hash bytes (32 when well-formed)
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

Result<Database> OpenWorkerConnection(const std::string& path) {
  auto db = Database::Open(path, Database::Mode::kReadOnly);
  if (!db) return db.error();
  Status s = store::ConfigureConnection(*db, store::StoreAccess::kRead);
  // Rows are read once, in order: map the file instead of copying pages through the cache.
  if (s.ok()) s = db->Exec("PRAGMA mmap_size = 68719476736", "map the store");
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

  RangeSweep(Database& db, const std::vector<bool>& table_exists, WorkerOut& out,
             crypto::Sha256 sha)
      : db_(db), exists_(table_exists), out_(out), sha_(std::move(sha)) {
    out_.covered.resize(store::ChainedTables().size());
    by_table_.resize(store::ChainedTables().size());
  }

  Status Run(Range range) {
    Status s = ReadPrevious(range);
    if (!s.ok()) return s;
    auto stmt = db_.Prepare(
        "SELECT seq, tbl, row_id, record_hash, chain_hash FROM chain "
        "WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq",
        "read chain");
    if (!stmt) return stmt.error();
    s = stmt->BindInteger(1, range.lo);
    if (s.ok()) s = stmt->BindInteger(2, range.hi);
    if (!s.ok()) return s;
    size_t in_chunk = 0;
    for (;;) {
      auto row = stmt->Step();
      if (!row) return row.error();
      if (!*row) break;
      CheckLink(*stmt);
      if (++in_chunk == kChunk) {
        s = CheckRows();
        if (!s.ok()) return s;
        in_chunk = 0;
      }
    }
    s = CheckRows();
    if (!s.ok()) return s;
    if (!sha_.ok()) return MakeError(ErrorCode::kCrypto, "SHA-256 failed");
    return {};
  }

 private:
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

  // Link check of one entry (in seq order) and its place in the chunk.
  void CheckLink(const Statement& stmt) {
    ++out_.entries;
    // An entry whose columns have the wrong storage class is malformed: it cannot link.
    // Check before reading values: reading converts them and changes the reported class.
    const bool well_typed =
        stmt.ColumnType(1) == ValueType::kText && stmt.ColumnType(2) == ValueType::kInteger &&
        stmt.ColumnType(3) == ValueType::kBlob && stmt.ColumnType(4) == ValueType::kBlob;
    const int64_t seq = stmt.ColumnInteger(0);
    const std::string_view table = stmt.ColumnText(1);
    const int64_t row_id = stmt.ColumnInteger(2);
    const std::string_view record_bytes = stmt.ColumnBlob(3);
    const std::string_view chain_bytes = stmt.ColumnBlob(4);

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
    const int table_index = TableIndex(table);
    if (table_index < 0) {
      out_.problems.push_back(MakeProblem(ProblemKind::kInserted, seq, std::string(table), row_id,
                                          "chain entry for a table vigil does not seal"));
    } else {
      by_table_[static_cast<size_t>(table_index)].push_back(
          {seq, row_id, std::string(record_bytes)});
    }
    auto& last = last_of_table_[std::string(table)];
    if (last.first != 0 && row_id <= last.second) {
      out_.out_of_order.insert(seq);
      out_.out_of_order.insert(last.first);
    }
    last = {seq, row_id};

    auto record = crypto::DigestFromBytes(record_bytes);
    auto stored = crypto::DigestFromBytes(chain_bytes);
    std::optional<crypto::Digest> failed_expected;
    if (!skip_link_) {
      crypto::Digest expected{};
      bool ok = false;
      if (well_typed && record && stored) {
        expected = store::ChainLinkHash(sha_, scratch_, prev_, seq, table, row_id, *record);
        ok = crypto::DigestEqual(expected, *stored);
        // When only the previous entry's chain_hash was altered, this entry still links to
        // what that hash should have been: it is not a second problem.
        if (!ok && prev_expected_) {
          ok = crypto::DigestEqual(*stored, store::ChainLinkHash(sha_, scratch_, *prev_expected_,
                                                                 seq, table, row_id, *record));
        }
      }
      if (!ok) {
        out_.links.push_back({seq, std::string(table), row_id, expected, std::string(chain_bytes)});
        if (well_typed && record && stored) failed_expected = expected;
      }
    }
    skip_link_ = !stored;  // a malformed hash leaves nothing to link the next entry to
    prev_expected_ = failed_expected;
    prev_seq_ = seq;
    prev_ = stored ? *stored : crypto::Digest{};
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
      entries.clear();
    }
    return {};
  }

  static bool ByRow(const Entry& a, const Entry& b) {
    return a.row_id != b.row_id ? a.row_id < b.row_id : a.seq < b.seq;
  }

  // Merges entries[begin, end), whose row ids are consecutive, with the rows they claim.
  Status MergeRun(const std::string& table, bool exists, const std::vector<Entry>& all,
                  size_t begin, size_t end) {
    const std::span<const Entry> entries(all.data() + begin, end - begin);
    std::optional<Statement>& rows = row_stmts_[table];
    if (exists && !rows) {
      // Identifier from our own table list; bounds are bound.
      auto prepared = db_.Prepare(
          "SELECT * FROM " + table + " WHERE id BETWEEN ?1 AND ?2 ORDER BY id", "read " + table);
      if (!prepared) return prepared.error();
      rows = std::move(*prepared);
    }
    bool have_row = false;
    if (rows) {
      rows->Reset();
      Status s = rows->BindInteger(1, entries.front().row_id);
      if (s.ok()) s = rows->BindInteger(2, entries.back().row_id);
      if (!s.ok()) return s;
      auto step = rows->Step();
      if (!step) return step.error();
      have_row = *step;
    }
    size_t e = 0;
    while (e < entries.size() || have_row) {
      const int64_t row_id = have_row ? rows->ColumnInteger(0) : INT64_MAX;
      if (e < entries.size() && (!have_row || entries[e].row_id < row_id)) {
        Problem p = MakeProblem(ProblemKind::kDeleted, entries[e].seq, table, entries[e].row_id,
                                "sealed row is missing");
        p.expected = Hex(entries[e].record);
        out_.problems.push_back(std::move(p));
        ++e;
        continue;
      }
      ++out_.rows;
      if (e < entries.size() && entries[e].row_id == row_id) {
        canonical_.Clear();
        store::AddColumns(*rows, 1, canonical_);
        const Digest actual = sha_.Hash(canonical_.Bytes());
        auto expected = crypto::DigestFromBytes(entries[e].record);
        if (!expected || !crypto::DigestEqual(*expected, actual)) {
          out_.mismatches.push_back({entries[e].seq, table, row_id, entries[e].record, actual});
        }
        for (++e; e < entries.size() && entries[e].row_id == row_id; ++e) {
          out_.problems.push_back(MakeProblem(ProblemKind::kInserted, entries[e].seq, table, row_id,
                                              "second chain entry for one row"));
          out_.duplicates_reported.insert(entries[e].seq);
        }
      } else {
        out_.orphans.push_back({table, row_id});  // unreachable: the run's ids are consecutive
      }
      auto step = rows->Step();
      if (!step) return step.error();
      have_row = *step;
    }
    return {};
  }

  Database& db_;
  const std::vector<bool>& exists_;
  WorkerOut& out_;
  crypto::Sha256 sha_;
  std::string scratch_;
  store::CanonicalRow canonical_;
  crypto::Digest prev_{};
  int64_t prev_seq_ = 0;
  bool skip_link_ = false;
  std::optional<crypto::Digest> prev_expected_;  // set when the previous link failed
  std::map<std::string, std::pair<int64_t, int64_t>, std::less<>> last_of_table_;  // seq, row
  std::vector<std::vector<Entry>> by_table_;
  std::map<std::string, std::optional<Statement>> row_stmts_;
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
    Problem p = MakeProblem(ProblemKind::kTruncated, c.summary.head_seq + 1, {}, std::nullopt,
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
    if (r.problem->kind == ProblemKind::kRewritten) {
      // The first entry no valid checkpoint vouches for: everything after the newest valid
      // checkpoint below this one may have been recomputed.
      int64_t below = 0;
      for (const CheckpointResult& other : results) {
        if (other.valid && other.size < r.size) below = std::max(below, other.size);
      }
      r.problem->seq = below + 1;
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
        }
        last_row = row_id;
      }
    }
  }
  return {};
}

// Step 3: turn the workers' raw findings into classified problems.
Status Classify(Coordinator& c, std::vector<WorkerOut>& outs) {
  std::set<int64_t> out_of_order;
  std::map<std::pair<std::string, std::string>, int64_t> expected_by_hash;  // (table, hash)
  for (WorkerOut& o : outs) {
    c.summary.records += o.entries;
    c.summary.rows += o.rows;
    out_of_order.insert(o.out_of_order.begin(), o.out_of_order.end());
    for (Problem& p : o.problems) c.problems.push_back(std::move(p));
    for (const RowMismatch& m : o.mismatches) expected_by_hash[{m.table, m.expected}] = m.seq;
  }
  for (WorkerOut& o : outs) {
    for (const LinkFailure& l : o.links) {
      const bool moved = out_of_order.count(l.seq) != 0;
      Problem p = MakeProblem(moved ? ProblemKind::kReordered : ProblemKind::kModified, l.seq,
                              l.table, l.row_id,
                              moved ? "chain entry is out of order"
                                    : "chain entry does not link to "
                                      "the one before it");
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

  // Step 2.
  std::vector<WorkerOut> outs(jobs);
  std::latch pinned(static_cast<std::ptrdiff_t>(jobs));
  std::vector<std::thread> threads;
  threads.reserve(jobs);
  for (unsigned j = 0; j < jobs; ++j) {
    threads.emplace_back([&, j] {
      WorkerOut& out = outs[j];
      auto conn = OpenWorkerConnection(options.db_path);
      pinned.count_down();
      if (!conn) {
        out.status = conn.error();
        return;
      }
      auto sha = crypto::Sha256::Create();
      if (!sha) {
        out.status = sha.error();
        return;
      }
      RangeSweep sweep(*conn, table_exists, out, std::move(*sha));
      out.status = sweep.Run(seq_ranges[j]);
    });
  }
  pinned.wait();
  locker.reset();  // releases the write lock: every worker has its snapshot
  for (std::thread& t : threads) t.join();
  for (const WorkerOut& o : outs) {
    if (!o.status.ok()) return o.status.error();
  }

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
