// The page reader must give exactly the rows and encodings SQL gives, or give up: the reading
// tests compare it with `SELECT id, vigil_record(...) ... ORDER BY id` on the same file, the
// others check that it declines or gives up where it cannot be exact.
#include "store/table_pages.h"

#include <sqlite3.h>

#include <cmath>
#include <fstream>
#include <random>

#include "core/encoding.h"
#include "store/canonical.h"
#include "store/database.h"
#include "store/schema.h"
#include "store/store.h"
#include "support/populate.h"
#include "support/test_support.h"

using namespace vigil;
using namespace vigil::store;
using vigil::testing::RawQueryInt;
using vigil::testing::RawSql;
using vigil::testing::TempDir;

namespace {

using Rows = std::vector<std::pair<int64_t, std::string>>;  // (id, encoding as hex)

// RawSql on a file it may create (plain SQLite files, no vigil schema).
void CreateSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_close(db);
  RawSql(path, sql);
}

Database OpenSnapshot(const std::string& path) {
  auto db = Database::Open(path, Database::Mode::kReadOnly);
  REQUIRE(db);
  REQUIRE(RegisterRecordFunction(*db).ok());
  REQUIRE(db->Exec("BEGIN", "test").ok());
  REQUIRE(db->QueryInteger("SELECT count(*) FROM sqlite_schema", "test"));
  return std::move(*db);
}

Rows SqlRows(Database& db, const std::string& table, int64_t lo, int64_t hi) {
  auto probe = db.Prepare("SELECT * FROM " + table + " LIMIT 0", "test");
  REQUIRE(probe);
  std::string columns;
  for (int c = 1; c < probe->ColumnCount(); ++c) {
    columns += std::string(c > 1 ? ", " : "") + sqlite3_column_name(probe->handle(), c);
  }
  auto stmt = db.Prepare("SELECT id, vigil_record(" + columns + ") FROM " + table +
                             " WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
                         "test");
  REQUIRE(stmt);
  REQUIRE(stmt->BindInteger(1, lo).ok());
  REQUIRE(stmt->BindInteger(2, hi).ok());
  Rows out;
  while (*stmt->Step()) out.emplace_back(stmt->ColumnInteger(0), ToHex(stmt->ColumnBlob(1)));
  return out;
}

// The same range through the page reader; nullopt when it gives up.
std::optional<Rows> PageRows(const PageImage& image, const TableLayout& layout, int64_t lo,
                             int64_t hi, std::string* why = nullptr) {
  TableCursor cursor(image, layout);
  Rows out;
  ByteBuffer buf;
  for (auto state = cursor.Seek(lo);; state = cursor.Next()) {
    if (state == TableCursor::State::kGiveUp) {
      if (why) *why = cursor.why();
      return std::nullopt;
    }
    if (state == TableCursor::State::kEnd || cursor.rowid() > hi) break;
    buf.Clear();
    if (!cursor.AppendEncoding(buf)) {
      if (why) *why = cursor.why();
      return std::nullopt;
    }
    out.emplace_back(cursor.rowid(), ToHex({buf.data(), buf.size()}));
  }
  return out;
}

struct Reader {
  Database db;
  PageImage image;
  explicit Reader(const std::string& path) : db(OpenSnapshot(path)) {
    auto mapped = MapStoreFile(db);
    REQUIRE(mapped);
    REQUIRE(mapped->has_value());
    image = std::move(**mapped);
  }
  std::optional<TableLayout> Layout(const std::string& table) {
    auto layout = ReadTableLayout(db, table);
    REQUIRE(layout);
    return *layout;
  }
  void CheckSame(const std::string& table, int64_t lo = INT64_MIN, int64_t hi = INT64_MAX) {
    auto layout = Layout(table);
    REQUIRE(layout.has_value());
    std::string why;
    auto pages = PageRows(image, *layout, lo, hi, &why);
    INFO(table << " [" << lo << ", " << hi << "]: " << why);
    REQUIRE(pages.has_value());
    CHECK(*pages == SqlRows(db, table, lo, hi));
  }
};

