#include "store/index_check.h"

#include <sqlite3.h>

#include <cstring>
#include <random>

namespace vigil::store {
namespace {

uint64_t Mix(uint64_t x) {  // the splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct EntryHash {
  uint64_t a, b;
  void Word(uint64_t w) {
    a = Mix(a ^ w);
    b = Mix(b + w * 0x9e3779b97f4a7c15ULL);
  }
  void Bytes(const unsigned char* p, size_t n) {
    for (; n >= 8; p += 8, n -= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      Word(w);
    }
    if (n > 0) {
      uint64_t w = 0;
      std::memcpy(&w, p, n);
      Word(w);
    }
  }
  void Value(sqlite3_value* v) {
    const int type = sqlite3_value_type(v);
    switch (type) {
      case SQLITE_INTEGER:
        Word(1);
        Word(static_cast<uint64_t>(sqlite3_value_int64(v)));
        break;
      case SQLITE_FLOAT: {
        const double d = sqlite3_value_double(v);
        uint64_t bits;
        std::memcpy(&bits, &d, 8);
        Word(2);
        Word(bits);
        break;
      }
      case SQLITE_TEXT:
      case SQLITE_BLOB: {
        // Bytes before length: sqlite3_value_bytes gives the length of what was just read.
        const auto* p = static_cast<const unsigned char*>(
            type == SQLITE_TEXT ? sqlite3_value_text(v) : sqlite3_value_blob(v));
        const auto n = static_cast<size_t>(sqlite3_value_bytes(v));
        Word(static_cast<uint64_t>(type) | (static_cast<uint64_t>(n) << 8));
        if (p != nullptr) Bytes(p, n);
        break;
      }
      default:
        Word(5);
    }
  }
};

void SumStep(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* sum = static_cast<IndexDigest*>(sqlite3_aggregate_context(ctx, sizeof(IndexDigest)));
  if (sum == nullptr) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  const auto* key = static_cast<const IndexKey*>(sqlite3_user_data(ctx));
  EntryHash h{(*key)[0], (*key)[1]};
  for (int i = 0; i < argc; ++i) h.Value(argv[i]);
  (*sum)[0] += Mix(h.a ^ Mix(h.b));
  (*sum)[1] += Mix(h.b + (*key)[0]);
  (*sum)[2] += 1;
}

void SumFinal(sqlite3_context* ctx) {
  auto* sum = static_cast<IndexDigest*>(sqlite3_aggregate_context(ctx, 0));
  IndexDigest zero{};
  sqlite3_result_blob(ctx, sum != nullptr ? sum->data() : zero.data(), sizeof(IndexDigest),
                      SQLITE_TRANSIENT);
}

std::string Quote(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string KeyList(const IndexDef& index) {
  std::string out;
  for (const std::string& c : index.columns) out += Quote(c) + ", ";
  return out + "rowid";
}

Result<IndexDigest> ReadDigest(Statement& stmt, int column) {
  std::string_view bytes = stmt.ColumnBlob(column);
  if (bytes.size() != sizeof(IndexDigest)) {
    return MakeError(ErrorCode::kInternal, "vigil_index_sum gave no digest");
  }
  IndexDigest d;
  std::memcpy(d.data(), bytes.data(), sizeof d);
  return d;
}

}  // namespace

Result<std::vector<IndexDef>> ListIndexes(Database& db) {
  auto list = db.Prepare(
      "SELECT s.name, s.tbl_name FROM sqlite_schema s WHERE s.type = 'index' AND EXISTS "
      "(SELECT 1 FROM sqlite_schema t WHERE t.type = 'table' AND t.name = s.tbl_name) "
      "ORDER BY s.rowid",
      "list indexes");
  if (!list) return list.error();
  auto shape = db.Prepare(
      "SELECT (SELECT partial FROM pragma_index_list(?2) WHERE name = ?1), "
      "(SELECT count(*) FROM pragma_index_info(?1) WHERE name IS NULL)",
      "read an index's shape");
  if (!shape) return shape.error();
  auto columns = db.Prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno",
                            "read an index's columns");
  if (!columns) return columns.error();
  std::vector<IndexDef> out;
  for (;;) {
    auto row = list->Step();
    if (!row) return row.error();
    if (!*row) break;
    IndexDef index{std::string(list->ColumnText(0)), std::string(list->ColumnText(1)), {}};
    shape->Reset();
    Status s = shape->BindText(1, index.name);
    if (s.ok()) s = shape->BindText(2, index.table);
    if (!s.ok()) return s.error();
    auto got = shape->Step();
    if (!got) return got.error();
    if (!*got || shape->ColumnInteger(0) != 0 || shape->ColumnInteger(1) != 0) continue;
    columns->Reset();
    s = columns->BindText(1, index.name);
    if (!s.ok()) return s.error();
    for (;;) {
      auto col = columns->Step();
      if (!col) return col.error();
      if (!*col) break;
      index.columns.emplace_back(columns->ColumnText(0));
    }
    if (!index.columns.empty()) out.push_back(std::move(index));
  }
  return out;
}

IndexKey RandomIndexKey() {
  std::random_device rd;
  auto draw = [&] { return (static_cast<uint64_t>(rd()) << 32) ^ rd(); };
  return {draw(), draw()};
}

Status RegisterIndexDigest(Database& db, const IndexKey& key) {
  auto* user = new IndexKey(key);
  const int rc = sqlite3_create_function_v2(
      db.handle(), "vigil_index_sum", -1, SQLITE_UTF8 | SQLITE_DIRECTONLY, user, nullptr, SumStep,
      SumFinal, [](void* p) { delete static_cast<IndexKey*>(p); });
  if (rc != SQLITE_OK) {
    return MakeError(ErrorCode::kStore, std::string("cannot register vigil_index_sum: ") +
                                            sqlite3_errmsg(db.handle()));
  }
  return {};
}

Result<IndexDigest> DigestThroughIndex(Database& db, const IndexDef& index) {
  // Only key columns and the rowid are read: SQLite scans the index alone (covering).
  auto stmt = db.Prepare("SELECT vigil_index_sum(" + KeyList(index) + ") FROM " +
                             Quote(index.table) + " INDEXED BY " + Quote(index.name),
                         "read index " + index.name);
  if (!stmt) return stmt.error();
  auto row = stmt->Step();
  if (!row) return row.error();
  return ReadDigest(*stmt, 0);
}

Result<std::vector<IndexDigest>> DigestThroughTable(Database& db, const std::string& table,
                                                    const std::vector<IndexDef>& indexes) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < indexes.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += "vigil_index_sum(" + KeyList(indexes[i]) + ")";
  }
  auto stmt = db.Prepare(sql + " FROM " + Quote(table) + " NOT INDEXED", "read " + table);
  if (!stmt) return stmt.error();
  auto row = stmt->Step();
  if (!row) return row.error();
  std::vector<IndexDigest> out;
  for (size_t i = 0; i < indexes.size(); ++i) {
    auto d = ReadDigest(*stmt, static_cast<int>(i));
    if (!d) return d.error();
    out.push_back(*d);
  }
  return out;
}

Result<std::vector<IndexEntryDiff>> IndexDifferences(Database& db, const IndexDef& index,
                                                     int64_t limit) {
  std::string keys;
  for (const std::string& c : index.columns) keys += Quote(c) + ", ";
  keys += "rowid AS vigil_rowid";
  const std::string through_index =
      "SELECT " + keys + " FROM " + Quote(index.table) + " INDEXED BY " + Quote(index.name);
  const std::string through_table =
      "SELECT " + keys + " FROM " + Quote(index.table) + " NOT INDEXED";
  auto stmt =
      db.Prepare("SELECT vigil_rowid, 1 FROM (" + through_index + " EXCEPT " + through_table +
                     ") UNION ALL SELECT vigil_rowid, 0 FROM (" + through_table + " EXCEPT " +
                     through_index + ") ORDER BY 1, 2 DESC LIMIT ?1",
                 "compare index " + index.name);
  if (!stmt) return stmt.error();
  Status s = stmt->BindInteger(1, limit);
  if (!s.ok()) return s.error();
  std::vector<IndexEntryDiff> out;
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back({stmt->ColumnInteger(0), stmt->ColumnInteger(1) != 0});
  }
  return out;
}

}  // namespace vigil::store
