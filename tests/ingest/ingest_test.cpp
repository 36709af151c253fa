// `vigil ingest` end to end: ingest::Run on files in a temp dir, then the store read back with
// the plain sqlite3 API (what was stored, what was quarantined, byte for byte) and verified;
// and the command through cli::Main for its output, messages and exit codes.
#include "ingest/ingest.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "store/store.h"
#include "support/test_support.h"
#include "verify/verifier.h"

using vigil::testing::ParseJson;
using vigil::testing::RawQueryInt;
using vigil::testing::ReadText;
using vigil::testing::RunCli;
using vigil::testing::SourcePath;
using vigil::testing::TempDir;
using vigil::testing::WriteText;
namespace ingest = vigil::ingest;

namespace {

constexpr int64_t kNow = 1795275000000000;  // 2026-11-21T15:30:00Z

struct Rejected {
  std::string input;
  int64_t line = 0;
  int64_t offset = 0;
  std::string reason;
  std::string raw;
};

struct Ingested {
  ingest::Summary summary;
  std::vector<Rejected> rejected;  // as passed to the sink
};

Ingested Ingest(const std::string& db_path, const std::vector<std::string>& inputs) {
  auto db = vigil::store::OpenStore(db_path, vigil::store::StoreAccess::kCreate);
  REQUIRE(db.has_value());
  ingest::Options options;
  options.inputs = inputs;
  options.now_us = kNow;
  options.command = "ingest";
  Ingested out;
  auto summary = ingest::Run(options, *db, [&](const ingest::Rejection& r) {
    out.rejected.push_back({r.input, r.line, r.offset, r.reason, std::string(r.raw)});
  });
  if (!summary) FAIL(summary.error().ToString());
  out.summary = *summary;
  return out;
}

// Rows of a query, every column as its bytes ("<null>" for NULL), via the plain sqlite3 API.
using Rows = std::vector<std::vector<std::string>>;
Rows Query(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  INFO(sql);
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  Rows rows;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<std::string>& row = rows.emplace_back();
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      if (sqlite3_column_type(stmt, i) == SQLITE_NULL) {
        row.emplace_back("<null>");
        continue;
      }
      const void* data = sqlite3_column_blob(stmt, i);
      const auto size = static_cast<size_t>(sqlite3_column_bytes(stmt, i));
      row.emplace_back(static_cast<const char*>(data), size);
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close_v2(db);
  return rows;
}

Rows Quarantine(const std::string& db_path) {
  return Query(db_path,
               "SELECT source_line, source_offset, reason, raw, source_format, source_file "
               "FROM quarantine ORDER BY id");
}

void CheckVerifies(const std::string& db_path) {
  vigil::verify::Options o;
  o.db_path = db_path;
  o.jobs = 1;
  auto s = vigil::verify::Run(o);
  REQUIRE(s.has_value());
  std::string problems;
  for (const auto& p : s->problems) problems += p.table + ": " + p.detail + "\n";
  INFO(problems);
  CHECK(s->verified);
  CHECK(s->problems_total == 0);
}

std::string Lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// The byte offset of line `n` (1-based) of `lines` written by Lines().
int64_t OffsetOf(const std::vector<std::string>& lines, size_t n) {
  size_t at = 0;
  for (size_t i = 0; i + 1 < n; ++i) at += lines[i].size() + 1;
  return static_cast<int64_t>(at);
}

std::string Event(int second, const std::string& user) {
  return R"({"ts":"2026-11-14T00:00:)" + std::string(second < 10 ? "0" : "") +
         std::to_string(second) + R"(Z","source":"auth","event_type":"login_failure","user":")" +
         user + R"(","src_ip":"198.51.100.23","action":"failure"})";
}

void WriteGzip(const std::string& path, const std::string& content) {
  gzFile gz = gzopen(path.c_str(), "wb");
  REQUIRE(gz != nullptr);
  CHECK(gzwrite(gz, content.data(), static_cast<unsigned>(content.size())) ==
        static_cast<int>(content.size()));
  REQUIRE(gzclose(gz) == Z_OK);
}

const std::string kTruncated = R"({"ts":"2026-11-14T00:00:02Z","source":"auth","user":"b)";
const std::string kBadUtf8 =
    "{\"ts\":\"2026-11-14T00:00:04Z\",\"source\":\"auth\",\"message\":\"caf\xe9\"}";
const std::string kBadTime = R"({"ts":"yesterday","source":"auth","user":"f"})";

}  // namespace

