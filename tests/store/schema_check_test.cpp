// Issue 19: the store's schema must be exactly the one vigil creates, and every insert must
// write exactly its one row. A planted trigger made ingest drop chosen events while saying
// "already in the store", and init accepted the store.
#include "store/schema_check.h"

#include "store/chain.h"
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

constexpr const char* kDropTrigger =
    "CREATE TRIGGER keep_quiet BEFORE INSERT ON events WHEN NEW.source_ip = '203.0.113.9' "
    "BEGIN SELECT RAISE(IGNORE); END";

std::string MakeStore(const TempDir& dir) {
  const std::string path = dir.File("s.db");
  testing::PopulateOptions o;
  o.events = 20;
  o.incidents = 1;
  REQUIRE(testing::Populate(path, o).ok());
  return path;
}

std::vector<Value> EventRow(const std::string& key, const std::string& source_ip) {
  std::vector<Value> v(FindChainedTable("events")->columns.size(), Value::Null());
  v[0] = Value::Integer(1);  // batch 1
  v[1] = Value::Integer(1700000000000000);
  v[2] = Value::Text("ndjson");
  v[6] = Value::Blob(key);
  v[14] = Value::Text(source_ip);
  v[29] = Value::Blob("{}");
  return v;
}

}  // namespace

TEST_CASE("issue 19: a fresh store and every migrated version have vigil's exact schema",
          "[store][schema]") {
  TempDir dir;
  auto fresh = OpenStore(dir.File("new.db"), StoreAccess::kCreate);
  REQUIRE(fresh.has_value());
  auto none = SchemaDifferences(*fresh);
  REQUIRE(none.has_value());
  CHECK(none->empty());
  // An older store that init migrates is compared with what its own version was, and accepted.
  for (int version = 1; version < kSchemaVersion; ++version) {
    const std::string path = dir.File("v" + std::to_string(version) + ".db");
    testing::WriteText(path, "");
    {
      auto db = Database::Open(path, Database::Mode::kReadWrite);
      REQUIRE(db.has_value());
      REQUIRE(MigrateTo(*db, version).ok());
      auto same = SchemaDifferences(*db);
      REQUIRE(same.has_value());
      CHECK(same->empty());
    }
    auto opened = OpenStore(path, StoreAccess::kWrite);
    REQUIRE(opened.has_value());
    CHECK(*SchemaVersionOf(*opened) == kSchemaVersion);
  }
}

TEST_CASE("issue 19: writing commands refuse a store with a planted trigger, view or index",
          "[store][schema]") {
  TempDir dir;
  const std::string path = MakeStore(dir);
  const char* planted[] = {kDropTrigger, "CREATE VIEW recent AS SELECT * FROM events",
                           "CREATE INDEX events_by_ip ON events(source_ip)"};
  for (const char* sql : planted) {
    RawSql(path, sql);
    auto db = OpenStore(path, StoreAccess::kWrite);
    REQUIRE_FALSE(db.has_value());
    CHECK(db.error().code == ErrorCode::kStore);
    CHECK(db.error().message.find("schema differs from what vigil creates") != std::string::npos);
    auto reader = Database::Open(path, Database::Mode::kReadOnly);
    REQUIRE(reader.has_value());
    auto diffs = SchemaDifferences(*reader);
    REQUIRE(diffs.has_value());
    REQUIRE(diffs->size() == 1);
    CHECK(diffs->front().what.find("unexpected " + diffs->front().type) == 0);
    // Reading still works: verify must be able to say what is wrong.
    CHECK(OpenStore(path, StoreAccess::kRead).has_value());
    const std::string drop = "DROP " + diffs->front().type + " " + diffs->front().name;
    reader = Database::OpenMemory();  // closes the store
    RawSql(path, drop);
  }
  // An altered table (a column default, say) differs too.
  RawSql(path,
         "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = replace(sql, 'reason        "
         "TEXT NOT NULL', 'reason TEXT NOT NULL DEFAULT ''x''') WHERE name = 'quarantine'");
  auto altered = OpenStore(path, StoreAccess::kWrite);
  REQUIRE_FALSE(altered.has_value());
  CHECK(altered.error().message.find("table quarantine differs") != std::string::npos);
}

TEST_CASE("issue 19: ChainWriter refuses an insert that a trigger dropped", "[store][schema]") {
  TempDir dir;
  const std::string path = MakeStore(dir);
  auto db = OpenStore(path, StoreAccess::kWrite);
  REQUIRE(db.has_value());
  // Planted while the store is open, after OpenStore's check.
  RawSql(path, kDropTrigger);
  RawSql(path,
         "CREATE TRIGGER no_reviews BEFORE INSERT ON reviews BEGIN SELECT RAISE(IGNORE); END");
  const long long head = RawQueryInt(path, "SELECT max(seq) FROM chain");
  {
    auto tx = Transaction::Begin(*db, Transaction::Kind::kImmediate);
    REQUIRE(tx.has_value());
    auto writer = ChainWriter::Begin(*db);
    REQUIRE(writer.has_value());
    // A true repeat is still skipped quietly ...
    auto fresh = writer->AppendIfNew("events", EventRow("key-new", "198.51.100.1"));
    REQUIRE(fresh.has_value());
    REQUIRE(fresh->has_value());
    auto repeat = writer->AppendIfNew("events", EventRow("key-new", "198.51.100.1"));
    REQUIRE(repeat.has_value());
    CHECK_FALSE(repeat->has_value());
    // ... but a row the trigger dropped is an error, not "already in the store".
    auto dropped = writer->AppendIfNew("events", EventRow("key-dropped", "203.0.113.9"));
    REQUIRE_FALSE(dropped.has_value());
    CHECK(dropped.error().code == ErrorCode::kStore);
    CHECK(dropped.error().message ==
          "insert into events wrote 0 rows, not 1: the store's schema was altered (run vigil "
          "verify)");
    auto review =
        writer->Append("reviews", {Value::Integer(1), Value::Integer(1), Value::Text("ana"),
                                   Value::Text("confirmed"), Value::Null(), Value::Null()});
    REQUIRE_FALSE(review.has_value());
    CHECK(review.error().message.find("insert into reviews wrote 0 rows") != std::string::npos);
  }
  CHECK(RawQueryInt(path, "SELECT max(seq) FROM chain") == head);  // all rolled back
}

TEST_CASE("issue 19: vigil init and ingest refuse a store with a planted trigger (exit 4)",
          "[store][schema][cli]") {
  TempDir dir;
  const std::string path = MakeStore(dir);
  RawSql(path, kDropTrigger);
  auto init = testing::RunCli({"--db", path, "init"});
  CHECK(init.code == 4);
  CHECK(init.err.find("unexpected trigger keep_quiet on events") != std::string::npos);
  auto ingest =
      testing::RunCli({"--db", path, "ingest", testing::SourcePath("samples/events.ndjson")});
  CHECK(ingest.code == 4);
  CHECK(ingest.err.find("unexpected trigger keep_quiet on events") != std::string::npos);
}
