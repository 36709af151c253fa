// Issue 21, item 1: the two shapes the issue opens with (tests/data/seeds/) and one of our own
// with other field names (identity_export.ndjson), ingested end to end; the classified chain
// is one incident.
#include <string>
#include <vector>

#include "support/test_support.h"

using vigil::testing::RawQueryInt;
using vigil::testing::RawRows;
using vigil::testing::RunCli;
using vigil::testing::RunOn;
using vigil::testing::SourcePath;
using vigil::testing::TempDir;

namespace {

std::string Seed(const std::string& name) { return SourcePath("tests/data/seeds/" + name); }

// The columns a row of events is checked by, for one source file's line range.
std::vector<std::string> Rows(const std::string& db, const std::string& where) {
  return RawRows(db,
                 "SELECT event_kind, event_category, event_action, event_outcome, user_name, "
                 "source_ip, destination_ip, source_bytes FROM events WHERE " +
                     where + " ORDER BY id");
}

// The incidents whose events include every event of `user`, as ids.
std::vector<std::string> IncidentsHolding(const std::string& db, const std::string& user) {
  return RawRows(db,
                 "SELECT i.id FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM events e WHERE "
                 "e.user_name = '" +
                     user +
                     "' AND e.id NOT IN (SELECT event_id FROM incident_events WHERE incident_id "
                     "= i.id))");
}

}  // namespace

TEST_CASE("issue 21: the phishing bundle's status, recipient and bytes_sent are mapped",
          "[ingest]") {
  TempDir dir;
  const std::string db = dir.path() + "/s.db";
  RunOn(db, {"ingest", Seed("bundle_phish_logon_exfil.json")});
  CHECK(RawQueryInt(db, "SELECT count(*) FROM events") == 23);
  // Auth records: SUCCESS/FAILED as event.outcome.
  CHECK(RawRows(db,
                "SELECT event_outcome, count(*) FROM events WHERE event_category = "
                "'authentication' GROUP BY 1 ORDER BY 1") ==
        std::vector<std::string>{"failure|6", "success|3"});
  CHECK(RawQueryInt(db,
                    "SELECT count(*) FROM events WHERE event_outcome = 'failure' AND user_name = "
                    "'alice' AND source_ip = '198.51.100.23'") == 6);
  // The phishing alert: the recipient's local part is the user, the action is clicked.
  CHECK(Rows(db, "event_category = 'email'") ==
        std::vector<std::string>{"alert|email|clicked|NULL|alice|NULL|NULL|NULL"});
  CHECK(RawRows(db, "SELECT email_from, url FROM events WHERE event_category = 'email'") ==
        std::vector<std::string>{"it-desk@c0rp-example.top|https://c0rp-example.top/o365/login"});
  // The firewall's bytes_sent as bytes out.
  CHECK(RawRows(db,
                "SELECT source_ip, source_bytes FROM events WHERE destination_ip = "
                "'203.0.113.77'") == std::vector<std::string>{"10.20.1.23|950000000"});
}

TEST_CASE("issue 21: classified events with only an hour are read, dated and classified",
          "[ingest]") {
  TempDir dir;
  const std::string db = dir.path() + "/s.db";
  auto r = RunCli({"--db", db, "-v", "ingest", Seed("classified_events.json")});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("11 records gave only an hour of day: the date was supplied") !=
        std::string::npos);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM events") == 11);
  // Dated on the day of ingest (UTC) at their hour: today, hours 2 to 5.
  const long long today = RawQueryInt(db, "SELECT started_us / 86400000000 FROM batches");
  CHECK(RawRows(db, "SELECT DISTINCT ts_us / 3600000000 - " + std::to_string(today * 24) +
                        " FROM events ORDER BY 1") == std::vector<std::string>{"2", "3", "4", "5"});
  CHECK(Rows(db, "user_name = 'u1042'") ==
        std::vector<std::string>{
            "event|authentication|failed_login|failure|u1042|185.220.101.4|NULL|NULL",
            "event|authentication|failed_login|failure|u1042|185.220.101.4|NULL|NULL",
            "event|authentication|failed_login|failure|u1042|185.220.101.4|NULL|NULL",
            "event|authentication|failed_login|failure|u1042|185.220.101.4|NULL|NULL",
            "event|authentication|failed_login|failure|u1042|185.220.101.4|NULL|NULL",
            "event|authentication|failed_login|failure|u1042|185.220.101.4|NULL|NULL",
            "event|authentication|login|success|u1042|185.220.101.4|NULL|NULL",
            "alert|iam|privilege_escalation|NULL|u1042|185.220.101.4|NULL|NULL",
            "alert|network|data_exfiltration|NULL|u1042|185.220.101.4|NULL|2000000000",
        });
  CHECK(Rows(db, "user_name IN ('u2001', 'u3003')") ==
        std::vector<std::string>{
            "alert|network|port_scan|NULL|u2001|45.33.32.156|NULL|NULL",
            "alert|malware|malware_detected|NULL|u3003|10.20.4.44|NULL|NULL",
        });
  // analyze --verbose says so too, on standard error.
  auto analyzed =
      RunCli({"--db", dir.path() + "/a.db", "-v", "analyze", Seed("classified_events.json")});
  CHECK(analyzed.err.find("classified_events.json: 11 records gave only an hour of day") !=
        std::string::npos);
  // Ingesting the same file again finds every event already stored.
  auto again = RunCli({"--db", db, "ingest", Seed("classified_events.json")});
  CHECK(again.out.find("stored 0 events, 11 already in the store") != std::string::npos);
}