TEST_CASE("ingest stores the good NDJSON lines and quarantines each bad one verbatim", "[ingest]") {
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("mixed.ndjson");
  const std::vector<std::string> lines = {Event(1, "a"), kTruncated,    Event(3, "c"),
                                          kBadUtf8,      Event(5, "e"), kBadTime};
  WriteText(file, Lines(lines));

  const Ingested run = Ingest(db, {file});
  const ingest::Summary& s = run.summary;
  CHECK(s.read == 6);
  CHECK(s.stored == 3);
  CHECK(s.duplicates == 0);
  CHECK(s.rejected == 3);
  CHECK(s.formats == std::map<std::string, int64_t>{{"ndjson", 3}});
  REQUIRE(s.inputs.size() == 1);
  CHECK(s.inputs[0].name == file);
  CHECK(s.inputs[0].format == "ndjson");
  CHECK(s.inputs[0].confidence == "medium");
  CHECK(s.inputs[0].reason == "JSON objects, one per line");

  const Rows q = Quarantine(db);
  REQUIRE(q.size() == 3);
  const std::vector<std::vector<std::string>> expected = {
      {"2", std::to_string(OffsetOf(lines, 2)),
       "invalid JSON: A string is opened, but never closed.", kTruncated, "ndjson", file},
      {"4", std::to_string(OffsetOf(lines, 4)), "invalid JSON: The input is not valid UTF-8",
       kBadUtf8, "ndjson", file},
      {"6", std::to_string(OffsetOf(lines, 6)), R"(ts: unparseable time "yesterday")", kBadTime,
       "ndjson", file},
  };
  CHECK(q == expected);
  CHECK(RawQueryInt(db,
                    "SELECT count(*) FROM quarantine WHERE received_us = " + std::to_string(kNow) +
                        " AND batch_id = " + std::to_string(s.batch_id)) == 3);

  REQUIRE(run.rejected.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(run.rejected[i].input == file);
    CHECK(std::to_string(run.rejected[i].line) == expected[i][0]);
    CHECK(std::to_string(run.rejected[i].offset) == expected[i][1]);
    CHECK(run.rejected[i].reason == expected[i][2]);
    CHECK(run.rejected[i].raw == expected[i][3]);
  }

  const Rows events =
      Query(db,
            "SELECT source_line, source_offset, raw, user_name, source_format, ts_us FROM events "
            "ORDER BY id");
  const Rows expected_events = {
      {"1", "0", lines[0], "a", "ndjson", "1794614401000000"},
      {"3", std::to_string(OffsetOf(lines, 3)), lines[2], "c", "ndjson", "1794614403000000"},
      {"5", std::to_string(OffsetOf(lines, 5)), lines[4], "e", "ndjson", "1794614405000000"},
  };
  CHECK(events == expected_events);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM batches") == 1);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM chain") == 1 + 3 + 3);
  CheckVerifies(db);

  auto verify = RunCli({"--db", db, "verify"});
  CHECK(verify.code == 0);
  CHECK(verify.out.rfind("VERIFIED 7 records, head ", 0) == 0);
}

TEST_CASE("ingest of the same file again stores nothing and counts duplicates", "[ingest]") {
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("auth.ndjson");
  WriteText(file, Lines({Event(1, "a"), Event(2, "b"), kBadTime, Event(4, "d")}));
  const Ingested first = Ingest(db, {file});
  CHECK(first.summary.stored == 3);
  CHECK(first.summary.rejected == 1);

  const Ingested again = Ingest(db, {file});
  CHECK(again.summary.read == 4);
  CHECK(again.summary.stored == 0);
  CHECK(again.summary.duplicates == 3);
  CHECK(again.summary.formats == std::map<std::string, int64_t>{{"ndjson", 3}});
  // A bad line read twice is reported (and counted) twice but quarantined once.
  CHECK(again.summary.rejected == 1);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM events") == 3);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM quarantine") == 1);
  CHECK(RawQueryInt(db, "SELECT count(DISTINCT batch_id) FROM events") == 1);
  CheckVerifies(db);
}

TEST_CASE("ingest of a file that has grown stores only the new lines", "[ingest]") {
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("growing.ndjson");
  std::vector<std::string> lines = {Event(1, "a"), Event(2, "b"), Event(3, "c")};
  WriteText(file, Lines(lines));
  CHECK(Ingest(db, {file}).summary.stored == 3);

  lines.push_back(Event(4, "d"));
  lines.push_back(Event(5, "e"));
  WriteText(file, Lines(lines));
  const Ingested grown = Ingest(db, {file});
  CHECK(grown.summary.read == 5);
  CHECK(grown.summary.stored == 2);
  CHECK(grown.summary.duplicates == 3);
  CHECK(grown.summary.rejected == 0);
  const Rows added = Query(db,
                           "SELECT source_line, source_offset, user_name FROM events WHERE "
                           "batch_id = " +
                               std::to_string(grown.summary.batch_id) + " ORDER BY id");
  CHECK(added == Rows{{"4", std::to_string(OffsetOf(lines, 4)), "d"},
                      {"5", std::to_string(OffsetOf(lines, 5)), "e"}});
  CheckVerifies(db);
}

