// EventView over events made by the real ingest parsers from real records (samples/ and
// ../shared/data/real/): literal dotted keys, nested paths, RockNSM aliases, arrays, value
// kinds, the normalised ECS names, syslog PAM fields, product/service, LogsourceMatches and
// MapFieldName. A hidden [.bench] case measures Get.
#include "correlate/event_view.h"

#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <sstream>

#include "ingest/json_event.h"
#include "ingest/syslog_parser.h"
#include "ingest/zeek_tsv.h"
#include "support/test_support.h"

using vigil::correlate::EventView;
using vigil::correlate::FieldValue;
using vigil::correlate::Logsource;
using vigil::correlate::LogsourceMatches;
using vigil::correlate::MapFieldName;
using vigil::correlate::StoredEvent;
using Kind = FieldValue::Kind;

namespace {

const std::string kReal = VIGIL_SOURCE_DIR "/../shared/data/real/";

// Line `n` (1-based) of a file, or the first line containing `needle` when n is 0.
std::string Line(const std::string& path, size_t n, std::string_view needle = {}) {
  std::istringstream in(vigil::testing::ReadText(path));
  std::string line;
  for (size_t i = 1; std::getline(in, line); ++i) {
    if ((n == 0 && line.find(needle) != std::string::npos) || i == n) return line;
  }
  FAIL("no such line in " << path << ": " << n << " " << needle);
  return {};
}

std::string Sample(const std::string& name) {
  return vigil::testing::SourcePath("samples/" + name);
}

StoredEvent FromJson(const std::string& raw, std::string_view format) {
  vigil::ingest::JsonEventParser parser;
  StoredEvent ev;
  ev.raw = raw;
  vigil::Status s = parser.Parse(raw, *vigil::formats::Find(format), {}, ev.event);
  INFO(raw);
  REQUIRE(s.ok());
  return ev;
}

StoredEvent FromSyslog(const std::string& line) {
  vigil::ingest::SyslogParser parser(vigil::ingest::SyslogOptions{2026});
  std::vector<vigil::Event> out;
  INFO(line);
  REQUIRE(parser.Parse(line, out).ok());
  REQUIRE(out.size() == 1);
  return StoredEvent{1, out[0], line};
}

// Each value as "kind:text" (s, n, b, 0, o), in order.
std::vector<std::string> Values(const EventView& view, std::string_view name) {
  std::vector<FieldValue> out;
  view.Get(name, &out);
  std::vector<std::string> texts;
  for (const FieldValue& v : out) {
    const char* k = v.kind == Kind::kString   ? "s:"
                    : v.kind == Kind::kNumber ? "n:"
                    : v.kind == Kind::kBool   ? "b:"
                    : v.kind == Kind::kNull   ? "0:"
                                              : "o:";
    texts.push_back(k + std::string(v.text));
  }
  return texts;
}

using V = std::vector<std::string>;

bool Matches(const EventView& view, std::string product, std::string service,
             std::string category = "") {
  return LogsourceMatches(Logsource{std::move(product), std::move(service), std::move(category)},
                          view);
}

}  // namespace

