// `vigil score` and `vigil profile` end to end: a small workload ingested, correlated with the
// built-in pack and scored; the store read back with plain SQL. Covers re-runs (nothing
// changes, nothing is written), determinism across stores, incremental runs with the stored
// model, --retrain, --dry-run, --explain, --fail-above, the config file, and profiles.
#include <fmt/format.h>
#include <simdjson.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "support/populate.h"
#include "support/test_support.h"

using vigil::testing::ParseJson;
using vigil::testing::RawQueryInt;
using vigil::testing::RunCli;
using vigil::testing::TempDir;
using vigil::testing::WriteText;

namespace {

const auto& Rows = vigil::testing::RawRows;

// Office traffic over four days (alice and bob from their desks), then a brute force on root
// from 203.0.113.5 that ends in a success.
std::string Workload(int days) {
  std::string out;
  for (int d = 0; d < days; ++d) {
    for (int i = 0; i < 40; ++i) {
      const std::string user = i % 2 ? "alice" : "bob";
      const std::string ip = i % 2 ? "10.0.0.7" : "10.0.0.8";
      out += fmt::format(
          R"({{"ts":"2024-03-{:02}T{:02}:{:02}:00Z","source":"auth","event_type":"login_success",)"
          R"("user":"{}","src_ip":"{}","host":"vpn-gw-01"}})"
          "\n",
          4 + d, 9 + i / 6, (i % 6) * 10, user, ip);
    }
  }
  return out;
}

std::string Attack(int day) {
  std::string out;
  for (int i = 0; i < 30; ++i) {
    out += fmt::format(
        R"({{"ts":"2024-03-{:02}T22:00:{:02}Z","source":"auth","event_type":"login_failure",)"
        R"("user":"root","src_ip":"203.0.113.5","host":"ssh-bastion-01"}})"
        "\n",
        day, i);
  }
  out += fmt::format(
      R"({{"ts":"2024-03-{:02}T22:00:45Z","source":"auth","event_type":"login_success",)"
      R"("user":"root","src_ip":"203.0.113.5","host":"ssh-bastion-01"}})"
      "\n",
      day);
  return out;
}

void Run(const std::string& db, const std::vector<std::string>& args, int code = 0) {
  std::vector<std::string> argv = {"--db", db};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = RunCli(argv);
  INFO(fmt::format("{}\n{}", r.out, r.err));
  REQUIRE(r.code == code);
}

// Ingests `text` (as file `name`) and correlates.
void Feed(const TempDir& dir, const std::string& db, const std::string& name,
          const std::string& text) {
  WriteText(dir.File(name), text);
  Run(db, {"ingest", "--quiet", dir.File(name)});
  Run(db, {"correlate", "--quiet"});
}

simdjson::dom::element Json(simdjson::dom::parser& parser, const std::string& db,
                            const std::vector<std::string>& args, std::string& keep) {
  std::vector<std::string> argv = {"--db", db, "--format", "json"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = RunCli(argv);
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  keep = r.out;
  return ParseJson(parser, keep);
}

long long Count(const std::string& db, const std::string& table) {
  return RawQueryInt(db, "SELECT count(*) FROM " + table);
}

}  // namespace

// Issue 21 added a seventh part, impact (a success after failures here: a floor at High); the
// parts' points still add up to the risk.
TEST_CASE("score: incidents get a risk from six parts, events a risk and a label", "[score_cli]") {
  TempDir dir;
  const std::string db = dir.File("s.db");
  Feed(dir, db, "a.ndjson", Workload(4) + Attack(8));
  simdjson::dom::parser parser;
  std::string text;
  auto doc = Json(parser, db, {"score"}, text);
  CHECK(int64_t(doc["events"]) == 191);
  CHECK(int64_t(doc["new_events"]) == 191);
  // Rows only for events with something to record: the 31 of the attack at least.
  const int64_t rows = doc["event_rows"];
  CHECK(rows >= 31);
  CHECK(rows < 191);
  CHECK(bool(doc["model"]["trained_now"]));
  simdjson::dom::array incidents = doc["incidents"];
  REQUIRE(incidents.size() >= 1);
  simdjson::dom::element top = incidents.at(0);
  INFO(text);
  CHECK(std::string_view(top["title"]).find("logon") != std::string_view::npos);
  simdjson::dom::array parts = top["components"];
  CHECK(parts.size() == 7);
  double points = 0;
  for (simdjson::dom::element p : parts) points += double(p["points"]);
  CHECK(int64_t(top["risk"]) == int64_t(std::lround(points)));
  CHECK(std::string_view(top["techniques"].at(0)["id"]).rfind("T1", 0) == 0);
  const std::string label{std::string_view(top["label"])};
  CHECK(label.rfind("T1", 0) == 0);
  // Outcome: the success after 30 failures; context: root is privileged by default.
  std::string outcome, context;
  for (simdjson::dom::element p : parts) {
    if (std::string_view(p["name"]) == "outcome") outcome = std::string(std::string_view(p["why"]));
    if (std::string_view(p["name"]) == "context") context = std::string(std::string_view(p["why"]));
  }
  CHECK(outcome.find("after 30 failures") != std::string::npos);
  CHECK(context == "privileged accounts: root");

  // One row per event with something to say; the others are risk 0, Low, normal by
  // definition. The attack's events carry the incident's label and risk, the office traffic
  // is normal.
  CHECK(RawQueryInt(db, "SELECT count(DISTINCT event_id) FROM event_scores") == rows);
  CHECK(RawQueryInt(db,
                    "SELECT count(*) FROM event_scores WHERE risk = 0 AND label = 'normal' "
                    "AND anomaly IS NULL AND flags IS NULL") == 0);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM event_scores WHERE anomaly <= 0.5") == 0);
  const long long id = int64_t(top["id"]);
  CHECK(RawQueryInt(db, fmt::format("SELECT count(*) FROM event_scores s JOIN incident_events ie "
                                    "ON ie.event_id = s.event_id WHERE ie.incident_id = {} AND "
                                    "s.label = '{}' AND s.risk >= {}",
                                    id, label, int64_t(top["risk"]))) ==
        RawQueryInt(
            db, fmt::format("SELECT count(*) FROM incident_events WHERE incident_id = {}", id)));
  CHECK(RawQueryInt(db,
                    "SELECT count(*) FROM event_scores s JOIN events e ON e.id = s.event_id "
                    "WHERE e.user_name IN ('alice', 'bob') AND s.label <> 'normal'") == 0);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM scores WHERE run_id = 1") ==
        int64_t(incidents.size()));
  CHECK(Count(db, "models") == 1);
  auto v = RunCli({"--db", db, "verify"});
  CHECK(v.code == 0);
}