TEST_CASE("ingest stores identical lines of one file each, and once only", "[ingest]") {
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("repeats.ndjson");
  // Five identical "Failed password" lines are five attempts.
  WriteText(file, Lines({Event(1, "root"), Event(1, "root"), Event(2, "x"), Event(1, "root")}));
  const Ingested first = Ingest(db, {file});
  CHECK(first.summary.stored == 4);
  CHECK(first.summary.duplicates == 0);
  CHECK(RawQueryInt(db, "SELECT count(DISTINCT record_key) FROM events") == 4);
  CHECK(RawQueryInt(db, "SELECT count(DISTINCT raw) FROM events") == 2);

  const Ingested again = Ingest(db, {file});
  CHECK(again.summary.stored == 0);
  CHECK(again.summary.duplicates == 4);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM events") == 4);
}

TEST_CASE("ingest of one file named twice in one run stores its events once", "[ingest]") {
  // Repeats are counted within one input: the second copy maps onto the first one's keys.
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("a.ndjson");
  WriteText(file, Lines({Event(1, "a"), Event(2, "b")}));
  const Ingested run = Ingest(db, {file, file});
  CHECK(run.summary.stored == 2);
  CHECK(run.summary.duplicates == 2);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM events") == 2);
}

TEST_CASE("ingest reads a gzip file, by content, the same as the plain file", "[ingest]") {
  TempDir dir;
  const std::vector<std::string> lines = {Event(1, "a"), kTruncated, Event(3, "c"), Event(3, "c")};
  const std::string content = Lines(lines);
  WriteText(dir.File("events.ndjson"), content);
  WriteGzip(dir.File("events.ndjson.gz"), content);
  WriteGzip(dir.File("events.log"), content);  // gzip under a name that does not say so

  const Ingested plain = Ingest(dir.File("plain.db"), {dir.File("events.ndjson")});
  const std::string gz_name = GENERATE(std::string("events.ndjson.gz"), std::string("events.log"));
  INFO(gz_name);
  const Ingested gz = Ingest(dir.File(gz_name + ".db"), {dir.File(gz_name)});
  CHECK(gz.summary.read == plain.summary.read);
  CHECK(gz.summary.stored == 3);
  CHECK(gz.summary.rejected == 1);
  CHECK(gz.summary.inputs.at(0).format == "ndjson");
  const std::string events =
      "SELECT source_line, source_offset, hex(record_key), raw FROM events ORDER BY id";
  CHECK(Query(dir.File(gz_name + ".db"), events) == Query(dir.File("plain.db"), events));
  const std::string quarantine =
      "SELECT source_line, source_offset, reason, raw FROM quarantine ORDER BY id";
  CHECK(Query(dir.File(gz_name + ".db"), quarantine) == Query(dir.File("plain.db"), quarantine));

  // The same records: reading the compressed copy into the first store adds nothing.
  const Ingested both = Ingest(dir.File("plain.db"), {dir.File(gz_name)});
  CHECK(both.summary.stored == 0);
  CHECK(both.summary.duplicates == 3);
  CheckVerifies(dir.File("plain.db"));
}

TEST_CASE("ingest accepts CRLF lines and a leading BOM, and rejects a BOM further on", "[ingest]") {
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("windows-editor.ndjson");
  const std::string bom = "\xEF\xBB\xBF";
  const std::vector<std::string> lines = {bom + Event(1, "a") + "\r", Event(2, "b") + "\r",
                                          bom + Event(3, "c") + "\r"};
  WriteText(file, Lines(lines));
  const Ingested run = Ingest(db, {file});
  CHECK(run.summary.inputs.at(0).format == "ndjson");
  CHECK(run.summary.stored == 2);
  CHECK(run.summary.rejected == 1);
  // Raw records stay verbatim, BOM and CR included.
  CHECK(Query(db, "SELECT raw, user_name FROM events ORDER BY id") ==
        Rows{{lines[0], "a"}, {lines[1], "b"}});
  CHECK(Quarantine(db) == Rows{{"3", std::to_string(OffsetOf(lines, 3)),
                                "byte order mark inside the input", lines[2], "ndjson", file}});
  CheckVerifies(db);
}