TEST_CASE("Windows Security events: fields, kinds, service and process_creation", "[event_view]") {
  // Line 1 is the 4688 PurpleSharp process creation; line 4 a 4625 failed logon.
  StoredEvent proc = FromJson(Line(Sample("windows-purplesharp.jsonl"), 1), "windows");
  StoredEvent logon = FromJson(Line(Sample("windows-purplesharp.jsonl"), 4), "windows");
  EventView view;
  view.Reset(proc);
  CHECK(Values(view, "EventID") == V{"n:4688"});
  CHECK(Values(view, "NewProcessName") == V{"s:C:\\Users\\pgustavo\\Downloads\\PurpleSharp.exe"});
  CHECK(Values(view, "CommandLine") ==
        V{"s:PurpleSharp.exe  /t T1110.003,T1558.003,T1135,T1021.006"});
  CHECK(Values(view, "Keywords") == V{"n:-9214364837600034816"});
  CHECK(Values(view, "OpcodeValue") == V{"n:0"});
  CHECK(Values(view, "tags") == V{"s:mordorDataset"});
  CHECK(Values(view, "Image") == Values(view, "NewProcessName"));  // 4688 has no Image
  CHECK(Values(view, "ParentImage") == V{"s:C:\\Windows\\System32\\cmd.exe"});
  CHECK(Values(view, "OriginalFileName").empty());
  CHECK(Values(view, "Message").at(0).find("A new process has been created.\r\n") == 2);
  // Normalised columns under ECS names.
  CHECK(Values(view, "host.name") == V{"s:WORKSTATION5.theshire.local"});
  CHECK(Values(view, "event.category") == V{"s:process"});
  CHECK(Values(view, "event.action") == V{"s:process_created"});
  CHECK(Values(view, "process.name") == Values(view, "NewProcessName"));
  CHECK(Values(view, "user.name") == V{"s:pgustavo"});
  CHECK(view.product() == "windows");
  CHECK(view.service() == "security");
  CHECK(view.IsProcessCreation());
  CHECK(Matches(view, "windows", "security"));
  CHECK(Matches(view, "Windows", "Security"));
  CHECK_FALSE(Matches(view, "windows", "sysmon"));
  CHECK_FALSE(Matches(view, "linux", ""));
  CHECK(Matches(view, "windows", "", "process_creation"));
  CHECK(Matches(view, "", "", "process"));
  CHECK_FALSE(Matches(view, "windows", "", "authentication"));
  CHECK_FALSE(Matches(view, "windows", "", "registry_set"));  // unknown to vigil: nothing

  view.Reset(logon);
  CHECK(Values(view, "EventID") == V{"n:4625"});
  CHECK(Values(view, "LogonType") == V{"s:2"});  // a string in the record
  CHECK(Values(view, "Status") == V{"s:0xc000006d"});
  CHECK(Values(view, "IpAddress") == V{"s:-"});
  CHECK_FALSE(view.IsProcessCreation());
  CHECK_FALSE(Matches(view, "windows", "", "process_creation"));
  CHECK(Matches(view, "windows", "security", "authentication"));
  CHECK(Matches(view, "", "", "authentication"));
  CHECK(Values(view, "event.outcome") == V{"s:failure"});
}

TEST_CASE("Zeek RockNSM JSON: underscore aliases, arrays, service from @stream", "[event_view]") {
  const std::string log = Sample("zeek-apt29-victim.log");
  StoredEvent http = FromJson(Line(log, 20), "zeek");
  StoredEvent conn = FromJson(Line(log, 1), "zeek");
  StoredEvent x509 =
      FromJson(Line(kReal + "zeek-otrf-apt29-day1/NASHUA_x509.log", 0, "7EFDE1CF"), "zeek");
  EventView view;
  view.Reset(http);
  CHECK(Values(view, "id.orig_h") == V{"s:10.0.1.4"});  // RockNSM id_orig_h
  CHECK(Values(view, "id.resp_p") == V{"n:80"});
  CHECK(Values(view, "id_resp_h") == V{"s:192.168.0.4"});
  CHECK(Values(view, "resp_mime_types") == V{"s:text/html"});
  CHECK(Values(view, "client_header_names") ==
        V{"s:CONNECTION", "s:USER-AGENT", "s:TRANSLATE", "s:HOST"});
  CHECK(Values(view, "tags").empty());  // [] has no element to match
  CHECK(Values(view, "ts") == V{"n:1588206738.09551"});
  CHECK(Values(view, "c-uri") == V{"s:/"});
  CHECK(Values(view, "c-useragent") == V{"s:DavClnt"});
  CHECK(Values(view, "src_ip") == V{"s:10.0.1.4"});
  CHECK(Values(view, "dst_ip") == V{"s:192.168.0.4"});
  CHECK(Values(view, "url.full") == V{"s:/"});
  CHECK(view.product() == "zeek");
  CHECK(view.service() == "http");
  CHECK(Matches(view, "zeek", "http"));
  CHECK_FALSE(Matches(view, "zeek", "conn"));
  CHECK(Matches(view, "", "", "proxy"));
  CHECK_FALSE(Matches(view, "", "", "firewall"));

  view.Reset(conn);
  CHECK(view.service() == "conn");
  CHECK(Matches(view, "", "", "firewall"));
  CHECK(Matches(view, "", "", "network"));
  CHECK(Values(view, "service") == V{"s:ssl"});
  CHECK(Values(view, "duration") == V{"n:0.3673269748687744"});

  view.Reset(x509);
  CHECK(view.service() == "x509");
  CHECK(Values(view, "certificate.serial") == V{"s:7EFDE1CFECCCDB44"});
}

