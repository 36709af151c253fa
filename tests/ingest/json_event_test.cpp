// JsonEventParser on single records: the mapping of a ../shared/bench/gen_events.py line, every
// malformed kind the generator makes (BadLines.make) with the exact reason it is rejected with,
// the deliberate acceptances, and one record of each real-world flavour (Suricata EVE, Windows
// Security via nxlog, CloudTrail via Logstash, Zeek with RockNSM names, single events).
#include "ingest/json_event.h"

#include <string>
#include <vector>

#include "support/test_support.h"

using namespace std::string_literals;
using vigil::Event;
using vigil::ingest::JsonEventParser;

namespace {

constexpr int64_t kReceived = 1795275000000000;  // 2026-11-21T15:30:00Z

// A proxy line as gen_events.py writes it (seed 7).
const std::string kProxy =
    R"({"ts":"2026-11-14T00:01:19.715Z","source":"proxy","event_type":"http_request",)"
    R"("user":"valentina.muller","src_ip":"10.20.4.62","dst_ip":"104.37.239.3","dst_port":443,)"
    R"("protocol":"https","action":"allowed","bytes_out":2407,"host":"proxy-02",)"
    R"("url":"https://skycore.io/login","message":"GET https://skycore.io/login 200"})";

std::string Str(const std::optional<std::string>& v) { return v.value_or("<unset>"); }
int64_t Num(const std::optional<int64_t>& v) { return v.value_or(-1); }

Event ParseOk(std::string_view text, std::string_view format = "ndjson",
              int64_t received_us = kReceived) {
  JsonEventParser parser;
  Event ev;
  vigil::Status s = parser.Parse(text, *vigil::formats::Find(format), {received_us, {}}, ev);
  INFO(text);
  INFO((s.ok() ? std::string("ok") : s.error().message));
  REQUIRE(s.ok());
  return ev;
}

// The reason a record is rejected with, or "accepted".
std::string Reason(std::string_view text, std::string_view format = "ndjson") {
  JsonEventParser parser;
  Event ev;
  vigil::Status s = parser.Parse(text, *vigil::formats::Find(format), {kReceived, {}}, ev);
  if (s.ok()) return "accepted";
  CHECK(s.error().code == vigil::ErrorCode::kBadInput);
  return s.error().message;
}

// `line` with its first `from` replaced by `to`; REQUIREs that `from` is there.
std::string Replace(std::string line, std::string_view from, std::string_view to) {
  const size_t at = line.find(from);
  INFO(from);
  REQUIRE(at != std::string::npos);
  return line.replace(at, from.size(), to);
}

// `junk` inserted at the start of the message text, where the generator puts it.
std::string IntoMessage(const std::string& line, const std::string& junk) {
  return Replace(line, R"("message":")", R"("message":")" + junk);
}

}  // namespace

TEST_CASE("JsonEventParser maps a gen_events.py proxy line to the event fields", "[ingest]") {
  const Event ev = ParseOk(kProxy);
  CHECK(ev.ts_us == 1794614479715000);  // 2026-11-14T00:01:19.715Z
  CHECK(ev.source_format == "ndjson");
  CHECK(Str(ev.event_category) == "web");         // from "source": "proxy"
  CHECK(Str(ev.event_action) == "http_request");  // from "event_type"
  CHECK(Str(ev.event_type) == "allowed");         // from "action": "allowed"
  CHECK(Str(ev.event_outcome) == "<unset>");      // "http_request" says nothing about it
  CHECK(Str(ev.event_kind) == "event");
  CHECK(Str(ev.user_name) == "valentina.muller");
  CHECK(Str(ev.source_ip) == "10.20.4.62");
  CHECK(Str(ev.destination_ip) == "104.37.239.3");
  CHECK(Num(ev.destination_port) == 443);
  CHECK(Num(ev.source_port) == -1);
  CHECK(Str(ev.network_protocol) == "https");
  CHECK(Num(ev.source_bytes) == 2407);
  CHECK(Str(ev.host_name) == "proxy-02");
  CHECK(Str(ev.url) == "https://skycore.io/login");
  CHECK(Str(ev.message) == "GET https://skycore.io/login 200");
  CHECK_FALSE(ev.fields.has_value());  // the raw JSON keeps every field
}