TEST_CASE("ingest quarantines the one bad element of a JSON array with its line", "[ingest]") {
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("array.json");
  const std::string bad = R"({"ts":"yesterday","user":"b"})";
  const std::string doc = "[\n  " + Event(1, "a") + ",\n  " + bad + ",\n  " + Event(3, "c") +
                          ",\n  {\"ts\": \"2026-11-14T00:00:04Z\",\n   \"user\": \"d\"}\n]\n";
  WriteText(file, doc);
  const Ingested run = Ingest(db, {file});
  CHECK(run.summary.inputs.at(0).format == "json-array");
  CHECK(run.summary.inputs.at(0).reason == "starts with a JSON array");
  CHECK(run.summary.read == 4);
  CHECK(run.summary.stored == 3);
  CHECK(run.summary.rejected == 1);
  CHECK(Quarantine(db) == Rows{{"3", std::to_string(doc.find(bad)),
                                R"(ts: unparseable time "yesterday")", bad, "ndjson", file}});
  const std::string last = "{\"ts\": \"2026-11-14T00:00:04Z\",\n   \"user\": \"d\"}";
  CHECK(Query(db, "SELECT source_line, source_offset, raw, user_name FROM events ORDER BY id") ==
        Rows{{"2", std::to_string(doc.find(Event(1, "a"))), Event(1, "a"), "a"},
             {"4", std::to_string(doc.find(Event(3, "c"))), Event(3, "c"), "c"},
             {"5", std::to_string(doc.find(last)), last, "d"}});
  CheckVerifies(db);
}

TEST_CASE("ingest quarantines the rest of a JSON array from where its structure breaks",
          "[ingest]") {
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("broken.json");
  // A comma is missing after the second element.
  const std::string rest = Event(3, "c") + ",\n " + Event(4, "d") + "]\n";
  const std::string doc = "[" + Event(1, "a") + ",\n " + Event(2, "b") + "\n " + rest;
  WriteText(file, doc);
  const Ingested run = Ingest(db, {file});
  CHECK(run.summary.read == 3);
  CHECK(run.summary.stored == 2);
  CHECK(run.summary.rejected == 1);
  CHECK(Quarantine(db) ==
        Rows{{"3", std::to_string(doc.find(rest)),
              "malformed JSON document (the rest of the input from here is kept as one record)",
              rest, "json-array", file}});
  CheckVerifies(db);
}

TEST_CASE("ingest keeps the bytes of a JSON array cut short in quarantine", "[ingest]") {
  // SplitArray runs to the end of the document looking for the end of the last element, and
  // the error offset is taken from there: the quarantined "rest" is empty, and the cut element
  // is neither stored nor kept.
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("cut.json");
  const std::string cut = R"({"ts":"2026-11-14T00:00:03Z","us)";
  const std::string doc = "[" + Event(1, "a") + ",\n " + Event(2, "b") + ",\n " + cut;
  WriteText(file, doc);
  const Ingested run = Ingest(db, {file});
  CHECK(run.summary.stored == 2);
  CHECK(run.summary.rejected == 1);
  CHECK(Quarantine(db) ==
        Rows{{"3", std::to_string(doc.find(cut)),
              "malformed JSON document (the rest of the input from here is kept as one record)",
              cut, "json-array", file}});
}

TEST_CASE("ingest quarantines a JSON document that ends inside a key", "[ingest]") {
  // Found by fuzzing (issue 8): the trailing backslash put the error past the end of the
  // document, and ingest stopped with an internal error instead of keeping the record.
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("cut.json");
  const std::string doc = "{\n \"Records\": [],\n \"x\\";
  WriteText(file, doc);
  const Ingested run = Ingest(db, {file});
  CHECK(run.summary.stored == 0);
  CHECK(run.summary.rejected == 1);
  CHECK(Quarantine(db) ==
        Rows{{"3", std::to_string(doc.find("\"x")),
              "malformed JSON document (the rest of the input from here is kept as one record)",
              "\"x\\", "cloudtrail", file}});
  CheckVerifies(db);
}

TEST_CASE("ingest gives bundle records the category of their array", "[ingest]") {
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("bundle.json");
  const std::string bad = R"({"timestamp":"2026-11-14T00:00:03Z","user":7})";
  const std::string firewall =
      R"({"timestamp":"2026-11-14T00:00:01Z","src_ip":"198.51.100.9","dst_port":22,)"
      R"("action":"deny"})";
  const std::string auth =
      R"({"timestamp":"2026-11-14T00:00:02Z","user":"root","result":"failure"})";
  const std::string phishing =
      R"({"timestamp":"2026-11-14T00:00:04Z","sender":"x@evil.example","subject":"Invoice"})";
  WriteText(file, "{\n \"firewall_logs\": [" + firewall + "],\n \"auth_logs\": [" + auth + ", " +
                      bad + "],\n \"phishing_alerts\": [" + phishing +
                      "],\n \"generated\": \"2026-11-14\"}\n");
  const Ingested run = Ingest(db, {file});
  CHECK(run.summary.inputs.at(0).format == "bundle");
  CHECK(run.summary.read == 4);
  CHECK(run.summary.stored == 3);
  CHECK(run.summary.formats == std::map<std::string, int64_t>{{"bundle", 3}});
  CHECK(Query(db,
              "SELECT source_format, event_category, event_outcome, source_line FROM events "
              "ORDER BY id") == Rows{{"bundle", "network", "failure", "2"},
                                     {"bundle", "authentication", "failure", "3"},
                                     {"bundle", "email", "<null>", "4"}});
  const Rows q = Quarantine(db);
  REQUIRE(q.size() == 1);
  CHECK(q[0][0] == "3");
  CHECK(q[0][2] == "auth_logs: user: expected a string, got a number");
  CHECK(q[0][3] == bad);
  CHECK(q[0][4] == "bundle");
  CheckVerifies(db);
}