// Incident details written by another tool (here the synthetic store: {"failures":12}, no rule
// object) once made score stop with an internal error from simdjson.
TEST_CASE("score: incidents whose details have no rule object are scored", "[score_cli]") {
  TempDir dir;
  const std::string db = dir.File("s.db");
  REQUIRE(vigil::testing::Populate(db, {.events = 200, .incidents = 5}).ok());
  Run(db, {"score", "--quiet"});
  CHECK(RawQueryInt(
            db, "SELECT count(DISTINCT incident_id) FROM scores WHERE run_id IS NOT NULL") == 5);
}

TEST_CASE("score: a re-run changes nothing and writes no score rows", "[score_cli]") {
  TempDir dir;
  const std::string db = dir.File("s.db");
  Feed(dir, db, "a.ndjson", Workload(4) + Attack(8));
  Run(db, {"score", "--quiet"});
  const auto before = Rows(db,
                           "SELECT event_id, risk, severity, anomaly, label, flags FROM "
                           "event_scores ORDER BY id");
  const long long scores = Count(db, "scores");
  simdjson::dom::parser parser;
  std::string text;
  auto doc = Json(parser, db, {"score"}, text);
  CHECK(int64_t(doc["event_rows"]) == 0);
  CHECK(int64_t(doc["new_events"]) == 0);
  CHECK(int64_t(doc["incidents_changed"]) == 0);
  CHECK_FALSE(bool(doc["model"]["trained_now"]));
  CHECK(Count(db, "scores") == scores);
  CHECK(Rows(db,
             "SELECT event_id, risk, severity, anomaly, label, flags FROM event_scores "
             "ORDER BY id") == before);
  CHECK(int64_t(doc["run"]) == 0);  // nothing new, nothing changed: no run recorded
  CHECK(Count(db, "score_runs") == 1);
}

