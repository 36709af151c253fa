// Issue 21, item 1 (input shapes): every field-name variant of formats/variants.h maps to its
// meaning, outcome values in any case, classes a source already classified, sizes in words,
// and the table agrees with vigil-ingest(1).
#include "formats/variants.h"

#include <string>
#include <vector>

#include "formats/classified.h"
#include "formats/format.h"
#include "ingest/json_event.h"
#include "support/test_support.h"

using vigil::Event;
using vigil::ingest::JsonEventParser;
namespace variants = vigil::formats::variants;

namespace {

constexpr int64_t kReceived = 1795275000000000;     // 2026-11-21T15:30:00Z
constexpr int64_t kReceivedDay = 1795219200000000;  // 2026-11-21T00:00:00Z
constexpr std::string_view kTs = R"("ts":"2026-03-02T10:00:00Z")";

std::string Str(const std::optional<std::string>& v) { return v.value_or("<unset>"); }
int64_t Num(const std::optional<int64_t>& v) { return v.value_or(-1); }

Event Parse(const std::string& text, std::string_view format = "ndjson") {
  JsonEventParser parser;
  Event ev;
  vigil::Status s = parser.Parse(text, *vigil::formats::Find(format), {kReceived, {}}, ev);
  INFO(text);
  INFO((s.ok() ? std::string("ok") : s.error().message));
  REQUIRE(s.ok());
  return ev;
}

std::string Field(std::string_view name, std::string_view json_value) {
  return "\"" + std::string(name) + "\":" + std::string(json_value);
}

}  // namespace