TEST_CASE("JsonEventParser maps each gen_events.py source to its category and outcome",
          "[ingest]") {
  SECTION("a denied firewall connection") {
    const Event ev = ParseOk(
        R"({"ts":"2026-11-14T01:00:00.000Z","source":"firewall","event_type":"connection_denied",)"
        R"("src_ip":"10.10.0.104","dst_ip":"10.10.0.90","dst_port":1727,"protocol":"tcp",)"
        R"("action":"deny","host":"fw-core-01","message":"DENY TCP 10.10.0.104:15970 -> )"
        R"(10.10.0.90:1727 rule=vulnscan"})");
    CHECK(ev.ts_us == 1794618000000000);
    CHECK(Str(ev.event_category) == "network");
    CHECK(Str(ev.event_action) == "connection_denied");
    CHECK(Str(ev.event_type) == "denied");
    CHECK(Str(ev.event_outcome) == "failure");
    CHECK(Num(ev.destination_port) == 1727);
    CHECK(Num(ev.source_bytes) == -1);
  }
  SECTION("a failed SAML login") {
    const Event ev = ParseOk(
        R"({"ts":"2026-11-14T00:20:56.414Z","source":"auth","event_type":"login_failure",)"
        R"("user":"james.miller","src_ip":"10.20.3.173","dst_port":443,"protocol":"saml",)"
        R"("action":"failure","host":"app-19","message":"SAML login failed for james.miller"})");
    CHECK(ev.ts_us == 1794615656414000);
    CHECK(Str(ev.event_category) == "authentication");
    CHECK(Str(ev.event_action) == "login_failure");
    CHECK(Str(ev.event_type) == "<unset>");  // "failure" is no allow/deny verdict
    CHECK(Str(ev.event_outcome) == "failure");
    CHECK(Str(ev.user_name) == "james.miller");
  }
  SECTION("an IDS alert") {
    const Event ev = ParseOk(
        R"({"ts":"2026-11-14T00:12:06.351Z","source":"ids","event_type":"alert",)"
        R"("src_ip":"10.20.2.154","dst_ip":"213.0.149.99","dst_port":80,"protocol":"tcp",)"
        R"("action":"alert","host":"ids-01","severity":3,"message":"ICMP PING unusual payload"})");
    CHECK(Str(ev.event_category) == "intrusion_detection");
    CHECK(Str(ev.event_kind) == "alert");
    CHECK(Str(ev.event_severity) == "3");
  }
  SECTION("a delivered phishing mail") {
    const Event ev = ParseOk(
        R"({"ts":"2026-11-14T00:17:47.751Z","source":"phishing",)"
        R"("event_type":"phishing_email_delivered","user":"hassan.phillips",)"
        R"("src_ip":"144.236.47.164","dst_ip":"10.10.0.16","dst_port":25,"protocol":"smtp",)"
        R"("action":"delivered","host":"mail-gw-01","sender":"offers@fasthelix.app",)"
        R"("subject":"Your weekly digest","url":"https://fasthelix.app/c/ffb3d0"})");
    CHECK(Str(ev.event_category) == "email");
    CHECK(Str(ev.email_from) == "offers@fasthelix.app");
    CHECK(Str(ev.email_subject) == "Your weekly digest");
    CHECK(Str(ev.url) == "https://fasthelix.app/c/ffb3d0");
    CHECK(Str(ev.event_type) == "<unset>");
  }
}