TEST_CASE("Zeek stock JSON and TSV: literal dotted keys, _path and #path", "[event_view]") {
  StoredEvent rdp = FromJson(Line(kReal + "zeek-wrccdc2018/json/rdp.json", 1), "zeek");
  EventView view;
  view.Reset(rdp);
  CHECK(Values(view, "id.orig_h") == V{"s:10.164.94.120"});
  CHECK(Values(view, "id.resp_p") == V{"n:3389"});
  CHECK(Values(view, "src_ip") == V{"s:10.164.94.120"});
  CHECK(view.service() == "rdp");
  CHECK(Matches(view, "zeek", "rdp"));

  // A TSV line: the raw record is text, the fields are the `fields` JSON.
  vigil::ingest::ZeekTsv tsv;
  for (const char* header : {"#separator \\x09", "#path\tdns",
                             "#fields\tts\tuid\tid.orig_h\tid.orig_p\tquery\tZ\trejected",
                             "#types\ttime\tstring\taddr\tport\tstring\tcount\tbool"}) {
    REQUIRE(tsv.Header(header));
  }
  StoredEvent dns;
  dns.raw = "1521911721.5\tCx1\t10.0.0.9\t53211\texample.org\t0\tF";
  auto json = tsv.ToJson(dns.raw);
  REQUIRE(json.has_value());
  vigil::ingest::JsonEventParser parser;
  REQUIRE(parser.Parse(*json, *vigil::formats::Find("zeek"), {}, dns.event).ok());
  dns.event.source_format = "zeek";
  dns.event.fields = *json;
  view.Reset(dns);
  CHECK(view.service() == "dns");
  CHECK(Values(view, "_path") == V{"s:dns"});
  CHECK(Values(view, "Z") == V{"n:0"});
  CHECK(Values(view, "rejected") == V{"b:false"});
  CHECK(Values(view, "id.orig_h") == V{"s:10.0.0.9"});
  CHECK(Matches(view, "zeek", "dns", "dns"));
  CHECK_FALSE(Matches(view, "", "", "firewall"));
  std::vector<std::string_view> kw;
  view.KeywordTexts(&kw);
  CHECK(kw == std::vector<std::string_view>{dns.raw});
}

TEST_CASE("CloudTrail: nested dotted paths, null, objects", "[event_view]") {
  simdjson::dom::parser parser;
  simdjson::padded_string text =
      simdjson::padded_string::load(Sample("cloudtrail-s3-exfiltration.json")).value();
  simdjson::dom::element doc = parser.parse(text).value();
  std::string assumed, console;
  simdjson::dom::array records;
  REQUIRE(doc["Records"].get_array().get(records) == simdjson::SUCCESS);
  for (simdjson::dom::element r : records) {
    std::string_view type = r.at_pointer("/userIdentity/type").get_string().value();
    if (type == "AssumedRole" && assumed.empty()) assumed = simdjson::minify(r);
    if (type == "IAMUser" && console.empty()) console = simdjson::minify(r);
  }
  StoredEvent role = FromJson(assumed, "cloudtrail");
  StoredEvent user = FromJson(console, "cloudtrail");
  EventView view;
  view.Reset(role);
  CHECK(Values(view, "userIdentity.sessionContext.sessionIssuer.type") == V{"s:Role"});
  CHECK(Values(view, "userIdentity.type") == V{"s:AssumedRole"});
  CHECK(Values(view, "eventSource").size() == 1);
  CHECK(view.product() == "aws");
  CHECK(view.service() == "cloudtrail");
  CHECK(Matches(view, "aws", "cloudtrail"));
  CHECK_FALSE(Matches(view, "aws", "cloudtrail", "process_creation"));

  view.Reset(user);
  CHECK(Values(view, "responseElements") == V{"0:null"});
  CHECK(Values(view, "requestParameters") ==
        V{R"(o:{"volumeSet":{},"filterSet":{},"maxResults":1000})"});
  CHECK(Values(view, "requestParameters.maxResults") == V{"n:1000"});
  CHECK(Values(view, "userIdentity.sessionContext.attributes.mfaAuthenticated") == V{"s:true"});
  CHECK(Values(view, "userIdentity.sessionContext.sessionIssuer.type").empty());
  CHECK(Values(view, "errorCode").empty());
  CHECK(Values(view, "event.outcome") == V{"s:success"});
}