TEST_CASE("ingest reads an NDJSON file whose first record mentions \"auth_logs\" as NDJSON",
          "[ingest]") {
  // Detect() takes any "auth_logs" (or "firewall_logs", "phishing_alerts") string in the first
  // 64 KiB for a bundle key. Read as a document, the first line is an object without arrays,
  // which the splitter skips: that record is neither stored nor quarantined.
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("shipper.ndjson");
  const std::string first =
      R"({"ts":"2026-11-14T00:00:01Z","index":"auth_logs","user":"a","source":"auth"})";
  WriteText(file, Lines({first, Event(2, "b")}));
  const Ingested run = Ingest(db, {file});
  CHECK(run.summary.inputs.at(0).format == "ndjson");
  CHECK(run.summary.read == 2);
  CHECK(run.summary.stored + run.summary.rejected == 2);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM events WHERE user_name = 'a'") +
            RawQueryInt(db,
                        "SELECT count(*) FROM quarantine WHERE instr(CAST(raw AS TEXT), "
                        "'auth_logs') > 0") ==
        1);
}

TEST_CASE("ingest reads Zeek TSV with its headers, unset and empty fields and extra columns",
          "[ingest]") {
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("ssh.log");
  const std::string line1 =
      "1521912121.123456\tCx1\t10.128.0.233\t52000\t10.47.27.186\t22\tT\t1\t-\t(empty)\t"
      "SSH-2.0-OpenSSH_7.4\textra";
  const std::string line2 =
      "1521912122.5\tCx2\t10.128.0.233\t52001\t10.47.26.186\t22\tF\t3\tINBOUND\t-\t-";
  WriteText(file,
            "#separator \\x09\n"
            "#set_separator\t,\n"
            "#empty_field\t(empty)\n"
            "#unset_field\t-\n"
            "#path\tssh\n"
            "#open\t2018-03-24-17-15-20\n"
            "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tauth_success\t"
            "auth_attempts\tdirection\tclient\tserver\n"
            "#types\ttime\tstring\taddr\tport\taddr\tport\tbool\tcount\tenum\tstring\tstring\n" +
                line1 + "\n" + line2 + "\n#close\t2018-03-24-17-36-24\n");
  const Ingested run = Ingest(db, {file});
  CHECK(run.summary.inputs.at(0).format == "zeek-tsv");
  CHECK(run.summary.read == 2);  // header lines are not records
  CHECK(run.summary.stored == 2);
  CHECK(run.summary.rejected == 0);
  CHECK(run.summary.formats == std::map<std::string, int64_t>{{"zeek", 2}});
  const Rows events = Query(db,
                            "SELECT raw, fields, ts_us, source_format, event_action, "
                            "event_category, event_outcome, source_ip, source_port, "
                            "destination_ip, destination_port, user_name, source_line "
                            "FROM events ORDER BY id");
  REQUIRE(events.size() == 2);
  CHECK(events[0] ==
        std::vector<std::string>{
            line1,
            R"({"_path":"ssh","ts":1521912121.123456,"uid":"Cx1","id.orig_h":"10.128.0.233",)"
            R"("id.orig_p":52000,"id.resp_h":"10.47.27.186","id.resp_p":22,"auth_success":true,)"
            R"("auth_attempts":1,"client":"","server":"SSH-2.0-OpenSSH_7.4","_extra_1":"extra"})",
            "1521912121123456", "zeek", "ssh", "authentication", "success", "10.128.0.233", "52000",
            "10.47.27.186", "22", "<null>", "9"});
  CHECK(events[1] ==
        std::vector<std::string>{
            line2,
            R"({"_path":"ssh","ts":1521912122.5,"uid":"Cx2","id.orig_h":"10.128.0.233",)"
            R"("id.orig_p":52001,"id.resp_h":"10.47.26.186","id.resp_p":22,"auth_success":false,)"
            R"("auth_attempts":3,"direction":"INBOUND"})",
            "1521912122500000", "zeek", "ssh", "authentication", "failure", "10.128.0.233", "52001",
            "10.47.26.186", "22", "<null>", "10"});
  CheckVerifies(db);
}

TEST_CASE("ingest rejects Zeek TSV data before a #fields header", "[ingest]") {
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("headless.log");
  WriteText(file, "#separator \\x09\n1521912121.1\tCx1\n");
  const Ingested run = Ingest(db, {file});
  CHECK(run.summary.rejected == 1);
  CHECK(Quarantine(db) == Rows{{"2", "16", "Zeek TSV line before a #fields header",
                                "1521912121.1\tCx1", "zeek", file}});
}