TEST_CASE("JsonEventParser rejects each malformed kind of gen_events.py with its reason",
          "[ingest]") {
  const std::string kTooDeep =
      "invalid JSON: The JSON document was too deep (too many nested objects and arrays)";
  const std::string kStructure =
      "invalid JSON: The JSON document has an improper structure: missing or superfluous "
      "commas, braces, missing keys, etc.";
  const std::string kUtf8 = "invalid JSON: The input is not valid UTF-8";
  const std::string kUnescaped =
      "invalid JSON: Within strings, some characters must be escaped, we found unescaped "
      "characters";
  const std::string kNumber = "invalid JSON: Problem while parsing a number";
  // Issue 21: the time names of formats/variants.h, and an hour of day.
  const std::string kNoTime =
      "time: missing (expected one of @timestamp, ts, timestamp, time, event_time, eventTime, "
      "datetime, date, created_at, event_datetime, eventtime, EventTime, event_timestamp, "
      "TimeGenerated, timeGenerated, time_generated, logged_at, occurred_at, or hour)";
  struct Case {
    std::string kind;
    std::string text;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"truncated in a string", kProxy.substr(0, 31),
       "invalid JSON: A string is opened, but never closed."},
      {"truncated after a value", kProxy.substr(0, 33), kStructure},
      {"truncated before the last brace", kProxy.substr(0, kProxy.size() - 1), kStructure},
      {"wrong type: ts as a number",
       Replace(kProxy, R"("ts":"2026-11-14T00:01:19.715Z")", R"("ts":1750000000)"),
       "ts: expected an ISO 8601 time string, got a number"},
      {"wrong type: dst_port 443/tcp",
       Replace(kProxy, R"("dst_port":443)", R"("dst_port":"443/tcp")"),
       "dst_port: expected an integer, got a string"},
      {"wrong type: bytes_out 12k", Replace(kProxy, R"("bytes_out":2407)", R"("bytes_out":"12k")"),
       "bytes_out: expected an integer, got a string"},
      {"wrong type: bytes_out -5", Replace(kProxy, R"("bytes_out":2407)", R"("bytes_out":-5)"),
       "bytes_out: number out of range: -5"},
      {"wrong type: bytes_out a list",
       Replace(kProxy, R"("bytes_out":2407)", R"("bytes_out":[1,2])"),
       "bytes_out: expected an integer, got an array"},
      {"wrong type: bytes_out true", Replace(kProxy, R"("bytes_out":2407)", R"("bytes_out":true)"),
       "bytes_out: expected an integer, got a boolean"},
      {"wrong type: src_ip an integer",
       Replace(kProxy, R"("src_ip":"10.20.4.62")", R"("src_ip":3232235777)"),
       "src_ip: expected a string, got a number"},
      {"wrong type: source 7", Replace(kProxy, R"("source":"proxy")", R"("source":7)"),
       "source: expected a string or an object, got a number"},
      {"missing ts: absent", Replace(kProxy, R"("ts":"2026-11-14T00:01:19.715Z",)", ""), kNoTime},
      {"missing ts: null", Replace(kProxy, R"("ts":"2026-11-14T00:01:19.715Z")", R"("ts":null)"),
       kNoTime},
      {"missing ts: empty", Replace(kProxy, R"("ts":"2026-11-14T00:01:19.715Z")", R"("ts":"")"),
       "ts: empty time"},
      {"bad ts: common log format",
       Replace(kProxy, "2026-11-14T00:01:19.715Z", "21/Nov/2026:10:00:00 +0000"),
       R"(ts: unparseable time "21/Nov/2026:10:00:00 +0000")"},
      {"bad ts: impossible date",
       Replace(kProxy, "2026-11-14T00:01:19.715Z", "2026-13-45T99:99:99Z"),
       R"(ts: unparseable time "2026-13-45T99:99:99Z")"},
      {"bad ts: syslog style", Replace(kProxy, "2026-11-14T00:01:19.715Z", "Nov 21 10:00:00"),
       R"(ts: unparseable time "Nov 21 10:00:00")"},
      {"bad ts: trailing x",
       Replace(kProxy, "2026-11-14T00:01:19.715Z", "2026-11-21T10:00:00.123+01:00x"),
       R"(ts: unparseable time "2026-11-21T10:00:00.123+01:00x")"},
      {"bad ts: yesterday", Replace(kProxy, "2026-11-14T00:01:19.715Z", "yesterday"),
       R"(ts: unparseable time "yesterday")"},
      {"invalid UTF-8: ff fe", IntoMessage(kProxy, "\xff\xfe"), kUtf8},
      {"invalid UTF-8: overlong slash", IntoMessage(kProxy, "\xc0\xaf"), kUtf8},
      {"invalid UTF-8: surrogate", IntoMessage(kProxy, "\xed\xa0\x80"), kUtf8},
      {"invalid UTF-8: cut sequence", IntoMessage(kProxy, "\xe2\x82"), kUtf8},
      {"invalid UTF-8: latin-1", IntoMessage(kProxy, "caf\xe9"), kUtf8},
      {"invalid UTF-8: 5-byte form", IntoMessage(kProxy, "\xf8\x88\x80\x80\x80"), kUtf8},
      {"not an object: array", "[1,2,3]", "not a JSON object but an array"},
      {"not an object: string", R"("just a string")", "not a JSON object but a string"},
      {"not an object: number", "42", "not a JSON object but a number"},
      {"not an object: null", "null", "not a JSON object but null"},
      {"not an object: true", "true", "not a JSON object but a boolean"},
      {"not an object: the line in an array", "[" + kProxy + "]", "not a JSON object but an array"},
      {"control character NUL", IntoMessage(kProxy, "\0"s), kUnescaped},
      {"control character SOH", IntoMessage(kProxy, "\x01"), kUnescaped},
      {"control character ESC", IntoMessage(kProxy, "\x1b[31m"), kUnescaped},
      {"control character BS", IntoMessage(kProxy, "\x08"), kUnescaped},
      {"number overflow 1e400", Replace(kProxy, R"("bytes_out":2407)", R"("bytes_out":1e400)"),
       kNumber},
      {"number overflow -1e309", Replace(kProxy, R"("bytes_out":2407)", R"("bytes_out":-1e309)"),
       kNumber},
      {"number overflow 2^64",
       Replace(kProxy, R"("bytes_out":2407)", R"("bytes_out":18446744073709551616)"), kNumber},
      {"number overflow 10^23",
       Replace(kProxy, R"("bytes_out":2407)", R"("bytes_out":99999999999999999999999)"), kNumber},
      {"duplicate keys",
       kProxy.substr(0, kProxy.size() - 1) + R"(,"ts":"1970-01-01T00:00:00.000Z","source":"auth"})",
       R"(duplicate key "source")"},
      {"trailing garbage xyz", kProxy + "xyz", kStructure},
      {"trailing garbage brace", kProxy + "}", kStructure},
      {"trailing garbage comma", kProxy + ",", kStructure},
      {"trailing garbage comment", kProxy + " // comment", kStructure},
      {"trailing garbage: the line twice", kProxy + kProxy, kStructure},
      {"deep nesting 1100",
       R"({"ts":"2026-11-14T00:01:19.715Z","source":"ids","payload":)" + std::string(1100, '[') +
           "1" + std::string(1100, ']') + "}",
       kTooDeep},
      {"deep nesting 20000",
       R"({"ts":"2026-11-14T00:01:19.715Z","source":"ids","payload":)" + std::string(20000, '[') +
           "1" + std::string(20000, ']') + "}",
       kTooDeep},
  };
  for (const Case& c : cases) {
    INFO(c.kind << ": " << c.text.substr(0, 200));
    CHECK(Reason(c.text) == c.reason);
  }
}