TEST_CASE("issue 21: every name of the variants table maps to its meaning", "[formats]") {
  int checked = 0;
  for (const variants::Meaning& m : variants::Table()) {
    for (std::string_view name : m.names) {
      INFO(std::string(m.meaning) + " <- " + std::string(name));
      const std::string_view meaning = m.meaning;
      if (meaning == "@timestamp") {
        const Event ev = Parse("{" + Field(name, R"("2026-03-02T10:00:00Z")") + "}");
        CHECK(ev.ts_us == 1772445600000000);
      } else if (meaning.starts_with("@timestamp (")) {
        const Event ev = Parse("{" + Field(name, "3") + "}");
        CHECK(ev.ts_us == kReceivedDay + 3 * 3600000000);
        CHECK_FALSE(ev.ts_from_record);
      } else if (meaning == "user.name") {
        CHECK(Str(Parse("{" + std::string(kTs) + "," + Field(name, R"("bob")") + "}").user_name) ==
              "bob");
      } else if (meaning.starts_with("user.name (")) {
        const std::string rec =
            "{" + std::string(kTs) + "," + Field(name, R"("alice@corp.example")") + "}";
        CHECK(Str(Parse(rec).user_name) == "alice");
      } else if (meaning == "email.from.address") {
        CHECK(Str(Parse("{" + std::string(kTs) + "," + Field(name, R"("x@evil.top")") + "}")
                      .email_from) == "x@evil.top");
      } else if (meaning == "source.ip") {
        CHECK(Str(Parse("{" + std::string(kTs) + "," + Field(name, R"("192.0.2.1")") + "}")
                      .source_ip) == "192.0.2.1");
      } else if (meaning == "destination.ip") {
        CHECK(Str(Parse("{" + std::string(kTs) + "," + Field(name, R"("192.0.2.2")") + "}")
                      .destination_ip) == "192.0.2.2");
      } else if (meaning == "url.full") {
        CHECK(
            Str(Parse("{" + std::string(kTs) + "," + Field(name, R"("https://a.example/x")") + "}")
                    .url) == "https://a.example/x");
      } else if (meaning == "source.bytes") {
        CHECK(Num(Parse("{" + std::string(kTs) + "," + Field(name, "950000000") + "}")
                      .source_bytes) == 950000000);
      } else if (meaning == "destination.bytes") {
        CHECK(
            Num(Parse("{" + std::string(kTs) + "," + Field(name, "77") + "}").destination_bytes) ==
            77);
      } else if (meaning == "event.outcome") {
        auto outcome = [&](std::string_view v) {
          return Str(Parse("{" + std::string(kTs) + "," + Field(name, v) + "}").event_outcome);
        };
        CHECK(outcome(R"("FAILED")") == "failure");
        CHECK(outcome(R"("Success")") == "success");
        CHECK(outcome(R"("weird")") == "<unset>");
        CHECK(outcome("200") == "<unset>");
      } else if (meaning == "event.outcome (a flag)") {
        auto outcome = [&](std::string_view v) {
          return Str(Parse("{" + std::string(kTs) + "," + Field(name, v) + "}").event_outcome);
        };
        CHECK(outcome("true") == "success");
        CHECK(outcome("0") == "failure");
        CHECK(outcome(R"("No")") == "failure");
        CHECK(outcome(R"("maybe")") == "<unset>");
      } else {
        FAIL("a meaning this test does not know");
      }
      ++checked;
    }
  }
  CHECK(checked > 100);
}

TEST_CASE("issue 21: outcome words in any case, flags, and values that are not guessed",
          "[formats]") {
  struct Case {
    std::string fields;
    std::string outcome;
  };
  const std::vector<Case> cases = {
      {R"("status":"SUCCESS")", "success"},
      {R"("status":"Success")", "success"},
      {R"("status":"FAILED")", "failure"},
      {R"("result":"Failure")", "failure"},
      {R"("outcome":"fail")", "failure"},
      {R"("status":"denied")", "failure"},
      {R"("status":" ok ")", "success"},
      {R"("result":"unknown")", "unknown"},
      {R"("success":true)", "success"},
      {R"("success":false)", "failure"},
      {R"("success":1)", "success"},
      {R"("success":0)", "failure"},
      {R"("succeeded":"TRUE")", "success"},
      {R"("status":"weird")", "<unset>"},
      {R"("status":200)", "<unset>"},
      {R"("status":"200")", "<unset>"},
      {R"("status":0)", "<unset>"},
      // The first recognised value wins; an unrecognised field is skipped, not guessed from.
      {R"("status":"active","result":"Failure")", "failure"},
      // With an outcome field present, the action's words are not read.
      {R"("status":"weird","action":"login_failed","source":"auth")", "<unset>"},
      // Without one, they are.
      {R"("action":"login_failed","source":"auth")", "failure"},
  };
  for (const Case& c : cases) {
    INFO(c.fields);
    CHECK(Str(Parse("{" + std::string(kTs) + "," + c.fields + "}").event_outcome) == c.outcome);
  }
}

TEST_CASE("issue 21: event classes a source already classified map to ECS fields", "[formats]") {
  struct Case {
    std::string type;
    std::string action, kind, category, outcome;
  };
  const std::vector<Case> cases = {
      {"failed_login", "failed_login", "event", "authentication", "failure"},
      {"Logon Failed", "failed_login", "event", "authentication", "failure"},
      {"login", "login", "event", "authentication", "success"},
      {"Sign-In", "login", "event", "authentication", "success"},
      {"logoff", "logout", "event", "authentication", "success"},
      {"privilege_escalation", "privilege_escalation", "alert", "iam", "<unset>"},
      {"data_exfiltration", "data_exfiltration", "alert", "network", "<unset>"},
      {"port_scan", "port_scan", "alert", "network", "<unset>"},
      {"malware_detected", "malware_detected", "alert", "malware", "<unset>"},
      {"brute-force", "brute_force", "alert", "authentication", "failure"},
      {"lateral_movement", "lateral_movement", "alert", "network", "<unset>"},
      {"C2", "command_and_control", "alert", "network", "<unset>"},
      {"beacon", "command_and_control", "alert", "network", "<unset>"},
      {"Ransomware", "ransomware", "alert", "malware", "<unset>"},
      {"credential_dumping", "credential_dumping", "alert", "process", "<unset>"},
      {"suspicious_process", "suspicious_process", "alert", "process", "<unset>"},
  };
  for (const Case& c : cases) {
    INFO(c.type);
    const Event ev =
        Parse("{" + std::string(kTs) + R"(,"user_id":"u1","event_type":")" + c.type + "\"}");
    CHECK(Str(ev.event_action) == c.action);
    CHECK(Str(ev.event_kind) == c.kind);
    CHECK(Str(ev.event_category) == c.category);
    CHECK(Str(ev.event_outcome) == c.outcome);
  }
  // A record whose log says what it is keeps its own category and action (the generator's
  // auth records with event_type privilege_escalation are not findings).
  const Event auth = Parse("{" + std::string(kTs) +
                           R"(,"source":"auth","user":"u1","event_type":"privilege_escalation"})");
  CHECK(Str(auth.event_category) == "authentication");
  CHECK(Str(auth.event_kind) == "event");
  // An IDS or EDR source's classified record is a finding.
  const Event edr =
      Parse("{" + std::string(kTs) + R"(,"source":"edr","user":"u1","event_type":"malware"})");
  CHECK(Str(edr.event_category) == "malware");
  CHECK(Str(edr.event_action) == "malware_detected");
  // An unknown type is left as it is.
  const Event other = Parse("{" + std::string(kTs) + R"(,"user":"u1","event_type":"coffee"})");
  CHECK(Str(other.event_action) == "coffee");
  CHECK_FALSE(other.event_category.has_value());
  // A record's unrecognised outcome is not replaced by the class's.
  CHECK(Str(Parse("{" + std::string(kTs) + R"(,"event_type":"login","status":"weird"})")
                .event_outcome) == "<unset>");
  CHECK(vigil::formats::FindEventClass("data exfiltration") != nullptr);
  CHECK(vigil::formats::FindEventClass("weird") == nullptr);
}

TEST_CASE("issue 21: an exfiltration's size in words becomes its bytes out", "[formats]") {
  using vigil::formats::ByteSizeIn;
  CHECK(Num(ByteSizeIn("Large upload 2GB")) == 2000000000);
  CHECK(Num(ByteSizeIn("950 MB to 203.0.113.77")) == 950000000);
  CHECK(Num(ByteSizeIn("1.5 TiB")) == 1649267441664);
  CHECK(Num(ByteSizeIn("sent 10 kib")) == 10240);
  CHECK(Num(ByteSizeIn("12 B")) == 12);
  CHECK(Num(ByteSizeIn("v2GB release, 3 files")) == -1);
  CHECK(Num(ByteSizeIn("5 GBit link")) == -1);
  CHECK(Num(ByteSizeIn("no size")) == -1);
  CHECK(Num(ByteSizeIn("9999999999 PB")) == -1);

  const Event ev = Parse(
      R"({"hour":3,"user_id":"u1042","event_type":"data_exfiltration","description":"Large upload 2GB"})");
  CHECK(Num(ev.source_bytes) == 2000000000);
  // A stated bytes field wins; other classes do not read sizes.
  CHECK(Num(Parse(R"({"hour":3,"event_type":"data_exfiltration","bytes_sent":5,)"
                  R"("description":"Large upload 2GB"})")
                .source_bytes) == 5);
  CHECK(Num(Parse(R"({"hour":3,"event_type":"port_scan","description":"2GB"})").source_bytes) ==
        -1);
}

TEST_CASE("issue 21: vigil-ingest(1) lists every name, value and class of the tables",
          "[formats]") {
  const std::string man =
      vigil::testing::ReadText(vigil::testing::SourcePath("man/vigil-ingest.1"));
  auto listed = [&](std::string_view word) {
    std::string roff;
    for (char c : word) roff += c == '-' ? std::string("\\-") : std::string(1, c);
    return man.find(roff) != std::string::npos;
  };
  for (const variants::Meaning& m : variants::Table()) {
    for (std::string_view name : m.names) {
      INFO(name);
      CHECK(listed(name));
    }
  }
  for (const vigil::formats::EventClass& c : vigil::formats::EventClasses()) {
    INFO(c.name);
    CHECK(listed(c.name));
    std::string_view words = c.synonyms;
    while (!words.empty()) {
      const size_t space = words.find(' ');
      const std::string_view word = words.substr(0, space);
      INFO(word);
      CHECK((listed(" " + std::string(word) + " ") || listed(" " + std::string(word) + "\n") ||
             listed("\n" + std::string(word) + " ") || listed("\n" + std::string(word) + "\n")));
      words = space == std::string_view::npos ? std::string_view() : words.substr(space + 1);
    }
  }
}
