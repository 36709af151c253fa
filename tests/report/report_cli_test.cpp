// `vigil report` and `vigil review` end to end on samples/: the JSON the issue asks for,
// filters, determinism, the DRAFT marking and its review transitions, hostile log text.
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "export/export.h"
#include "support/test_support.h"

using vigil::testing::ParseJson;
using vigil::testing::RawQueryInt;
using vigil::testing::RunCli;
using vigil::testing::SampleStore;
using vigil::testing::SourcePath;
using vigil::testing::TempDir;
using vigil::testing::WriteText;

namespace {

std::string Report(const std::string& db, std::vector<std::string> args, int code = 0) {
  return vigil::testing::RunOn(db, args, code);
}

std::set<int64_t> Ids(simdjson::dom::parser& parser, const std::string& json) {
  simdjson::dom::element doc = ParseJson(parser, json);
  std::set<int64_t> ids;
  for (simdjson::dom::element i : simdjson::dom::array(doc["incidents"]))
    ids.insert(int64_t(i["id"]));
  return ids;
}

}  // namespace

TEST_CASE("report --format json has the fields scripts rely on", "[report]") {
  TempDir dir;
  const std::string db = SampleStore(dir);
  const std::string json = Report(db, {"--format", "json", "report"});
  simdjson::dom::parser parser;
  simdjson::dom::element doc = ParseJson(parser, json);
  simdjson::dom::array incidents = doc["incidents"];
  REQUIRE(incidents.size() == size_t(RawQueryInt(db, "SELECT count(*) FROM incidents")));
  int64_t last_risk = 101;
  for (simdjson::dom::element i : incidents) {
    for (const char* key : {"id", "type", "severity", "risk", "status", "attack", "src_ips",
                            "users", "hosts", "first_seen", "last_seen", "event_count", "summary",
                            "why_flagged", "timeline", "indicators", "actions", "confidence"}) {
      INFO(key);
      CHECK(i[key].error() == simdjson::SUCCESS);
    }
    const int64_t risk = i["risk"];
    CHECK(risk <= last_risk);  // riskiest first
    last_risk = risk;
    CHECK(std::string_view(i["status"]) == "draft");
    CHECK(bool(i["draft"]));
    const std::string_view first = i["first_seen"];
    CHECK(first.back() == 'Z');  // RFC 3339 UTC
    // The summary names the facts: the severity, the risk and the first source address.
    const std::string summary{std::string_view(i["summary"])};
    CHECK(summary.find(std::to_string(risk) + "/100") != std::string::npos);
    simdjson::dom::array src = i["src_ips"];
    if (src.size() == 1) {
      CHECK(summary.find(std::string(std::string_view(src.at(0)))) != std::string::npos);
    }
  }
  // The same store gives the same bytes.
  CHECK(Report(db, {"--format", "json", "report"}) == json);
}

TEST_CASE("report filters by id, severity, type, user, address, time and status", "[report]") {
  TempDir dir;
  const std::string db = SampleStore(dir);
  simdjson::dom::parser parser;
  const auto all = Ids(parser, Report(db, {"--format", "json", "report"}));
  REQUIRE(all.size() >= 5);
  CHECK(Ids(parser, Report(db, {"--format", "json", "report", "4", "2"})) ==
        std::set<int64_t>{2, 4});
  const auto high = Ids(parser, Report(db, {"--format", "json", "report", "--severity", "high"}));
  CHECK(high.size() ==
        size_t(RawQueryInt(db,
                           "SELECT count(*) FROM scores s WHERE s.id IN (SELECT max(id) FROM "
                           "scores GROUP BY incident_id) AND severity IN ('High', 'Critical')")));
  // Kerberoasting, by its technique: merged into #3, the spray of the same actor (issue 21)
  CHECK(Ids(parser, Report(db, {"--format", "json", "report", "--type", "t1558"})) ==
        std::set<int64_t>{3});
  CHECK(Ids(parser, Report(db, {"--format", "json", "report", "--ip", "172.18.39.5"})).count(3));
  CHECK(Ids(parser, Report(db, {"--format", "json", "report", "--user", "pgustavo"})).count(3));
  CHECK(Ids(parser, Report(db, {"--format", "json", "report", "--since", "2026-01-01"})).count(3) ==
        0);  // 2020
  CHECK(Ids(parser, Report(db, {"--format", "json", "report", "--until", "2020-10-22"})).count(3));
  CHECK(Ids(parser, Report(db, {"--format", "json", "report", "--status", "approved"})).empty());
  Report(db, {"report", "--since", "yesterday"}, 2);
  Report(db, {"report", "99"}, 2);
  Report(db, {"--format", "markdown", "verify"}, 2);  // markdown is for reports only
}

