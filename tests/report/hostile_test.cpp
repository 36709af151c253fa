// Hostile log content (issue 8): SQL, HTML, roff, PDF syntax, terminal escapes, formulas, a
// 100,000-character value and deeply nested JSON go through every stage. The store keeps each
// value verbatim; every output format shows it inert: text and alert history without control
// characters, Markdown escaped, JSON that parses, CSV without live formulas, a PDF that opens
// with the text as text.
#include <fmt/format.h>
#include <simdjson.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "core/encoding.h"
#include "support/test_support.h"

using vigil::testing::ParseJson;
using vigil::testing::RawQueryInt;
using vigil::testing::ReadText;
using vigil::testing::RunCli;
using vigil::testing::TempDir;
using vigil::testing::WriteText;

namespace {

// The hostile values, as decoded; JsonString() writes each into the NDJSON input.
const std::vector<std::string>& Values() {
  static const std::vector<std::string> v = {
      "x'); DROP TABLE events;--",
      "<script>alert(1)</script><img src=x onerror=alert(2)>",
      "\n.TH HACKED 1\n\\fBbold\\fR .so /etc/passwd",
      ") Tj ET BT /F1 99 Tf (pwned) Tj ET endstream endobj %%EOF",
      "\x1b]0;title\x07\x1b[2J\xc2\x9b"
      "31mred\xc2\x85",
      "=cmd|' /C calc'!A0",
      std::string(100000, 'A'),
      "```\n<b>out of the fence</b>\n```",
  };
  return v;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

bool HasControl(const std::string& s, bool allow_newlines) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n' && allow_newlines) continue;
    if (c < 0x20 || c == 0x7f) return true;
    if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
      return true;
    }
  }
  return false;
}

// The fields of an RFC 4180 document (quoted fields unquoted), all rows together.
std::vector<std::string> CsvFields(const std::string& csv) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < csv.size(); ++i) {
    const char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',' || c == '\n') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

std::string Run(const std::string& db, std::vector<std::string> args, int code = 0) {
  std::vector<std::string> argv = {"--db", db};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = RunCli(argv);
  INFO(r.out.substr(0, 2000) << r.err.substr(0, 2000));
  REQUIRE(r.code == code);
  return r.out;
}

}  // namespace

