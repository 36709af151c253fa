#include "store/incidents.h"

#include <catch2/catch.hpp>

#include "store/chain.h"
#include "store/store.h"
#include "support/test_support.h"

using namespace vigil;
using namespace vigil::store;
using vigil::testing::RawSql;
using vigil::testing::TempDir;

namespace {

IncidentDetails SomeDetails() {
  IncidentDetails d;
  d.rule = {"Brute force", "r1",          "vigil",          "high",
            "event_count", "builtin.yml", {"attack.t1110"}, {"a scanner"}};
  d.rules = {d.rule};
  d.group_json = "{\"source.ip\":\"203.0.113.7\"}";
  d.detail = "6 failures";
  d.also_matched = {
      {{"Spray", "r2", "", "low", "event_count", "", {"attack.t1110.003"}, {}}, "3 users"}};
  d.event_count = 6;
  d.fires = 2;
  return d;
}

}  // namespace

TEST_CASE("Incident details decode to what was encoded, and old details as far as they go",
          "[store]") {
  const std::string json = EncodeDetails(SomeDetails());
  CHECK(json.rfind("{\"rule\":{\"title\":\"Brute force\",\"id\":\"r1\"", 0) == 0);
  const IncidentDetails d = DecodeDetails(json);
  CHECK(EncodeDetails(d) == json);
  CHECK(d.rule.level == "high");
  REQUIRE(d.also_matched.size() == 1);
  CHECK(d.also_matched[0].rule.tags == std::vector<std::string>{"attack.t1110.003"});

  // Written by an older vigil: no level, an also_matched element that is not an object.
  const IncidentDetails old = DecodeDetails("{\"rule\":{\"title\":\"T\"},\"also_matched\":[1]}");
  CHECK(old.rule.title == "T");
  CHECK_FALSE(old.rule.level.has_value());
  REQUIRE(old.also_matched.size() == 1);
  CHECK_FALSE(old.also_matched[0].rule.level.has_value());
  CHECK(DecodeDetails("not json").rule.title.empty());
}

TEST_CASE("ReadIncidents gives each incident its newest update and score, decoded", "[store]") {
  TempDir dir;
  const std::string path = dir.File("s.db");
  {
    auto db = OpenStore(path, StoreAccess::kCreate);
    REQUIRE(db.has_value());
    auto tx = Transaction::Begin(*db, Transaction::Kind::kImmediate);
    REQUIRE(tx.has_value());
    auto w = ChainWriter::Begin(*db);
    REQUIRE(w.has_value());
    for (int i = 1; i <= 2; ++i) {
      REQUIRE(w->Append("incidents",
                        {Value::Integer(1), Value::Text("r1"), Value::Text("T" + std::to_string(i)),
                         Value::Integer(10), Value::Integer(20), Value::Null(),
                         Value::Text(EncodeDetails(SomeDetails()))})
                  .has_value());
    }
    const std::vector<ScoreComponent> parts = {{"rule", 0.25, 0.85, "high rule"}};
    const std::vector<ScoreTechnique> techniques = {
        {"T1110", "Brute Force", {"credential-access"}}};
    for (const char* severity : {"Low", "High"}) {
      REQUIRE(w->Append("scores",
                        {Value::Integer(1), Value::Integer(5), Value::Text(severity),
                         Value::Integer(60), Value::Real(0.7), Value::Text(EncodeComponents(parts)),
                         Value::Text(EncodeTechniques(techniques)), Value::Null(), Value::Null()})
                  .has_value());
    }
    REQUIRE(tx->Commit().ok());
  }
  {
    auto db = OpenStore(path, StoreAccess::kRead);
    REQUIRE(db.has_value());
    auto all = ReadIncidents(*db, {});
    REQUIRE(all.has_value());
    REQUIRE(all->size() == 2);
    const StoredIncident& first = (*all)[0];
    REQUIRE(first.score.has_value());
    CHECK(first.score->severity == "High");  // the newest of the two
    REQUIRE(first.score->components.size() == 1);
    CHECK(first.score->components[0].weight == 0.25);
    CHECK(first.score->components[0].why == "high rule");
    CHECK(first.score->components_problem.empty());
    REQUIRE(first.score->techniques.size() == 1);
    CHECK(first.score->techniques[0].tactics == std::vector<std::string>{"credential-access"});
    CHECK(first.details.detail == "6 failures");
    CHECK_FALSE((*all)[1].score.has_value());

    IncidentQuery one;
    one.ids = {2, 99};
    auto some = ReadIncidents(*db, one);
    REQUIRE(some.has_value());
    REQUIRE(some->size() == 1);
    CHECK(some->front().title == "T2");
  }
  // A hand-edited row (no chain check here): the decoder says what is missing.
  RawSql(path, "UPDATE scores SET components = '[{\"name\":\"rule\"}]' WHERE id = 2");
  auto db = OpenStore(path, StoreAccess::kRead);
  REQUIRE(db.has_value());
  auto bad = ReadIncidents(*db, {});
  REQUIRE(bad.has_value());
  CHECK(bad->front().score->components_problem ==
        "a stored score component lacks name, weight, value or why");
}
