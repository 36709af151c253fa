// The format registry (formats/format.h) against what reads it: vigil-ingest(1)'s list under
// --input-format, detection, ingest's mapping and correlate's Sigma data (issue 20).
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "formats/format.h"
#include "ingest/detect.h"
#include "support/test_support.h"

using vigil::formats::All;
using vigil::formats::FormatDescriptor;

namespace {

// The names vigil-ingest(1) lists under --input-format, in order (".BR name ," lines up to
// "or .B auto").
std::vector<std::string> ManPageFormats() {
  const std::string man =
      vigil::testing::ReadText(vigil::testing::SourcePath("man/vigil-ingest.1"));
  const size_t start = man.find(".BI \\-\\-input\\-format");
  REQUIRE(start != std::string::npos);
  const size_t end = man.find(".B auto", start);
  REQUIRE(end != std::string::npos);
  const std::string section = man.substr(start, end - start);
  std::vector<std::string> out;
  const std::regex item(R"(\n\.BR ([a-z\\-]+) ,)");
  for (auto it = std::sregex_iterator(section.begin(), section.end(), item);
       it != std::sregex_iterator(); ++it) {
    std::string name = (*it)[1];
    name = std::regex_replace(name, std::regex(R"(\\-)"), "-");
    out.push_back(name);
  }
  return out;
}

}  // namespace

TEST_CASE("vigil-ingest(1) lists exactly the registered input formats, in order", "[formats]") {
  CHECK(ManPageFormats() == vigil::formats::AllNames());
}

TEST_CASE("Every registered format is complete and found by its name", "[formats]") {
  std::set<std::string_view> names;
  for (const FormatDescriptor* f : All()) {
    INFO(f->name);
    CHECK(names.insert(f->name).second);
    CHECK(vigil::formats::Find(f->name) == f);
    const FormatDescriptor& records = vigil::formats::RecordsOf(*f);
    // A format either reads its own records (with Sigma data) or names one that does.
    CHECK(records.records_as.empty());
    CHECK(records.sigma != nullptr);
    CHECK_FALSE(records.sigma->product.empty());
    CHECK(records.sigma->service != nullptr);
    // Every format but syslog (parsed by ingest/syslog_parser.h) maps JSON records.
    CHECK((records.map != nullptr) == (records.reader != vigil::formats::Reader::kSyslog));
  }
  CHECK(vigil::formats::Find("jsonl") == nullptr);
  CHECK(vigil::formats::SigmaOf("no-such-format").product == "vigil");
  CHECK(vigil::formats::SigmaOf("zeek-tsv").product == "zeek");
}

TEST_CASE("Detection answers with registered formats and their detection reasons", "[formats]") {
  struct Case {
    std::string head;
    std::string format;
    std::string reason;
  };
  const Case cases[] = {
      {R"({"event_type":"alert","flow_id":1,"dest_ip":"10.0.0.1"})", "suricata",
       "keys event_type and flow_id/dest_ip"},
      {R"({"EventID":4625,"Channel":"Security"})", "windows", "key EventID or winlog"},
      {R"({"eventSource":"s3.amazonaws.com","eventName":"GetObject"})", "cloudtrail",
       "keys eventSource and eventName"},
      {R"({"_path":"conn","ts":1.5})", "zeek", "keys uid and id.orig_h (or _path / @stream)"},
      {R"({"user_id":"u1","hour":3})", "single", "keys user_id and hour"},
      // Keys of two formats: the lower json_line_rank wins (Suricata before single events).
      {R"({"event_type":"x","dest_ip":"10.0.0.1","user_id":"u","hour":1})", "suricata",
       "keys event_type and flow_id/dest_ip"},
      {R"({"ts":"2026-01-01T00:00:00Z"})", "ndjson", "JSON objects, one per line"},
      {R"([{"ts":"2026-01-01T00:00:00Z"}])", "json-array", "starts with a JSON array"},
      {R"({"Records": [{"eventName":"x"}]})", "cloudtrail",
       "a JSON object whose first key is Records"},
      {R"({"auth_logs": []})", "bundle", "a JSON object whose first key is auth_logs"},
  };
  for (const Case& c : cases) {
    INFO(c.head);
    auto d = vigil::ingest::Detect(c.head);
    REQUIRE(d.has_value());
    REQUIRE(d->format != nullptr);
    CHECK(d->format->name == c.format);
    CHECK(d->reason == c.reason);
  }
}
