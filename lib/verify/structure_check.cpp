#include "verify/structure_check.h"

#include <algorithm>
#include <map>

#include "store/schema_check.h"

namespace vigil::verify {

using store::Database;

Result<std::vector<Problem>> SchemaProblems(Database& db) {
  auto differences = store::SchemaDifferences(db);
  if (!differences) return differences.error();
  std::vector<Problem> out;
  for (const store::SchemaDifference& d : *differences) {
    Problem p;
    p.kind = ProblemKind::kSchema;
    p.table = d.table;
    p.detail = d.what;
    out.push_back(std::move(p));
  }
  return out;
}

IndexCheck::IndexCheck(IndexCheck&& other) noexcept
    : key_(other.key_),
      tables_(std::move(other.tables_)),
      tasks_(std::move(other.tasks_)),
      next_(other.next_.load()) {}

Result<IndexCheck> IndexCheck::Plan(Database& db) {
  auto indexes = store::ListIndexes(db);
  if (!indexes) return indexes.error();
  IndexCheck check;
  check.key_ = store::RandomIndexKey();
  std::map<std::string, size_t> by_table;
  for (store::IndexDef& index : *indexes) {
    auto [it, added] = by_table.emplace(index.table, check.tables_.size());
    if (added) check.tables_.push_back(TableTask{index.table, {}, 0, std::nullopt, {}});
    check.tables_[it->second].indexes.push_back(std::move(index));
  }
  for (TableTask& t : check.tables_) {
    t.through_index.resize(t.indexes.size());
    std::string quoted = "\"";
    for (char c : t.table) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    auto size = db.QueryInteger("SELECT max(rowid) FROM " + quoted + "\"", "size a table");
    if (size) t.size = *size;  // a table that cannot be read fails its scan below
  }
  // The largest tables first, each table's scan before its indexes', so two workers finish
  // close together.
  std::vector<size_t> order(check.tables_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return check.tables_[a].size > check.tables_[b].size;
  });
  for (size_t t : order) {
    check.tasks_.push_back({t, std::nullopt});
    for (size_t i = 0; i < check.tables_[t].indexes.size(); ++i) check.tasks_.push_back({t, i});
  }
  return check;
}

void IndexCheck::Work(Database& db) {
  for (;;) {
    const size_t n = next_.fetch_add(1);
    if (n >= tasks_.size()) return;
    TableTask& t = tables_[tasks_[n].table];
    if (tasks_[n].index) {
      const size_t i = *tasks_[n].index;
      t.through_index[i] = store::DigestThroughIndex(db, t.indexes[i]);
    } else {
      t.through_table = store::DigestThroughTable(db, t.table, t.indexes);
    }
  }
}

Result<int64_t> IndexCheck::SeqOf(Database& db, const std::string& table, int64_t rowid,
                                  bool chain_index_ok) {
  if (table == "chain") return rowid;
  // The chain's own index is used only when it was found sound.
  auto stmt =
      db.Prepare(std::string("SELECT seq FROM chain ") + (chain_index_ok ? "" : "NOT INDEXED ") +
                     "WHERE tbl = ?1 AND row_id = ?2 ORDER BY seq LIMIT 1",
                 "find the entry of a row");
  if (!stmt) return stmt.error();
  Status s = stmt->BindText(1, table);
  if (s.ok()) s = stmt->BindInteger(2, rowid);
  if (!s.ok()) return s.error();
  auto row = stmt->Step();
  if (!row) return row.error();
  return *row ? stmt->ColumnInteger(0) : -1;
}

Result<std::vector<Problem>> IndexCheck::Problems(Database& db, int64_t limit) {
  struct Bad {
    const store::IndexDef* index;
    std::string unreadable;  // why it could not be read; empty: it differs
  };
  std::vector<Bad> bad;
  bool chain_index_ok = true;
  for (const TableTask& t : tables_) {
    for (size_t i = 0; i < t.indexes.size(); ++i) {
      const auto& table = t.through_table;
      const auto& index = t.through_index[i];
      std::string why;
      if (!table || !index) {
        why = "it was not read";
      } else if (!table->has_value()) {
        why = "its table cannot be read: " + table->error().message;
      } else if (!index->has_value()) {
        why = index->error().message;
      } else if ((**table)[i] == **index) {
        continue;
      }
      bad.push_back({&t.indexes[i], why});
      if (t.table == "chain") chain_index_ok = false;
    }
  }
  std::vector<Problem> out;
  for (const Bad& b : bad) {
    const store::IndexDef& index = *b.index;
    std::vector<store::IndexEntryDiff> diffs;
    std::string why = b.unreadable;
    if (why.empty()) {
      auto listed = store::IndexDifferences(db, index, limit);
      if (listed) {
        diffs = std::move(*listed);
      } else {
        why = listed.error().message;
      }
    }
    if (diffs.empty()) {
      Problem p;
      p.kind = ProblemKind::kIndex;
      p.table = index.table;
      p.detail = "index " + index.name +
                 (why.empty() ? " does not hold the entries of its table"
                              : " cannot be checked against its table: " + why);
      out.push_back(std::move(p));
      continue;
    }
    // An entry that names a row with other values shows as one of each: one problem per row.
    for (size_t i = 0; i < diffs.size();) {
      const int64_t rowid = diffs[i].rowid;
      bool in_index = false, in_table = false;
      for (; i < diffs.size() && diffs[i].rowid == rowid; ++i) {
        (diffs[i].in_index ? in_index : in_table) = true;
      }
      auto seq = SeqOf(db, index.table, rowid, chain_index_ok);
      if (!seq) return seq.error();
      Problem p;
      p.kind = ProblemKind::kIndex;
      if (*seq >= 0) p.seq = *seq;
      p.table = index.table;
      p.row_id = rowid;
      p.detail = "index " + index.name +
                 (in_index && in_table ? "'s entry for this row holds other values than the row"
                  : in_index           ? " has an entry for this row, which the table does not hold"
                                       : " lacks this row's entry");
      out.push_back(std::move(p));
    }
  }
  return out;
}

}  // namespace vigil::verify
