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

struct TablePlan {
  const TableDef* def = nullptr;
  bool exists = true;
  std::vector<Range> ranges;  // one per worker
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

struct WorkerOut {
  Status status;
  int64_t entries = 0;
  int64_t rows = 0;
  std::vector<Problem> problems;
  std::vector<LinkFailure> links;
  std::vector<RowMismatch> mismatches;
  std::vector<OrphanRow> orphans;
  std::set<int64_t> out_of_order;
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

// Checks the links of entries with seq in `range` (step 2, first half).
Status SweepChain(Database& db, Range range, WorkerOut& out) {
  crypto::Digest prev{};
  int64_t prev_seq = 0;
  if (range.lo != INT64_MIN) {
    auto before = db.Prepare(
        "SELECT seq, chain_hash FROM chain WHERE seq < ?1 "
        "ORDER BY seq DESC LIMIT 1",
        "read previous chain entry");
    if (!before) return before.error();
    Status s = before->BindInteger(1, range.lo);
    if (!s.ok()) return s;
    auto row = before->Step();
    if (!row) return row.error();
    if (*row) {
      prev_seq = before->ColumnInteger(0);
      auto d = crypto::DigestFromBytes(before->ColumnBlob(1));
      if (d) prev = *d;  // a malformed one is reported by the worker that owns it
    }
  }
  auto stmt = db.Prepare(
      "SELECT seq, tbl, row_id, record_hash, chain_hash FROM chain "
      "WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq",
      "read chain");
  if (!stmt) return stmt.error();
  Status s = stmt->BindInteger(1, range.lo);
  if (s.ok()) s = stmt->BindInteger(2, range.hi);
  if (!s.ok()) return s;

  auto sha = crypto::Sha256::Create();
  if (!sha) return sha.error();
  std::string scratch;
  std::map<std::string, std::pair<int64_t, int64_t>, std::less<>> last_of_table;  // seq, row
  bool skip_link = false;
  std::optional<crypto::Digest> prev_expected;  // set when the previous link failed
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    ++out.entries;
    // An entry whose columns have the wrong storage class is malformed: it cannot link.
    // Check before reading values: reading converts them and changes the reported class.
    const bool well_typed =
        stmt->ColumnType(1) == ValueType::kText && stmt->ColumnType(2) == ValueType::kInteger &&
        stmt->ColumnType(3) == ValueType::kBlob && stmt->ColumnType(4) == ValueType::kBlob;
    const int64_t seq = stmt->ColumnInteger(0);
    const std::string table(stmt->ColumnText(1));
    const int64_t row_id = stmt->ColumnInteger(2);
    const std::string_view record_bytes = stmt->ColumnBlob(3);
    const std::string_view chain_bytes = stmt->ColumnBlob(4);

    if (seq <= prev_seq) {
      out.problems.push_back(
          MakeProblem(ProblemKind::kInserted, seq, table, row_id, "chain entry out of sequence"));
      continue;
    }
    if (seq > prev_seq + 1) {
      Problem p = MakeProblem(ProblemKind::kDeleted, prev_seq + 1, {}, std::nullopt,
                              seq == prev_seq + 2
                                  ? "chain entry " + std::to_string(prev_seq + 1) + " is missing"
                                  : "chain entries " + std::to_string(prev_seq + 1) + " to " +
                                        std::to_string(seq - 1) + " are missing");
      p.expected = std::to_string(prev_seq + 1);
      p.actual = std::to_string(seq);
      out.problems.push_back(std::move(p));
      skip_link = true;  // the link of the entry after a gap cannot be checked
    }
    if (store::FindChainedTable(table) == nullptr) {
      out.problems.push_back(MakeProblem(ProblemKind::kInserted, seq, table, row_id,
                                         "chain entry for a table vigil does not seal"));
    }
    auto& last = last_of_table[table];
    if (last.first != 0 && row_id <= last.second) {
      out.out_of_order.insert(seq);
      out.out_of_order.insert(last.first);
    }
    last = {seq, row_id};

    auto record = crypto::DigestFromBytes(record_bytes);
    auto stored = crypto::DigestFromBytes(chain_bytes);
    if (!well_typed) {
      record = MakeError(ErrorCode::kBadInput, "malformed chain entry");
    }
    std::optional<crypto::Digest> failed_expected;
    if (!skip_link) {
      crypto::Digest expected{};
      bool ok = false;
      if (record && stored) {
        expected = store::ChainLinkHash(*sha, scratch, prev, seq, table, row_id, *record);
        ok = crypto::DigestEqual(expected, *stored);
        // When only the previous entry's chain_hash was altered, this entry still links to
        // what that hash should have been: it is not a second problem.
        if (!ok && prev_expected) {
          ok = crypto::DigestEqual(*stored, store::ChainLinkHash(*sha, scratch, *prev_expected, seq,
                                                                 table, row_id, *record));
        }
      }
      if (!ok) {
        out.links.push_back({seq, table, row_id, expected, std::string(chain_bytes)});
        if (record && stored) failed_expected = expected;
      }
    }
    skip_link = !stored;  // a malformed hash leaves nothing to link the next entry to
    prev_expected = failed_expected;
    prev_seq = seq;
    prev = stored ? *stored : crypto::Digest{};
  }
  if (!sha->ok()) return MakeError(ErrorCode::kCrypto, "SHA-256 failed");
  return {};
}

// Hashes the rows of one table with ids in `range` and merges them with the chain entries
// that claim rows in that range (step 2, second half).
Status SweepTable(Database& db, const TablePlan& plan, Range range, WorkerOut& out) {
  const std::string table = plan.def->name;
  auto entries = db.Prepare(
      "SELECT seq, row_id, record_hash FROM chain WHERE tbl = ?1 AND "
      "row_id BETWEEN ?2 AND ?3 ORDER BY row_id, seq",
      "read chain entries of " + table);
  if (!entries) return entries.error();
  Status s = entries->BindText(1, table);
  if (s.ok()) s = entries->BindInteger(2, range.lo);
  if (s.ok()) s = entries->BindInteger(3, range.hi);
  if (!s.ok()) return s;

  std::optional<Statement> rows;
  if (plan.exists) {
    // Identifier from our own table list; bounds are bound.
    auto prepared = db.Prepare("SELECT * FROM " + table + " WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
                               "read " + table);
    if (!prepared) return prepared.error();
    s = prepared->BindInteger(1, range.lo);
    if (s.ok()) s = prepared->BindInteger(2, range.hi);
    if (!s.ok()) return s;
    rows = std::move(*prepared);
  }

  auto sha = crypto::Sha256::Create();
  if (!sha) return sha.error();
  store::CanonicalRow canonical;

  auto step_entry = [&]() -> Result<bool> { return entries->Step(); };
  auto step_row = [&]() -> Result<bool> {
    if (!rows) return false;
    return rows->Step();
  };
  auto have_entry = step_entry();
  if (!have_entry) return have_entry.error();
  auto have_row = step_row();
  if (!have_row) return have_row.error();

  while (*have_entry || *have_row) {
    const int64_t entry_row = *have_entry ? entries->ColumnInteger(1) : INT64_MAX;
    const int64_t row_id = *have_row ? rows->ColumnInteger(0) : INT64_MAX;
    if (*have_entry && (!*have_row || entry_row < row_id)) {
      Problem p = MakeProblem(ProblemKind::kDeleted, entries->ColumnInteger(0), table, entry_row,
                              "sealed row is missing");
      p.expected = Hex(entries->ColumnBlob(2));
      out.problems.push_back(std::move(p));
      have_entry = step_entry();
      if (!have_entry) return have_entry.error();
      continue;
    }
    if (*have_row && (!*have_entry || row_id < entry_row)) {
      ++out.rows;
      out.orphans.push_back({table, row_id});
      have_row = step_row();
      if (!have_row) return have_row.error();
      continue;
    }
    // A row and its entry.
    ++out.rows;
    canonical.Clear();
    const int columns = rows->ColumnCount();
    for (int c = 1; c < columns; ++c) {
      switch (rows->ColumnType(c)) {
        case ValueType::kNull:
          canonical.AddNull();
          break;
        case ValueType::kInteger:
          canonical.AddInteger(rows->ColumnInteger(c));
          break;
        case ValueType::kReal:
          canonical.AddReal(rows->ColumnReal(c));
          break;
        case ValueType::kText:
          canonical.AddText(rows->ColumnText(c));
          break;
        case ValueType::kBlob:
          canonical.AddBlob(rows->ColumnBlob(c));
          break;
      }
    }
    const Digest actual = sha->Hash(canonical.Bytes());
    const std::string_view stored = entries->ColumnBlob(2);
    auto expected = crypto::DigestFromBytes(stored);
    if (!expected || !crypto::DigestEqual(*expected, actual)) {
      out.mismatches.push_back(
          {entries->ColumnInteger(0), table, row_id, std::string(stored), actual});
    }
    have_entry = step_entry();
    if (!have_entry) return have_entry.error();
    while (*have_entry && entries->ColumnInteger(1) == row_id) {
      out.problems.push_back(MakeProblem(ProblemKind::kInserted, entries->ColumnInteger(0), table,
                                         row_id, "second chain entry for one row"));
      have_entry = step_entry();
      if (!have_entry) return have_entry.error();
    }
    have_row = step_row();
    if (!have_row) return have_row.error();
  }
  if (!sha->ok()) return MakeError(ErrorCode::kCrypto, "SHA-256 failed");
  return {};
}

// Splits [lo, hi] into `parts` ranges of equal width; the outer ranges extend to the ends of
// int64 so rows or entries outside [lo, hi] are still seen by someone.
std::vector<Range> Split(int64_t lo, int64_t hi, unsigned parts) {
  std::vector<Range> out(parts);
  if (hi < lo) hi = lo;
  // Unsigned: a forged id near INT64_MAX must not overflow the arithmetic.
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

  std::vector<TablePlan> tables;
  for (const TableDef& def : store::ChainedTables()) {
    TablePlan plan;
    plan.def = &def;
    auto exists =
        c.db.QueryInteger("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '" +
                              std::string(def.name) + "'",
                          "look for table");
    if (!exists) return exists.error();
    plan.exists = *exists != 0;
    int64_t lo = 0, hi = 0;
    if (plan.exists) {
      auto lo_r = c.db.QueryInteger("SELECT min(id) FROM " + std::string(def.name), "id range");
      auto hi_r = c.db.QueryInteger("SELECT max(id) FROM " + std::string(def.name), "id range");
      if (!lo_r) return lo_r.error();
      if (!hi_r) return hi_r.error();
      lo = *lo_r;
      hi = *hi_r;
    }
    plan.ranges = Split(lo, hi, jobs);
    tables.push_back(std::move(plan));
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
      out.status = SweepChain(*conn, seq_ranges[j], out);
      for (const TablePlan& plan : tables) {
        if (!out.status.ok()) break;
        out.status = SweepTable(*conn, plan, plan.ranges[j], out);
      }
    });
  }
  pinned.wait();
  locker.reset();  // releases the write lock: every worker has its snapshot
  for (std::thread& t : threads) t.join();
  for (const WorkerOut& o : outs) {
    if (!o.status.ok()) return o.status.error();
  }

  // Step 3.
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
