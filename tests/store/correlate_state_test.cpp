#include "store/correlate_state.h"

#include <catch2/catch.hpp>

#include "core/encoding.h"
#include "store/store.h"
#include "support/test_support.h"

using namespace vigil;
using namespace vigil::store;
using vigil::testing::RawSql;
using vigil::testing::TempDir;

TEST_CASE("first_seen state is 17 bytes an entry and reads back as written", "[store]") {
  const std::vector<SeenEntry> entries = {{true, 0x0102030405060708u, 5}, {false, 9, -1}};
  const std::string blob = EncodeSeen(entries);
  REQUIRE(blob.size() == 34);
  CHECK(blob.substr(0, 9) == std::string("g\x01\x02\x03\x04\x05\x06\x07\x08", 9));
  CHECK(blob[17] == 'v');

  TempDir dir;
  const std::string path = dir.File("s.db");
  REQUIRE(OpenStore(path, StoreAccess::kCreate).has_value());
  // Plain rows (no chain entries): only the reading is under test.
  RawSql(path,
         "INSERT INTO correlate_runs VALUES (1, 0, 'd', 0, 0, 0, 0, 0);"
         "INSERT INTO first_seen VALUES (1, 1, 'rule-a', 2, x'" +
             ToHex(blob) + "'); INSERT INTO first_seen VALUES (2, 1, 'rule-b', 1, x'00');");
  auto db = OpenStore(path, StoreAccess::kRead);
  REQUIRE(db.has_value());
  auto rows = ReadFirstSeen(*db);
  REQUIRE_FALSE(rows.has_value());  // row 2 has a bad length
  CHECK(rows.error().message == "first-seen state has a bad length");
  CHECK(rows.error().where == "first_seen row 2");
  RawSql(path, "DELETE FROM first_seen WHERE id = 2");
  rows = ReadFirstSeen(*db);
  REQUIRE(rows.has_value());
  REQUIRE(rows->size() == 1);
  CHECK(rows->front().rule == "rule-a");
  REQUIRE(rows->front().entries.size() == 2);
  CHECK(rows->front().entries[0].hash == 0x0102030405060708u);
  CHECK(rows->front().entries[1].first_us == -1);
  CHECK_FALSE(rows->front().entries[1].group);
}
