#include "store/ledger_rows.h"

#include <catch2/catch.hpp>

#include "store/chain.h"
#include "store/schema.h"
#include "store/store.h"
#include "support/test_support.h"

using namespace vigil;
using namespace vigil::store;
using vigil::testing::TempDir;

namespace {

// Each value has its column's type (or is NULL where the column allows it).
void CheckShape(const char* table, const std::vector<Value>& row) {
  INFO(table);
  const TableDef* def = FindChainedTable(table);
  REQUIRE(def != nullptr);
  REQUIRE(row.size() == def->columns.size());
  for (size_t i = 0; i < row.size(); ++i) {
    INFO("column " << def->columns[i].name);
    if (row[i].type == ValueType::kNull) {
      CHECK_FALSE(def->columns[i].not_null);
    } else {
      CHECK(row[i].type == def->columns[i].type);
    }
  }
}

}  // namespace

TEST_CASE("The ledger rows have their tables' columns", "[store]") {
  CheckShape("batches", EncodeBatch({1, "ingest", "a.log b.log", "1.2.3", "UTC"}));
  CheckShape("quarantine", EncodeQuarantine({1, 2, "syslog", "a.log", 3, 4, "why", "raw", "key"}));
  CheckShape("reports", EncodeReport({7, 5, "pdf", "out.pdf", std::string(32, 'x')}));
  CheckShape("reports", EncodeReport({std::nullopt, 5, "csv", "out.csv", std::string(32, 'y')}));
}

TEST_CASE("Ledger rows land in the columns their members name", "[store]") {
  TempDir dir;
  auto db = OpenStore(dir.File("s.db"), StoreAccess::kCreate);
  REQUIRE(db.has_value());
  auto tx = Transaction::Begin(*db, Transaction::Kind::kImmediate);
  REQUIRE(tx.has_value());
  auto chain = ChainWriter::Begin(*db);
  REQUIRE(chain.has_value());
  auto batch =
      chain->Append("batches", EncodeBatch({11, "analyze", "x.log", "9.9.9", "Europe/Berlin"}));
  REQUIRE(batch.has_value());
  auto quarantined = chain->Append(
      "quarantine", EncodeQuarantine({*batch, 12, "cef", "y.log", 13, 14, "bad", "RAW", "KEY"}));
  REQUIRE(quarantined.has_value());
  auto report = chain->Append("reports", EncodeReport({std::nullopt, 15, "json", "z.json", "H"}));
  REQUIRE(report.has_value());
  REQUIRE(tx->Commit().ok());

  auto b =
      db->Prepare("SELECT started_us, command, source, vigil_version, timezone FROM batches", "t");
  REQUIRE(b.has_value());
  REQUIRE(*b->Step());
  CHECK(b->ColumnInteger(0) == 11);
  CHECK(b->ColumnText(1) == "analyze");
  CHECK(b->ColumnText(2) == "x.log");
  CHECK(b->ColumnText(3) == "9.9.9");
  CHECK(b->ColumnText(4) == "Europe/Berlin");

  auto q = db->Prepare(
      "SELECT batch_id, received_us, source_format, source_file, source_line, source_offset, "
      "reason, raw, record_key FROM quarantine",
      "t");
  REQUIRE(q.has_value());
  REQUIRE(*q->Step());
  CHECK(q->ColumnInteger(0) == *batch);
  CHECK(q->ColumnInteger(1) == 12);
  CHECK(q->ColumnText(2) == "cef");
  CHECK(q->ColumnText(3) == "y.log");
  CHECK(q->ColumnInteger(4) == 13);
  CHECK(q->ColumnInteger(5) == 14);
  CHECK(q->ColumnText(6) == "bad");
  CHECK(q->ColumnBlob(7) == "RAW");
  CHECK(q->ColumnBlob(8) == "KEY");

  auto r = db->Prepare("SELECT incident_id, created_us, format, path, sha256 FROM reports", "t");
  REQUIRE(r.has_value());
  REQUIRE(*r->Step());
  CHECK(r->ColumnType(0) == ValueType::kNull);
  CHECK(r->ColumnInteger(1) == 15);
  CHECK(r->ColumnText(2) == "json");
  CHECK(r->ColumnText(3) == "z.json");
  CHECK(r->ColumnBlob(4) == "H");
}