TEST_CASE("review: a report is a draft until approved; every decision is kept", "[report]") {
  TempDir dir;
  const std::string db = SampleStore(dir);
  CHECK(Report(db, {"report", "4"})
            .rfind("== DRAFT  Incident #4: Brute force against one source's targets", 0) == 0);
  Report(db, {"review", "4", "--comment", "--analyst", "alice", "--note", "asking the owner"});
  CHECK(Report(db, {"report", "4"}).rfind("== DRAFT", 0) == 0);  // a comment decides nothing
  Report(db, {"review", "4", "--approve", "--analyst", "alice"});
  const std::string approved = Report(db, {"report", "4"});
  CHECK(approved.rfind("== APPROVED  Incident #4", 0) == 0);
  CHECK(approved.find("alice  comment: asking the owner") != std::string::npos);
  CHECK(approved.find("alice  approve") != std::string::npos);
  simdjson::dom::parser parser;
  CHECK(Ids(parser, Report(db, {"--format", "json", "report", "--status", "approved"})) ==
        std::set<int64_t>{4});
  Report(db, {"review", "4", "--reject", "--analyst", "bob", "--note", "test traffic"});
  CHECK(Report(db, {"report", "4"}).rfind("== REJECTED", 0) == 0);
  // Refusals: no decision, two decisions, a reject without a note, no analyst, no incident.
  Report(db, {"review", "4", "--analyst", "bob"}, 2);
  Report(db, {"review", "4", "--approve", "--reject", "--analyst", "bob"}, 2);
  Report(db, {"review", "4", "--reject", "--analyst", "bob"}, 2);
  Report(db, {"review", "4", "--approve"}, 2);
  Report(db, {"review", "99", "--approve", "--analyst", "bob"}, 2);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM reviews") == 3);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM chain WHERE tbl = 'reviews'") == 3);
  CHECK(RunCli({"--db", db, "verify"}).code == 0);
}

TEST_CASE("report text and markdown keep hostile log text inert", "[report]") {
  TempDir dir;
  const std::string db = dir.File("h.db");
  std::string lines;
  for (int i = 0; i < 12; ++i) {
    lines += fmt::format(
        R"({{"ts":"2024-03-04T10:00:{:02}Z","source":"auth","event_type":"login_failure",)"
        R"("user":"ro|ot\u001b[31m*x*","src_ip":"203.0.113.9","host":"gw"}})"
        "\n",
        i);
  }
  WriteText(dir.File("h.ndjson"), lines);
  REQUIRE(RunCli({"--db", db, "ingest", "--quiet", dir.File("h.ndjson")}).code == 0);
  REQUIRE(RunCli({"--db", db, "correlate", "--quiet"}).code == 0);
  const std::string text = Report(db, {"report"});
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find("ro|ot?[31m*x*") != std::string::npos);
  const std::string md = Report(db, {"--format", "markdown", "report"});
  CHECK(md.find('\x1b') == std::string::npos);
  CHECK(md.find("ro\\|ot?\\[31m\\*x\\*") != std::string::npos);
  CHECK(text.find("not scored (run vigil score)") != std::string::npos);
}