TEST_CASE("JsonEventParser names the first duplicate key in sorted order", "[ingest]") {
  // Both "a" and "b" repeat; the reason names the first in sorted order.
  CHECK(Reason(R"({"ts":"2026-11-14T00:00:00Z","b":1,"a":2,"b":3,"a":4})") ==
        R"(duplicate key "a")");
  // Escapes are undone before comparing: "t\u0073" is "ts".
  CHECK(Reason(R"({"ts":"2026-11-14T00:00:00Z","t\u0073":"2026-11-14T00:00:01Z"})") ==
        R"(duplicate key "ts")");
}

TEST_CASE("JsonEventParser accepts what the generator's malformed kinds deliberately keep",
          "[ingest]") {
  SECTION("bytes_out null is an absent field") {
    const Event ev = ParseOk(Replace(kProxy, R"("bytes_out":2407)", R"("bytes_out":null)"));
    CHECK_FALSE(ev.source_bytes.has_value());
    CHECK(Str(ev.user_name) == "valentina.muller");
  }
  SECTION("an ECS nested user object gives user.name") {
    const Event ev = ParseOk(Replace(kProxy, R"("user":"valentina.muller")",
                                     R"("user":{"name":"valentina.muller","domain":"CORP"})"));
    CHECK(Str(ev.user_name) == "valentina.muller");
  }
  SECTION("an ECS nested source object gives source.ip and source.port") {
    const Event ev = ParseOk(
        R"({"@timestamp":"2026-11-14T00:00:00Z","source":{"ip":"10.1.2.3","port":51000},)"
        R"("destination":{"ip":"10.9.9.9","port":22,"bytes":77},"event":{"action":"ssh_login",)"
        R"("outcome":"failure"},"user":{"name":"root"}})");
    CHECK(Str(ev.source_ip) == "10.1.2.3");
    CHECK(Num(ev.source_port) == 51000);
    CHECK(Str(ev.destination_ip) == "10.9.9.9");
    CHECK(Num(ev.destination_port) == 22);
    CHECK(Num(ev.destination_bytes) == 77);
    CHECK(Str(ev.event_action) == "ssh_login");
    CHECK(Str(ev.event_outcome) == "failure");
    CHECK(Str(ev.user_name) == "root");
    CHECK(Str(ev.event_category) == "<unset>");  // an object "source" names no category
  }
  SECTION("a UTF-8 byte order mark and CRLF are the reader's business, not the parser's") {
    CHECK(Reason("\xEF\xBB\xBF" + kProxy) ==
          "invalid JSON: The JSON document has an improper structure: missing or superfluous "
          "commas, braces, missing keys, etc.");
    CHECK(Reason(kProxy + "\r") == "accepted");  // JSON whitespace
  }
  SECTION("a space instead of T is ISO 8601 enough (vigil-ingest(1); core/time_parse.h)") {
    // gen_events.py lists "2026-11-21 10:00:00" among its bad formats; vigil reads it as UTC.
    const Event ev = ParseOk(Replace(kProxy, "2026-11-14T00:01:19.715Z", "2026-11-21 10:00:00"));
    CHECK(ev.ts_us == 1795255200000000);
  }
}

TEST_CASE("JsonEventParser reports integers out of range and non-integral numbers", "[ingest]") {
  CHECK(Reason(Replace(kProxy, R"("dst_port":443)", R"("dst_port":65536)")) ==
        "dst_port: number out of range: 65536");
  CHECK(Reason(Replace(kProxy, R"("dst_port":443)", R"("dst_port":443.0)")) ==
        "dst_port: expected an integer, got a number");
  CHECK(Reason(Replace(kProxy, R"("bytes_out":2407)", R"("bytes_out":9223372036854775808)")) ==
        "bytes_out: number out of range");
  CHECK(Reason(Replace(kProxy, R"("bytes_out":2407)", R"("bytes_out":9223372036854775807)")) ==
        "accepted");
  CHECK(Reason(Replace(kProxy, R"("user":"valentina.muller")", R"("user":{"id":7})")) ==
        "user: expected a string, got an object");
}

