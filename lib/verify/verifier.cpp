// Verification runs in three steps (vigil-store(5), VERIFYING):
//  1. Under the store's write lock, read the head and each chained table's id range, and let
//     every worker connection start its read transaction, so all of them see one snapshot.
//  2. Workers sweep in parallel: worker j checks the links of chain entries in its seq range
//     and hashes the rows of every chained table in its id range, merging them with the
//     chain entries that claim those rows. The links can be checked independently because
//     each entry stores its own chain_hash.
//  3. The findings are classified (reordered or modified, where an orphan row belongs),
//     checkpoints are checked against the chain, and problems are sorted by sequence number.
//
// The sweep of step 2 is range_sweep.h; step 3 is classify.cpp and checkpoint_check.cpp.
#include "verify/verifier.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <latch>
#include <mutex>
#include <thread>

#include "crypto/sha256_many.h"
#include "store/canonical.h"
#include "store/database.h"
#include "store/index_check.h"
#include "store/schema.h"
#include "store/store.h"
#include "store/table_pages.h"
#include "verify/findings.h"
#include "verify/range_sweep.h"
#include "verify/structure_check.h"

namespace vigil::verify {
namespace {

using store::Database;

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

// Reads the head of the chain into c.summary (nothing for an empty chain).
Status ReadHead(Coordinator& c) {
  auto head = c.db.Prepare("SELECT seq, chain_hash FROM chain ORDER BY seq DESC LIMIT 1",
                           "read chain head");
  if (!head) return head.error();
  auto row = head->Step();
  if (!row) return row.error();
  if (*row) {
    c.summary.head_seq = head->ColumnInteger(0);
    if (auto d = crypto::DigestFromBytes(head->ColumnBlob(1)); d) c.summary.head = *d;
  }
  return {};
}

// Which of the chained tables (store::ChainedTables(), in order) the store still has.
Result<std::vector<bool>> ChainedTablesPresent(Database& db) {
  std::vector<bool> present;
  for (const store::TableDef& def : store::ChainedTables()) {
    auto stmt = db.Prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                           "look for table");
    if (!stmt) return stmt.error();
    Status s = stmt->BindText(1, def.name);
    if (!s.ok()) return s.error();
    auto row = stmt->Step();
    if (!row) return row.error();
    present.push_back(*row && stmt->ColumnInteger(0) != 0);
  }
  return present;
}

// Step 2: the workers, one thread each, and what they share.
class Workers {
 public:
  Workers(const Options& options, const std::vector<bool>& table_exists, std::vector<Range> ranges,
          IndexCheck& index_check)
      : options_(options),
        table_exists_(table_exists),
        ranges_(std::move(ranges)),
        index_check_(index_check),
        outs_(ranges_.size()),
        pinned_(static_cast<std::ptrdiff_t>(ranges_.size())) {}

  // Starts the workers and returns once each has pinned its snapshot.
  void Start() {
    threads_.reserve(ranges_.size());
    for (unsigned j = 0; j < ranges_.size(); ++j) threads_.emplace_back([this, j] { Work(j); });
    pinned_.wait();
  }

  // Waits for the workers, calling Options::progress on the way, and returns their findings.
  std::vector<WorkerOut> Finish(int64_t head_seq) {
    if (options_.progress) {
      std::unique_lock<std::mutex> lock(finished_mu_);
      while (!finished_cv_.wait_for(lock, options_.progress_every,
                                    [&] { return finished_ == ranges_.size(); })) {
        options_.progress(checked_.load(std::memory_order_relaxed), head_seq);
      }
    }
    for (std::thread& t : threads_) t.join();
    if (options_.progress) options_.progress(checked_.load(), head_seq);
    return std::move(outs_);
  }

 private:
  // Worker j: its range of the chain and the rows it claims, then index tasks.
  void Work(unsigned j) {
    struct Finished {  // however the worker ends, Finish hears of it
      Workers& w;
      ~Finished() {
        {
          std::lock_guard<std::mutex> lock(w.finished_mu_);
          ++w.finished_;
        }
        w.finished_cv_.notify_one();
      }
    } finished{*this};
    WorkerOut& out = outs_[j];
    auto conn = OpenWorkerConnection(options_.db_path, index_check_.key());
    pinned_.count_down();
    if (!conn) {
      out.status = conn.error();
      return;
    }
    if (Sweep(*conn, ranges_[j], out).ok()) {
      // Then, in the same snapshot, the indexes: tasks are shared, so the worker that
      // finishes its range first takes more of them.
      index_check_.Work(*conn);
    }
  }

