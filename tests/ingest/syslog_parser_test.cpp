// SyslogParser on single lines (header shapes, sshd/pam_unix mapping, rejections) and on the
// two real loghub files, whose counts come from ../shared/data/real/README.md sections 1-2.
// The loghub files may not be copied into the repository, so they are read where they are.
#include "ingest/syslog_parser.h"

#include <simdjson.h>

#include <map>
#include <set>

#include "core/time.h"
#include "support/test_support.h"

using vigil::Event;
using vigil::FormatUtc;
using vigil::ingest::SyslogOptions;
using vigil::ingest::SyslogParser;

namespace {

const std::string kRealDir = VIGIL_SOURCE_DIR "/../shared/data/real/loghub-openssh-linux/";

std::vector<Event> ParseOk(SyslogParser& parser, std::string_view line) {
  std::vector<Event> out;
  vigil::Status status = parser.Parse(line, out);
  INFO(line);
  REQUIRE(status.ok());
  return out;
}

Event ParseOne(std::string_view line, int year = 2026) {
  SyslogParser parser(SyslogOptions{year});
  std::vector<Event> out = ParseOk(parser, line);
  REQUIRE(out.size() == 1);
  return out[0];
}

std::string Str(const std::optional<std::string>& v) { return v.value_or("<unset>"); }

// fields as parsed JSON: REQUIREs that it is a valid object.
std::map<std::string, std::string> FieldMap(const Event& e) {
  REQUIRE(e.fields.has_value());
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  INFO(*e.fields);
  REQUIRE(parser.parse(*e.fields).get(object) == simdjson::SUCCESS);
  std::map<std::string, std::string> out;
  for (auto [key, value] : object) out[std::string(key)] = simdjson::minify(value);
  return out;
}

struct FileRun {
  std::vector<Event> events;
  size_t lines = 0;
  size_t rejected = 0;
  size_t bad_fields = 0;  // events whose fields are not a JSON object
  bool ends_with_newline = false;
};

// Splits on '\n' only: the files are CRLF, and the parser drops the '\r'.
FileRun ParseFile(const std::string& name, int year) {
  const std::string text = vigil::testing::ReadText(kRealDir + name);
  FileRun run;
  run.ends_with_newline = !text.empty() && text.back() == '\n';
  SyslogParser parser(SyslogOptions{year});
  std::string_view rest = text;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    ++run.lines;
    if (!parser.Parse(line, run.events).ok()) ++run.rejected;
  }
  simdjson::dom::parser json;
  simdjson::dom::object object;
  for (const Event& e : run.events) {
    if (!e.fields || json.parse(*e.fields).get(object) != simdjson::SUCCESS) ++run.bad_fields;
  }
  return run;
}

bool Is(const Event& e, const char* action) { return e.event_action == action; }

bool IsFailedPassword(const Event& e) {
  return Is(e, "ssh_login_failed") && e.message->starts_with("Failed password ");
}

}  // namespace

TEST_CASE("SyslogParser reads an RFC 3164 line into the common fields", "[ingest]") {
  Event e = ParseOne("Jun  4 07:08:09 combo cups: cupsd startup succeeded", 2005);
  CHECK(FormatUtc(e.ts_us) == "2005-06-04T07:08:09Z");
  CHECK(e.source_format == "syslog");
  CHECK(Str(e.event_kind) == "event");
  CHECK(Str(e.host_name) == "combo");
  CHECK(Str(e.process_name) == "cups");
  CHECK(Str(e.message) == "cupsd startup succeeded");
  CHECK_FALSE(e.event_category.has_value());
  CHECK_FALSE(e.event_severity.has_value());
  auto f = FieldMap(e);
  CHECK(f["program"] == R"("cups")");
  CHECK(f["pid"] == "null");
}