TEST_CASE("JsonEventParser takes a Suricata flow's time from flow.start", "[ingest]") {
  // Every flow of the slips test6 capture has the same top-level timestamp.
  const Event ev = ParseOk(
      R"({"timestamp":"2021-06-06T15:57:37.272281+0200","flow_id":2102222753365717,)"
      R"("event_type":"flow","src_ip":"193.46.255.92","src_port":50524,)"
      R"("dest_ip":"192.168.1.129","dest_port":404,"proto":"TCP","flow":{"pkts_toserver":2,)"
      R"("pkts_toclient":2,"bytes_toserver":120,"bytes_toclient":60,)"
      R"("start":"2021-06-06T16:49:23.392917+0200","end":"2021-06-06T16:49:23.393420+0200",)"
      R"("age":0,"state":"closed","reason":"timeout","alerted":false},"host":"stratosphere.org"})",
      "suricata");
  CHECK(ev.source_format == "suricata");
  CHECK(ev.ts_us == 1622990963392917);  // 2021-06-06T14:49:23.392917Z
  CHECK(Str(ev.event_action) == "flow");
  CHECK(Str(ev.event_kind) == "event");
  CHECK(Str(ev.event_category) == "network");
  CHECK(Str(ev.source_ip) == "193.46.255.92");
  CHECK(Num(ev.source_port) == 50524);
  CHECK(Str(ev.destination_ip) == "192.168.1.129");
  CHECK(Num(ev.destination_port) == 404);
  CHECK(Str(ev.network_protocol) == "tcp");
  CHECK(Num(ev.source_bytes) == 120);
  CHECK(Num(ev.destination_bytes) == 60);
  CHECK(Str(ev.host_name) == "stratosphere.org");
}

TEST_CASE("JsonEventParser maps a Suricata alert's signature, severity and kind", "[ingest]") {
  const Event ev = ParseOk(
      R"({"timestamp":"2021-06-06T15:59:46.457984+0200","flow_id":1374195536821504,)"
      R"("pcap_cnt":313,"event_type":"alert","src_ip":"78.36.196.213","src_port":51698,)"
      R"("dest_ip":"192.168.1.129","dest_port":445,"proto":"TCP","alert":{"action":"allowed",)"
      R"("gid":1,"signature_id":2403388,"rev":66418,)"
      R"("signature":"ET CINS Active Threat Intelligence Poor Reputation IP group 89",)"
      R"("category":"Misc Attack","severity":2},"flow":{"start":"2021-06-06T15:59:46.1+0200"}})",
      "suricata");
  CHECK(ev.ts_us == 1622987986457984);  // the alert's own timestamp, not flow.start
  CHECK(Str(ev.event_kind) == "alert");
  CHECK(Str(ev.event_category) == "intrusion_detection");
  CHECK(Str(ev.event_action) == "alert");
  CHECK(Str(ev.message) == "ET CINS Active Threat Intelligence Poor Reputation IP group 89");
  CHECK(Str(ev.event_severity) == "2");
  CHECK(Str(ev.event_type) == "allowed");
  CHECK(Num(ev.destination_port) == 445);
}

TEST_CASE("JsonEventParser rejects a Suricata record without event_type", "[ingest]") {
  CHECK(Reason(R"({"timestamp":"2021-06-06T15:59:46.457984+0200","src_ip":"1.2.3.4"})",
               "suricata") == "event_type: missing");
}

