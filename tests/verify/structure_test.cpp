// Issue 19: verify checks what the chain does not seal but every reading command relies on:
// each index against its table (kind index) and the schema against vigil's (kind schema).
#include "support/populate.h"
#include "support/test_support.h"
#include "verify/verifier.h"

using namespace vigil;
using verify::ProblemKind;
using vigil::testing::RawQueryInt;
using vigil::testing::RawRows;
using vigil::testing::RawSql;
using vigil::testing::TempDir;

namespace {

std::string MakeStore(const TempDir& dir) {
  const std::string path = dir.File("s.db");
  testing::PopulateOptions o;
  o.events = 200;
  o.incidents = 3;
  REQUIRE(testing::Populate(path, o).ok());
  return path;
}

// Both readers must give the same answer.
verify::Summary Verify(const std::string& path) {
  verify::Options o;
  o.db_path = path;
  o.jobs = 2;
  auto pages = verify::Run(o);
  REQUIRE(pages.has_value());
  o.reader = verify::Reader::kSql;
  auto sql = verify::Run(o);
  REQUIRE(sql.has_value());
  CHECK(pages->first_broken_seq == sql->first_broken_seq);
  CHECK(pages->problems_total == sql->problems_total);
  return *pages;
}

// The attacker: with writable_schema, make the index entry of `table` row `id` say `column` =
// `value`, while the row itself stays as sealed. SQLite is told the index is gone while the
// row is changed back, so the index keeps the changed entry.
void RepointIndexEntry(const std::string& path, const std::string& index, const std::string& table,
                       const std::string& column, long long id, long long value) {
  const std::string row =
      (table == "chain" ? " WHERE seq = " : " WHERE id = ") + std::to_string(id);
  const long long was = RawQueryInt(path, "SELECT " + column + " FROM " + table + row);
  RawSql(path, "UPDATE " + table + " SET " + column + " = " + std::to_string(value) + row +
                   ";PRAGMA writable_schema = ON;"
                   "CREATE TEMP TABLE saved AS SELECT * FROM main.sqlite_schema WHERE name = '" +
                   index + "'; DELETE FROM main.sqlite_schema WHERE name = '" + index +
                   "'; PRAGMA writable_schema = RESET; UPDATE " + table + " SET " + column + " = " +
                   std::to_string(was) + row +
                   "; PRAGMA writable_schema = ON;"
                   "INSERT INTO main.sqlite_schema SELECT * FROM temp.saved;"
                   "PRAGMA writable_schema = RESET;");
}

void CheckIndexProblem(const verify::Summary& s, const std::string& table, long long row,
                       long long seq, const std::string& index) {
  for (const auto& p : s.problems) {
    INFO(verify::ProblemKindName(p.kind) << " seq " << p.seq.value_or(-1) << " " << p.detail);
  }
  CHECK_FALSE(s.verified);
  REQUIRE(s.problems_total == 1);
  const verify::Problem& p = s.problems.front();
  CHECK(p.kind == ProblemKind::kIndex);
  CHECK(p.table == table);
  CHECK(p.row_id == row);
  CHECK(p.seq == seq);
  CHECK(s.first_broken_seq == seq);
  CHECK(p.detail == "index " + index + "'s entry for this row holds other values than the row");
}

}  // namespace

TEST_CASE("issue 19: verify finds a score's index entry pointed at another incident",
          "[verify][index]") {
  TempDir dir;
  const std::string path = MakeStore(dir);
  REQUIRE(Verify(path).verified);
  // Score 1 belongs to incident 1; make incident 3's lookup find it.
  REQUIRE(RawQueryInt(path, "SELECT incident_id FROM scores WHERE id = 1") == 1);
  RepointIndexEntry(path, "scores_by_incident", "scores", "incident_id", 1, 3);
  // What `report` would read: incident 3 now has incident 1's score, through the index.
  CHECK(RawQueryInt(path, "SELECT count(*) FROM scores WHERE incident_id = 3") == 2);
  CHECK(RawRows(path, "PRAGMA integrity_check").front() != "ok");
  const long long seq =
      RawQueryInt(path, "SELECT seq FROM chain NOT INDEXED WHERE tbl = 'scores' AND row_id = 1");
  CheckIndexProblem(Verify(path), "scores", 1, seq, "scores_by_incident");
}

TEST_CASE("issue 19: verify finds a foreign event slipped into a timeline through the index",
          "[verify][index]") {
  TempDir dir;
  const std::string path = MakeStore(dir);
  const long long link = RawQueryInt(path, "SELECT min(id) FROM incident_events");
  const long long incident = RawQueryInt(
      path, "SELECT incident_id FROM incident_events WHERE id = " + std::to_string(link));
  RepointIndexEntry(path, "incident_events_unique", "incident_events", "incident_id", link,
                    incident + 1);
  const long long seq = RawQueryInt(
      path, "SELECT seq FROM chain NOT INDEXED WHERE tbl = 'incident_events' AND row_id = " +
                std::to_string(link));
  CheckIndexProblem(Verify(path), "incident_events", link, seq, "incident_events_unique");
}

TEST_CASE("issue 19: verify checks the chain's own index and the meta key index",
          "[verify][index]") {
  TempDir dir;
  const std::string path = MakeStore(dir);
  RepointIndexEntry(path, "chain_by_row", "chain", "row_id", 5, 999999);
  auto s = Verify(path);
  CheckIndexProblem(s, "chain", 5, 5, "chain_by_row");
}

TEST_CASE("issue 19: verify reports a planted trigger as a schema problem", "[verify][schema]") {
  TempDir dir;
  const std::string path = MakeStore(dir);
  RawSql(path,
         "CREATE TRIGGER keep_quiet BEFORE INSERT ON events WHEN NEW.source_ip = '203.0.113.9' "
         "BEGIN SELECT RAISE(IGNORE); END");
  auto s = Verify(path);
  CHECK_FALSE(s.verified);
  REQUIRE(s.problems_total == 1);
  CHECK(s.problems.front().kind == ProblemKind::kSchema);
  CHECK(s.problems.front().table == "events");
  CHECK_FALSE(s.first_broken_seq.has_value());
  CHECK(s.problems.front().detail.find("unexpected trigger keep_quiet on events: CREATE TRIGGER") ==
        0);
  auto cli = testing::RunCli({"--db", path, "verify"});
  CHECK(cli.code == 1);
  CHECK(cli.out.find("schema  events: unexpected trigger keep_quiet") != std::string::npos);
}