// A plain SQLite file (no vigil schema) for values vigil's writers do not produce.
std::string EdgeFile(const TempDir& dir) {
  const std::string path = dir.File("edge.db");
  CreateSql(path, "PRAGMA journal_mode = WAL");
  RawSql(path,
         "CREATE TABLE t(id INTEGER PRIMARY KEY, i INTEGER, r REAL, f FLOAT, x TEXT, b BLOB, "
         "n NUMERIC, a);"
         "INSERT INTO t VALUES (1, 0, 0.0, 1, '', x'', 0, NULL);"
         "INSERT INTO t VALUES (2, 1, 1.0, -3, 'h\xc3\xa9', x'00ff00', 12.5, 7);"
         "INSERT INTO t VALUES (3, -1, 2.5, 1e300, NULL, NULL, NULL, 'mixed');"
         "INSERT INTO t VALUES (5, 127, -0.0, 9007199254740993, 'a', x'01', 1, 1.5);"
         "INSERT INTO t VALUES (6, -128, 128, 2, 'b', NULL, NULL, NULL);"
         "INSERT INTO t VALUES (7, 32767, -32768, 8388607, '-8388608', NULL, NULL, x'');"
         "INSERT INTO t VALUES (8, 2147483647, -2147483648, 140737488355327, NULL, NULL, NULL, "
         "NULL);"
         "INSERT INTO t VALUES (9, -140737488355328, 9223372036854775807, "
         "-9223372036854775808, NULL, NULL, NULL, NULL);"
         "INSERT INTO t VALUES (10, NULL, NULL, NULL, NULL, NULL, NULL, NULL);"
         "INSERT INTO t VALUES (-4, 9223372036854775807, NULL, NULL, 'negative id', NULL, NULL, "
         "NULL);"
         "INSERT INTO t(id, x) VALUES (9223372036854775807, 'last id');"
         "INSERT INTO t(id, x) VALUES (-9223372036854775808, 'first id');");
  // Payloads around the page's local limit (4061 bytes for 4096-byte pages) and far past it,
  // text with NUL bytes in it, and columns added after rows were written (NULL in old rows).
  RawSql(path,
         "INSERT INTO t(id, x) VALUES (100, 'x' || char(0) || 'y');"
         "WITH RECURSIVE n(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM n WHERE v < 40) "
         "INSERT INTO t(id, b) SELECT 200 + v, zeroblob(4040 + v) FROM n;"
         "INSERT INTO t(id, x, b) VALUES (300, replace(hex(zeroblob(100000)), '00', 'z'), "
         "randomblob(9000));"
         "INSERT INTO t(id, b) VALUES (301, randomblob(65000));"
         "ALTER TABLE t ADD COLUMN later TEXT;"
         "INSERT INTO t(id, later) VALUES (400, 'after');");
  return path;
}

}  // namespace

TEST_CASE("the page reader gives SQL's encoding of every row of every chained table",
          "[store][pages]") {
  TempDir dir;
  const std::string path = dir.File("store.db");
  testing::PopulateOptions o;
  o.events = 3000;  // a b-tree of two levels with some 200 leaves
  o.incidents = 4;
  REQUIRE(testing::Populate(path, o).ok());
  // A REAL column holding whole numbers is stored as an integer and read back as a REAL.
  RawSql(path, "UPDATE scores SET anomaly = 1.0 WHERE id = 1");
  Reader r(path);
  for (const TableDef& def : ChainedTables()) {
    if (!r.Layout(def.name)) continue;  // not in this store
    r.CheckSame(def.name);
  }
  CHECK(RawQueryInt(path, "SELECT count(*) FROM scores WHERE typeof(anomaly) = 'real'") > 0);
  // Ranges start and end anywhere: between leaves, inside one, before and after every row.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200; ++i) {
    const int64_t lo = static_cast<int64_t>(rng() % 3100) - 50;
    r.CheckSame("events", lo, lo + static_cast<int64_t>(rng() % 400));
  }
  r.CheckSame("events", 3001, INT64_MAX);
  r.CheckSame("events", INT64_MIN, 0);
}

TEST_CASE("the page reader decodes every serial type, overflow pages and added columns",
          "[store][pages]") {
  TempDir dir;
  const std::string path = EdgeFile(dir);
  Reader r(path);
  r.CheckSame("t");
  r.CheckSame("t", 200, 240);
  r.CheckSame("t", 301, 301);
  auto layout = r.Layout("t");
  REQUIRE(layout);
  CHECK(layout->real_affinity ==
        std::vector<bool>{false, true, true, false, false, false, false, false});
}

TEST_CASE("the page reader follows rows that were deleted and tables that shrank",
          "[store][pages]") {
  TempDir dir;
  const std::string path = dir.File("gaps.db");
  CreateSql(path,
            "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
            "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 5000) "
            "INSERT INTO t SELECT v, replace(hex(zeroblob(300)), '00', 'v') FROM n;"
            "DELETE FROM t WHERE id % 7 = 0 OR id BETWEEN 1000 AND 2500;"
            "CREATE TABLE empty(id INTEGER PRIMARY KEY, v TEXT);");
  Reader r(path);
  r.CheckSame("t");
  r.CheckSame("t", 990, 2600);
  r.CheckSame("t", 1500, 2000);  // nothing there
  r.CheckSame("empty");
}

