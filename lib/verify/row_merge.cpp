// The row side of a worker's sweep (range_sweep.h): each chunk's entries, grouped by table,
// are merged with one ordered scan of the rows they claim, read from the file's pages where
// the page reader can read the table and through SQL otherwise; each row's canonical
// encoding is hashed in batches and compared with what its entry sealed.
#include <algorithm>
#include <span>

#include "core/encoding.h"
#include "store/schema.h"
#include "verify/range_sweep.h"

namespace vigil::verify {
namespace {

bool ByRow(const Entry& a, const Entry& b) {
  return a.row_id != b.row_id ? a.row_id < b.row_id : a.seq < b.seq;
}

// The table's columns after the first (id), quoted as identifiers: their names come from the
// store's schema, which a forger may have changed.
std::string QuotedColumnsAfterId(const store::Statement& probe) {
  std::string columns;
  const int n = probe.ColumnCount();
  for (int c = 1; c < n; ++c) {
    if (c > 1) columns += ", ";
    columns += '"';
    for (char ch : probe.ColumnName(c)) {
      if (ch == '"') columns += '"';
      columns += ch;
    }
    columns += '"';
  }
  return columns;
}

}  // namespace

// Merges each table's entries of this chunk with the rows they claim.
Status RangeSweep::CheckRows() {
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

// Hashes the queued rows and compares each with what its entry sealed.
void RangeSweep::CheckRowHashes() {
  if (pending_rows_.empty()) return;
  rows_.Run(many_);
  for (size_t i = 0; i < pending_rows_.size(); ++i) {
    const PendingRow& r = pending_rows_[i];
    const crypto::Digest& actual = rows_.digest(i);
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
Result<RangeSweep::RowQuery> RangeSweep::PrepareRows(const std::string& table) {
  // The table name is from our own list.
  auto probe = db_.Prepare("SELECT * FROM " + table + " LIMIT 0", "read " + table);
  if (!probe) return probe.error();
  const std::string columns = QuotedColumnsAfterId(*probe);
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

// The page reader for `table`, or null when it cannot read it (the SQL path does).
Result<RangeSweep::PageTable*> RangeSweep::PagesFor(const char* table, const char* key) {
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

Status RangeSweep::GiveUpPages(const char* table, const std::string& why) {
  gave_up_ = true;
  out_.pages_declined = std::string("page reader gave up on ") + table + ": " + why;
  return MakeError(ErrorCode::kInternal, out_.pages_declined);
}

// Chooses where the run's rows are read: the pages, else a SQL query (prepared once per
// table); neither when the table is gone.
Status RangeSweep::OpenRun(bool exists, RunSource& source) {
  if (exists) {
    auto found = PagesFor(source.table);
    if (!found) return found.error();
    source.pages = *found;
  }
  std::optional<RowQuery>& query = row_stmts_[source.table];
  if (exists && !source.pages && !query) {
    auto prepared = PrepareRows(source.table);
    if (!prepared) return prepared.error();
    query = std::move(*prepared);
  }
  if (query) source.query = &*query;
  (source.pages ? out_.read_pages : out_.read_sql) |= exists;
  return {};
}

// Moves the source to its next row in [lo, hi] (the first one when `first`).
Status RangeSweep::Advance(RunSource& source, bool first) {
  if (PageTable* pages = source.pages) {
    const auto state = first ? pages->cursor.Seek(source.lo) : pages->cursor.Next();
    if (state == store::TableCursor::State::kGiveUp) {
      return GiveUpPages(source.table, pages->cursor.why());
    }
    source.have_row =
        state == store::TableCursor::State::kRow && pages->cursor.rowid() <= source.hi;
    source.row_id = pages->cursor.rowid();
    return {};
  }
  if (source.query == nullptr) return {};
  store::Statement& rows = source.query->stmt;
  if (first) {
    rows.Reset();
    Status s = rows.BindInteger(1, source.lo);
    if (s.ok()) s = rows.BindInteger(2, source.hi);
    if (!s.ok()) return s;
  }
  auto step = rows.Step();
  if (!step) return step.error();
  source.have_row = *step;
  if (source.have_row) source.row_id = rows.ColumnInteger(0);
  return {};
}

// Puts the encoding of the row the source stands on in rows_, for CheckRowHashes.
Status RangeSweep::QueueEncoding(const RunSource& source) {
  if (source.pages) {
    if (!source.pages->cursor.AppendEncoding(rows_.Open())) {
      return GiveUpPages(source.table, source.pages->cursor.why());
    }
    rows_.Close();
  } else if (!source.query->in_place) {
    rows_.Add(source.query->stmt.ColumnBlob(1));
  } else if (sink_.row_id == source.row_id) {
    rows_.Close();  // keep the encoding vigil_record_into wrote for this row
  } else {
    return MakeError(ErrorCode::kInternal, std::string("rows of ") + source.table +
                                               " were encoded out of order (row " +
                                               std::to_string(source.row_id) + ")");
  }
  return {};
}

// Merges entries[begin, end), whose row ids are consecutive, with the rows they claim.
// `table` is a TableDef name, which outlives the rows queued here.
Status RangeSweep::MergeRun(const char* table, bool exists, const std::vector<Entry>& all,
                            size_t begin, size_t end) {
  const std::span<const Entry> entries(all.data() + begin, end - begin);
  RunSource source{table, entries.front().row_id, entries.back().row_id};
  Status s = OpenRun(exists, source);
  if (s.ok()) s = Advance(source, /*first=*/true);
  if (!s.ok()) return s;
  size_t e = 0;
  while (e < entries.size() || source.have_row) {
    if (e < entries.size() && (!source.have_row || entries[e].row_id < source.row_id)) {
      Problem p = MakeProblem(ProblemKind::kDeleted, entries[e].seq, table, entries[e].row_id,
                              "sealed row is missing");
      p.expected = ToHex(entries[e].RecordBytes());
      out_.problems.push_back(std::move(p));
      ++e;
      continue;
    }
    ++out_.rows;
    const int64_t row_id = source.row_id;
    if (e < entries.size() && entries[e].row_id == row_id) {
      s = QueueEncoding(source);
      if (!s.ok()) return s;
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
    s = Advance(source, /*first=*/false);
    if (!s.ok()) return s;
  }
  return {};
}

}  // namespace vigil::verify
