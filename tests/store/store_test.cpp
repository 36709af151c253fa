#include "store/store.h"

#include <sys/stat.h>

#include <cmath>
#include <thread>

#include "store/chain.h"
#include "store/schema.h"
#include "support/populate.h"
#include "support/test_support.h"

using namespace vigil;
using namespace vigil::store;
using vigil::testing::RawQueryInt;
using vigil::testing::RawSql;
using vigil::testing::TempDir;

TEST_CASE("OpenStore creates a private WAL store at the current schema version", "[store]") {
  TempDir dir;
  const std::string path = dir.File("s.db");
  auto db = OpenStore(path, StoreAccess::kCreate);
  REQUIRE(db.has_value());
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto mode = db->Prepare("PRAGMA journal_mode", "test");
  REQUIRE(mode.has_value());
  REQUIRE(*mode->Step());
  CHECK(mode->ColumnText(0) == "wal");
  CHECK(*SchemaVersionOf(*db) == kSchemaVersion);
  CHECK(*db->QueryInteger("PRAGMA foreign_keys", "test") == 1);
  auto id = StoreId(*db);
  REQUIRE(id.has_value());
  CHECK(id->size() == 32);
}

TEST_CASE("OpenStore refuses missing, foreign and newer stores", "[store]") {
  TempDir dir;
  auto missing = OpenStore(dir.File("none.db"), StoreAccess::kRead);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == ErrorCode::kNotFound);

  testing::WriteText(dir.File("text.db"), "this is not a database, just text of some length\n");
  auto text = OpenStore(dir.File("text.db"), StoreAccess::kWrite);
  REQUIRE_FALSE(text.has_value());
  CHECK(text.error().code == ErrorCode::kStore);
}

TEST_CASE("OpenStore refuses a store from a newer vigil with a clear message", "[store]") {
  TempDir dir;
  const std::string path = dir.File("s.db");
  REQUIRE(OpenStore(path, StoreAccess::kCreate).has_value());
  RawSql(path, "PRAGMA user_version = 99");
  for (StoreAccess access : {StoreAccess::kRead, StoreAccess::kWrite}) {
    auto db = OpenStore(path, access);
    REQUIRE_FALSE(db.has_value());
    CHECK(db.error().code == ErrorCode::kStore);
    CHECK(db.error().message ==
          "store schema version 99 is newer than this vigil understands (8); use a newer vigil");
  }
}

TEST_CASE("OpenStore will not write into an SQLite file that is not a vigil store", "[store]") {
  TempDir dir;
  const std::string path = dir.File("foreign.db");
  {
    auto db = OpenStore(path, StoreAccess::kCreate);  // make an SQLite file ...
    REQUIRE(db.has_value());
  }
  RawSql(path, "PRAGMA user_version = 0; CREATE TABLE customers(name TEXT);");  // ... foreign
  auto db = OpenStore(path, StoreAccess::kWrite);
  REQUIRE_FALSE(db.has_value());
  CHECK(db.error().message == "not a vigil store (an SQLite database with other tables)");
}

TEST_CASE("The schema's chained tables match the TableDefs column for column", "[store]") {
  TempDir dir;
  auto db = OpenStore(dir.File("s.db"), StoreAccess::kCreate);
  REQUIRE(db.has_value());
  for (const TableDef& t : ChainedTables()) {
    INFO(t.name);
    auto info = db->Prepare(std::string("SELECT name, type, \"notnull\" FROM pragma_table_info('") +
                                t.name + "') ORDER BY cid",
                            "test");
    REQUIRE(info.has_value());
    REQUIRE(*info->Step());
    CHECK(info->ColumnText(0) == "id");
    for (const ColumnDef& c : t.columns) {
      REQUIRE(*info->Step());
      CHECK(info->ColumnText(0) == c.name);
      CHECK(info->ColumnText(1) == ValueTypeName(c.type));
      CHECK((info->ColumnInteger(2) != 0) == c.not_null);
    }
    CHECK_FALSE(*info->Step());
  }
}

