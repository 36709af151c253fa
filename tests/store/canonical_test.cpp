// The canonical encoding, byte for byte as vigil-store(5) specifies it.
#include "store/canonical.h"

#include <sqlite3.h>

#include "core/encoding.h"
#include "crypto/sha256_many.h"
#include "store/database.h"
#include "support/test_support.h"

using namespace vigil;
using namespace vigil::store;

TEST_CASE("CanonicalRow encodes each storage class as vigil-store(5) says", "[store]") {
  CanonicalRow row;
  row.AddInteger(-2);
  row.AddNull();
  row.AddReal(1.5);
  row.AddText("h\xc3\xa9");
  row.AddBlob(std::string("\x00\x01", 2));
  CHECK(ToHex(row.Bytes()) == ToHex(std::string("vigil-record-v1\0", 16)) +
                                  "01fffffffffffffffe"  // INTEGER -2, two's complement
                                  "00"                  // NULL
                                  "023ff8000000000000"  // REAL 1.5
                                  "0300000003"
                                  "68c3a9"  // TEXT "hé", 3 bytes
                                  "0400000002"
                                  "0001");  // BLOB
}

TEST_CASE("CanonicalRow drops trailing NULLs but keeps inner ones", "[store]") {
  CanonicalRow a;
  a.AddInteger(7);
  a.AddNull();
  a.AddNull();
  CanonicalRow b;
  b.AddInteger(7);
  CHECK(a.Bytes() == b.Bytes());

  CanonicalRow c;
  c.AddInteger(7);
  c.AddNull();
  c.AddText("");
  CHECK(ToHex(c.Bytes()).substr(32) ==
        "010000000000000007"
        "00"
        "0300000000");

  CanonicalRow empty;
  empty.AddNull();
  CHECK(empty.Bytes() == std::string_view("vigil-record-v1\0", 16));
  // TEXT and BLOB with the same bytes differ.
  CanonicalRow t, bl;
  t.AddText("x");
  bl.AddBlob("x");
  CHECK(t.Bytes() != bl.Bytes());
}

namespace {

// A new SQLite file in `dir` with vigil_record registered.
Database OpenWithRecordFunction(const testing::TempDir& dir) {
  const std::string path = dir.File("f.db");
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  sqlite3_close(raw);
  auto db = Database::Open(path, Database::Mode::kReadWrite);
  REQUIRE(db);
  REQUIRE(RegisterRecordFunction(*db).ok());
  return std::move(*db);
}

}  // namespace

TEST_CASE("vigil_record() in SQL gives CanonicalRow's bytes", "[store]") {
  // The verifier reads each row's encoding through this function: it must be the encoding
  // ChainWriter seals, for every storage class, inner and trailing NULLs included.
  testing::TempDir dir;
  Database db = OpenWithRecordFunction(dir);
  auto stmt = db.Prepare(
      "SELECT vigil_record(-2, NULL, 1.5, 'h\xc3\xa9', x'0001', NULL, NULL), vigil_record(), "
      "vigil_record(NULL), vigil_record(7, NULL, '')",
      "test");
  REQUIRE(stmt);
  auto row = stmt->Step();
  REQUIRE(row);
  REQUIRE(*row);
  CanonicalRow expected;
  expected.AddInteger(-2);
  expected.AddNull();
  expected.AddReal(1.5);
  expected.AddText("h\xc3\xa9");
  expected.AddBlob(std::string("\x00\x01", 2));
  expected.AddNull();
  expected.AddNull();
  CHECK(ToHex(stmt->ColumnBlob(0)) == ToHex(expected.Bytes()));
  CHECK(stmt->ColumnBlob(1) == std::string_view("vigil-record-v1\0", 16));
  CHECK(stmt->ColumnBlob(2) == std::string_view("vigil-record-v1\0", 16));
  CanonicalRow inner;
  inner.AddInteger(7);
  inner.AddNull();
  inner.AddText("");
  CHECK(ToHex(stmt->ColumnBlob(3)) == ToHex(inner.Bytes()));

  // A view or trigger planted in a store cannot call it.
  REQUIRE(db.Exec("CREATE VIEW planted AS SELECT vigil_record(1) AS r", "test").ok());
  auto planted = db.Prepare("SELECT r FROM planted", "test");
  const bool refused = !planted || !planted->Step();
  CHECK(refused);
}

TEST_CASE("vigil_record_into() writes vigil_record's bytes into its sink", "[store]") {
  // verify's fast path: the encoding lands in the hash batch, the first argument (the row id)
  // is noted, and an encoding the caller did not keep is dropped by the next call.
  testing::TempDir dir;
  Database db = OpenWithRecordFunction(dir);
  crypto::HashBatch batch;
  RecordSink sink{&batch, 0};
  REQUIRE(RegisterRecordSink(db, &sink).ok());
  REQUIRE(db.Exec("CREATE TABLE t(id INTEGER PRIMARY KEY, a, b, c);"
                  "INSERT INTO t VALUES (1, -2, NULL, 'x'), (2, 1.5, x'00ff', NULL),"
                  " (3, NULL, NULL, NULL)",
                  "test")
              .ok());
  auto stmt = db.Prepare(
      "SELECT id, vigil_record(a, b, c), vigil_record_into(id, a, b, c) FROM t ORDER BY id",
      "test");
  REQUIRE(stmt);
  std::vector<std::string> expected;
  while (*stmt->Step()) {
    CHECK(sink.row_id == stmt->ColumnInteger(0));
    expected.emplace_back(stmt->ColumnBlob(1));
    if (stmt->ColumnInteger(0) != 2) batch.Close();  // row 2's encoding is not kept
  }
  REQUIRE(expected.size() == 3);
  REQUIRE(batch.size() == 2);
  auto many = crypto::Sha256Many::Create(crypto::Sha256Backend::kOpenSsl);
  REQUIRE(many);
  batch.Run(*many);
  auto sha = crypto::Sha256::Create();
  REQUIRE(sha);
  CHECK(batch.digest(0) == sha->Hash(expected[0]));
  CHECK(batch.digest(1) == sha->Hash(expected[2]));
  CHECK(expected[2] == std::string_view("vigil-record-v1\0", 16));

  REQUIRE(db.Exec("CREATE VIEW planted AS SELECT vigil_record_into(1, 2) AS r", "test").ok());
  auto planted = db.Prepare("SELECT r FROM planted", "test");
  const bool refused = !planted || !planted->Step();
  CHECK(refused);
}

TEST_CASE("ChainLinkHash hashes the link encoding of vigil-store(5)", "[store]") {
  auto sha = crypto::Sha256::Create();
  REQUIRE(sha.has_value());
  crypto::Digest prev{};
  crypto::Digest record{};
  record.fill(0x11);
  std::string scratch;
  crypto::Digest got = ChainLinkHash(*sha, scratch, prev, 1, "events", 5, record);
  std::string link = std::string("vigil-chain-v1\0", 15) + std::string(32, '\0') +
                     std::string("\0\0\0\0\0\0\0\x01", 8) + std::string("\0\0\0\x06", 4) +
                     "events" + std::string("\0\0\0\0\0\0\0\x05", 8) + std::string(32, '\x11');
  CHECK(scratch == link);
  auto expected = crypto::Sha256Of(link);
  REQUIRE(expected.has_value());
  CHECK(got == *expected);
  // Known answer, computed independently with Python hashlib over the same bytes.
  CHECK(crypto::DigestHex(got) ==
        "c65ec58b5cb213389c93ee2667a66b258281cf228ca8e413bd7884cbac3e16f1");
}