TEST_CASE("the page reader declines tables it cannot read as SELECT * does", "[store][pages]") {
  TempDir dir;
  const std::string path = dir.File("odd.db");
  CreateSql(path,
            "CREATE TABLE plain(id INTEGER PRIMARY KEY, v TEXT);"
            "CREATE TABLE copied AS SELECT * FROM plain;"  // id is a plain column, not the rowid
            "CREATE TABLE descending(id INTEGER PRIMARY KEY DESC, v TEXT);"
            "CREATE TABLE keyless(id INTEGER PRIMARY KEY, v TEXT) WITHOUT ROWID;"
            "CREATE TABLE generated(id INTEGER PRIMARY KEY, v TEXT, w TEXT AS (v || 'x'));"
            "CREATE TABLE defaulted(id INTEGER PRIMARY KEY, v TEXT DEFAULT 'd');"
            "CREATE TABLE named(key INTEGER PRIMARY KEY, v TEXT);"
            "CREATE VIEW viewed AS SELECT * FROM plain;");
  Reader r(path);
  CHECK(r.Layout("plain").has_value());
  for (const char* table :
       {"copied", "descending", "keyless", "generated", "defaulted", "named", "viewed", "none"}) {
    INFO(table);
    CHECK_FALSE(r.Layout(table).has_value());
  }
}

TEST_CASE("the page reader is not used while the write-ahead log holds frames", "[store][pages]") {
  TempDir dir;
  const std::string path = dir.File("wal.db");
  CreateSql(path, "PRAGMA journal_mode = WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
  // A writer that keeps its connection open and never checkpoints leaves its frames in the log.
  sqlite3* writer = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &writer) == SQLITE_OK);
  REQUIRE(sqlite3_exec(writer, "PRAGMA wal_autocheckpoint = 0; INSERT INTO t VALUES (1, 'new')",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  {
    Database db = OpenSnapshot(path);
    auto mapped = MapStoreFile(db);
    REQUIRE(mapped);
    CHECK_FALSE(mapped->has_value());
  }
  sqlite3_close(writer);  // the last connection checkpoints and empties the log
  Database db = OpenSnapshot(path);
  auto mapped = MapStoreFile(db);
  REQUIRE(mapped);
  CHECK(mapped->has_value());
}

TEST_CASE("the page reader gives up on pages SQL reads in another order", "[store][pages]") {
  TempDir dir;
  const std::string path = dir.File("swap.db");
  CreateSql(path,
            "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
            "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 2000) "
            "INSERT INTO t SELECT v, replace(hex(zeroblob(200)), '00', 'v') FROM n;");
  const auto page = RawQueryInt(path,
                                "SELECT pageno FROM dbstat WHERE name = 't' AND pagetype = 'leaf' "
                                "ORDER BY pageno LIMIT 1 OFFSET 3");
  const auto size = RawQueryInt(path, "PRAGMA page_size");
  {
    // Swap the first two cell pointers of a leaf: a scan now meets two rows out of order.
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    REQUIRE(f);
    char cells[4];
    f.seekg(static_cast<std::streamoff>((page - 1) * size + 8));
    f.read(cells, 4);
    const char swapped[4] = {cells[2], cells[3], cells[0], cells[1]};
    f.seekp(static_cast<std::streamoff>((page - 1) * size + 8));
    f.write(swapped, 4);
  }
  Reader r(path);
  auto layout = r.Layout("t");
  REQUIRE(layout);
  std::string why;
  CHECK_FALSE(PageRows(r.image, *layout, INT64_MIN, INT64_MAX, &why).has_value());
  CHECK(why == "rows out of rowid order");
}

TEST_CASE("the page reader survives damaged pages", "[store][pages]") {
  // Whatever bytes a page holds, the reader yields rows or gives up: it never reads outside
  // the image (the ASan build checks) and never loops.
  TempDir dir;
  const std::string path = EdgeFile(dir);
  std::string bytes = testing::ReadText(path);
  std::optional<TableLayout> layout;
  {
    Reader r(path);
    layout = r.Layout("t");
  }
  REQUIRE(layout);
  std::mt19937_64 rng(11);
  int gave_up = 0;
  for (int round = 0; round < 300; ++round) {
    std::string damaged = bytes;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < flips; ++i) {
      const size_t at = 100 + rng() % (damaged.size() - 100);
      damaged[at] = static_cast<char>(rng());
    }
    auto image = PageImage::FromBytes(damaged);
    REQUIRE(image);
    if (!PageRows(*image, *layout, INT64_MIN, INT64_MAX)) ++gave_up;
    (void)PageRows(*image, *layout, 200, 300);
  }
  CHECK(gave_up > 0);
  CHECK_FALSE(PageImage::FromBytes(bytes.substr(0, 99)).has_value());
  CHECK_FALSE(PageImage::FromBytes(std::string(4096, '\0')).has_value());
}
