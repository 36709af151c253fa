// issue 21 item 8: zone-less times (RFC 3164 syslog, ISO 8601 without an offset) are the
// logging host's wall clock, read in --timezone or the configuration's zone for the source,
// and the zone taken is recorded with the batch.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/test_support.h"

using vigil::testing::RawQueryInt;
using vigil::testing::RawRows;
using vigil::testing::RunCli;
using vigil::testing::TempDir;
using vigil::testing::WriteText;

namespace {

constexpr long long kSecond = 1000000;
// 2026-03-29 in Europe/Berlin: 02:00 CET becomes 03:00 CEST (00:00Z is 1774742400).
constexpr long long kMidnightZ = 1774742400;

const char* kSyslog =
    "Mar 29 01:30:00 gw sshd[1]: Invalid user bob from 192.0.2.1 port 4000\n"
    "Mar 29 03:30:00 gw sshd[1]: Invalid user bob from 192.0.2.1 port 4001\n";

std::vector<std::string> Times(const std::string& db) {
  return RawRows(db, "SELECT ts_us FROM events ORDER BY id");
}

std::string At(long long seconds) { return std::to_string(seconds * kSecond); }

}  // namespace

TEST_CASE("issue 21: ingest --timezone reads syslog times across a DST change",
          "[ingest][timezone]") {
  TempDir dir;
  const std::string log = dir.File("auth.log");
  WriteText(log, kSyslog);
  const std::string db = dir.File("store.db");
  auto r = RunCli(
      {"--db", db, "ingest", "--verbose", "--year", "2026", "--timezone", "Europe/Berlin", log});
  REQUIRE(r.code == 0);
  // 01:30 CET is 00:30Z; 03:30 CEST is 01:30Z: one hour apart, not two.
  CHECK(Times(db) == std::vector<std::string>{At(kMidnightZ + 1800), At(kMidnightZ + 5400)});
  CHECK(r.out.find("auth.log: 2 event times without a zone read in Europe/Berlin\n") !=
        std::string::npos);
  CHECK(RawRows(db, "SELECT timezone FROM batches") == std::vector<std::string>{"Europe/Berlin"});

  SECTION("the JSON summary names the zone and the syslog year") {
    const std::string db2 = dir.File("json.db");
    auto j = RunCli({"--db", db2, "--format", "json", "ingest", "--timezone", "Europe/Berlin",
                     "--year", "2026", log});
    REQUIRE(j.code == 0);
    CHECK(j.out.find("\"timezone\":\"Europe/Berlin\",\"syslog_year\":2026,"
                     "\"syslog_year_why\":\"--year\"") != std::string::npos);
  }
  SECTION("without --timezone the times are UTC, as before, and UTC is recorded") {
    const std::string db2 = dir.File("utc.db");
    REQUIRE(RunCli({"--db", db2, "ingest", "--quiet", "--year", "2026", log}).code == 0);
    CHECK(Times(db2) == std::vector<std::string>{At(kMidnightZ + 5400), At(kMidnightZ + 12600)});
    CHECK(RawRows(db2, "SELECT timezone FROM batches") == std::vector<std::string>{"UTC"});
  }
}

TEST_CASE("issue 21: ISO times without an offset are local; with one they are kept",
          "[ingest][timezone]") {
  TempDir dir;
  const std::string log = dir.File("events.json");
  WriteText(log,
            "{\"@timestamp\":\"2026-03-29T02:30:00\",\"message\":\"skipped hour\"}\n"
            "{\"@timestamp\":\"2026-10-25 02:30:00.5\",\"message\":\"repeated hour\"}\n"
            "{\"@timestamp\":\"2026-03-29T02:30:00Z\",\"message\":\"zoned\"}\n"
            "{\"@timestamp\":\"2026-03-29T02:30:00+05:00\",\"message\":\"offset\"}\n");
  const std::string db = dir.File("store.db");
  REQUIRE(RunCli({"--db", db, "ingest", "--quiet", "--input-format", "ndjson", "--timezone",
                  "Europe/Berlin", log})
              .code == 0);
  // The skipped 02:30 reads as CET (01:30Z); the repeated one as its first, CEST (00:30Z).
  CHECK(Times(db) == std::vector<std::string>{At(kMidnightZ + 5400),
                                              std::to_string(1792888200LL * kSecond + 500000),
                                              At(kMidnightZ + 9000), At(kMidnightZ - 9000)});
}

TEST_CASE("issue 21: an unknown --timezone is a usage error naming it; nothing is stored",
          "[ingest][timezone]") {
  TempDir dir;
  const std::string log = dir.File("auth.log");
  WriteText(log, kSyslog);
  const std::string db = dir.File("store.db");
  auto r = RunCli({"--db", db, "ingest", "--timezone", "Europe/Berlinn", log});
  CHECK(r.code == 2);
  CHECK(r.err.find("\"Europe/Berlinn\"") != std::string::npos);
  auto up = RunCli({"--db", db, "ingest", "--timezone", "../../etc/passwd", log});
  CHECK(up.code == 2);
}

TEST_CASE("issue 21: the configuration gives a zone per source, recorded with the batch",
          "[ingest][timezone]") {
  TempDir dir;
  const std::string berlin = dir.File("berlin-auth.log");
  const std::string other = dir.File("nyc-auth.log");
  WriteText(berlin, kSyslog);
  WriteText(other, "Mar 29 01:30:00 ny sshd[1]: Invalid user eve from 192.0.2.9 port 4000\n");
  const std::string config = dir.File("vigil.yml");
  WriteText(config,
            "ingest:\n  timezone: America/New_York\n  sources:\n"
            "    - path: \"*/berlin-*\"\n      timezone: Europe/Berlin\n");
  const std::string db = dir.File("store.db");
  auto r = RunCli(
      {"--db", db, "--config", config, "ingest", "--quiet", "--year", "2026", berlin, other});
  REQUIRE(r.code == 0);
  // New York is on EDT (UTC-4) since 8 March.
  CHECK(Times(db) == std::vector<std::string>{At(kMidnightZ + 1800), At(kMidnightZ + 5400),
                                              At(kMidnightZ + 5400 + 4 * 3600)});
  CHECK(RawRows(db, "SELECT timezone FROM batches") ==
        std::vector<std::string>{"America/New_York; Europe/Berlin: " + berlin});
  SECTION("--timezone overrides the configuration for every input") {
    const std::string db2 = dir.File("forced.db");
    REQUIRE(RunCli({"--db", db2, "--config", config, "ingest", "--quiet", "--year", "2026",
                    "--timezone", "UTC", other})
                .code == 0);
    CHECK(Times(db2) == std::vector<std::string>{At(kMidnightZ + 5400)});
  }
  SECTION("a configuration naming an unknown zone is refused where it says so") {
    WriteText(config, "ingest:\n  sources:\n    - path: x\n      timezone: Mars/Base\n");
    auto bad = RunCli({"--db", db, "--config", config, "ingest", "--quiet", other});
    CHECK(bad.code == 2);
    CHECK(bad.err.find("ingest.sources[0].timezone") != std::string::npos);
    CHECK(bad.err.find("\"Mars/Base\"") != std::string::npos);
  }
}