TEST_CASE("SyslogParser splits a tag with parentheses from its pid", "[ingest]") {
  Event e =
      ParseOne("Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown\r", 2005);
  CHECK(Str(e.process_name) == "sshd(pam_unix)");
  CHECK(FieldMap(e)["pid"] == R"("19939")");
  CHECK(Str(e.message) == "check pass; user unknown");  // the CR of CRLF is dropped
  CHECK(Str(e.event_category) == "authentication");
  CHECK(Str(e.event_outcome) == "failure");
  CHECK(Str(e.event_action) == "pam_user_unknown");
}

TEST_CASE("SyslogParser accepts odd real tags and a leading <PRI>", "[ingest]") {
  Event odd = ParseOne("Jul  7 08:06:15 combo  -- root[2421]: ROOT LOGIN ON tty2");
  CHECK(Str(odd.process_name) == "-- root");
  CHECK(Str(odd.message) == "ROOT LOGIN ON tty2");
  CHECK(Str(ParseOne("Jul  3 04:08:03 combo syslogd 1.4.1: restart.").process_name) ==
        "syslogd 1.4.1");

  Event pri = ParseOne(
      "<38>Dec 10 09:32:20 LabSZ sshd[24680]: Accepted password for fztu "
      "from 119.137.62.142 port 49116 ssh2");
  CHECK(FormatUtc(pri.ts_us) == "2026-12-10T09:32:20Z");
  CHECK(Str(pri.event_severity) == "info");  // 38 = auth (4) * 8 + info (6)
  CHECK(FieldMap(pri)["facility"] == "4");
  CHECK(Str(pri.event_outcome) == "success");
  CHECK(Str(pri.event_action) == "ssh_login");
  CHECK(Str(pri.event_type) == "start");
  CHECK(Str(pri.user_name) == "fztu");
  CHECK(Str(pri.source_ip) == "119.137.62.142");
  CHECK(pri.source_port == 49116);
  CHECK(FieldMap(pri)["method"] == R"("password")");
}

TEST_CASE("SyslogParser keeps the leading space of a two-space invalid user", "[ingest]") {
  Event e = ParseOne(
      "Dec 10 08:24:35 LabSZ sshd[24480]: Failed password for invalid user  0101 from "
      "5.188.10.180 port 40566 ssh2");
  CHECK(Str(e.user_name) == " 0101");
  CHECK(Str(e.source_ip) == "5.188.10.180");
  CHECK(e.source_port == 40566);
  CHECK(Str(e.event_outcome) == "failure");
  CHECK(Str(e.event_action) == "ssh_login_failed");
  CHECK(Str(e.event_type) == "start");
  auto f = FieldMap(e);
  CHECK(f["invalid_user"] == "true");
  CHECK(f["program"] == R"("sshd")");
}

TEST_CASE("SyslogParser maps the other sshd messages", "[ingest]") {
  Event none = ParseOne(
      "Dec 10 11:03:40 LabSZ sshd[25456]: Failed none for invalid user 0 from "
      "123.235.32.19 port 52443 ssh2");
  CHECK(Str(none.event_action) == "ssh_login_failed");
  CHECK(FieldMap(none)["method"] == R"("none")");

  Event invalid = ParseOne(
      "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from "
      "173.234.31.186");
  CHECK(Str(invalid.event_action) == "ssh_invalid_user");
  CHECK(Str(invalid.event_outcome) == "failure");
  CHECK(Str(invalid.user_name) == "webmaster");
  CHECK(Str(invalid.source_ip) == "173.234.31.186");
  CHECK_FALSE(invalid.source_port.has_value());
  CHECK(ParseOne("Dec 10 06:55:46 h sshd[1]: Invalid user a from 1.2.3.4 port 22").source_port ==
        22);

  Event reverse = ParseOne(
      "Dec 10 06:55:46 LabSZ sshd[24200]: reverse mapping checking getaddrinfo for "
      "ns.marryaldkfaczcz.com [173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!");
  CHECK(Str(reverse.event_action) == "ssh_reverse_mapping_failed");
  CHECK(Str(reverse.event_category) == "authentication");
  CHECK(Str(reverse.source_ip) == "173.234.31.186");
  CHECK_FALSE(reverse.event_outcome.has_value());
  CHECK(FieldMap(reverse)["reverse_host"] == R"("ns.marryaldkfaczcz.com")");

  Event closed = ParseOne(
      "Dec 10 06:55:48 LabSZ sshd[24200]: Connection closed by "
      "173.234.31.186 [preauth]");
  CHECK_FALSE(closed.event_category.has_value());
}