TEST_CASE("JsonEventParser maps Windows logon events written by nxlog", "[ingest]") {
  SECTION("4625: a failed logon, IpAddress and IpPort \"-\"") {
    const Event ev = ParseOk(
        R"({"@timestamp":"2020-10-22T08:29:55.210Z","Severity":"ERROR","EventTime":)"
        R"("2020-10-22 04:29:53","EventType":"AUDIT_FAILURE","WorkstationName":"WORKSTATION5",)"
        R"("TargetUserName":"lrodriguez","IpPort":"-","LogonType":"2","Status":"0xc000006d",)"
        R"("SubjectUserName":"pgustavo","SubStatus":"0xc000006a","EventID":4625,)"
        R"("Keywords":-9218868437227405312,"IpAddress":"-","host":"wec.internal.cloudapp.net",)"
        R"("Hostname":"WORKSTATION5.theshire.local",)"
        R"("ProcessName":"C:\\Users\\pgustavo\\Downloads\\PurpleSharp.exe"})",
        "windows");
    CHECK(ev.source_format == "windows");
    CHECK(ev.ts_us == 1603355395210000);  // @timestamp, not the local EventTime
    CHECK(Str(ev.event_action) == "logon_failed");
    CHECK(Str(ev.event_category) == "authentication");
    CHECK(Str(ev.event_outcome) == "failure");
    CHECK(Str(ev.event_kind) == "event");
    CHECK(Str(ev.user_name) == "lrodriguez");
    CHECK(Str(ev.source_ip) == "<unset>");
    CHECK(Num(ev.source_port) == -1);
    CHECK(Str(ev.host_name) == "WORKSTATION5.theshire.local");
    CHECK(Str(ev.process_name) == "C:\\Users\\pgustavo\\Downloads\\PurpleSharp.exe");
    CHECK(Str(ev.event_severity) == "ERROR");
  }
  SECTION("4624: a logon with the source port as a string") {
    const Event ev = ParseOk(
        R"({"@timestamp":"2020-10-22T08:29:53.908Z","EventType":"AUDIT_SUCCESS",)"
        R"("TargetUserName":"pgustavo","IpPort":"58179","LogonType":"3","SubjectUserName":"-",)"
        R"("EventID":4624,"IpAddress":"172.18.39.5","Hostname":"MORDORDC.theshire.local"})",
        "windows");
    CHECK(ev.ts_us == 1603355393908000);
    CHECK(Str(ev.event_action) == "logon");
    CHECK(Str(ev.event_outcome) == "success");
    CHECK(Str(ev.user_name) == "pgustavo");
    CHECK(Str(ev.source_ip) == "172.18.39.5");
    CHECK(Num(ev.source_port) == 58179);
  }
  SECTION("4776: the outcome comes from Status") {
    const std::string failed =
        R"({"@timestamp":"2020-10-22T08:29:55.357Z","Workstation":"WORKSTATION5",)"
        R"("Status":"0xc000006a","EventID":4776,"EventType":"AUDIT_FAILURE",)"
        R"("TargetUserName":"lrodriguez","Hostname":"MORDORDC.theshire.local"})";
    const Event bad = ParseOk(failed, "windows");
    CHECK(Str(bad.event_action) == "credential_validation");
    CHECK(Str(bad.event_outcome) == "failure");
    CHECK(bad.ts_us == 1603355395357000);
    const Event good = ParseOk(Replace(failed, "0xc000006a", "0x0"), "windows");
    CHECK(Str(good.event_outcome) == "success");
  }
  SECTION("ports from nxlog strings, and an unknown EventID") {
    const Event ev =
        ParseOk(R"({"@timestamp":"2020-10-22T08:29:48.785Z","DestPort":"389","SourcePort":"49678",)"
                R"("SourceAddress":"::1","DestAddress":"::1","EventID":5156,"Protocol":"6"})",
                "windows");
    CHECK(Str(ev.event_action) == "wfp_connection_permitted");
    CHECK(Num(ev.source_port) == 49678);
    CHECK(Num(ev.destination_port) == 389);
    CHECK(Str(ev.source_ip) == "::1");
    const Event other =
        ParseOk(R"({"@timestamp":"2020-10-22T08:29:48Z","EventID":"4799"})", "windows");
    CHECK(Str(other.event_action) == "event_4799");
    CHECK(Str(other.event_category) == "<unset>");
  }
  SECTION("rejections") {
    CHECK(Reason(R"({"@timestamp":"2020-10-22T08:29:48Z"})", "windows") == "EventID: missing");
    CHECK(Reason(R"({"@timestamp":"2020-10-22T08:29:48Z","EventID":4624,"IpPort":"http"})",
                 "windows") == R"(IpPort: expected an integer, got "http")");
  }
}

TEST_CASE("JsonEventParser reads CloudTrail with only @timestamp and errorCode as failure",
          "[ingest]") {
  const std::string record =
      R"({"@timestamp":"2020-09-14T01:02:34Z","@version":"1","eventSource":"s3.amazonaws.com",)"
      R"("eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"1.2.3.4",)"
      R"("userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::123456789123:assumed-role/R/i-1",)"
      R"("sessionContext":{"sessionIssuer":{"userName":"MordorNginxStack-BankingWAFRole"}}},)"
      R"("requestParameters":{"bucketName":"mordors3stack-s3bucket-llp2yingx64a","key":"ring.txt"}})";
  const Event ok = ParseOk(record, "cloudtrail");
  CHECK(ok.source_format == "cloudtrail");
  CHECK(ok.ts_us == 1600045354000000);
  CHECK(Str(ok.event_action) == "GetObject");
  CHECK(Str(ok.event_category) == "file");
  CHECK(Str(ok.event_outcome) == "success");
  CHECK(Str(ok.source_ip) == "1.2.3.4");
  CHECK(Str(ok.user_name) == "MordorNginxStack-BankingWAFRole");
  CHECK(Str(ok.host_name) == "us-east-1");
  CHECK(Str(ok.domain) == "mordors3stack-s3bucket-llp2yingx64a");

  const Event denied = ParseOk(Replace(record, R"("eventName":"GetObject")",
                                       R"("eventName":"GetObject","errorCode":"AccessDenied")"),
                               "cloudtrail");
  CHECK(Str(denied.event_outcome) == "failure");
  CHECK(Str(denied.message) == "AccessDenied");

  CHECK(Reason(Replace(record, R"("@timestamp":"2020-09-14T01:02:34Z",)", ""), "cloudtrail") ==
        "time: missing (expected one of eventTime, @timestamp)");
}