TEST_CASE("syslog: program, pid, PAM fields, sshd/auth/syslog services", "[event_view]") {
  StoredEvent pam = FromSyslog(Line(Sample("auth.log"), 53));
  StoredEvent old_pam = FromSyslog(Line(kReal + "loghub-openssh-linux/Linux_2k.log", 0,
                                        "sshd(pam_unix)[19939]: authentication failure"));
  StoredEvent accepted = FromSyslog(Line(Sample("auth.log"), 1));
  StoredEvent named = FromSyslog(Line(kReal + "loghub-openssh-linux/Linux_2k.log", 0, "named["));
  EventView view;
  view.Reset(pam);
  CHECK(Values(view, "program") == V{"s:sshd"});
  CHECK(Values(view, "pid") == V{"s:4265"});
  CHECK(Values(view, "pam_user") == V{"s:root"});
  CHECK(Values(view, "pam_rhost") == V{"s:scanner.example.net"});
  CHECK(Values(view, "pam_message") == V{"s:authentication failure"});
  CHECK(Values(view, "ruser") == V{"s:"});  // the record's own key is kept as written
  CHECK(Values(view, "pam_ruser").empty());
  CHECK(Values(view, "source.ip") == V{"s:scanner.example.net"});
  CHECK(view.product() == "linux");
  CHECK(view.service() == "sshd");
  CHECK(Matches(view, "linux", "sshd"));
  CHECK(Matches(view, "linux", "auth"));
  CHECK(Matches(view, "linux", "syslog"));
  CHECK(Matches(view, "linux", ""));
  CHECK_FALSE(Matches(view, "linux", "clamav"));
  CHECK(Matches(view, "", "", "authentication"));
  std::vector<std::string_view> kw;
  view.KeywordTexts(&kw);
  CHECK(kw == std::vector<std::string_view>{pam.raw});

  view.Reset(old_pam);  // "combo sshd(pam_unix)[19939]: authentication failure; ... rhost=X "
  CHECK(view.service() == "sshd");
  CHECK(Matches(view, "linux", "sshd"));
  CHECK(Matches(view, "linux", "auth"));
  CHECK(Values(view, "pam_rhost") == V{"s:218.188.2.4"});
  CHECK(Values(view, "pam_user").empty());
  CHECK(Values(view, "pam_message") == V{"s:authentication failure"});

  view.Reset(accepted);
  CHECK(Values(view, "pam_message").empty());
  CHECK(Values(view, "method") == V{"s:publickey"});
  CHECK(Values(view, "user.name") == V{"s:deploy"});
  CHECK(Values(view, "source.port") == V{"n:40000"});
  CHECK(Matches(view, "linux", "auth"));

  view.Reset(named);
  CHECK(view.service() == "named");
  CHECK(Matches(view, "linux", "syslog"));
  CHECK_FALSE(Matches(view, "linux", "auth"));
  CHECK_FALSE(Matches(view, "linux", "sshd"));
  CHECK_FALSE(Matches(view, "", "", "authentication"));
}