TEST_CASE("ingest rejects Zeek TSV data under an empty #separator and goes on", "[ingest]") {
  // Found by fuzzing (issue 8): splitting on an empty separator never moved on, and ingest
  // took memory until it was killed. Now the lines under it are rejected with the reason, and
  // a later valid #separator makes the lines after it good again.
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("empty-sep.log");
  const std::string good = "1521912121.1\tCx1\n";
  const std::string head =
      "#separator \\x09\n#fields\tts\tuid\n#types\ttime\tstring\n#separator \n";
  WriteText(file, head + good + "#separator \\x09\n" + good.substr(0, 11) + "2\tCx2\n");
  const Ingested run = Ingest(db, {file});
  CHECK(run.summary.stored == 1);
  CHECK(run.summary.rejected == 1);
  CHECK(Quarantine(db) ==
        Rows{{"5", std::to_string(head.size()), "Zeek TSV line under an empty #separator header",
              "1521912121.1\tCx1", "zeek", file}});
  CheckVerifies(db);
}

TEST_CASE("vigil ingest --detect prints each input's format", "[ingest][cli]") {
  TempDir dir;
  WriteText(dir.File("a.ndjson"), Lines({Event(1, "a")}));
  WriteText(dir.File("b.json"), "[" + Event(1, "a") + "]\n");
  WriteText(dir.File("c.log"), "#separator \\x09\n#fields\tts\n1.0\n");
  WriteText(dir.File("d.json"), R"({"Records": [{"eventTime":"2020-09-14T00:44:20Z"}]})");
  WriteText(dir.File("e.jsonl"),
            R"({"user_id":"u1","source_ip":"203.0.113.7","event_type":"login","hour":3})"
            "\n");
  const std::string windows = SourcePath("samples/windows-purplesharp.jsonl");
  const std::string syslog = SourcePath("samples/auth.log");
  auto r = RunCli({"ingest", "--detect", dir.File("a.ndjson"), dir.File("b.json"),
                   dir.File("c.log"), dir.File("d.json"), dir.File("e.jsonl"), windows, syslog});
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == dir.File("a.ndjson") + ": ndjson (medium: JSON objects, one per line)\n" +
                     dir.File("b.json") + ": json-array (high: starts with a JSON array)\n" +
                     dir.File("c.log") + ": zeek-tsv (high: a Zeek #separator / #fields header)\n" +
                     dir.File("d.json") +
                     ": cloudtrail (high: a JSON object whose first key is Records)\n" +
                     dir.File("e.jsonl") + ": single (high: keys user_id and hour)\n" + windows +
                     ": windows (high: key EventID or winlog)\n" + syslog +
                     ": syslog (medium: a \"Mmm dd hh:mm:ss\" timestamp)\n");

  SECTION("an input nothing fits is reported and exits 3") {
    WriteText(dir.File("notes.txt"), "hello world\n");
    auto unknown = RunCli({"ingest", "--detect", dir.File("a.ndjson"), dir.File("notes.txt")});
    CHECK(unknown.code == 3);
    CHECK(unknown.out == dir.File("a.ndjson") + ": ndjson (medium: JSON objects, one per line)\n" +
                             dir.File("notes.txt") +
                             ": unknown (none: cannot tell the format (use --input-format))\n");
    CHECK(unknown.err ==
          "vigil ingest: error: " + dir.File("notes.txt") + ": cannot tell the format\n");
  }
  SECTION("as JSON") {
    auto json = RunCli({"ingest", "--detect", "--format", "json", dir.File("c.log")});
    CHECK(json.code == 0);
    CHECK(json.out == R"([{"input":")" + dir.File("c.log") +
                          R"(","format":"zeek-tsv","confidence":"high",)"
                          R"("reason":"a Zeek #separator / #fields header"}])"
                          "\n");
  }
}