TEST_CASE("JsonEventParser reads Zeek records with RockNSM names and an epoch ts", "[ingest]") {
  const Event ev =
      ParseOk(R"({"@stream":"conn","@system":"simplerockbuild.simplerock.lan","@proc":"zeek",)"
              R"("ts":1588205718.365299,"uid":"CN30222JydecBjLXGh","id_orig_h":"10.0.1.4",)"
              R"("id_orig_p":60645,"id_resp_h":"192.168.0.5","id_resp_p":443,"proto":"tcp",)"
              R"("service":"ssl","orig_bytes":437,"resp_bytes":204450,"conn_state":"SF"})",
              "zeek");
  CHECK(ev.source_format == "zeek");
  CHECK(ev.ts_us == 1588205718365299);  // 2020-04-30T00:15:18.365299Z
  CHECK(Str(ev.event_action) == "conn");
  CHECK(Str(ev.event_category) == "network");
  CHECK(Str(ev.source_ip) == "10.0.1.4");
  CHECK(Num(ev.source_port) == 60645);
  CHECK(Str(ev.destination_ip) == "192.168.0.5");
  CHECK(Num(ev.destination_port) == 443);
  CHECK(Num(ev.source_bytes) == 437);
  CHECK(Num(ev.destination_bytes) == 204450);
  CHECK(Str(ev.host_name) == "simplerockbuild.simplerock.lan");

  SECTION("stock names, an ISO ts and an NTLM success") {
    const Event ntlm = ParseOk(
        R"({"_path":"ntlm","_write_ts":"2018-03-24T17:22:34.781256Z",)"
        R"("ts":"2018-03-24T17:22:34.768772Z","uid":"Cvhlpw2JT1aKW5R6Z4",)"
        R"("id.orig_h":"10.150.0.20","id.orig_p":35867,"id.resp_h":"10.47.21.25",)"
        R"("id.resp_p":445,"username":"administrator","hostname":"WORKSTATION","success":true})",
        "zeek");
    CHECK(ntlm.ts_us == 1521912154768772);
    CHECK(Str(ntlm.event_action) == "ntlm");
    CHECK(Str(ntlm.event_category) == "authentication");
    CHECK(Str(ntlm.event_outcome) == "success");
    CHECK(Str(ntlm.user_name) == "administrator");
    CHECK(Str(ntlm.source_ip) == "10.150.0.20");
  }
  SECTION("an HTTP record counts its bodies and its status says the outcome") {
    const Event put =
        ParseOk(R"({"@stream":"http","ts":1588206741.2,"id_orig_h":"10.0.1.4","id_orig_p":60760,)"
                R"("id_resp_h":"192.168.0.4","id_resp_p":80,"method":"PUT","host":"192.168.0.4",)"
                R"("uri":"/webdav/OfficeSupplies.7z","request_body_len":2181167,)"
                R"("response_body_len":0,"status_code":201})",
                "zeek");
    CHECK(Str(put.event_category) == "web");
    CHECK(Str(put.event_type) == "PUT");
    CHECK(Num(put.source_bytes) == 2181167);
    CHECK(Num(put.destination_bytes) == 0);
    CHECK(Str(put.event_outcome) == "success");
    const Event denied = ParseOk(
        R"({"@stream":"http","ts":1588206738.1,"method":"OPTIONS","status_code":403})", "zeek");
    CHECK(Str(denied.event_outcome) == "failure");
    const Event none = ParseOk(R"({"@stream":"http","ts":1588206738.1,"method":"GET"})", "zeek");
    CHECK_FALSE(none.event_outcome.has_value());
  }
  SECTION("a notice is an alert") {
    const Event notice =
        ParseOk(R"({"_path":"notice","ts":1588205718.0,"note":"SSL::Invalid_Server_Cert",)"
                R"("msg":"SSL certificate validation failed","id.orig_h":"10.0.1.4"})",
                "zeek");
    CHECK(Str(notice.event_kind) == "alert");
    CHECK(Str(notice.event_category) == "intrusion_detection");
    CHECK(Str(notice.event_action) == "SSL::Invalid_Server_Cert");
    CHECK(Str(notice.message) == "SSL certificate validation failed");
  }
  SECTION("rejections") {
    CHECK(Reason(R"({"_path":"conn","ts":-5})", "zeek") == "ts: epoch time out of range");
    CHECK(Reason(R"({"_path":"conn"})", "zeek") == "time: missing (expected one of ts)");
    CHECK(Reason(R"({"_path":"ntlm","ts":1.5e9,"success":"yes"})", "zeek") ==
          "success: expected a boolean, got a string");
  }
}

TEST_CASE("JsonEventParser does not take a Zeek ssh client banner for the user name", "[ingest]") {
  // ssh.log's "client" is the client's version string; MapZeek reads it as the user.
  const Event ev = ParseOk(
      R"({"_path":"ssh","ts":"2018-03-24T17:33:44.1Z","id.orig_h":"10.128.0.19",)"
      R"("id.resp_h":"10.47.26.55","client":"SSH-2.0-Nmap-SSH2-Hostkey","auth_success":false})",
      "zeek");
  CHECK(Str(ev.event_outcome) == "failure");
  CHECK(Str(ev.user_name) == "<unset>");
}