TEST_CASE("hostile values are stored verbatim and shown inert in every format", "[hostile]") {
  TempDir dir;
  const std::string db = dir.File("h.db");
  std::string nested = "1";
  for (int i = 0; i < 300; ++i) nested = "[" + nested + "]";
  std::string lines;
  for (size_t i = 0; i < 16; ++i) {
    const std::string& v = Values()[i % Values().size()];
    lines += fmt::format(
        R"({{"ts":"2024-03-04T10:00:{:02}Z","source":"auth","event_type":"login_failure",)"
        R"("user":{},"src_ip":"203.0.113.66","host":{},"url":{},"extra":{}}})"
        "\n",
        i, JsonString(v), JsonString(i == 6 ? v : "gw"), JsonString(v), nested);
  }
  // Deeper than the JSON parser goes: refused with a reason, kept verbatim in quarantine.
  std::string deep = "1";
  for (int i = 0; i < 5000; ++i) deep = "[" + deep + "]";
  lines +=
      R"({"ts":"2024-03-04T10:01:00Z","source":"auth","event_type":"x","extra":)" + deep + "}\n";
  WriteText(dir.File("h.ndjson"), lines);
  {
    auto r = RunCli({"--db", db, "ingest", dir.File("h.ndjson")});
    CHECK(r.code == 3);
    CHECK(r.err.find("h.ndjson:17:") != std::string::npos);
  }
  CHECK(RawQueryInt(db, "SELECT count(*) FROM events") == 16);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM quarantine WHERE length(raw) > 10000") == 1);
  // Verbatim in the store, compared as bytes.
  for (const std::string& v : Values()) {
    INFO(v.substr(0, 60));
    CHECK(RawQueryInt(db, "SELECT count(*) FROM events WHERE CAST(user_name AS BLOB) = X'" +
                              vigil::ToHex(v) + "'") == 2);  // 16 events, 8 values
  }
  Run(db, {"correlate", "--quiet"});
  Run(db, {"score", "--quiet"});
  REQUIRE(RawQueryInt(db, "SELECT count(*) FROM incidents") >= 1);

  const std::string text = Run(db, {"report"});
  CHECK_FALSE(HasControl(text, true));
  CHECK(text.find("x'); DROP TABLE events;--") != std::string::npos);
  CHECK(text.find("<script>alert(1)</script>") != std::string::npos);
  CHECK(text.find("?]0;title??[2J?31mred?") != std::string::npos);

  const std::string md = Run(db, {"--format", "markdown", "report"});
  CHECK_FALSE(HasControl(md, true));
  // Outside code blocks '<' is escaped; inside them it is literal text, and a backtick in log
  // data cannot close the fence.
  std::string prose;
  bool fenced = false;
  for (size_t at = 0; at < md.size();) {
    size_t nl = md.find('\n', at);
    if (nl == std::string::npos) nl = md.size();
    const std::string line = md.substr(at, nl - at);
    if (line.rfind("```", 0) == 0) {
      fenced = !fenced;
    } else if (!fenced) {
      prose += line + "\n";
    }
    at = nl + 1;
  }
  CHECK_FALSE(fenced);
  CHECK(prose.find("<script>") == std::string::npos);
  CHECK(prose.find("<b>") == std::string::npos);
  CHECK(prose.find("\\<script\\>") != std::string::npos);

  const std::string json = Run(db, {"--format", "json", "report"});
  simdjson::dom::parser parser;
  simdjson::dom::element doc = ParseJson(parser, json);
  std::vector<std::string> users;
  for (simdjson::dom::element inc : doc["incidents"].get_array()) {
    for (simdjson::dom::element u : inc["users"].get_array())
      users.emplace_back(u.get_string().value());
  }
  CHECK(std::find(users.begin(), users.end(), Values()[0]) != users.end());
  CHECK(std::find(users.begin(), users.end(), Values()[3]) != users.end());
  CHECK(std::find(users.begin(), users.end(), Values()[6]) != users.end());  // not cut

  // No CSV field starts a formula; the one that would is kept with a leading quote.
  for (const char* what : {"", "--events"}) {
    std::vector<std::string> args = {"export", "--format", "csv"};
    if (*what) args.push_back(what);
    const auto fields = CsvFields(Run(db, args));
    CHECK(fields.size() > 20);
    bool kept = false;
    bool verbatim = false;
    for (const std::string& f : fields) {
      INFO(f.substr(0, 80));
      CHECK((f.empty() || std::string("=+-@").find(f[0]) == std::string::npos ||
             f.find_first_not_of("-0123456789.") == std::string::npos));
      kept = kept || f == "'=cmd|' /C calc'!A0";
      verbatim = verbatim || f == Values()[4];
    }
    CHECK(kept == (*what != 0));  // the incident list joins users; the event rows do not
    // Control characters are data: vigil-export(1) says CSV keeps them as the log had them.
    CHECK(verbatim == (*what != 0));
  }

  // The raw records in an event export are the bytes that were read, JSON-escaped.
  const std::string events_json = Run(db, {"export", "--events", "--format", "json"});
  doc = ParseJson(parser, events_json);

  const std::string pdf = dir.File("h.pdf");
  Run(db, {"export", "--format", "pdf", "-o", pdf});
  CHECK(ReadText(pdf).rfind("%PDF-", 0) == 0);
  if (std::system("command -v pdftotext > /dev/null 2>&1") == 0) {
    REQUIRE(std::system(
                ("pdftotext -enc UTF-8 '" + pdf + "' '" + dir.File("h.txt") + "'").c_str()) == 0);
    const std::string t = ReadText(dir.File("h.txt"));
    CHECK(t.find("DROP TABLE events") != std::string::npos);
    CHECK(t.find("<script>alert(1)</script>") != std::string::npos);
    CHECK(t.find("endstream endobj") != std::string::npos);  // as text, not as PDF syntax
    CHECK(t.find("AAAAAAAAAAAAAAAAAAAA") != std::string::npos);
  }

  // Alerts carry the values JSON-escaped; their history prints them inert.
  const std::string alerts = Run(db, {"alert"});
  size_t lines_read = 0;
  for (size_t at = 0; at < alerts.size(); ++lines_read) {
    const size_t nl = alerts.find('\n', at);
    REQUIRE(nl != std::string::npos);
    simdjson::dom::element alert;
    CHECK(parser.parse(alerts.substr(at, nl - at)).get(alert) == simdjson::SUCCESS);
    at = nl + 1;
  }
  CHECK(lines_read >= 1);  // at least the burst of 14 events from one address
  const std::string history = Run(db, {"alert", "--history", "--limit", "0"});
  CHECK_FALSE(HasControl(history, true));
  Run(db, {"verify", "--quiet"});
}

TEST_CASE("a 200 KB value under a built-in regex rule is matched, not a crash", "[hostile]") {
  // std::regex recursed once per character: this one CloudTrail record made correlate die
  // with SIGSEGV in the EC2-role rule's `userIdentity.arn|re`. The value is still matched.
  TempDir dir;
  const std::string db = dir.File("ct.db");
  const std::string arn =
      "arn:aws:sts::123456789012:assumed-role/" + std::string(200000, 'x') + "/i-0123456789abcdef0";
  WriteText(dir.File("ct.json"),
            R"({"Records":[{"eventVersion":"1.08","eventTime":"2026-11-14T01:02:03Z",)"
            R"("eventSource":"sts.amazonaws.com","eventName":"GetCallerIdentity",)"
            R"("awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9",)"
            R"("userAgent":"Darwin/22 aws-cli","recordType":"AwsApiCall",)"
            R"("userIdentity":{"type":"AssumedRole","accountId":"123456789012","arn":")" +
                arn + R"("}}]})");
  Run(db, {"ingest", dir.File("ct.json")});
  const std::string out = Run(db, {"correlate", "--dry-run", "--format", "json"});
  CHECK(out.find(arn) != std::string::npos);  // JSON keeps the group value whole
  // The text listing shows the start of it and how long it is, not 200 KB on the terminal.
  const std::string text = Run(db, {"correlate"});
  CHECK(text.find("new      #1") != std::string::npos);
  CHECK(text.find(arn) == std::string::npos);
  CHECK(text.find("... (2000") != std::string::npos);
  CHECK(text.size() < 2000);
  CHECK(RawQueryInt(db,
                    "SELECT count(*) FROM incidents WHERE title LIKE 'Cloud instance "
                    "credentials used from outside%' AND length(group_key) > 200000") == 1);
  CHECK(Run(db, {"score"}).size() < 2000);
  Run(db, {"verify", "--quiet"});
}