TEST_CASE("generic NDJSON and Suricata: categories and network aliases", "[event_view]") {
  StoredEvent fw = FromJson(Line(Sample("events.ndjson"), 1), "ndjson");
  StoredEvent auth = FromJson(Line(Sample("events.ndjson"), 0, R"("source":"auth")"), "ndjson");
  const std::string eve = kReal + "suricata-slips-test6/eve.json";
  StoredEvent alert = FromJson(Line(eve, 0, R"("event_type":"alert")"), "suricata");
  StoredEvent dns = FromJson(Line(eve, 0, R"("event_type":"dns")"), "suricata");
  EventView view;
  view.Reset(fw);
  CHECK(view.product() == "vigil");
  CHECK(view.service() == "ndjson");
  CHECK(Values(view, "dst_port") == V{"n:443"});
  CHECK(Values(view, "destination.port") == V{"n:443"});
  CHECK(Values(view, "source") == V{"s:firewall"});
  CHECK(Values(view, "event.category") == V{"s:network"});
  CHECK(Matches(view, "", "", "firewall"));
  CHECK(Matches(view, "", "", "network_connection"));
  CHECK_FALSE(Matches(view, "", "", "authentication"));
  CHECK_FALSE(Matches(view, "windows", ""));
  std::vector<std::string_view> kw;
  view.KeywordTexts(&kw);
  REQUIRE(kw.size() == 2);
  CHECK(kw[0] == "ALLOW TCP 10.10.0.103:15195 -> 3.79.101.212:443 rule=out-web");
  CHECK(kw[1] == fw.raw);

  view.Reset(auth);
  CHECK(Matches(view, "", "", "authentication"));
  CHECK(Values(view, "user") == V{"s:arjun.turner"});
  CHECK(Values(view, "user.name") == V{"s:arjun.turner"});

  view.Reset(alert);
  CHECK(view.product() == "suricata");
  CHECK(view.service() == "alert");
  CHECK(Values(view, "dst_ip") == V{"s:192.168.1.129"});
  CHECK(Values(view, "dst_port") == V{"n:445"});
  CHECK(Values(view, "src_ip") == V{"s:78.36.196.213"});
  CHECK(Values(view, "action") == V{"s:allowed"});
  CHECK(Values(view, "alert.metadata.tag") == V{"s:CINS"});
  CHECK(Values(view, "flow.alerted").empty());
  CHECK(Matches(view, "", "", "firewall"));
  CHECK(Matches(view, "", "", "intrusion_detection"));
  CHECK_FALSE(Matches(view, "", "", "dns"));

  view.Reset(dns);
  CHECK(Values(view, "query") == V{"s:www.google.com"});
  CHECK(Values(view, "record_type") == V{"s:A"});
  CHECK(Matches(view, "", "", "dns"));
  CHECK(Matches(view, "suricata", "dns"));
}

TEST_CASE("views stay valid while Get appends; normalised names need no record", "[event_view]") {
  StoredEvent ev = FromJson(Line(Sample("zeek-apt29-victim.log"), 20), "zeek");
  EventView view;
  view.Reset(ev);
  std::vector<FieldValue> out;
  for (int i = 0; i < 200; ++i) {
    view.Get("ts", &out);
    view.Get("id.orig_p", &out);
    view.Get("source.port", &out);
  }
  REQUIRE(out.size() == 600);
  for (size_t i = 0; i < out.size(); i += 3) {
    CHECK(out[i].text == "1588206738.09551");
    CHECK(out[i + 1].text == "60757");
    CHECK(out[i + 2].text == "60757");
  }

  // Reset does not look at the record: a broken one still answers the normalised names.
  StoredEvent broken;
  broken.event.source_format = "ndjson";
  broken.event.source_ip = "10.1.2.3";
  broken.event.destination_bytes = 12345;
  broken.raw = "{not json";
  view.Reset(broken);
  CHECK(Values(view, "source.ip") == V{"s:10.1.2.3"});
  CHECK(Values(view, "destination.bytes") == V{"n:12345"});
  CHECK(Values(view, "destination.port").empty());
  CHECK(Values(view, "anything").empty());
}

