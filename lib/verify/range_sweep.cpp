// The chain side of a worker's sweep (range_sweep.h): read the entries of the range in seq
// order, note gaps, repeats and entries out of their table's order, and check each entry's
// link to the one before it, hashed in batches.
#include "verify/range_sweep.h"

#include <array>

#include "store/schema.h"

namespace vigil::verify {
namespace {

// Whether a chain entry's columns have the storage classes vigil writes. SQL converts a value
// of another class when it is read as this one; such an entry (which a STRICT table cannot
// hold) cannot link.
bool WellTyped(store::ValueType table, store::ValueType row_id, store::ValueType record,
               store::ValueType chain) {
  return table == store::ValueType::kText && row_id == store::ValueType::kInteger &&
         record == store::ValueType::kBlob && chain == store::ValueType::kBlob;
}

int TableIndex(std::string_view name) {
  const auto& tables = store::ChainedTables();
  for (size_t i = 0; i < tables.size(); ++i) {
    if (name == tables[i].name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

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

RangeSweep::RangeSweep(store::Database& db, const store::PageImage* image,
                       const std::vector<bool>& table_exists, WorkerOut& out, crypto::Sha256 sha,
                       crypto::Sha256Many many, std::atomic<int64_t>& checked)
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

Status RangeSweep::Run(Range range) {
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

void RangeSweep::Count(size_t entries) {
  counted_ += static_cast<int64_t>(entries);
  checked_.fetch_add(static_cast<int64_t>(entries), std::memory_order_relaxed);
}

Status RangeSweep::ReadPrevious(Range range) {
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

uint32_t RangeSweep::TableName(std::string_view table) {
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
Status RangeSweep::ReadChain(Range range, Read& read) {
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
      // An entry SQL would read converted is left to SQL.
      if (!WellTyped(v[0].type, v[1].type, v[2].type, v[3].type)) {
        return GiveUpPages("chain", "an entry of another storage class");
      }
      Status s = read(
          ChainRow{true, chain->cursor.rowid(), v[0].bytes, v[1].integer, v[2].bytes, v[3].bytes});
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
    // Check the classes before reading values: reading converts them and changes the
    // reported class.
    const bool well_typed = WellTyped(stmt->ColumnType(1), stmt->ColumnType(2), stmt->ColumnType(3),
                                      stmt->ColumnType(4));
    s = read(ChainRow{well_typed, stmt->ColumnInteger(0), stmt->ColumnText(1),
                      stmt->ColumnInteger(2), stmt->ColumnBlob(3), stmt->ColumnBlob(4)});
    if (!s.ok()) return s;
  }
  return {};
}

// An entry as read (in seq order): its place in the sequence and in its table, and its link
// queued for hashing.
void RangeSweep::ReadLink(const ChainRow& entry) {
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
void RangeSweep::CheckLinks() {
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

}  // namespace vigil::verify
