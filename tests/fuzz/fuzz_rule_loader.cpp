// libFuzzer target for the rule loader (issue 8): any bytes as a rule file. Whatever loads is
// then run over a few fixed events, so the matchers (wildcards, regexes, cidr, base64offset,
// windash, conditions) and the correlation engine see the fuzzed rules too. A refused rule is
// fine; a crash, a leak, a sanitizer report or a hang is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "correlate/engine.h"
#include "correlate/rule.h"

namespace {

using vigil::correlate::Engine;
using vigil::correlate::EngineOptions;
using vigil::correlate::RuleSet;
using vigil::correlate::RuleSource;
using vigil::correlate::StoredEvent;

std::vector<StoredEvent> Events() {
  std::vector<StoredEvent> events;
  const char* raws[] = {
      R"({"EventID":4625,"TargetUserName":"alice","IpAddress":"10.0.0.5","Channel":"Security","CommandLine":"powershell -enc SQBFAFgA"})",
      R"({"ts":"2026-11-14T01:02:03Z","source":"auth","event_type":"login_failure","user":"bob","src_ip":"203.0.113.9"})",
      R"({"id.orig_h":"10.0.1.4","id.resp_h":"192.168.0.4","method":"PUT","uri":"/webdav/a.7z","_path":"http"})",
  };
  const char* formats[] = {"windows", "ndjson", "zeek"};
  for (int i = 0; i < 30; ++i) {
    StoredEvent e;
    e.id = i + 1;
    e.event.ts_us = 1795000000000000 + int64_t(i) * 7000000;
    e.event.source_format = formats[i % 3];
    e.event.event_category = i % 3 == 2 ? "web" : "authentication";
    e.event.event_outcome = i % 4 == 0 ? "success" : "failure";
    e.event.user_name = i % 2 ? "alice" : "bob";
    e.event.source_ip = i % 5 ? "203.0.113.9" : "::ffff:10.0.0.5";
    e.event.destination_port = 440 + i;
    e.event.message = "Failed password for invalid user admin from 203.0.113.9";
    e.raw = raws[i % 3];
    events.push_back(std::move(e));
  }
  // Log values are the attacker's and may be long: one event with 40 KB in two normalised
  // fields and in its raw record, so a matcher that recurses per character overflows the
  // stack here (std::regex did: under this build's ASan from 24-32 KB of '.*c', in a release
  // build from about 30 KB) and one that backtracks shows up as a timeout. The campaign
  // still runs about 470 inputs/s per process with it (about 430 before, on a busier host).
  std::string big;
  while (big.size() < 40000) big += "aB-/\\x9 :assumed-role/i-0f\n%\xc3\xa9*?";
  StoredEvent e;
  e.id = 31;
  e.event.ts_us = 1795000000000000 + int64_t(31) * 7000000;
  e.event.source_format = "ndjson";
  e.event.event_category = "authentication";
  e.event.user_name = "alice";
  e.event.message = big;
  e.event.url = big;
  std::string in_json;  // the same text without what a JSON string would need escaped
  for (char c : big) {
    if (c != '\\' && c != '\n') in_json += c;
  }
  e.raw = R"({"user":"alice","CommandLine":")" + in_json + R"("})";
  events.push_back(std::move(e));
  return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<StoredEvent> kEvents = Events();
  const std::string text(reinterpret_cast<const char*>(data), size);
  const RuleSet set = vigil::correlate::LoadRules({RuleSource{"fuzz.yml", text}});
  if (set.rules.empty()) return 0;
  EngineOptions options;
  options.max_groups_per_rule = 64;
  Engine engine(set, options);
  for (const StoredEvent& e : kEvents) engine.Feed(e);
  auto candidates = engine.Finish();
  vigil::correlate::MergeOverlapping(set, &candidates);
  return 0;
}