TEST_CASE("SyslogParser reads pam_unix pairs and keeps a host-name rhost", "[ingest]") {
  Event e = ParseOne(
      "Jun 22 03:17:26 combo sshd(pam_unix)[10035]: authentication failure; logname= uid=0 "
      "euid=0 tty=NODEVssh ruser= rhost=n219076184117.netvigator.com  user=root");
  CHECK(Str(e.event_action) == "pam_auth_failure");
  CHECK(Str(e.event_outcome) == "failure");
  CHECK(Str(e.source_ip) == "n219076184117.netvigator.com");
  CHECK(Str(e.user_name) == "root");
  auto f = FieldMap(e);
  CHECK(f["logname"] == R"("")");
  CHECK(f["uid"] == R"("0")");
  CHECK(f["tty"] == R"("NODEVssh")");
  CHECK(f["rhost"] == R"("n219076184117.netvigator.com")");
  CHECK(f["user"] == R"("root")");

  Event no_user = ParseOne(
      "Dec 10 07:07:38 LabSZ sshd[24206]: pam_unix(sshd:auth): authentication failure; "
      "logname= uid=0 euid=0 tty=ssh ruser= rhost=52.80.34.196 ");
  CHECK(Str(no_user.event_action) == "pam_auth_failure");
  CHECK(Str(no_user.source_ip) == "52.80.34.196");
  CHECK_FALSE(no_user.user_name.has_value());
  CHECK(Str(no_user.message).starts_with("pam_unix(sshd:auth): "));
}

TEST_CASE("SyslogParser maps pam sessions", "[ingest]") {
  Event opened = ParseOne(
      "Jun 15 04:06:18 combo su(pam_unix)[21416]: session opened for user cyrus by (uid=0)");
  CHECK(Str(opened.event_category) == "session");
  CHECK(Str(opened.event_action) == "session_opened");
  CHECK(Str(opened.user_name) == "cyrus");
  Event closed = ParseOne(
      "Dec 10 09:32:20 LabSZ sshd[24680]: pam_unix(sshd:session): session closed for user fztu");
  CHECK(Str(closed.event_action) == "session_closed");
  CHECK(Str(closed.user_name) == "fztu");
}

TEST_CASE("SyslogParser expands message repeated into one event per repeat", "[ingest]") {
  SyslogParser parser(SyslogOptions{2015});
  auto out = ParseOk(parser,
                     "Dec 10 07:13:56 LabSZ sshd[24227]: message repeated 5 times: [ Failed "
                     "password for root from 5.36.59.76 port 42393 ssh2]");
  REQUIRE(out.size() == 5);
  for (const Event& e : out) {
    CHECK(Str(e.message) == "Failed password for root from 5.36.59.76 port 42393 ssh2");
    CHECK(Str(e.event_action) == "ssh_login_failed");
    CHECK(Str(e.user_name) == "root");
    CHECK(FieldMap(e)["repeated"] == "5");
  }
  std::vector<Event> none;
  auto huge = parser.Parse("Dec 10 07:13:56 h x: message repeated 999999999 times: [ x]", none);
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.error().message == "syslog line: repeat count over 100000");
  CHECK(none.empty());
}

TEST_CASE("SyslogParser moves to the next year when December rolls over to January", "[ingest]") {
  SyslogParser parser(SyslogOptions{2025});
  CHECK(FormatUtc(ParseOk(parser, "Dec 31 23:59:59 h a: x")[0].ts_us) == "2025-12-31T23:59:59Z");
  CHECK(FormatUtc(ParseOk(parser, "Jan  1 00:00:01 h a: x")[0].ts_us) == "2026-01-01T00:00:01Z");
  CHECK(FormatUtc(ParseOk(parser, "Feb  1 00:00:00 h a: x")[0].ts_us) == "2026-02-01T00:00:00Z");
  // One month back is out-of-order lines around a month boundary, not a new year.
  CHECK(FormatUtc(ParseOk(parser, "Jan 31 23:59:58 h a: x")[0].ts_us) == "2026-01-31T23:59:58Z");
  CHECK(FormatUtc(ParseOk(parser, "Feb  1 00:00:02 h a: x")[0].ts_us) == "2026-02-01T00:00:02Z");
}