TEST_CASE("vigil ingest exits 3 when records were rejected and 0 otherwise", "[ingest][cli]") {
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string good = dir.File("good.ndjson");
  const std::string mixed = dir.File("mixed.ndjson");
  WriteText(good, Lines({Event(1, "a"), Event(2, "b")}));
  WriteText(mixed, Lines({Event(3, "c"), kBadTime}));

  auto ok = RunCli({"ingest", "--db", db, good});
  CHECK(ok.code == 0);
  CHECK(ok.out ==
        "read 2 records: stored 2 events, 0 already in the store, 0 rejected "
        "(ndjson 2)\n");
  CHECK(ok.err.empty());

  auto again = RunCli({"ingest", "--db", db, good});
  CHECK(again.code == 0);
  CHECK(again.out ==
        "read 2 records: stored 0 events, 2 already in the store, 0 rejected "
        "(ndjson 2)\n");

  auto bad = RunCli({"ingest", "--db", db, mixed});
  CHECK(bad.code == 3);
  CHECK(bad.out ==
        "read 2 records: stored 1 events, 0 already in the store, 1 rejected "
        "(ndjson 1)\n");
  CHECK(bad.err == "vigil ingest: " + mixed +
                       ":2: ts: unparseable time \"yesterday\"\n"
                       "vigil ingest: error: 1 records rejected (kept in quarantine)\n");

  SECTION("the JSON summary") {
    simdjson::dom::parser parser;
    auto json = RunCli({"ingest", "--db", db, "--format", "json", good, mixed});
    CHECK(json.code == 3);
    auto doc = ParseJson(parser, json.out);
    CHECK(int64_t(doc["read"]) == 4);
    CHECK(int64_t(doc["stored"]) == 0);
    CHECK(int64_t(doc["duplicates"]) == 3);
    CHECK(int64_t(doc["rejected"]) == 1);
    CHECK(simdjson::minify(doc["formats"]) == R"({"ndjson":3})");
    CHECK(int64_t(doc["batch"]) == 4);
    auto inputs = simdjson::dom::array(doc["inputs"]);
    REQUIRE(inputs.size() == 2);
    CHECK(std::string_view(inputs.at(1)["input"]) == mixed);
    CHECK(std::string_view(inputs.at(1)["format"]) == "ndjson");
    CHECK(std::string_view(inputs.at(1)["confidence"]) == "medium");
    CHECK(int64_t(inputs.at(1)["read"]) == 2);
    CHECK(int64_t(inputs.at(1)["duplicates"]) == 1);
    CHECK(int64_t(inputs.at(1)["rejected"]) == 1);
  }
  SECTION("--verbose lists each input") {
    auto verbose = RunCli({"ingest", "--db", db, "--verbose", good, mixed});
    CHECK(verbose.code == 3);
    CHECK(verbose.out ==
          good + ": ndjson (medium), read 2, stored 0, duplicates 2, rejected 0\n" + mixed +
              ": ndjson (medium), read 2, stored 0, duplicates 1, rejected 1\n"
              "read 4 records: stored 0 events, 3 already in the store, 1 rejected (ndjson 3)\n");
  }
  CheckVerifies(db);
}

TEST_CASE("vigil ingest exits 3 naming an input that does not exist, after the others",
          "[ingest][cli]") {
  // Issue 19: each input stands alone; a missing one no longer ends the run with exit 4.
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string good = dir.File("good.ndjson");
  WriteText(good, Lines({Event(1, "a")}));
  const std::string missing = dir.File("no-such.log");
  const std::string after = dir.File("after.ndjson");
  WriteText(after, Lines({Event(2, "b")}));
  auto r = RunCli({"ingest", "--db", db, good, missing, after});
  CHECK(r.code == 3);
  CHECK(r.err == "vigil ingest: " + missing +
                     ": cannot open: No such file or directory\n"
                     "vigil ingest: error: 1 input not read in full\n");
  // The inputs before and after it were stored.
  CHECK(RawQueryInt(db, "SELECT count(*) FROM events") == 2);
  CheckVerifies(db);

  auto detect = RunCli({"ingest", "--detect", missing});
  CHECK(detect.code == 4);
  CHECK(detect.err ==
        "vigil ingest: error: " + missing + ": cannot open: No such file or directory\n");
}

TEST_CASE("vigil ingest reads an empty input as no records and goes on with the next",
          "[ingest][cli]") {
  // vigil-ingest(1): exit 0 "when every record was stored or already present", 3 "when some
  // were rejected". An empty file (a log just rotated) stops the run with "empty input", exit
  // 3, and the inputs after it are never read.
  TempDir dir;
  const std::string db = dir.File("store.db");
  WriteText(dir.File("a.ndjson"), Lines({Event(1, "a")}));
  WriteText(dir.File("empty.log"), "");
  WriteText(dir.File("b.ndjson"), Lines({Event(2, "b")}));
  auto r = RunCli(
      {"ingest", "--db", db, dir.File("a.ndjson"), dir.File("empty.log"), dir.File("b.ndjson")});
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK(RawQueryInt(db, "SELECT count(*) FROM events") == 2);
}

