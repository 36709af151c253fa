// Events stored before schema version 7 have no product, service or source_country: correlate
// and score derive them (formats/legacy_labels.h) and must reach the same incidents and scores
// as for the same records ingested with the labels (issue 20). The samples cover every way a
// label is found: Windows' service from the record's Channel, syslog's from the program,
// Zeek's from the log, CloudTrail's constant, and ndjson's "geo" country.
#include <string>
#include <vector>

#include "store/schema.h"
#include "support/populate.h"
#include "support/test_support.h"

using vigil::testing::RawQueryInt;
using vigil::testing::RawRows;
using vigil::testing::RunCli;
using vigil::testing::TempDir;

namespace {

const std::string kSamples = VIGIL_SOURCE_DIR "/samples/";

void Run(const std::string& db, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"--db", db};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = RunCli(argv);
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
}

void Ingest(const std::string& db) {
  auto r =
      RunCli({"--db", db, "ingest", "--quiet", "--year", "2026", kSamples + "events.ndjson",
              kSamples + "auth.log", kSamples + "windows-purplesharp.jsonl",
              kSamples + "zeek-apt29-victim.log", kSamples + "cloudtrail-s3-exfiltration.json"});
  INFO(r.out << r.err);
  REQUIRE((r.code == 0 || r.code == 3));  // the samples hold a few bad records on purpose
}

void CorrelateAndScore(const std::string& db) {
  Run(db, {"correlate", "--quiet"});
  Run(db, {"--config", kSamples + "vigil.yml", "score", "--quiet"});
}

// What correlate and score wrote, without the times and ids of runs.
std::vector<std::string> Outcome(const std::string& db) {
  std::vector<std::string> out;
  for (const char* sql :
       {"SELECT id, rule_id, title, first_ts_us, last_ts_us, group_key, details FROM incidents "
        "ORDER BY id",
        "SELECT incident_id, event_id, role FROM incident_events ORDER BY id",
        "SELECT incident_id, severity, risk, anomaly, components, techniques, model FROM scores "
        "ORDER BY id",
        "SELECT event_id, risk, severity, anomaly, label, flags FROM event_scores ORDER BY id",
        "SELECT kind, entity, data FROM profiles ORDER BY id"}) {
    for (std::string& row : RawRows(db, sql)) out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

TEST_CASE("issue 20: a store of schema 6 correlates and scores as one of schema 7",
          "[correlate_cli][score][store]") {
  TempDir dir;
  const std::string labelled = dir.File("v7.db");
  const std::string legacy = dir.File("v6.db");
  Ingest(labelled);
  Ingest(legacy);
  // The same rows as vigil of schema 6 wrote and sealed them. Opening the store to write
  // migrates it to 7, which adds the three columns back as NULL.
  REQUIRE(vigil::testing::EventsAsSchema6(legacy).ok());
  REQUIRE(RunCli({"--db", legacy, "verify", "--quiet"}).code == 0);

  // Ingest labelled every event, with the values the readers used to derive.
  CHECK(RawQueryInt(labelled, "SELECT count(*) FROM events WHERE product IS NULL") == 0);
  CHECK(RawRows(labelled,
                "SELECT DISTINCT source_format, product, coalesce(service, '-') FROM events "
                "WHERE source_format <> 'windows' ORDER BY 1, 3") ==
        std::vector<std::string>{"cloudtrail|aws|cloudtrail", "ndjson|vigil|ndjson",
                                 "syslog|linux|sshd", "syslog|linux|sudo", "zeek|zeek|conn",
                                 "zeek|zeek|http", "zeek|zeek|notice"});
  CHECK(RawQueryInt(labelled,
                    "SELECT count(*) FROM events WHERE source_format = 'windows' AND service IN "
                    "('security', 'sysmon', 'powershell')") == 45);
  CHECK(RawRows(labelled,
                "SELECT DISTINCT source_country FROM events WHERE source_country IS NOT NULL "
                "ORDER BY 1")
            .size() > 1);

  CorrelateAndScore(labelled);
  CorrelateAndScore(legacy);
  REQUIRE(RawQueryInt(legacy, "PRAGMA user_version") == vigil::store::kSchemaVersion);
  CHECK(RawQueryInt(legacy, "SELECT count(*) FROM events WHERE product IS NOT NULL") == 0);
  const std::vector<std::string> want = Outcome(labelled);
  CHECK(RawQueryInt(labelled, "SELECT count(*) FROM incidents") > 5);
  // The countries reach the user profiles.
  CHECK(RawQueryInt(labelled, "SELECT count(*) FROM profiles WHERE data LIKE '%\"US\"%'") > 0);
  CHECK(Outcome(legacy) == want);
  CHECK(RunCli({"--db", legacy, "verify", "--quiet"}).code == 0);
}

TEST_CASE("issue 20: ingest stores the country of JSON records only, in the documented order",
          "[ingest][formats]") {
  TempDir dir;
  const std::string db = dir.File("s.db");
  vigil::testing::WriteText(
      dir.File("a.ndjson"),
      R"({"ts":"2026-01-01T00:00:00Z","geo":"US","source":{"geo":{"country_iso_code":"FR"}}})"
      "\n"
      R"({"ts":"2026-01-01T00:00:01Z","src_country":"BR","source":{"geo":{"country_iso_code":"FR"}}})"
      "\n"
      R"({"ts":"2026-01-01T00:00:02Z","client":{"geo":{"country_iso_code":"DE"}},"geo":""})"
      "\n"
      R"({"ts":"2026-01-01T00:00:03Z","source_geo_country_iso_code":"JP","country":7})"
      "\n");
  vigil::testing::WriteText(dir.File("b.csv"), "ts,country\n2026-01-01T00:00:04Z,IT\n");
  Run(db, {"ingest", "--quiet", dir.File("a.ndjson"), dir.File("b.csv")});
  CHECK(RawRows(db,
                "SELECT source_format, coalesce(source_country, '-') FROM events ORDER BY "
                "ts_us") ==
        std::vector<std::string>{"ndjson|US", "ndjson|BR", "ndjson|DE", "ndjson|-", "csv|-"});
}