TEST_CASE("SyslogParser reads RFC 5424 with an offset and structured data", "[ingest]") {
  Event e = ParseOne(
      R"(<34>1 2026-11-21T10:00:00.123456+02:00 mymachine.example.com sshd 8710 ID47 )"
      R"([exampleSDID@32473 iut="3" eventSource="App\"lication\]"][origin ip="192.0.2.1"] )"
      "\xEF\xBB\xBF"
      "Accepted publickey for alice from 192.0.2.1 port 50022 ssh2");
  CHECK(FormatUtc(e.ts_us) == "2026-11-21T08:00:00.123456Z");
  CHECK(Str(e.host_name) == "mymachine.example.com");
  CHECK(Str(e.process_name) == "sshd");
  CHECK(Str(e.event_severity) == "crit");
  CHECK(Str(e.message) == "Accepted publickey for alice from 192.0.2.1 port 50022 ssh2");
  CHECK(Str(e.event_action) == "ssh_login");
  CHECK(Str(e.user_name) == "alice");
  auto f = FieldMap(e);
  CHECK(f["pid"] == R"("8710")");
  CHECK(f["msgid"] == R"("ID47")");
  CHECK(f["exampleSDID@32473.iut"] == R"("3")");
  CHECK(f["exampleSDID@32473.eventSource"] == R"("App\"lication]")");
  CHECK(f["origin.ip"] == R"("192.0.2.1")");

  Event nil = ParseOne("<165>1 2003-08-24T05:14:15.000003-07:00 - - - - -");
  CHECK(FormatUtc(nil.ts_us) == "2003-08-24T12:14:15.000003Z");
  CHECK_FALSE(nil.host_name.has_value());
  CHECK(Str(nil.message).empty());
  CHECK(FieldMap(nil)["program"] == "null");
}

TEST_CASE("SyslogParser rejects lines that are not syslog, with the reason", "[ingest]") {
  const std::pair<const char*, const char*> cases[] = {
      {"", "not a syslog line: empty line"},
      {"\r", "not a syslog line: empty line"},
      {"hello world", "not a syslog line: no timestamp"},
      {"Foo 10 06:55:46 h a: x", "not a syslog line: no timestamp"},
      {"Dec 10 25:55:46 h a: x", "not a syslog line: no timestamp"},
      {"Dec 10 06:55:46", "not a syslog line: no host"},
      {"Feb 30 06:55:46 h a: x", "not a syslog line: day out of range"},
      {"<999>Dec 10 06:55:46 h a: x", "not a syslog line: bad PRI"},
      {"<-1>Dec 10 06:55:46 h a: x", "not a syslog line: bad PRI"},
      {"<34>1 2026-11-21 h a - - - x", "not a syslog line: no timestamp"},
      {"<34>1 2026-11-21T10:00:00Z h a", "not a syslog line: bad RFC 5424 header"},
      {"<34>1 2026-11-21T10:00:00Z h a 1 m [x y=1] z", "not a syslog line: bad structured data"},
  };
  for (auto [line, reason] : cases) {
    SyslogParser parser(SyslogOptions{2026});
    std::vector<Event> out;
    vigil::Status status = parser.Parse(line, out);
    INFO(line);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code == vigil::ErrorCode::kBadInput);
    CHECK(status.error().message == reason);
    CHECK(out.empty());
  }
}