TEST_CASE("JsonEventParser dates single events by their hour on the received day", "[ingest]") {
  const std::string line =
      R"({"user_id":"u1042","source_ip":"203.0.113.7","event_type":"login_failed",)"
      R"("description":"bad password","hour":14})";
  const Event ev = ParseOk(line, "single");
  CHECK(ev.source_format == "single");
  CHECK(ev.ts_us == 1795269600000000);  // 2026-11-21T14:00:00Z; received 15:30 that day
  CHECK(Str(ev.user_name) == "u1042");
  CHECK(Str(ev.source_ip) == "203.0.113.7");
  CHECK(Str(ev.event_action) == "failed_login");  // issue 21: a class a source gave, by its name
  CHECK(Str(ev.event_outcome) == "failure");
  CHECK(Str(ev.message) == "bad password");
  // Received a minute before midnight: still that day.
  CHECK(ParseOk(line, "single", 1795305599000000).ts_us == 1795269600000000);
  // A real time wins over the hour.
  CHECK(ParseOk(Replace(line, R"("hour":14)", R"("hour":14,"ts":"2026-11-02T03:04:05Z")"), "single")
            .ts_us == 1793588645000000);
  CHECK(Reason(Replace(line, R"("hour":14)", R"("hour":24)"), "single") ==
        "hour: number out of range: 24");
  // Issue 21: one list of time names for every format with common names.
  CHECK(Reason(Replace(line, R"(,"hour":14)", ""), "single")
            .ends_with("logged_at, occurred_at, or hour)"));
  CHECK(Reason(Replace(line, R"("hour":14)", R"("hour":"14")"), "single") ==
        "hour: expected an integer, got a string");
}

TEST_CASE("JsonEventParser reads ISO 8601 times with offsets and up to 9 fraction digits",
          "[ingest]") {
  struct Case {
    std::string ts;
    int64_t us;
  };
  const std::vector<Case> cases = {
      {"2021-06-06T15:57:37+02:00", 1622987857000000},
      {"2021-06-06T15:57:37+0200", 1622987857000000},
      {"2021-06-06T15:57:37.123456+0200", 1622987857123456},
      {"2021-06-06T15:57:37.123456789+02:00", 1622987857123456},  // truncated to µs
      {"2021-06-06T13:57:37.123456789Z", 1622987857123456},
      {"2021-06-06T13:57:37.1Z", 1622987857100000},
      {"2021-06-06T09:27:37-04:30", 1622987857000000},
      {"2021-06-06t13:57:37z", 1622987857000000},
      {"2021-06-06T13:57:37", 1622987857000000},  // no zone: UTC
  };
  for (const Case& c : cases) {
    INFO(c.ts);
    const Event ev = ParseOk(R"({"ts":")" + c.ts + R"(","source":"auth"})");
    CHECK(ev.ts_us == c.us);
  }
  const std::vector<std::string> bad = {
      "2021-06-06T13:57:37.1234567890Z",  // 10 digits
      "2021-06-06T13:57:37.Z",            // no digits
      "2021-06-06T13:57:37+02",           // no minutes
      "2021-06-06T13:57:37+24:00",        // no such offset
      "2021-02-29T13:57:37Z",             // not a leap year
      "2021-06-06T13:57:37Z ",            // trailing space
  };
  for (const std::string& ts : bad) {
    INFO(ts);
    CHECK(Reason(R"({"ts":")" + ts + R"(","source":"auth"})") ==
          R"(ts: unparseable time ")" + ts + R"(")");
  }
}

TEST_CASE("JsonEventParser rejects duplicate keys inside nested objects too", "[ingest]") {
  // CheckDuplicateKeys looks at the top-level object only, so two readers of this record see
  // two different users: vigil takes the first, many JSON libraries the last.
  CHECK(Reason(R"({"ts":"2026-11-14T00:00:00Z","user":{"name":"alice","name":"mallory"}})") ==
        R"(duplicate key "name")");
}

TEST_CASE("JsonEventParser finds fields the same way in records with many keys", "[ingest]") {
  // Lookups go through an index of the record's keys (up to 128 of them); a record with more
  // is searched key by key. Both must map alike, flat and nested names included, and a name
  // that only shares a length and first letter with a present key must not match it.
  for (int padding : {0, 100, 127, 200}) {
    std::string text = R"({"ts":"2026-11-14T00:01:19.715Z","source":"auth","usex":"decoy",)";
    for (int i = 0; i < padding; ++i) text += "\"pad" + std::to_string(i) + "\":" + "1,";
    text += R"("source.ip":"203.0.113.9","destination":{"port":22},"user":{"name":"eve"}})";
    INFO("padding keys: " << padding);
    Event ev = ParseOk(text);
    CHECK(Str(ev.user_name) == "eve");
    CHECK(Str(ev.source_ip) == "203.0.113.9");
    CHECK(Num(ev.destination_port) == 22);
    CHECK(Str(ev.event_category) == "authentication");
  }
}
