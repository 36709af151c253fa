// Step 3 of verifier.cpp: the workers' raw findings (findings.h) become classified problems.
// A failed link is modified, reordered or inserted depending on its neighbours; a row that
// differs may hold content sealed elsewhere (reordered); rows no worker looked at and entries
// two workers claim are found with a query per gap or overlap, none in a clean store.
#include <algorithm>
#include <map>

#include "core/encoding.h"
#include "store/schema.h"
#include "verify/findings.h"

namespace vigil::verify {
namespace {

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
    p->actual = ToHex(stmt->ColumnBlob(3));
  }
  if (!next) return std::optional<Problem>();  // nothing after s confirms s's own hash
  return p;
}

}  // namespace

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
      p.actual = ToHex(l.actual);
      c.problems.push_back(std::move(p));
    }
    for (const RowMismatch& m : o.mismatches) {
      auto it = expected_by_hash.find({m.table, std::string(crypto::DigestBytes(m.actual))});
      const bool moved = it != expected_by_hash.end() && it->second != m.seq;
      Problem p = MakeProblem(
          moved ? ProblemKind::kReordered : ProblemKind::kModified, m.seq, m.table, m.row_id,
          moved ? "row holds the content sealed at seq " + std::to_string(it->second)
                : "row differs from what was sealed");
      p.expected = ToHex(m.expected);
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
      if (*row && after->ColumnType(0) != store::ValueType::kNull) seq = after->ColumnInteger(0);
      c.problems.push_back(MakeProblem(ProblemKind::kInserted, seq, orphan.table, orphan.row_id,
                                       "row was never sealed"));
    }
  }
  return {};
}

}  // namespace vigil::verify