TEST_CASE("ChainWriter seals rows and advances the head in one transaction", "[store]") {
  TempDir dir;
  const std::string path = dir.File("s.db");
  auto db = OpenStore(path, StoreAccess::kCreate);
  REQUIRE(db.has_value());
  {
    auto tx = Transaction::Begin(*db, Transaction::Kind::kImmediate);
    REQUIRE(tx.has_value());
    auto w = ChainWriter::Begin(*db);
    REQUIRE(w.has_value());
    auto id = w->Append("batches", {Value::Integer(1), Value::Text("test"), Value::Null(),
                                    Value::Text("0"), Value::Null()});
    REQUIRE(id.has_value());
    CHECK(w->head().seq == 1);
    // Rolled back: no row and no entry survive.
  }
  CHECK(RawQueryInt(path, "SELECT count(*) FROM chain") == 0);
  CHECK(RawQueryInt(path, "SELECT count(*) FROM batches") == 0);

  auto tx = Transaction::Begin(*db, Transaction::Kind::kImmediate);
  REQUIRE(tx.has_value());
  auto w = ChainWriter::Begin(*db);
  REQUIRE(w.has_value());
  REQUIRE(w->Append("batches", {Value::Integer(1), Value::Text("test"), Value::Null(),
                                Value::Text("0"), Value::Null()})
              .has_value());
  REQUIRE(tx->Commit().ok());
  CHECK(RawQueryInt(path, "SELECT count(*) FROM chain") == 1);
  auto head = ReadHead(*db);
  REQUIRE(head.has_value());
  CHECK(head->seq == 1);
  CHECK(head->hash == w->head().hash);
}

TEST_CASE("ChainWriter rejects a value of the wrong type before SQLite can coerce it", "[store]") {
  TempDir dir;
  auto db = OpenStore(dir.File("s.db"), StoreAccess::kCreate);
  REQUIRE(db.has_value());
  auto tx = Transaction::Begin(*db, Transaction::Kind::kImmediate);
  REQUIRE(tx.has_value());
  auto w = ChainWriter::Begin(*db);
  REQUIRE(w.has_value());
  auto bad = w->Append("batches", {Value::Text("1"), Value::Text("test"), Value::Null(),
                                   Value::Text("0"), Value::Null()});
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message == "batches.started_us is INTEGER, not TEXT");
  auto null_required = w->Append("batches", {Value::Integer(1), Value::Null(), Value::Null(),
                                             Value::Text("0"), Value::Null()});
  REQUIRE_FALSE(null_required.has_value());
  auto unknown = w->Append("sqlite_master", {});
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().message == "not a chained table: sqlite_master");
}

TEST_CASE("Two writers appending at once both land and the chain stays linear", "[store]") {
  TempDir dir;
  const std::string path = dir.File("s.db");
  REQUIRE(OpenStore(path, StoreAccess::kCreate).has_value());
  auto writer = [&](uint64_t seed, Status& out) {
    testing::PopulateOptions o;
    o.events = 400;
    o.incidents = 1;
    o.batch_size = 50;  // many small transactions, so the two writers interleave
    o.seed = seed;
    out = testing::Populate(path, o);
  };
  Status a, b;
  std::thread ta(writer, 1, std::ref(a));
  std::thread tb(writer, 2, std::ref(b));
  ta.join();
  tb.join();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(RawQueryInt(path, "SELECT count(*) FROM events") == 800);
  const long long entries = RawQueryInt(path, "SELECT count(*) FROM chain");
  CHECK(RawQueryInt(path, "SELECT max(seq) FROM chain") == entries);
  CHECK(RawQueryInt(path, "SELECT min(seq) FROM chain") == 1);
}