TEST_CASE("score: the same input gives the same scores in another store", "[score_cli]") {
  TempDir dir;
  const std::string a = dir.File("a.db"), b = dir.File("b.db");
  Feed(dir, a, "a.ndjson", Workload(4) + Attack(8));
  Feed(dir, b, "b.ndjson", Workload(4) + Attack(8));
  Run(a, {"score", "--quiet"});
  Run(b, {"score", "--quiet"});
  const char* events =
      "SELECT event_id, risk, severity, anomaly, label, flags FROM event_scores "
      "ORDER BY event_id";
  const char* incidents =
      "SELECT incident_id, severity, risk, anomaly, components, techniques "
      "FROM scores ORDER BY incident_id";
  CHECK(Rows(a, events) == Rows(b, events));
  CHECK(Rows(a, incidents) == Rows(b, incidents));
  CHECK(Rows(a, "SELECT model FROM models") == Rows(b, "SELECT model FROM models"));
  CHECK(Rows(a, "SELECT kind, entity, data FROM profiles ORDER BY id") ==
        Rows(b, "SELECT kind, entity, data FROM profiles ORDER BY id"));
}

TEST_CASE("score: later runs score new events with the stored model, --retrain refits",
          "[score_cli]") {
  TempDir dir;
  const std::string db = dir.File("s.db");
  Feed(dir, db, "a.ndjson", Workload(4));
  Run(db, {"score", "--quiet"});
  CHECK(Count(db, "models") == 1);
  Feed(dir, db, "b.ndjson", Attack(8));
  simdjson::dom::parser parser;
  std::string text;
  auto doc = Json(parser, db, {"score"}, text);
  CHECK(int64_t(doc["new_events"]) == 31);
  CHECK(int64_t(doc["model"]["id"]) == 1);
  CHECK_FALSE(bool(doc["model"]["trained_now"]));
  CHECK(Count(db, "models") == 1);
  // The 160 earlier events keep what run 1 recorded; run 2 writes the attack's 31 events.
  const long long first = RawQueryInt(db, "SELECT count(*) FROM event_scores WHERE run_id = 1");
  CHECK(first <= 160);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM event_scores WHERE run_id = 2") == 31);
  CHECK(Count(db, "scores") >= 1);

  auto again = Json(parser, db, {"score", "--retrain"}, text);
  CHECK(bool(again["model"]["trained_now"]));
  CHECK(int64_t(again["model"]["id"]) == 2);
  CHECK(int64_t(again["new_events"]) == 191);
  CHECK(Count(db, "models") == 2);
  CHECK(RunCli({"--db", db, "verify"}).code == 0);
}

TEST_CASE("score: --dry-run writes nothing, --fail-above answers", "[score_cli]") {
  TempDir dir;
  const std::string db = dir.File("s.db");
  Feed(dir, db, "a.ndjson", Workload(4) + Attack(8));
  const long long chain = Count(db, "chain");
  auto dry = RunCli({"--db", db, "score", "--dry-run"});
  INFO(dry.out << dry.err);
  CHECK(dry.code == 0);
  CHECK(dry.out.find("dry run: 191 events") != std::string::npos);
  CHECK(Count(db, "chain") == chain);
  CHECK(Count(db, "event_scores") == 0);
  auto fail = RunCli({"--db", db, "score", "--quiet", "--fail-above", "low"});
  CHECK(fail.code == 1);
  CHECK(fail.err.find("newly scored at or above Low") != std::string::npos);
  // The same findings again are not news: a cron job answers once per finding.
  auto again = RunCli({"--db", db, "score", "--quiet", "--fail-above", "Low"});
  CHECK(again.code == 0);
  auto bad = RunCli({"--db", db, "score", "--fail-above", "Severe"});
  CHECK(bad.code == 2);
}