TEST_CASE("export writes JSON, NDJSON, CSV and Markdown, and records files it writes", "[report]") {
  TempDir dir;
  const std::string db = SampleStore(dir);
  const long long incidents = RawQueryInt(db, "SELECT count(*) FROM incidents");
  const std::string ndjson = Report(db, {"export", "--format", "ndjson"});
  CHECK(std::count(ndjson.begin(), ndjson.end(), '\n') == incidents);
  const std::string csv = Report(db, {"export", "--format", "csv"});
  CHECK(csv.rfind("id,type,severity,risk,status,first_seen,last_seen,event_count,", 0) == 0);
  const std::string events = Report(db, {"export", "3", "--events", "--format", "ndjson"});
  CHECK(std::count(events.begin(), events.end(), '\n') ==
        RawQueryInt(db, "SELECT count(*) FROM incident_events WHERE incident_id = 3"));
  CHECK(events.find("\"label\":\"T1110.003\"") != std::string::npos);  // spray + Kerberoasting
  CHECK(Report(db, {"export", "--format", "markdown"}).rfind("# vigil incident report", 0) == 0);
  Report(db, {"export", "--events", "--format", "markdown"}, 2);
  // Standard output leaves the store alone; a file is recorded with its SHA-256.
  CHECK(RawQueryInt(db, "SELECT count(*) FROM reports") == 0);
  Report(db, {"export", "--format", "json", "-o", dir.File("all.json")});
  CHECK(RawQueryInt(db, "SELECT count(*) FROM reports") == 1);
  const auto rows = vigil::testing::RawRows(db, "SELECT format, path, hex(sha256) FROM reports");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].rfind("json|" + dir.File("all.json") + "|", 0) == 0);
  CHECK(RunCli({"--db", db, "verify"}).code == 0);
}

TEST_CASE("CSV fields are quoted and never run as spreadsheet formulas", "[report]") {
  using vigil::exporter::CsvField;
  CHECK(CsvField("plain") == "plain");
  CHECK(CsvField("a,b") == "\"a,b\"");
  CHECK(CsvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(CsvField("line\nbreak") == "\"line\nbreak\"");
  CHECK(CsvField("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"");
  CHECK(CsvField("+1") == "'+1");
  CHECK(CsvField("-cmd") == "'-cmd");
  CHECK(CsvField("@SUM(A1)") == "'@SUM(A1)");
  CHECK(CsvField("") == "");
}

TEST_CASE("analyze runs every stage, writes a report file and gates on severity", "[report]") {
  TempDir dir;
  const std::string db = dir.File("a.db");
  const std::string logs[] = {SourcePath("samples/auth.log"),
                              SourcePath("samples/windows-purplesharp.jsonl")};
  auto r = RunCli({"--db", db, "analyze", logs[0], logs[1], "-o", dir.File("case.csv")});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("Kerberoasting") != std::string::npos);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM incidents") >= 2);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM scores") >= 2);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM reports WHERE format = 'csv'") == 1);
  CHECK(vigil::testing::ReadText(dir.File("case.csv")).rfind("id,type,severity", 0) == 0);
  // Again on the same logs: nothing new, the same incidents; the gate answers.
  auto gate = RunCli({"--db", db, "analyze", logs[0], logs[1], "--fail-on", "low"});
  CHECK(gate.code == 1);
  CHECK(gate.err.find("at or above low") != std::string::npos);
  CHECK(RunCli({"--db", db, "analyze", logs[0], "--fail-on", "critical"}).code == 0);
  CHECK(RunCli({"--db", db, "analyze", logs[0], "-o", dir.File("x.pdf")}).code == 0);
  CHECK(vigil::testing::ReadText(dir.File("x.pdf")).rfind("%PDF-", 0) == 0);
  CHECK(RunCli({"--db", db, "analyze", logs[0], "-o", dir.File("x.txt")}).code == 2);
  // Rejected records: the others are analysed, and the exit status says 3.
  auto bad = RunCli({"--db", dir.File("b.db"), "analyze", SourcePath("samples/events.ndjson")});
  CHECK(bad.code == 3);
  CHECK(RawQueryInt(dir.File("b.db"), "SELECT count(*) FROM incidents") > 0);
  CHECK(RunCli({"--db", db, "verify"}).code == 0);
}