TEST_CASE("ChainWriter stores -0.0 as 0.0 and refuses NaN, so REAL hashes verify", "[store]") {
  TempDir dir;
  const std::string path = dir.File("s.db");
  auto db = OpenStore(path, StoreAccess::kCreate);
  REQUIRE(db.has_value());
  auto tx = Transaction::Begin(*db, Transaction::Kind::kImmediate);
  REQUIRE(tx.has_value());
  auto w = ChainWriter::Begin(*db);
  REQUIRE(w.has_value());
  REQUIRE(
      w->Append("incidents", {Value::Integer(1), Value::Text("r"), Value::Text("t"),
                              Value::Integer(1), Value::Integer(2), Value::Null(), Value::Null()})
          .has_value());
  auto score = [](double anomaly) {
    return std::vector<Value>{Value::Integer(1), Value::Integer(2),    Value::Text("Low"),
                              Value::Integer(5), Value::Real(anomaly), Value::Null(),
                              Value::Null(),     Value::Null(),        Value::Null()};
  };
  auto nan = w->Append("scores", score(std::nan("")));
  REQUIRE_FALSE(nan.has_value());
  CHECK(nan.error().message == "scores.anomaly cannot be NaN");
  REQUIRE(w->Append("scores", score(-0.0)).has_value());
  REQUIRE(w->Append("scores", score(2.0)).has_value());  // integral: kept as integer on disk
  REQUIRE(tx->Commit().ok());
  CHECK(RawQueryInt(path, "SELECT count(*) FROM scores WHERE anomaly = 0.0") == 1);
}

TEST_CASE("OpenStore migrates a version 1 store to version 2 and its chain still verifies",
          "[store]") {
  TempDir dir;
  const std::string path = dir.File("old.db");
  {
    // A store as vigil 0.1 (schema 1) left it: one sealed batch row.
    testing::WriteText(path, "");
    auto db = Database::Open(path, Database::Mode::kReadWrite);
    REQUIRE(db.has_value());
    REQUIRE(MigrateTo(*db, 1).ok());
    REQUIRE(*SchemaVersionOf(*db) == 1);
    RawSql(path, "INSERT INTO meta VALUES ('store_id', '00112233445566778899aabbccddeeff')");
  }
  {
    auto db = OpenStore(path, StoreAccess::kWrite);
    REQUIRE(db.has_value());
    CHECK(*SchemaVersionOf(*db) == kSchemaVersion);
    auto tx = Transaction::Begin(*db, Transaction::Kind::kImmediate);
    REQUIRE(tx.has_value());
    auto w = ChainWriter::Begin(*db);
    REQUIRE(w.has_value());
    auto batch = w->Append("batches", {Value::Integer(1), Value::Text("t"), Value::Null(),
                                       Value::Text("0"), Value::Null()});
    REQUIRE(batch.has_value());
    REQUIRE(w->Append("quarantine", {Value::Integer(*batch), Value::Integer(2), Value::Null(),
                                     Value::Null(), Value::Null(), Value::Null(),
                                     Value::Text("bad"), Value::Blob("x"), Value::Blob("k")})
                .has_value());
    REQUIRE(tx->Commit().ok());
  }
  CHECK(RawQueryInt(path,
                    "SELECT count(*) FROM pragma_table_info('quarantine') "
                    "WHERE name = 'record_key'") == 1);
  auto verified = testing::RunCli({"--db", path, "verify", "--quiet"});
  CHECK(verified.code == 0);
}

TEST_CASE("RecordHashOf gives the hash ChainWriter seals, so another thread can compute it",
          "[store]") {
  TempDir dir;
  const std::string path = dir.File("s.db");
  auto db = OpenStore(path, StoreAccess::kCreate);
  REQUIRE(db.has_value());
  auto tx = Transaction::Begin(*db, Transaction::Kind::kImmediate);
  REQUIRE(tx.has_value());
  auto w = ChainWriter::Begin(*db);
  REQUIRE(w.has_value());
  const std::vector<Value> row = {Value::Integer(7), Value::Text("ingest"),
                                  Value::Text("h\xc3\xa9"), Value::Text("0.1"), Value::Null()};
  REQUIRE(w->Append("batches", row).has_value());
  REQUIRE(tx->Commit().ok());
  auto sha = crypto::Sha256::Create();
  REQUIRE(sha.has_value());
  CanonicalRow scratch;
  auto hash = RecordHashOf("batches", row, *sha, scratch);
  REQUIRE(hash.has_value());
  auto stored = db->Prepare("SELECT record_hash FROM chain WHERE seq = 1", "test");
  REQUIRE(stored.has_value());
  REQUIRE(*stored->Step());
  CHECK(stored->ColumnBlob(0) == crypto::DigestBytes(*hash));
  // And it refuses what Append refuses.
  auto bad = RecordHashOf("batches", {Value::Text("x")}, *sha, scratch);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message == "batches takes 5 values, not 1");
}