TEST_CASE("issue 21: a differently shaped export (username, srcaddr, result, activity) maps too",
          "[ingest]") {
  TempDir dir;
  const std::string db = dir.path() + "/s.db";
  RunOn(db, {"ingest", Seed("identity_export.ndjson")});
  CHECK(Rows(db, "source_ip = '203.0.113.145'") ==
        std::vector<std::string>{
            "event|authentication|failed_login|failure|m.ortiz@corp.example|203.0.113.145|"
            "10.30.0.5|NULL",
            "event|authentication|failed_login|failure|m.ortiz@corp.example|203.0.113.145|"
            "10.30.0.5|NULL",
            "event|authentication|failed_login|failure|m.ortiz@corp.example|203.0.113.145|"
            "10.30.0.5|NULL",
            "event|authentication|login|success|m.ortiz@corp.example|203.0.113.145|10.30.0.5|"
            "NULL",
        });
  // userPrincipalName; SUCCESS; an unrecognised result stays unset.
  CHECK(Rows(db, "user_name = 'k.lee@corp.example'") ==
        std::vector<std::string>{
            "event|authentication|login|success|k.lee@corp.example|10.30.2.17|10.30.0.5|NULL",
            "event|authentication|login|NULL|k.lee@corp.example|10.30.2.17|10.30.0.5|NULL",
        });
  CHECK(Rows(db, "source_ip IN ('10.30.2.40', '10.30.9.9', '10.30.5.21')") ==
        std::vector<std::string>{
            "alert|process|credential_dumping|success|m.ortiz@corp.example|10.30.2.40|NULL|NULL",
            "alert|network|data_exfiltration|NULL|m.ortiz@corp.example|10.30.2.40|"
            "198.51.100.200|750000000",
            "event|authentication|logout|success|svc.backup|10.30.9.9|10.30.0.8|4096",
            "alert|malware|ransomware|NULL|j.wu|10.30.5.21|NULL|NULL",
        });
}

TEST_CASE("issue 21: one account's chain of classified events is one incident", "[ingest]") {
  TempDir dir;
  const std::string db = dir.path() + "/s.db";
  RunOn(db, {"ingest", Seed("classified_events.json")});
  RunOn(db, {"correlate"});
  // u1042's six failures, logon, privilege escalation and exfiltration: one incident, which the
  // chain rule raised or merged into (the failures then the logon from a new public address
  // are the critical rule of authentication.yml, whose incident it joins), at high or above.
  const auto chain = IncidentsHolding(db, "u1042");
  REQUIRE(chain.size() == 1);
  CHECK(RawQueryInt(
            db, "SELECT count(*) FROM incidents WHERE id = " + chain[0] +
                    " AND (title = 'Chain of classified events by one account' OR EXISTS "
                    "(SELECT 1 FROM json_each(json_extract(details, '$.also_matched')) "
                    "WHERE json_extract(value, '$.rule.title') = 'Chain of classified events by "
                    "one account'))") == 1);
  CHECK(RawQueryInt(db,
                    "SELECT json_extract(details, '$.rule.level') IN ('high', 'critical') FROM "
                    "incidents WHERE id = " +
                        chain[0]) == 1);
  // No other incident for them: the findings' own incidents merged into the chain.
  CHECK(RawQueryInt(db,
                    "SELECT count(DISTINCT ie.incident_id) FROM incident_events ie JOIN events e "
                    "ON e.id = ie.event_id WHERE e.user_name = 'u1042'") == 1);
  // The scan and the malware are incidents of their own, medium and high.
  CHECK(RawRows(db,
                "SELECT title, json_extract(details, '$.rule.level') FROM incidents WHERE id IN "
                "(SELECT incident_id FROM incident_events ie JOIN events e ON e.id = ie.event_id "
                "WHERE e.user_name IN ('u2001', 'u3003')) ORDER BY title") ==
        std::vector<std::string>{"Malware reported by a source|high",
                                 "Port scan reported by a source|medium"});

  // Our own shape: m.ortiz's failures, sign-in, credential dumping and exfiltration are one
  // incident; the ransomware is critical on its own.
  const std::string db2 = dir.path() + "/t.db";
  RunOn(db2, {"ingest", Seed("identity_export.ndjson")});
  RunOn(db2, {"correlate"});
  CHECK(IncidentsHolding(db2, "m.ortiz@corp.example").size() == 1);
  CHECK(RawRows(db2,
                "SELECT title, json_extract(details, '$.rule.level') FROM incidents WHERE id IN "
                "(SELECT incident_id FROM incident_events ie JOIN events e ON e.id = ie.event_id "
                "WHERE e.user_name = 'j.wu')") ==
        std::vector<std::string>{"Ransomware reported by a source|critical"});
}

TEST_CASE("issue 21: classified logons alone, or one finding alone, make no chain", "[ingest]") {
  TempDir dir;
  const std::string db = dir.path() + "/s.db";
  const std::string input = dir.path() + "/benign.ndjson";
  std::string lines;
  // A user who mistypes twice and logs on, and another whose only event is one finding.
  for (const char* type : {"failed_login", "failed_login", "login", "logout"}) {
    lines += std::string(R"({"ts":"2026-03-02T09:0)") + std::to_string(lines.size() % 10) +
             R"(:00Z","username":"dana","srcaddr":"10.1.1.5","event_type":")" + type + "\"}\n";
  }
  lines += R"({"ts":"2026-03-02T09:30:00Z","username":"eve","srcaddr":"10.1.1.6",)"
           R"("event_type":"privilege_escalation"})"
           "\n";
  vigil::testing::WriteText(input, lines);
  RunOn(db, {"ingest", input});
  RunOn(db, {"correlate"});
  CHECK(RawRows(db, "SELECT title FROM incidents ORDER BY id") ==
        std::vector<std::string>{"Privilege escalation reported by a source"});
}