TEST_CASE("MapFieldName per log source", "[event_view]") {
  const Logsource proc{"windows", "", "process_creation"};
  const Logsource security{"windows", "security", ""};
  const Logsource sysmon_proc{"windows", "sysmon", "process_creation"};
  const Logsource zeek_http{"zeek", "http", ""};
  const Logsource suricata{"suricata", "", "firewall"};
  const Logsource firewall{"", "", "firewall"};
  CHECK(MapFieldName(proc, "Image") == "NewProcessName");
  CHECK(MapFieldName(proc, "ParentImage") == "ParentProcessName");
  CHECK(MapFieldName(proc, "User") == "SubjectUserName");
  CHECK(MapFieldName(proc, "CommandLine") == "CommandLine");
  CHECK(MapFieldName(Logsource{"", "", "process_creation"}, "Image") == "NewProcessName");
  CHECK(MapFieldName(sysmon_proc, "Image") == "Image");
  CHECK(MapFieldName(security, "User") == "TargetUserName");
  CHECK(MapFieldName(security, "ComputerName") == "Hostname");
  CHECK(MapFieldName(security, "Image") == "Image");
  CHECK(MapFieldName(zeek_http, "c-uri") == "uri");
  CHECK(MapFieldName(zeek_http, "c-useragent") == "user_agent");
  CHECK(MapFieldName(zeek_http, "cs-method") == "method");
  CHECK(MapFieldName(Logsource{"zeek", "dce_rpc", ""}, "src_ip") == "id.orig_h");
  CHECK(MapFieldName(zeek_http, "id.resp_h") == "id.resp_h");
  CHECK(MapFieldName(suricata, "dst_ip") == "dest_ip");
  CHECK(MapFieldName(suricata, "dst_port") == "dest_port");
  CHECK(MapFieldName(suricata, "action") == "alert.action");
  CHECK(MapFieldName(Logsource{"suricata", "", "dns"}, "query") == "dns.rrname");
  CHECK(MapFieldName(Logsource{"suricata", "", "dns"}, "record_type") == "dns.rrtype");
  // No product: the event's format resolves these names in Get (ndjson keeps its own dst_ip).
  CHECK(MapFieldName(firewall, "dst_ip") == "dst_ip");
  CHECK(MapFieldName(Logsource{"linux", "auth", ""}, "pam_user") == "pam_user");
}

TEST_CASE("EventView Get speed", "[.bench]") {
  std::vector<StoredEvent> events;
  std::istringstream in(vigil::testing::ReadText(Sample("windows-purplesharp.jsonl")));
  for (std::string line; std::getline(in, line);) {
    events.push_back(FromJson(line, "windows"));
  }
  EventView view;
  std::vector<FieldValue> out;
  out.reserve(16);
  constexpr int kCalls = 1'000'000;
  auto run = [&](const char* label, int gets_per_event, auto&& names) {
    size_t found = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kCalls; ++i) {
      if (i % gets_per_event == 0)
        view.Reset(events[static_cast<size_t>(i / gets_per_event) % events.size()]);
      out.clear();
      view.Get(names[static_cast<size_t>(i) % std::size(names)], &out);
      found += out.size();
    }
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    std::printf("%-52s %7.1f ns/call (%zu values)\n", label, static_cast<double>(ns) / kCalls,
                found);
    CHECK(found > 0);
  };
  const std::string_view columns[] = {"event.category", "source.ip", "user.name",
                                      "destination.port"};
  const std::string_view record[] = {"EventID", "TargetUserName", "Status", "IpAddress"};
  const std::string_view mixed[] = {"EventID", "event.outcome", "ServiceName", "Image"};
  run("normalised columns, Reset every 4 calls", 4, columns);
  run("record fields, Reset+parse once per 1M calls", kCalls, record);
  run("record fields, Reset+parse every 100 calls", 100, record);
  run("mixed incl. alias miss, Reset+parse every 4 calls", 4, mixed);
  const std::string_view one[] = {"EventID"};
  run("one record field per event (Reset+parse+Get)", 1, one);
}