TEST_CASE("score --explain shows each part, its weight and why", "[score_cli]") {
  TempDir dir;
  const std::string db = dir.File("s.db");
  Feed(dir, db, "a.ndjson", Workload(4) + Attack(8));
  auto none = RunCli({"--db", db, "score", "--explain", "1"});
  CHECK(none.code == 2);
  CHECK(none.err.find("has not been scored yet") != std::string::npos);
  Run(db, {"score", "--quiet"});
  auto r = RunCli({"--db", db, "score", "--explain", "1"});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  for (const char* part : {"rule", "intensity", "outcome", "anomaly", "behaviour", "context"}) {
    CHECK(r.out.find(std::string("\n  ") + part) != std::string::npos);
  }
  CHECK(r.out.find("rounded to") != std::string::npos);
  CHECK(r.out.find("Credential Access") != std::string::npos);
  CHECK(r.out.find("MITRE ATT&CK") != std::string::npos);
  auto missing = RunCli({"--db", db, "score", "--explain", "99"});
  CHECK(missing.code == 2);
  CHECK(missing.err.find("no incident 99") != std::string::npos);
  simdjson::dom::parser parser;
  std::string text;
  auto doc = Json(parser, db, {"score", "--explain", "1"}, text);
  CHECK(simdjson::dom::array(doc["components"]).size() == 7);  // six parts and impact
}

TEST_CASE("score: the config file's weights and accounts change the score", "[score_cli]") {
  TempDir dir;
  const std::string db = dir.File("s.db");
  Feed(dir, db, "a.ndjson", Workload(4) + Attack(8));
  Run(db, {"score", "--quiet"});
  const long long scores = Count(db, "scores");
  WriteText(dir.File("rule-only.yml"),
            "score:\n  weights: {rule: 1, intensity: 0, outcome: 0, anomaly: 0, behaviour: 0, "
            "context: 0}\naccounts:\n  privileged: []\n");
  simdjson::dom::parser parser;
  std::string text;
  auto doc = Json(parser, db, {"--config", dir.File("rule-only.yml"), "score"}, text);
  CHECK(int64_t(doc["incidents_changed"]) >= 1);
  CHECK(Count(db, "scores") > scores);
  for (simdjson::dom::element i : simdjson::dom::array(doc["incidents"])) {
    // rule level only: high = 85, medium = 60, ...
    const int64_t risk = i["risk"];
    CHECK((risk == 10 || risk == 35 || risk == 60 || risk == 85 || risk == 100));
  }
  WriteText(dir.File("bad.yml"), "score:\n  weights: {rule: 0.5, intensity: 0.1}\n");
  auto bad = RunCli({"--db", db, "--config", dir.File("bad.yml"), "score"});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("bad.yml:2") != std::string::npos);
  auto missing = RunCli({"--db", db, "--config", dir.File("none.yml"), "score"});
  CHECK(missing.code == 4);
}

TEST_CASE("profile: a user's habits and the list of profiles", "[score_cli]") {
  TempDir dir;
  const std::string db = dir.File("s.db");
  Feed(dir, db, "a.ndjson", Workload(4) + Attack(8));
  Run(db, {"score", "--quiet"});
  auto alice = RunCli({"--db", db, "profile", "alice"});
  INFO(alice.out << alice.err);
  REQUIRE(alice.code == 0);
  CHECK(alice.out.find("user alice") == 0);
  CHECK(alice.out.find("80 (0 failures) on 4 days") != std::string::npos);
  CHECK(alice.out.find("10.0.0.7 (80)") != std::string::npos);
  simdjson::dom::parser parser;
  std::string text;
  auto src = Json(parser, db, {"profile", "--ip", "203.0.113.5"}, text);
  CHECK(int64_t(src["events"]) == 31);
  CHECK(int64_t(src["failures"]) == 30);
  auto list = Json(parser, db, {"profile", "--list"}, text);
  simdjson::dom::array rows = list["profiles"];
  CHECK(rows.size() == 6);  // alice, bob, root; 10.0.0.7, 10.0.0.8, 203.0.113.5
  // Riskiest first: root or the attacker's address.
  const std::string first{std::string_view(rows.at(0)["entity"])};
  CHECK((first == "root" || first == "203.0.113.5"));
  auto nobody = RunCli({"--db", db, "profile", "mallory"});
  CHECK(nobody.code == 2);
  CHECK(nobody.err.find("no profile for user 'mallory'") != std::string::npos);
}