TEST_CASE("vigil ingest --errors writes one NDJSON line per rejected record", "[ingest][cli]") {
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("many-bad.ndjson");
  std::vector<std::string> lines = {Event(1, "a")};
  for (int i = 0; i < 24; ++i) lines.push_back(R"({"ts":"bad )" + std::to_string(i) + R"("})");
  lines.push_back(kBadUtf8);
  WriteText(file, Lines(lines));
  const std::string errors = dir.File("errors.ndjson");

  auto r = RunCli({"ingest", "--db", db, "--errors", errors, file});
  CHECK(r.code == 3);
  CHECK(r.err.find("vigil ingest: " + file + ":2: ts: unparseable time \"bad 0\"\n") == 0);
  CHECK(r.err.find(":21: ts: unparseable time \"bad 19\"\n") != std::string::npos);
  CHECK(r.err.find(":22:") == std::string::npos);  // 20 shown
  CHECK(r.err.find("vigil ingest: ... and 5 more rejected records\n"
                   "vigil ingest: error: 25 records rejected (kept in quarantine)\n") !=
        std::string::npos);

  const std::string text = ReadText(errors);
  simdjson::dom::parser parser;
  size_t n = 0;
  for (size_t start = 0; start < text.size(); ++n) {
    const size_t end = text.find('\n', start);
    REQUIRE(end != std::string::npos);
    auto doc = ParseJson(parser, text.substr(start, end - start));  // valid JSON and UTF-8
    const size_t line = n + 2;
    CHECK(std::string_view(doc["input"]) == file);
    CHECK(int64_t(doc["line"]) == int64_t(line));
    CHECK(int64_t(doc["offset"]) == OffsetOf(lines, line));
    if (line < 26) {
      CHECK(std::string_view(doc["reason"]) ==
            "ts: unparseable time \"bad " + std::to_string(line - 2) + "\"");
      CHECK(std::string_view(doc["raw"]) == lines[line - 1]);
    } else {
      CHECK(std::string_view(doc["reason"]) == "invalid JSON: The input is not valid UTF-8");
      CHECK(
          std::string_view(doc["raw"]) ==
          "{\"ts\":\"2026-11-14T00:00:04Z\",\"source\":\"auth\",\"message\":\"caf\xEF\xBF\xBD\"}");
    }
    start = end + 1;
  }
  CHECK(n == 25);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM quarantine") == 25);

  SECTION("without --errors the message says how to list them all") {
    auto again = RunCli({"ingest", "--db", db, file});
    CHECK(again.err.find("vigil ingest: ... and 5 more rejected records (list them all with "
                         "--errors FILE)\n") != std::string::npos);
  }
}

TEST_CASE(
    "ingest dates a syslog file modified on Feb 29 whose first line is in March a year "
    "earlier",
    "[ingest]") {
  TempDir dir;
  const std::string log = dir.File("auth.log");
  WriteText(log, "Mar 10 12:00:00 host sshd[1]: Invalid user bob from 192.0.2.1\n");
  // 2028-02-29T12:00:00Z: a March line cannot come from the same year as this mtime.
  const struct timespec times[2] = {{1835438400, 0}, {1835438400, 0}};
  REQUIRE(::utimensat(AT_FDCWD, log.c_str(), times, 0) == 0);
  const std::string db = dir.File("store.db");
  auto r = RunCli({"--db", db, "ingest", "--quiet", log});
  REQUIRE(r.code == 0);
  // 2027-03-10T12:00:00Z
  CHECK(RawQueryInt(db, "SELECT ts_us FROM events") == 1804680000LL * 1000000);
}

TEST_CASE(
    "issue 21: a syslog line dated after its file's modification time is from the year before",
    "[ingest]") {
  TempDir dir;
  // Modified 2026-12-07T12:00:00Z. "Dec 10" read in 2026 would be three days in the future.
  const struct timespec times[2] = {{1796644800, 0}, {1796644800, 0}};
  const std::string db = dir.File("store.db");
  SECTION("three days later: the year before") {
    const std::string log = dir.File("auth.log");
    WriteText(log, "Dec 10 12:00:00 host sshd[1]: Invalid user bob from 192.0.2.1\n");
    REQUIRE(::utimensat(AT_FDCWD, log.c_str(), times, 0) == 0);
    auto r = RunCli({"--db", db, "ingest", "--verbose", log});
    REQUIRE(r.code == 0);
    CHECK(RawQueryInt(db, "SELECT ts_us FROM events") == 1765368000LL * 1000000);  // 2025-12-10
    CHECK(r.out.find(": syslog lines from 2025 on (the year before the input's modification "
                     "time, 2026-12-07T12:00:00Z: the first line, Dec 10, would come after "
                     "it)\n") != std::string::npos);
    auto forced = RunCli({"--db", db, "ingest", "--verbose", "--year", "2024", log});
    CHECK(forced.out.find(": syslog lines from 2024 on (--year)\n") != std::string::npos);
  }
  SECTION("within a day (a host whose local time is ahead of UTC): the same year") {
    const std::string log = dir.File("auth.log");
    WriteText(log, "Dec  8 03:00:00 host sshd[1]: Invalid user bob from 192.0.2.1\n");
    REQUIRE(::utimensat(AT_FDCWD, log.c_str(), times, 0) == 0);
    REQUIRE(RunCli({"--db", db, "ingest", "--quiet", log}).code == 0);
    CHECK(RawQueryInt(db, "SELECT ts_us FROM events") == 1796698800LL * 1000000);  // 2026-12-08
  }
}