TEST_CASE("export --format pdf: a cover, numbered pages, each incident, Unicode text", "[report]") {
  TempDir dir;
  const std::string db = dir.File("u.db");
  std::string lines;
  for (int i = 0; i < 12; ++i) {
    lines += fmt::format(
        R"({{"ts":"2024-03-04T10:00:{:02}Z","source":"auth","event_type":"login_failure",)"
        R"("user":"jürgen.ωmega→x","src_ip":"203.0.113.9","host":"gw"}})"
        "\n",
        i);
  }
  WriteText(dir.File("u.ndjson"), lines);
  REQUIRE(RunCli({"--db", db, "ingest", "--quiet", dir.File("u.ndjson")}).code == 0);
  REQUIRE(RunCli({"--db", db, "correlate", "--quiet"}).code == 0);
  REQUIRE(RunCli({"--db", db, "score", "--quiet"}).code == 0);
  const std::string pdf = dir.File("r.pdf");
  Report(db, {"export", "--format", "pdf", "-o", pdf});
  const std::string bytes = vigil::testing::ReadText(pdf);
  REQUIRE(bytes.rfind("%PDF-", 0) == 0);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM reports WHERE format = 'pdf'") == 1);
  if (std::system("command -v pdftotext > /dev/null 2>&1") != 0) {
    WARN("pdftotext is not installed (poppler-utils): the PDF's text is not checked");
    return;
  }
  const std::string txt = dir.File("r.txt");
  REQUIRE(std::system(("pdftotext -enc UTF-8 '" + pdf + "' '" + txt + "'").c_str()) == 0);
  const std::string text = vigil::testing::ReadText(txt);
  INFO(text);
  CHECK(text.find("vigil incident report") != std::string::npos);
  CHECK(text.find("Executive summary") != std::string::npos);
  CHECK(text.find("Incidents over time") != std::string::npos);
  CHECK(text.find("Events by weekday and hour (UTC)") != std::string::npos);
  CHECK(text.find("darkest cell = 12 events") != std::string::npos);  // all at 10:00 on a Monday
  CHECK(text.find("Highest incident risk by day") != std::string::npos);
  CHECK(text.find("Incident #1:") != std::string::npos);
  CHECK(text.find("page 1 of") != std::string::npos);
  CHECK(text.find("jürgen.ωmega→x") != std::string::npos);
  CHECK(text.find("203.0.113.9") != std::string::npos);
  CHECK(text.find("DRAFT") != std::string::npos);
}

TEST_CASE("report --narrator: a local command's narrative, marked; failures keep the template",
          "[report]") {
  TempDir dir;
  const std::string db = SampleStore(dir);
  // The command reads the prompt (facts as JSON) and answers from it.
  const std::string ok =
      Report(db, {"report", "3", "--narrator",
                  "grep -c '\"type\":\"Password spray from one Windows workstation\"' | sed "
                  "'s/^/hits: /'"});
  CHECK(ok.find("Narrative (machine-drafted by") != std::string::npos);
  CHECK(ok.find("\n  hits: 1\n") != std::string::npos);
  CHECK(ok.find("Summary (drafted)") != std::string::npos);  // the template stays beside it
  const std::string json =
      Report(db, {"--format", "json", "report", "4", "--narrator", "echo drafted elsewhere"});
  CHECK(json.find(
            R"("machine_narrative":{"by":"echo drafted elsewhere","text":"drafted elsewhere"})") !=
        std::string::npos);
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--narrator", "exit 3"},
        std::vector<std::string>{"--narrator", "true"},
        std::vector<std::string>{"--narrator", "sleep 5", "--narrator-timeout", "1"}}) {
    std::vector<std::string> argv = {"--db", db, "report", "4"};
    argv.insert(argv.end(), bad.begin(), bad.end());
    auto r = RunCli(argv);
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("machine-drafted") == std::string::npos);
    CHECK(r.err.find("the template text stands") != std::string::npos);
  }
}