  // Checks one range, from the pages when it can (their snapshot is pinned: they can be
  // mapped now), else or when the page reader gives up, through SQL.
  Status Sweep(Database& conn, Range range, WorkerOut& out) {
    std::optional<store::PageImage> image;
    if (options_.reader == Reader::kSql) {
      out.pages_declined = "asked to read through SQL";
    } else if (auto mapped = store::MapStoreFile(conn); !mapped) {
      out.pages_declined = mapped.error().message;
    } else if (!*mapped) {
      out.pages_declined =
          "the write-ahead log holds frames, or the file is not one the page reader reads";
    } else {
      image = std::move(*mapped);
    }
    for (;;) {
      auto sha = crypto::Sha256::Create();
      if (!sha) return out.status = sha.error();
      auto many = crypto::Sha256Many::Create();
      if (!many) return out.status = many.error();
      RangeSweep sweep(conn, image ? &*image : nullptr, table_exists_, out, std::move(*sha),
                       std::move(*many), checked_);
      out.status = sweep.Run(range);
      if (!sweep.gave_up()) return out.status;
      // Start the range over through SQL, in the same snapshot: what the page reader found
      // so far is dropped, so nothing is counted or reported twice.
      sweep.Uncount();
      std::string why = std::move(out.pages_declined);
      out = WorkerOut{};
      out.pages_declined = std::move(why);
      image.reset();
    }
  }

  const Options& options_;
  const std::vector<bool>& table_exists_;
  const std::vector<Range> ranges_;
  IndexCheck& index_check_;
  std::vector<WorkerOut> outs_;
  std::latch pinned_;
  std::atomic<int64_t> checked_{0};
  std::mutex finished_mu_;
  std::condition_variable finished_cv_;
  unsigned finished_ = 0;  // guarded by finished_mu_
  std::vector<std::thread> threads_;
};

// sqlite_sequence remembers the highest seq ever given, so a cut tail shows even when no
// checkpoint covers it (unless the forger also lowered the counter).
Status CheckChainCounter(Coordinator& c) {
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
  return {};
}

// Step 3, once the workers are done.
Status Judge(Coordinator& c, const std::vector<bool>& table_exists, IndexCheck& index_check,
             std::vector<WorkerOut>& outs) {
  bool pages = false, sql = false;
  for (const WorkerOut& o : outs) {
    if (!o.status.ok()) return o.status;
    pages |= o.read_pages;
    sql |= o.read_sql;
    if (c.summary.reader_note.empty()) c.summary.reader_note = o.pages_declined;
  }
  c.summary.reader = pages && sql ? "mixed" : pages ? "pages" : "sql";
  Status s = FindUnclaimedRows(c, table_exists, outs);
  if (s.ok()) s = Classify(c, outs);
  if (s.ok()) s = CheckChainCounter(c);
  if (!s.ok()) return s;
  auto index_problems =
      index_check.Problems(c.db, static_cast<int64_t>(c.options.max_problems) + 1);
  if (!index_problems) return index_problems.error();
  for (Problem& p : *index_problems) c.problems.push_back(std::move(p));
  auto schema_problems = SchemaProblems(c.db);
  if (!schema_problems) return schema_problems.error();
  for (Problem& p : *schema_problems) c.problems.push_back(std::move(p));
  c.summary.trusted = !c.options.trusted_keys.empty();
  return CheckCheckpoints(c);
}

// Sorts the problems by seq (none last), counts them and keeps the first max_problems.
void ListProblems(Coordinator& c) {
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
  if (c.problems.size() > c.options.max_problems) c.problems.resize(c.options.max_problems);
  c.summary.problems = std::move(c.problems);
  c.summary.verified = c.summary.problems_total == 0;
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
  s = ReadHead(c);
  if (!s.ok()) return s.error();
  unsigned jobs = options.jobs != 0 ? options.jobs : std::thread::hardware_concurrency();
  jobs = std::clamp(jobs, 1u, 64u);
  c.summary.jobs = jobs;
  c.summary.sha256 = crypto::Sha256BackendName(crypto::BestSha256Backend());
  auto table_exists = ChainedTablesPresent(c.db);
  if (!table_exists) return table_exists.error();
  auto index_check = IndexCheck::Plan(c.db);
  if (!index_check) return index_check.error();

  // Step 2.
  Workers workers(options, *table_exists, Split(1, c.summary.head_seq, jobs), *index_check);
  workers.Start();
  locker.reset();  // releases the write lock: every worker has its snapshot
  std::vector<WorkerOut> outs = workers.Finish(c.summary.head_seq);

  // Step 3.
  s = Judge(c, *table_exists, *index_check, outs);
  if (!s.ok()) return s.error();
  ListProblems(c);
  return std::move(c.summary);
}

}  // namespace vigil::verify