TEST_CASE("SyslogParser reproduces the OpenSSH_2k.log facts of the data README", "[ingest][slow]") {
  FileRun run = ParseFile("OpenSSH_2k.log", 2015);
  CHECK(run.lines == 2000);
  CHECK(run.rejected == 0);
  CHECK(run.bad_fields == 0);
  CHECK_FALSE(run.ends_with_newline);

  size_t failed_password = 0, failed_none = 0, invalid_user = 0, reverse = 0;
  size_t top = 0, top_root = 0;
  std::set<std::string> failed_ips;
  std::vector<const Event*> accepted, top_events;
  for (const Event& e : run.events) {
    failed_none += Is(e, "ssh_login_failed") && e.message->starts_with("Failed none ");
    invalid_user += Is(e, "ssh_invalid_user");
    reverse += Is(e, "ssh_reverse_mapping_failed");
    if (Is(e, "ssh_login")) accepted.push_back(&e);
    if (!IsFailedPassword(e)) continue;
    ++failed_password;
    failed_ips.insert(Str(e.source_ip));
    if (e.source_ip == "183.62.140.253") {
      top_events.push_back(&e);
      top_root += e.user_name == "root";
    }
  }
  top = top_events.size();
  CHECK(failed_password == 528);
  CHECK(failed_ips.size() == 23);
  CHECK(failed_none == 4);
  CHECK(invalid_user == 113);
  CHECK(reverse == 85);
  CHECK(top == 286);
  CHECK(top_root == 276);
  REQUIRE(top > 0);
  CHECK(FormatUtc(top_events.front()->ts_us) == "2015-12-10T10:54:29Z");
  CHECK(FormatUtc(top_events.back()->ts_us) == "2015-12-10T11:04:43Z");
  CHECK(failed_ips.count("119.137.62.142") == 0);
  REQUIRE(accepted.size() == 1);
  CHECK(Str(accepted[0]->user_name) == "fztu");
  CHECK(Str(accepted[0]->source_ip) == "119.137.62.142");
  CHECK(FormatUtc(accepted[0]->ts_us) == "2015-12-10T09:32:20Z");
}

TEST_CASE("SyslogParser reproduces the Linux_2k.log facts of the data README", "[ingest][slow]") {
  FileRun run = ParseFile("Linux_2k.log", 2005);
  CHECK(run.lines == 2000);
  CHECK(run.rejected == 0);
  CHECK(run.bad_fields == 0);
  CHECK_FALSE(run.ends_with_newline);  // like OpenSSH_2k.log, though the README does not say
  REQUIRE(run.events.size() == 2000);
  CHECK(FormatUtc(run.events.front().ts_us) == "2005-06-14T15:16:01Z");
  CHECK(FormatUtc(run.events.back().ts_us) == "2005-07-27T14:42:00Z");

  std::map<std::string, size_t> by_program, by_rhost;
  size_t unknown = 0, top_root = 0;
  std::vector<int64_t> top_times;
  std::set<std::string> su_users;
  for (const Event& e : run.events) {
    unknown += Is(e, "pam_user_unknown");
    if (Is(e, "session_opened") && e.process_name == "su(pam_unix)") su_users.insert(*e.user_name);
    if (!Is(e, "pam_auth_failure")) continue;
    ++by_program[Str(e.process_name)];
    if (e.source_ip) ++by_rhost[*e.source_ip];
    if (e.source_ip == "150.183.249.110" && e.user_name == "root") {
      ++top_root;
      top_times.push_back(e.ts_us);
    }
  }
  CHECK(by_program == std::map<std::string, size_t>{{"sshd(pam_unix)", 489}, {"gdm(pam_unix)", 1}});
  CHECK(by_rhost.size() == 47);
  CHECK(by_rhost["n219076184117.netvigator.com"] == 23);
  CHECK(by_rhost["207.243.167.114"] == 23);
  CHECK(by_rhost["60.30.224.116"] == 20);
  CHECK(top_root == 80);
  REQUIRE_FALSE(top_times.empty());
  CHECK(FormatUtc(top_times.front()) == "2005-07-10T16:01:43Z");
  CHECK(FormatUtc(top_times.back()) == "2005-07-10T16:03:18Z");
  CHECK(unknown == 117);
  CHECK(su_users == std::set<std::string>{"cyrus", "news"});
}