TEST_CASE("listings and messages keep hostile log text inert", "[hostile]") {
  // A user name that sets the terminal's title, clears the screen and starts a C1 CSI; a host
  // with a colour escape; and an object key with one (refused as a duplicate, and the refusal
  // quotes it). Every text listing and every message must show them as '?'.
  const std::string user = Values()[4];
  TempDir dir;
  const std::string db = dir.File("l.db");
  std::string lines;
  for (int i = 0; i < 12; ++i) {
    lines += fmt::format(
        R"({{"ts":"2024-03-04T10:00:{:02}Z","source":"auth","event_type":"login_failure",)"
        R"("user":{},"src_ip":"203.0.113.66","host":"h\u001b[31m"}})"
        "\n",
        i, JsonString(user));
  }
  lines += R"({"ts":"2024-03-04T10:01:00Z","source":"auth","event_type":"login_success","user":)" +
           JsonString(user) + R"(,"src_ip":"203.0.113.66"})" + "\n";
  lines += R"({"ts":"2024-03-04T10:02:00Z","k\u001b]0;x\u0007":1,"k\u001b]0;x\u0007":2})"
           "\n";
  WriteText(dir.File("l.ndjson"), lines);

  auto check = [](const vigil::testing::CliRun& r, int code) {
    INFO(r.out.substr(0, 2000) << r.err.substr(0, 2000));
    CHECK(r.code == code);
    CHECK_FALSE(HasControl(r.out, true));
    CHECK_FALSE(HasControl(r.err, true));
    return r.out + r.err;
  };
  const std::string ingest = check(RunCli({"--db", db, "ingest", dir.File("l.ndjson")}), 3);
  CHECK(ingest.find(R"(l.ndjson:14: duplicate key "k?]0;x?")") != std::string::npos);
  const std::string safe_user = "?]0;title??[2J?31mred?";
  // The incident listings show the group value as JSON, whose escapes leave only C1 to hide.
  const std::string safe_key = R"(\u001b]0;title\u0007\u001b[2J?31mred?)";
  CHECK(check(RunCli({"--db", db, "correlate"}), 0).find(safe_key) != std::string::npos);
  CHECK(check(RunCli({"--db", db, "score"}), 0).find(safe_key) != std::string::npos);
  check(RunCli({"--db", db, "score", "--explain", "1"}), 0);
  CHECK(check(RunCli({"--db", db, "profile"}), 0).find(safe_user) != std::string::npos);
  const std::string profile = check(RunCli({"--db", db, "profile", user}), 0);
  CHECK(profile.find("user " + safe_user) != std::string::npos);
  CHECK(profile.find("h?[31m (12)") != std::string::npos);
  check(RunCli({"--db", db, "profile", user + "x"}), 2);  // not found: the name is echoed
  check(RunCli({"--db", dir.File("a.db"), "analyze", dir.File("l.ndjson")}), 3);
  // The store keeps the bytes.
  CHECK(RawQueryInt(db, "SELECT count(*) FROM events WHERE CAST(user_name AS BLOB) = X'" +
                            vigil::ToHex(user) + "'") == 13);
}

TEST_CASE("the profile listing cuts a long entity as the incident listings cut a group",
          "[hostile]") {
  TempDir dir;
  const std::string db = dir.File("p.db");
  const std::string user = std::string(1000, 'u') + "-tail";
  std::string lines;
  for (int i = 0; i < 12; ++i) {
    lines += fmt::format(
        R"({{"ts":"2024-03-04T10:00:{:02}Z","source":"auth","event_type":"login_failure",)"
        R"("user":"{}","src_ip":"203.0.113.66"}})"
        "\n",
        i, user);
  }
  WriteText(dir.File("p.ndjson"), lines);
  Run(db, {"ingest", dir.File("p.ndjson")});
  Run(db, {"correlate"});
  Run(db, {"score"});
  const std::string list = Run(db, {"profile"});
  CHECK(list.find(std::string(300, 'u') + "... (1005 bytes)") != std::string::npos);
  CHECK(list.find("-tail") == std::string::npos);
  // JSON and the single view keep the whole name.
  CHECK(Run(db, {"profile", "--format", "json"}).find(user) != std::string::npos);
  CHECK(Run(db, {"profile", user}).find(user) != std::string::npos);
}
