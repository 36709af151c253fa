// The correlation engine in memory: rules written as YAML, events built as StoredEvents with
// their ECS columns set, fed in (ts, id) order. Each correlation type is tested at its
// boundaries (window edges, thresholds, deadlines), plus grouping, aliases, `generate`,
// first-seen state, derived vigil.* fields, merging, the state cap and determinism.
#include "correlate/engine.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <tuple>

#include "correlate/rule.h"
#include "support/test_support.h"

using vigil::correlate::Candidate;
using vigil::correlate::Engine;
using vigil::correlate::EngineOptions;
using vigil::correlate::LoadRules;
using vigil::correlate::MergeOverlapping;
using vigil::correlate::RuleSet;
using vigil::correlate::SeenState;
using vigil::correlate::StoredEvent;

namespace {

constexpr int64_t kSec = 1'000'000;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kDay = 24 * 60 * kMin;
// 2024-01-01 00:00:00 UTC, a Monday.
constexpr int64_t kMonday = 1'704'067'200 * kSec;
constexpr int64_t kT0 = kMonday + 10 * 60 * kMin;  // Monday 10:00 UTC

// Detection rules shared by many cases: failed and successful logons, network connections.
constexpr std::string_view kFailure = R"(title: Failed logon
id: t-fail
name: fail
author: Test Author
logsource:
  category: authentication
detection:
  selection:
    event.outcome: failure
  condition: selection
level: informational
)";

constexpr std::string_view kSuccess = R"(title: Successful logon
id: t-success
name: success
author: Test Author
logsource:
  category: authentication
detection:
  selection:
    event.outcome: success
  condition: selection
level: informational
)";

constexpr std::string_view kConnection = R"(title: TCP connection
id: t-conn
name: conn
author: Test Author
logsource:
  category: network
detection:
  selection:
    network.transport: tcp
  condition: selection
level: informational
)";

RuleSet Load(const std::string& text) {
  RuleSet set = LoadRules({{"test.yml", text}});
  std::string problems;
  for (const auto& p : set.problems) problems += p.where + ": " + p.message + "\n";
  INFO(problems);
  REQUIRE(set.problems.empty());
  return set;
}

std::string Docs(std::initializer_list<std::string_view> docs) {
  std::string out;
  for (std::string_view d : docs) {
    if (!out.empty()) out += "---\n";
    out += d;
  }
  return out;
}

size_t RuleIndex(const RuleSet& set, std::string_view id) {
  for (size_t i = 0; i < set.rules.size(); ++i) {
    if (set.rules[i].id == id) return i;
  }
  FAIL("no rule " << id);
  return SIZE_MAX;
}

StoredEvent Auth(int64_t id, int64_t ts, const std::string& outcome, std::optional<std::string> ip,
                 std::optional<std::string> user = "alice") {
  StoredEvent e;
  e.id = id;
  e.event.ts_us = ts;
  e.event.source_format = "ndjson";
  e.event.event_kind = "event";
  e.event.event_category = "authentication";
  e.event.event_outcome = outcome;
  e.event.source_ip = std::move(ip);
  e.event.user_name = std::move(user);
  e.raw = "{}";
  return e;
}

StoredEvent Fail(int64_t id, int64_t ts, std::optional<std::string> ip = "10.0.0.1",
                 std::optional<std::string> user = "alice") {
  return Auth(id, ts, "failure", std::move(ip), std::move(user));
}

StoredEvent Conn(int64_t id, int64_t ts, const std::string& src, const std::string& dst,
                 std::optional<int64_t> bytes = std::nullopt) {
  StoredEvent e;
  e.id = id;
  e.event.ts_us = ts;
  e.event.source_format = "ndjson";
  e.event.event_kind = "event";
  e.event.event_category = "network";
  e.event.network_protocol = "tcp";
  e.event.source_ip = src;
  e.event.destination_ip = dst;
  e.event.source_bytes = bytes;
  e.raw = "{}";
  return e;
}

struct RunResult {
  std::vector<Candidate> candidates;
  std::vector<std::string> warnings;
  std::vector<SeenState> new_seen;
  std::vector<size_t> match_counts;
};

RunResult Run(const RuleSet& set, const std::vector<StoredEvent>& events,
              EngineOptions options = {}, const std::vector<SeenState>& seen = {}) {
  Engine engine(set, options);
  engine.LoadSeen(seen);
  for (const StoredEvent& e : events) engine.Feed(e);
  RunResult r;
  r.candidates = engine.Finish();
  r.warnings = engine.warnings();
  r.new_seen = engine.new_seen();
  r.match_counts = engine.match_counts();
  return r;
}

std::vector<Candidate> Of(const RuleSet& set, const std::vector<Candidate>& cs,
                          std::string_view rule_id) {
  std::vector<Candidate> out;
  for (const Candidate& c : cs) {
    if (set.rules[c.rule].id == rule_id) out.push_back(c);
  }
  return out;
}

std::vector<int64_t> Ids(std::initializer_list<int64_t> ids) { return ids; }
std::vector<int64_t> Range(int64_t from, int64_t to) {
  std::vector<int64_t> out;
  for (int64_t i = from; i <= to; ++i) out.push_back(i);
  return out;
}

// An event_count rule over failed logons, by source.ip.
std::string EventCount(const std::string& condition, const std::string& timespan = "60s") {
  return Docs({kFailure, R"(title: Brute force
id: t-brute
author: Test Author
correlation:
  type: event_count
  rules: [fail]
  group-by: [source.ip]
  timespan: )" + timespan + R"(
  condition:
)" + condition + R"(
level: high
)"});
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// event_count

TEST_CASE("event_count fires exactly at the threshold and links every event", "[engine]") {
  const RuleSet set = Load(EventCount("    gte: 5"));
  const size_t brute = RuleIndex(set, "t-brute");

  std::vector<StoredEvent> four;
  for (int64_t i = 1; i <= 4; ++i) four.push_back(Fail(i, kT0 + i * 5 * kSec));
  CHECK(Run(set, four).candidates.empty());

  std::vector<StoredEvent> five = four;
  five.push_back(Fail(5, kT0 + 25 * kSec));
  const RunResult r = Run(set, five);
  REQUIRE(r.candidates.size() == 1);
  const Candidate& c = r.candidates[0];
  CHECK(c.rule == brute);
  CHECK(c.group_key == R"({"source.ip":"10.0.0.1"})");
  CHECK(c.group == std::map<std::string, std::string>{{"source.ip", "10.0.0.1"}});
  CHECK(c.event_ids == Range(1, 5));
  CHECK(c.first_us == kT0 + 5 * kSec);
  CHECK(c.last_us == kT0 + 25 * kSec);
  CHECK(c.fired_us == kT0 + 25 * kSec);
  CHECK(c.fires == 1);
  CHECK(c.detail == "5 events in 1m (>= 5)");
  // The detection rule is referenced, so it does not raise incidents of its own.
  CHECK(r.match_counts[RuleIndex(set, "t-fail")] == 5);
  CHECK(r.match_counts[brute] == 1);
}

TEST_CASE("event_count: an event exactly one timespan after the first is outside the window",
          "[engine]") {
  const RuleSet set = Load(EventCount("    gte: 5"));
  // Window at the fifth event is (now - 60s, now]: the first at exactly now - 60s is out.
  std::vector<StoredEvent> wide;
  for (int64_t i = 0; i < 5; ++i) wide.push_back(Fail(i + 1, kT0 + i * 15 * kSec));
  CHECK(wide.back().event.ts_us - wide.front().event.ts_us == 60 * kSec);
  CHECK(Run(set, wide).candidates.empty());

  // One microsecond less and all five are inside.
  std::vector<StoredEvent> narrow = wide;
  narrow.back().event.ts_us -= 1;
  const RunResult r = Run(set, narrow);
  REQUIRE(r.candidates.size() == 1);
  CHECK(r.candidates[0].event_ids == Range(1, 5));
}

TEST_CASE("event_count: a second burst after a longer gap is a second incident", "[engine]") {
  const RuleSet set = Load(EventCount("    gte: 5"));
  std::vector<StoredEvent> events;
  for (int64_t i = 1; i <= 6; ++i) events.push_back(Fail(i, kT0 + i * kSec));
  // Gap of 10 minutes (longer than the 60s timespan and the default incident gap).
  for (int64_t i = 7; i <= 11; ++i) events.push_back(Fail(i, kT0 + 10 * kMin + i * kSec));
  const RunResult r = Run(set, events);
  REQUIRE(r.candidates.size() == 2);
  CHECK(r.candidates[0].event_ids == Range(1, 6));
  CHECK(r.candidates[0].fires == 2);  // at the 5th and the 6th
  CHECK(r.candidates[1].event_ids == Range(7, 11));
  CHECK(r.candidates[1].first_us == kT0 + 10 * kMin + 7 * kSec);
  CHECK(r.candidates[0].group_key == r.candidates[1].group_key);

  // The same eleven events within one minute are one incident.
  std::vector<StoredEvent> close;
  for (int64_t i = 1; i <= 11; ++i) close.push_back(Fail(i, kT0 + i * kSec));
  const RunResult one = Run(set, close);
  REQUIRE(one.candidates.size() == 1);
  CHECK(one.candidates[0].event_ids == Range(1, 11));
}

TEST_CASE("event_count: events without the group-by field are in no group", "[engine]") {
  const RuleSet set = Load(EventCount("    gte: 5"));
  std::vector<StoredEvent> events;
  for (int64_t i = 1; i <= 10; ++i) events.push_back(Fail(i, kT0 + i * kSec, std::nullopt));
  const RunResult r = Run(set, events);
  CHECK(r.candidates.empty());
  CHECK(r.match_counts[RuleIndex(set, "t-fail")] == 10);  // they matched the detection

  // Mixed: four with an IP and six without do not add up to five.
  std::vector<StoredEvent> mixed;
  for (int64_t i = 1; i <= 10; ++i) {
    mixed.push_back(
        Fail(i, kT0 + i * kSec, i <= 4 ? std::optional<std::string>("10.0.0.9") : std::nullopt));
  }
  CHECK(Run(set, mixed).candidates.empty());
}

TEST_CASE("event_count groups by every group-by field", "[engine]") {
  const RuleSet set = Load(EventCount("    gte: 3"));
  std::vector<StoredEvent> events;
  // Two IPs alternate: 2 + 2 events, below 3 each.
  for (int64_t i = 1; i <= 4; ++i) {
    events.push_back(Fail(i, kT0 + i * kSec, i % 2 ? "10.0.0.1" : "10.0.0.2"));
  }
  CHECK(Run(set, events).candidates.empty());
  events.push_back(Fail(5, kT0 + 5 * kSec, "10.0.0.2"));
  const RunResult r = Run(set, events);
  REQUIRE(r.candidates.size() == 1);
  CHECK(r.candidates[0].group_key == R"({"source.ip":"10.0.0.2"})");
  CHECK(r.candidates[0].event_ids == Ids({2, 4, 5}));
}

// ---------------------------------------------------------------------------------------------
// Conditions and the value_* types

TEST_CASE("conditions: gt, gte, lt, lte and eq ranges", "[engine]") {
  std::vector<StoredEvent> events;
  for (int64_t i = 1; i <= 6; ++i) events.push_back(Fail(i, kT0 + i * kSec));

  SECTION("gte 3 and lte 4 fires at the 3rd and 4th events only") {
    const RunResult r = Run(Load(EventCount("    gte: 3\n    lte: 4")), events);
    REQUIRE(r.candidates.size() == 1);
    CHECK(r.candidates[0].event_ids == Range(1, 4));
    CHECK(r.candidates[0].fires == 2);
  }
  SECTION("gt 3 and lt 5 fires at the 4th only") {
    const RunResult r = Run(Load(EventCount("    gt: 3\n    lt: 5")), events);
    REQUIRE(r.candidates.size() == 1);
    CHECK(r.candidates[0].event_ids == Range(1, 4));
    CHECK(r.candidates[0].fires == 1);
    CHECK(r.candidates[0].detail == "4 events in 1m (> 3 and < 5)");
  }
  SECTION("eq 2 fires at the 2nd only") {
    const RunResult r = Run(Load(EventCount("    eq: 2")), events);
    REQUIRE(r.candidates.size() == 1);
    CHECK(r.candidates[0].event_ids == Range(1, 2));
    CHECK(r.candidates[0].fires == 1);
  }
  SECTION("gt 6 never fires on six events") {
    CHECK(Run(Load(EventCount("    gt: 6")), events).candidates.empty());
  }
}

TEST_CASE("a condition with only an upper bound is refused by the loader", "[engine]") {
  for (const char* cond : {"    lt: 3", "    lte: 3", "    neq: 3"}) {
    INFO(cond);
    const RuleSet set = LoadRules({{"upper.yml", EventCount(cond)}});
    REQUIRE(set.problems.size() == 1);
    CHECK(set.problems[0].where.rfind("upper.yml:", 0) == 0);
    CHECK(set.problems[0].message.find("without a lower bound") != std::string::npos);
    // The detection rule still loads; the correlation does not.
    REQUIRE(set.rules.size() == 1);
    CHECK(set.rules[0].id == "t-fail");
  }
}

TEST_CASE("value_count counts distinct values in the window", "[engine]") {
  const RuleSet set = Load(Docs({kFailure, R"(title: Password spray
id: t-spray
author: Test Author
correlation:
  type: value_count
  rules: [fail]
  group-by: [source.ip]
  timespan: 5m
  condition:
    field: user.name
    gte: 3
level: high
)"}));
  // Ten failures for the same two users: 2 distinct, no fire.
  std::vector<StoredEvent> events;
  for (int64_t i = 1; i <= 10; ++i) {
    events.push_back(Fail(i, kT0 + i * kSec, "10.0.0.1", i % 2 ? "alice" : "bob"));
  }
  CHECK(Run(set, events).candidates.empty());
  // A third user fires; the incident holds all the failures in the window.
  events.push_back(Fail(11, kT0 + 11 * kSec, "10.0.0.1", "carol"));
  // An event without user.name does not count as a value.
  events.push_back(Fail(12, kT0 + 12 * kSec, "10.0.0.2", std::nullopt));
  const RunResult r = Run(set, events);
  REQUIRE(r.candidates.size() == 1);
  CHECK(r.candidates[0].event_ids == Range(1, 11));
  CHECK(r.candidates[0].detail == "3 distinct user.name in 5m (>= 3)");

  // Three distinct users spread over more than 5 minutes: never 3 in one window.
  std::vector<StoredEvent> spread = {Fail(1, kT0, "10.0.0.1", "alice"),
                                     Fail(2, kT0 + 3 * kMin, "10.0.0.1", "bob"),
                                     Fail(3, kT0 + 5 * kMin, "10.0.0.1", "carol")};
  CHECK(Run(set, spread).candidates.empty());
}

TEST_CASE("value_sum, value_avg and value_percentile over a numeric field", "[engine]") {
  auto rule = [](const std::string& type, const std::string& condition) {
    return Load(Docs({kConnection, R"(title: Volume
id: t-volume
author: Test Author
correlation:
  type: )" + type + R"(
  rules: [conn]
  group-by: [source.ip]
  timespan: 10m
  condition:
    field: source.bytes
)" + condition + R"(
level: medium
)"}));
  };
  auto conns = [](std::vector<int64_t> bytes) {
    std::vector<StoredEvent> out;
    for (size_t i = 0; i < bytes.size(); ++i) {
      out.push_back(
          Conn(int64_t(i) + 1, kT0 + int64_t(i) * kMin, "10.0.0.5", "198.51.100.7", bytes[i]));
    }
    return out;
  };

  SECTION("value_sum") {
    const RuleSet set = rule("value_sum", "    gte: 1000");
    CHECK(Run(set, conns({400, 400, 199})).candidates.empty());  // 999
    const RunResult r = Run(set, conns({400, 400, 200}));        // 1000
    REQUIRE(r.candidates.size() == 1);
    CHECK(r.candidates[0].event_ids == Range(1, 3));
    CHECK(r.candidates[0].detail == "sum of source.bytes is 1000 in 10m (>= 1000)");
    // A connection without the field does not count (and does not break the sum).
    std::vector<StoredEvent> missing = conns({400, 400});
    missing.push_back(Conn(3, kT0 + 3 * kMin, "10.0.0.5", "198.51.100.7"));
    CHECK(Run(set, missing).candidates.empty());
  }
  SECTION("value_sum forgets what left the window") {
    const RuleSet set = rule("value_sum", "    gte: 1000");
    std::vector<StoredEvent> events = {
        Conn(1, kT0, "10.0.0.5", "198.51.100.7", 600),
        Conn(2, kT0 + 10 * kMin, "10.0.0.5", "198.51.100.7", 500)};  // the first is out
    CHECK(Run(set, events).candidates.empty());
  }
  SECTION("value_avg") {
    const RuleSet set = rule("value_avg", "    gt: 500");
    CHECK(Run(set, conns({100, 900})).candidates.empty());  // avg 500, not > 500
    const RunResult r = Run(set, conns({100, 900, 600}));   // avg 533
    REQUIRE(r.candidates.size() == 1);
    CHECK(r.candidates[0].event_ids == Range(1, 3));
    CHECK(r.candidates[0].detail == "average source.bytes is 533.33 in 10m (> 500)");
  }
  SECTION("value_percentile") {
    const RuleSet set = rule("value_percentile", "    percentile: 50\n    gte: 100");
    // Median (nearest rank) of {10, 200, 20} is 20; of {10, 200, 20, 300} is 20 (rank 2);
    // of {10, 200, 20, 300, 400} is 200 (rank 3).
    CHECK(Run(set, conns({10, 200, 20, 300})).candidates.empty());
    const RunResult r = Run(set, conns({10, 200, 20, 300, 400}));
    REQUIRE(r.candidates.size() == 1);
    CHECK(r.candidates[0].event_ids == Range(1, 5));
    CHECK(r.candidates[0].detail == "percentile 50 of source.bytes is 200 in 10m (>= 100)");
  }
}

// ---------------------------------------------------------------------------------------------
// temporal, temporal_ordered, chains, aliases, generate

namespace {

std::string Temporal(const std::string& type, const std::string& extra = "") {
  return Docs({kFailure, kSuccess, R"(title: Failure and success
id: t-temporal
author: Test Author
correlation:
  type: )" + type + R"(
  rules: [fail, success]
  group-by: [source.ip]
  timespan: 5m
)" + extra + R"(level: high
)"});
}

}  // namespace

TEST_CASE("temporal fires when every rule matched in the timespan, in any order", "[engine]") {
  const RuleSet set = Load(Temporal("temporal"));
  const size_t rule = RuleIndex(set, "t-temporal");
  for (bool fail_first : {true, false}) {
    INFO("failure first: " << fail_first);
    std::vector<StoredEvent> events = {Fail(1, kT0), Auth(2, kT0 + kMin, "success", "10.0.0.1")};
    if (!fail_first) {
      events = {Auth(1, kT0, "success", "10.0.0.1"), Fail(2, kT0 + kMin)};
    }
    const RunResult r = Run(set, events);
    REQUIRE(r.candidates.size() == 1);
    CHECK(r.candidates[0].rule == rule);
    CHECK(r.candidates[0].event_ids == Ids({1, 2}));
    CHECK(r.candidates[0].detail == "2 rules matched within 5m");
  }
  // Farther apart than the timespan, or in different groups: nothing.
  CHECK(
      Run(set, {Fail(1, kT0), Auth(2, kT0 + 6 * kMin, "success", "10.0.0.1")}).candidates.empty());
  CHECK(Run(set, {Fail(1, kT0), Auth(2, kT0 + kMin, "success", "10.0.0.2")}).candidates.empty());
  // Only one of the two rules: nothing.
  CHECK(Run(set, {Fail(1, kT0), Fail(2, kT0 + kMin)}).candidates.empty());
}

TEST_CASE("temporal_ordered fires only when the rules match in order", "[engine]") {
  const RuleSet set = Load(Temporal("temporal_ordered"));
  const RunResult in_order = Run(set, {Fail(1, kT0), Auth(2, kT0 + kMin, "success", "10.0.0.1")});
  REQUIRE(in_order.candidates.size() == 1);
  CHECK(in_order.candidates[0].event_ids == Ids({1, 2}));
  CHECK(in_order.candidates[0].detail == "2 rules matched in order within 5m");

  // B then A does not fire.
  CHECK(Run(set, {Auth(1, kT0, "success", "10.0.0.1"), Fail(2, kT0 + kMin)}).candidates.empty());
  // A then B too late does not fire.
  CHECK(Run(set, {Fail(1, kT0), Auth(2, kT0 + 5 * kMin + 1, "success", "10.0.0.1")})
            .candidates.empty());
}

TEST_CASE("events with equal timestamps are ordered by id", "[engine]") {
  // Two logons at the same time: the one with the lower id comes first, starts alice's
  // first_seen group and is not new; the other one is.
  const RuleSet set = Load(Docs({kSuccess, R"(title: New source
id: t-first
author: Test Author
correlation:
  type: first_seen
  rules: [success]
  group-by: [user.name]
  timespan: 1d
  field: source.ip
level: medium
)"}));
  const RunResult a =
      Run(set, {Auth(1, kT0, "success", "10.0.0.1"), Auth(2, kT0, "success", "10.0.0.2")});
  REQUIRE(a.candidates.size() == 1);
  CHECK(a.candidates[0].event_ids == Ids({2}));
  CHECK(a.candidates[0].group.at("source.ip") == "10.0.0.2");
  const RunResult b =
      Run(set, {Auth(1, kT0, "success", "10.0.0.2"), Auth(2, kT0, "success", "10.0.0.1")});
  REQUIRE(b.candidates.size() == 1);
  CHECK(b.candidates[0].group.at("source.ip") == "10.0.0.1");

  // temporal_ordered: A then B at the same time, in id order, fires.
  const RuleSet ordered = Load(Temporal("temporal_ordered"));
  CHECK(Run(ordered, {Fail(1, kT0), Auth(2, kT0, "success", "10.0.0.1")}).candidates.size() == 1);
}

// Events at the same time are taken in store order (id), so "in order" at equal times means
// in id order: B stored before A at the same instant is not "A then B".
TEST_CASE("temporal_ordered: at equal times the order is the events' id order", "[engine]") {
  const RuleSet set = Load(Temporal("temporal_ordered"));
  CHECK(Run(set, {Auth(1, kT0, "success", "10.0.0.1"), Fail(2, kT0)}).candidates.empty());
  const RunResult r = Run(set, {Fail(1, kT0), Auth(2, kT0, "success", "10.0.0.1")});
  REQUIRE(r.candidates.size() == 1);
  CHECK(r.candidates[0].event_ids == Ids({1, 2}));
}

// vigil-rules(5): windows are (now - timespan, now] for every type, so a match exactly one
// timespan old no longer counts.
TEST_CASE("temporal: a match exactly one timespan old is outside the window", "[engine]") {
  for (const char* type : {"temporal", "temporal_ordered"}) {
    INFO(type);
    const RuleSet set = Load(Temporal(type));
    CHECK(Run(set, {Fail(1, kT0), Auth(2, kT0 + 5 * kMin, "success", "10.0.0.1")})
              .candidates.empty());
    CHECK(Run(set, {Fail(1, kT0), Auth(2, kT0 + 5 * kMin - 1, "success", "10.0.0.1")})
              .candidates.size() == 1);
  }
}

TEST_CASE("a correlation of a correlation: brute force followed by a success", "[engine]") {
  // Sigma's example: event_count feeding temporal_ordered.
  const RuleSet set = Load(Docs({kFailure, kSuccess, R"(title: Many failures
id: t-many
name: many_failures
author: Test Author
correlation:
  type: event_count
  rules: [fail]
  group-by: [source.ip]
  timespan: 1m
  condition:
    gte: 5
level: medium
---
title: Brute force then success
id: t-bf-success
author: Test Author
correlation:
  type: temporal_ordered
  rules: [many_failures, success]
  group-by: [source.ip]
  timespan: 10m
level: critical
)"}));
  const size_t outer = RuleIndex(set, "t-bf-success");
  CHECK_FALSE(set.rules[RuleIndex(set, "t-many")].generate);
  CHECK(set.rules[outer].generate);

  std::vector<StoredEvent> events;
  for (int64_t i = 1; i <= 5; ++i) events.push_back(Fail(i, kT0 + i * kSec));
  events.push_back(Auth(6, kT0 + 3 * kMin, "success", "10.0.0.1"));
  const RunResult r = Run(set, events);
  REQUIRE(r.candidates.size() == 1);  // the inner rule does not generate on its own
  CHECK(r.candidates[0].rule == outer);
  CHECK(r.candidates[0].event_ids == Range(1, 6));
  CHECK(r.candidates[0].group_key == R"({"source.ip":"10.0.0.1"})");

  // Four failures are not a brute force, so the success is not preceded by one.
  events.erase(events.begin());
  CHECK(Run(set, events).candidates.empty());
  // A success before the brute force does not fire either.
  std::vector<StoredEvent> reversed = {Auth(1, kT0, "success", "10.0.0.1")};
  for (int64_t i = 2; i <= 6; ++i) reversed.push_back(Fail(i, kT0 + kMin + i * kSec));
  CHECK(Run(set, reversed).candidates.empty());
}

TEST_CASE("aliases map differently named fields of two rules into one group", "[engine]") {
  const RuleSet set = Load(Docs({kFailure, kConnection, R"(title: Attacker then contacted
id: t-alias
author: Test Author
correlation:
  type: temporal
  rules: [fail, conn]
  group-by: [ip]
  timespan: 10m
  aliases:
    ip:
      fail: source.ip
      conn: destination.ip
level: high
)"}));
  // The failure's source.ip is the connection's destination.ip.
  const RunResult r =
      Run(set, {Fail(1, kT0, "203.0.113.9"), Conn(2, kT0 + kMin, "10.0.0.5", "203.0.113.9")});
  REQUIRE(r.candidates.size() == 1);
  CHECK(r.candidates[0].group_key == R"({"ip":"203.0.113.9"})");
  CHECK(r.candidates[0].event_ids == Ids({1, 2}));
  // Matching by the same field name in both (source.ip) is not what the alias says.
  CHECK(Run(set, {Fail(1, kT0, "203.0.113.9"), Conn(2, kT0 + kMin, "203.0.113.9", "10.0.0.5")})
            .candidates.empty());
}

TEST_CASE("generate: referenced rules raise incidents only with generate: true", "[engine]") {
  const std::vector<StoredEvent> events = {Fail(1, kT0), Fail(2, kT0 + kSec),
                                           Auth(3, kT0 + kMin, "success", "10.0.0.1")};
  {
    const RuleSet set = Load(Temporal("temporal"));
    CHECK_FALSE(set.rules[RuleIndex(set, "t-fail")].generate);
    CHECK_FALSE(set.rules[RuleIndex(set, "t-success")].generate);
    const RunResult r = Run(set, events);
    REQUIRE(r.candidates.size() == 1);
    CHECK(set.rules[r.candidates[0].rule].id == "t-temporal");
  }
  {
    const RuleSet set = Load(Temporal("temporal", "  generate: true\n"));
    CHECK(set.rules[RuleIndex(set, "t-fail")].generate);
    CHECK(set.rules[RuleIndex(set, "t-success")].generate);
    const RunResult r = Run(set, events);
    REQUIRE(r.candidates.size() == 3);
    REQUIRE(Of(set, r.candidates, "t-fail").size() == 1);
    CHECK(Of(set, r.candidates, "t-fail")[0].event_ids == Ids({1, 2}));
    REQUIRE(Of(set, r.candidates, "t-success").size() == 1);
    CHECK(Of(set, r.candidates, "t-success")[0].event_ids == Ids({3}));
    REQUIRE(Of(set, r.candidates, "t-temporal").size() == 1);
    CHECK(Of(set, r.candidates, "t-temporal")[0].event_ids == Ids({1, 2, 3}));
  }
  {
    // A detection rule nobody references generates on its own.
    const RuleSet set = Load(std::string(kFailure));
    CHECK(set.rules[0].generate);
    const RunResult r = Run(set, events);
    REQUIRE(r.candidates.size() == 1);
    CHECK(r.candidates[0].event_ids == Ids({1, 2}));
    CHECK(r.candidates[0].group_key == R"({"source.ip":"10.0.0.1"})");
    CHECK(r.candidates[0].detail == "2 matching events");
  }
}

// ---------------------------------------------------------------------------------------------
// not_followed_by

TEST_CASE("not_followed_by fires only once a later event proves B did not follow", "[engine]") {
  const RuleSet set = Load(Temporal("not_followed_by"));
  const size_t rule = RuleIndex(set, "t-temporal");
  const int64_t deadline = kT0 + 5 * kMin;
  // Unrelated traffic that only moves event time forward.
  auto tick = [](int64_t id, int64_t ts) { return Conn(id, ts, "192.0.2.1", "192.0.2.2"); };

  SECTION("nothing later: still pending, no incident") {
    CHECK(Run(set, {Fail(1, kT0)}).candidates.empty());
    CHECK(Run(set, {Fail(1, kT0), tick(2, deadline)}).candidates.empty());  // at, not after
  }
  SECTION("a later event past the deadline: fires with A's event") {
    const RunResult r = Run(set, {Fail(1, kT0), tick(2, deadline + 1)});
    REQUIRE(r.candidates.size() == 1);
    CHECK(r.candidates[0].rule == rule);
    CHECK(r.candidates[0].event_ids == Ids({1}));
    CHECK(r.candidates[0].fired_us == deadline);
    CHECK(r.candidates[0].first_us == kT0);
    CHECK(r.candidates[0].group_key == R"({"source.ip":"10.0.0.1"})");
  }
  SECTION("B follows within the timespan: no incident") {
    CHECK(Run(set, {Fail(1, kT0), Auth(2, kT0 + 2 * kMin, "success", "10.0.0.1"),
                    tick(3, kT0 + 30 * kMin)})
              .candidates.empty());
  }
  SECTION("B exactly at the deadline counts as following") {
    CHECK(
        Run(set, {Fail(1, kT0), Auth(2, deadline, "success", "10.0.0.1"), tick(3, kT0 + 30 * kMin)})
            .candidates.empty());
  }
  SECTION("B one microsecond after the deadline is too late") {
    const RunResult r = Run(set, {Fail(1, kT0), Auth(2, deadline + 1, "success", "10.0.0.1"),
                                  tick(3, kT0 + 30 * kMin)});
    REQUIRE(r.candidates.size() == 1);
    CHECK(r.candidates[0].event_ids == Ids({1}));
  }
  SECTION("B in another group does not count") {
    const RunResult r = Run(
        set, {Fail(1, kT0), Auth(2, kT0 + kMin, "success", "10.0.0.2"), tick(3, kT0 + 30 * kMin)});
    REQUIRE(r.candidates.size() == 1);
    CHECK(r.candidates[0].event_ids == Ids({1}));
  }
}

// ---------------------------------------------------------------------------------------------
// beaconing

namespace {

std::string Beacon(const std::string& params = "") {
  return Docs({kConnection, R"(title: Beacon
id: t-beacon
author: Test Author
correlation:
  type: beaconing
  rules: [conn]
  group-by: [source.ip, destination.ip]
  timespan: 1h
)" + params + R"(level: high
)"});
}

}  // namespace

TEST_CASE("beaconing: min-connections must be a whole number from 4 to 1000000", "[engine]") {
  // 2.4e49 was converted to int unchecked (undefined behaviour; fuzz_rule_loader's find).
  for (const char* bad : {"2.4e49", "3", "4.5", "1000001", "-8", "x"}) {
    INFO(bad);
    const RuleSet set = LoadRules(
        {{"b.yml", Beacon(std::string("  beaconing:\n    min-connections: ") + bad + "\n")}});
    REQUIRE(set.problems.size() == 1);
    CHECK(set.problems[0].message == "min-connections must be a whole number from 4 to 1000000");
  }
  const RuleSet ok = LoadRules({{"b.yml", Beacon("  beaconing:\n    min-connections: 4\n")}});
  CHECK(ok.problems.empty());
}

TEST_CASE("beaconing: 60 connections every 60 s +-2 % fire", "[engine]") {
  const RuleSet set = Load(Beacon());
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> jitter(-0.02, 0.02);
  std::vector<StoredEvent> events;
  int64_t ts = kT0;
  for (int64_t i = 1; i <= 60; ++i) {
    events.push_back(Conn(i, ts, "10.0.0.5", "198.51.100.7"));
    ts += int64_t(60.0 * kSec * (1.0 + jitter(rng)));
  }
  const RunResult r = Run(set, events);
  REQUIRE(r.candidates.size() == 1);
  const Candidate& c = r.candidates[0];
  // In group-by order.
  CHECK(c.group_key == R"({"source.ip":"10.0.0.5","destination.ip":"198.51.100.7"})");
  CHECK(c.event_ids == Range(1, 60));
  CHECK(c.detail.rfind("beacon score ", 0) == 0);
  INFO(c.detail);
  CHECK(std::stod(c.detail.substr(13, 4)) >= 0.9);

  // Another pair with too few connections (below min-connections 20) is not a beacon.
  std::vector<StoredEvent> few;
  for (int64_t i = 1; i <= 19; ++i) few.push_back(Conn(i, kT0 + i * kMin, "10.0.0.6", "x"));
  CHECK(Run(set, few).candidates.empty());
}

TEST_CASE("beaconing: the same count at random intervals does not fire", "[engine]") {
  const RuleSet set = Load(Beacon());
  for (unsigned seed : {1u, 2u, 3u, 4u, 5u}) {
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    std::exponential_distribution<double> gap(1.0 / 60.0);  // mean 60 s
    std::vector<StoredEvent> events;
    int64_t ts = kT0;
    for (int64_t i = 1; i <= 60; ++i) {
      events.push_back(Conn(i, ts, "10.0.0.5", "198.51.100.7"));
      ts += 1 + int64_t(gap(rng) * kSec);
    }
    const RunResult r = Run(set, events);
    std::string details;
    for (const Candidate& c : r.candidates) details += c.detail + "\n";
    INFO(details);
    CHECK(r.candidates.empty());
  }
}

TEST_CASE("beaconing: min-interval excludes bursts", "[engine]") {
  // Perfectly regular, but every 2 s: a burst, not a beacon, under the default 10 s. Over a
  // 2-minute span persistence is low (score 0.77), so min-score is lowered to 0.7 in every
  // case: only min-interval decides.
  std::vector<StoredEvent> events;
  for (int64_t i = 1; i <= 60; ++i) {
    events.push_back(Conn(i, kT0 + i * 2 * kSec, "10.0.0.5", "198.51.100.7"));
  }
  CHECK(Run(Load(Beacon()), events).candidates.empty());
  CHECK(Run(Load(Beacon("  beaconing:\n    min-score: 0.7\n")), events).candidates.empty());
  CHECK(Run(Load(Beacon("  beaconing:\n    min-interval: 3s\n    min-score: 0.7\n")), events)
            .candidates.empty());
  // Lowering min-interval to the rhythm lets the same events fire.
  const RunResult r =
      Run(Load(Beacon("  beaconing:\n    min-interval: 2s\n    min-score: 0.7\n")), events);
  REQUIRE(r.candidates.size() == 1);
  CHECK(r.candidates[0].event_ids == Range(1, 60));
}

// ---------------------------------------------------------------------------------------------
// first_seen

namespace {

StoredEvent Login(int64_t id, int64_t ts, const std::string& user, const std::string& ip,
                  const std::string& action = "login") {
  StoredEvent e = Auth(id, ts, "success", ip, user);
  e.event.event_action = action;
  return e;
}

std::string FirstSeen(const std::string& learn) {
  return Docs({kSuccess, R"(title: New source for a user
id: t-first
author: Test Author
correlation:
  type: first_seen
  rules: [success]
  group-by: [user.name]
  timespan: 1d
  field: source.ip
)" + learn + R"(level: medium
)"});
}

}  // namespace

TEST_CASE("first_seen: the first value of a group is not new; later new values fire", "[engine]") {
  const RuleSet set = Load(FirstSeen(""));
  const RunResult r =
      Run(set, {Login(1, kT0, "alice", "10.0.0.1"), Login(2, kT0 + kMin, "alice", "10.0.0.1"),
                Login(3, kT0 + 2 * kMin, "bob", "10.0.0.7"),
                Login(4, kT0 + 3 * kMin, "alice", "10.0.0.2")});
  REQUIRE(r.candidates.size() == 1);
  CHECK(r.candidates[0].event_ids == Ids({4}));
  CHECK(r.candidates[0].group.at("user.name") == "alice");
  CHECK(r.candidates[0].group.at("source.ip") == "10.0.0.2");
  // Every first value is remembered (as keyed hashes), with each group's first appearance:
  // alice and bob as groups, and 10.0.0.1, 10.0.0.7 and 10.0.0.2 as values.
  REQUIRE(r.new_seen.size() == 1);
  CHECK(r.new_seen[0].rule == "t-first");
  const auto& entries = r.new_seen[0].entries;
  REQUIRE(entries.size() == 5);
  CHECK(std::count_if(entries.begin(), entries.end(), [](const auto& e) { return e.group; }) == 2);
  CHECK(entries[0].group);
  CHECK(entries[0].first_us == kT0);
  CHECK(entries.back().first_us == kT0 + 3 * kMin);
  CHECK(entries.back().hash != entries[1].hash);
}

TEST_CASE("first_seen: nothing is new during the learn period", "[engine]") {
  const RuleSet set = Load(FirstSeen("  learn: 1d\n"));
  const RunResult r = Run(set, {Login(1, kT0, "alice", "10.0.0.1"),
                                Login(2, kT0 + 1 * 60 * kMin, "alice", "10.0.0.2"),  // learning
                                Login(3, kT0 + 2 * 24 * 60 * kMin, "alice", "10.0.0.2"),  // known
                                Login(4, kT0 + 2 * 24 * 60 * kMin + 1, "alice", "10.0.0.3")});
  REQUIRE(r.candidates.size() == 1);
  CHECK(r.candidates[0].event_ids == Ids({4}));
}

TEST_CASE("first_seen with two rules: history, then trigger", "[engine]") {
  // History: every successful logon. Trigger: admin logons only.
  const RuleSet set = Load(Docs({kSuccess, R"(title: Admin logon
id: t-admin
name: admin
author: Test Author
logsource:
  category: authentication
detection:
  selection:
    event.action: admin_login
  condition: selection
level: informational
---
title: First admin logon from a new source
id: t-first2
author: Test Author
correlation:
  type: first_seen
  rules: [success, admin]
  group-by: [user.name]
  timespan: 1d
  field: source.ip
level: high
)"}));
  const RunResult r =
      Run(set, {Login(1, kT0, "alice", "10.0.0.1"),
                // New for alice, but matched only by the history rule: no incident.
                Login(2, kT0 + kMin, "alice", "10.0.0.2"),
                // Trigger (and history) from a value the history already knows: no incident.
                Login(3, kT0 + 2 * kMin, "alice", "10.0.0.2", "admin_login"),
                // Trigger and history on one event, with a new value: the history rule adds it
                // first, and the trigger still fires for it.
                Login(4, kT0 + 3 * kMin, "alice", "10.0.0.3", "admin_login")});
  REQUIRE(r.candidates.size() == 1);
  CHECK(r.candidates[0].event_ids == Ids({4}));
  CHECK(r.candidates[0].group.at("source.ip") == "10.0.0.3");
}

TEST_CASE("first_seen: values loaded from an earlier run are not new", "[engine]") {
  const RuleSet set = Load(FirstSeen(""));
  // Run 1 learns 10.0.0.1 and 10.0.0.2 for alice.
  const RunResult run1 =
      Run(set, {Login(1, kT0, "alice", "10.0.0.1"), Login(2, kT0 + kMin, "alice", "10.0.0.2")});
  REQUIRE(run1.candidates.size() == 1);
  REQUIRE(run1.new_seen.size() == 1);
  REQUIRE(run1.new_seen[0].entries.size() == 3);  // alice, 10.0.0.1, 10.0.0.2

  const std::vector<StoredEvent> later = {Login(3, kT0 + kDay, "alice", "10.0.0.2"),
                                          Login(4, kT0 + kDay + kMin, "alice", "10.0.0.1"),
                                          Login(5, kT0 + kDay + 2 * kMin, "alice", "10.0.0.3")};
  // Without the state, 10.0.0.2 starts the group and 10.0.0.1 looks new.
  // (New values of one user within the timespan are one incident.)
  const RunResult fresh = Run(set, later);
  REQUIRE(fresh.candidates.size() == 1);
  CHECK(fresh.candidates[0].event_ids == Ids({4, 5}));
  // With it, only 10.0.0.3 is new, and only it is remembered.
  const RunResult run2 = Run(set, later, {}, run1.new_seen);
  REQUIRE(run2.candidates.size() == 1);
  CHECK(run2.candidates[0].event_ids == Ids({5}));
  REQUIRE(run2.new_seen.size() == 1);
  REQUIRE(run2.new_seen[0].entries.size() == 1);  // only 10.0.0.3
  CHECK(run2.new_seen[0].entries[0].first_us == kT0 + kDay + 2 * kMin);
  // State for another rule id is ignored.
  std::vector<SeenState> other = run1.new_seen;
  for (SeenState& st : other) st.rule = "some-other-rule";
  const RunResult ignored = Run(set, later, {}, other);
  REQUIRE(ignored.candidates.size() == 1);
  CHECK(ignored.candidates[0].event_ids == Ids({4, 5}));
}

// ---------------------------------------------------------------------------------------------
// Derived fields, merging, the state cap, determinism

TEST_CASE("vigil.hour, vigil.weekday and vigil.offhours", "[engine]") {
  const RuleSet set = Load(R"(title: Off hours
id: t-off
author: Test Author
logsource:
  category: authentication
detection:
  selection:
    vigil.offhours: true
  condition: selection
level: low
---
title: Three in the morning
id: t-hour
author: Test Author
logsource:
  category: authentication
detection:
  selection:
    vigil.hour: 3
  condition: selection
level: low
---
title: Saturday
id: t-sat
author: Test Author
logsource:
  category: authentication
detection:
  selection:
    vigil.weekday: 6
  condition: selection
level: low
)");
  constexpr int64_t kHour = 60 * kMin;
  // One user per event, so each event is its own incident.
  const std::vector<StoredEvent> events = {
      Fail(1, kMonday + 3 * kHour, std::nullopt, "u1"),                    // Mon 03:00 off, hour 3
      Fail(2, kMonday + 8 * kHour, std::nullopt, "u2"),                    // Mon 08:00 working
      Fail(3, kMonday + 17 * kHour + 59 * kMin, std::nullopt, "u3"),       // Mon 17:59 working
      Fail(4, kMonday + 18 * kHour, std::nullopt, "u4"),                   // Mon 18:00 off
      Fail(5, kMonday + 4 * 24 * kHour + 12 * kHour, std::nullopt, "u5"),  // Fri 12:00 working
      Fail(6, kMonday + 5 * 24 * kHour + 12 * kHour, std::nullopt, "u6"),  // Sat 12:00 off
      Fail(7, kMonday + 6 * 24 * kHour + 3 * kHour, std::nullopt, "u7"),   // Sun 03:00 off
  };
  const RunResult r = Run(set, events);
  auto ids = [&](std::string_view rule) {
    std::vector<int64_t> out;
    for (const Candidate& c : Of(set, r.candidates, rule)) {
      out.insert(out.end(), c.event_ids.begin(), c.event_ids.end());
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  CHECK(ids("t-off") == Ids({1, 4, 6, 7}));
  CHECK(ids("t-hour") == Ids({1, 7}));
  CHECK(ids("t-sat") == Ids({6}));

  // Working hours are options.
  EngineOptions night;
  night.work_start_hour = 0;
  night.work_end_hour = 4;
  const RunResult n = Run(set, events, night);
  std::vector<int64_t> off;
  for (const Candidate& c : Of(set, n.candidates, "t-off")) {
    off.insert(off.end(), c.event_ids.begin(), c.event_ids.end());
  }
  std::sort(off.begin(), off.end());
  CHECK(off == Ids({2, 3, 4, 5, 6, 7}));
}

TEST_CASE("MergeOverlapping keeps the highest-level rule and records the others", "[engine]") {
  const RuleSet set = Load(R"(title: Low rule
id: t-low
author: Test Author
logsource:
  category: authentication
detection:
  selection:
    event.outcome: failure
  condition: selection
level: low
---
title: High rule
id: t-high
author: Test Author
logsource:
  category: authentication
detection:
  selection:
    event.outcome: failure
  condition: selection
level: high
---
title: Medium rule
id: t-medium
author: Test Author
logsource:
  category: authentication
detection:
  selection:
    event.outcome: failure
  condition: selection
level: medium
)");
  auto make = [](size_t rule, std::vector<int64_t> ids, std::string detail) {
    Candidate c;
    c.rule = rule;
    c.group_key = "g" + std::to_string(rule);
    c.first_us = kT0 + ids.front() * kSec;
    c.last_us = kT0 + ids.back() * kSec;
    c.fired_us = c.last_us;
    c.event_ids = std::move(ids);
    c.fires = 1;
    c.detail = std::move(detail);
    return c;
  };
  const size_t low = RuleIndex(set, "t-low"), high = RuleIndex(set, "t-high");
  const size_t medium = RuleIndex(set, "t-medium");
  std::vector<Candidate> cs = {
      make(low, Range(1, 10), "low detail"),       // shares 6 of high's 8: merged
      make(high, Range(5, 12), "high detail"),     //
      make(medium, Range(100, 110), "unrelated"),  // no overlap: stays
      make(medium, Ids({12, 200, 201, 202, 203}), "one shared of five"),  // < half: stays
  };
  MergeOverlapping(set, &cs);
  REQUIRE(cs.size() == 3);
  CHECK(cs[0].rule == high);
  CHECK(cs[0].detail == "high detail");
  CHECK(cs[0].also_rules == std::vector<size_t>{low});
  CHECK(cs[0].also_details == std::vector<std::string>{"low detail"});
  CHECK(cs[0].event_ids == Range(1, 12));
  CHECK(cs[0].first_us == kT0 + kSec);
  CHECK(cs[0].fires == 2);
  CHECK(cs[1].rule == medium);
  CHECK(cs[1].event_ids == Range(100, 110));
  CHECK(cs[1].also_rules.empty());
  CHECK(cs[2].event_ids == Ids({12, 200, 201, 202, 203}));

  // From the engine: three rules on the same events become one incident of the high rule.
  std::vector<StoredEvent> events;
  for (int64_t i = 1; i <= 3; ++i) events.push_back(Fail(i, kT0 + i * kSec));
  std::vector<Candidate> found = Run(set, events).candidates;
  REQUIRE(found.size() == 3);
  MergeOverlapping(set, &found);
  REQUIRE(found.size() == 1);
  CHECK(found[0].rule == high);
  std::vector<size_t> also = found[0].also_rules;
  std::sort(also.begin(), also.end());
  CHECK(also == std::vector<size_t>{std::min(low, medium), std::max(low, medium)});
}

TEST_CASE("the state cap warns and stops tracking new groups", "[engine]") {
  const RuleSet set = Load(EventCount("    gte: 3"));
  std::vector<StoredEvent> events;
  int64_t id = 0;
  for (const char* ip : {"10.0.0.1", "10.0.0.2", "10.0.0.3"}) {
    for (int i = 0; i < 3; ++i) {
      ++id;
      events.push_back(Fail(id, kT0 + id * kSec, std::string(ip)));
    }
  }
  EngineOptions capped;
  capped.max_groups_per_rule = 2;
  const RunResult r = Run(set, events, capped);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].find("Brute force") != std::string::npos);
  CHECK(r.warnings[0].find("state cap of 2 groups") != std::string::npos);
  REQUIRE(r.candidates.size() == 2);  // the third IP is not tracked
  CHECK(r.candidates[0].group_key == R"({"source.ip":"10.0.0.1"})");
  CHECK(r.candidates[1].group_key == R"({"source.ip":"10.0.0.2"})");

  const RunResult uncapped = Run(set, events);
  CHECK(uncapped.warnings.empty());
  CHECK(uncapped.candidates.size() == 3);
}

TEST_CASE("the same events fed twice give identical candidates", "[engine]") {
  const RuleSet set = Load(Docs({kFailure, kSuccess, R"(title: Brute force
id: t-brute
author: Test Author
correlation:
  type: event_count
  rules: [fail]
  group-by: [source.ip]
  timespan: 1m
  condition:
    gte: 3
level: high
---
title: Spray
id: t-spray
author: Test Author
correlation:
  type: value_count
  rules: [fail]
  group-by: [source.ip]
  timespan: 5m
  condition:
    field: user.name
    gte: 3
level: high
---
title: Failure and success
id: t-temporal
author: Test Author
correlation:
  type: temporal
  rules: [fail, success]
  group-by: [user.name]
  timespan: 5m
level: medium
)"}));
  std::mt19937 rng(7);
  std::vector<StoredEvent> events;
  int64_t ts = kT0;
  for (int64_t i = 1; i <= 400; ++i) {
    ts += int64_t(rng() % 3) * kSec;  // many equal timestamps
    const std::string ip = "10.0.0." + std::to_string(rng() % 20);
    const std::string user = "u" + std::to_string(rng() % 15);
    events.push_back(Auth(i, ts, rng() % 5 ? "failure" : "success", ip, user));
  }
  const RunResult a = Run(set, events);
  const RunResult b = Run(set, events);
  REQUIRE(a.candidates.size() > 3);
  REQUIRE(a.candidates.size() == b.candidates.size());
  for (size_t i = 0; i < a.candidates.size(); ++i) {
    const Candidate& x = a.candidates[i];
    const Candidate& y = b.candidates[i];
    INFO("candidate " << i);
    CHECK(x.rule == y.rule);
    CHECK(x.group_key == y.group_key);
    CHECK(x.first_us == y.first_us);
    CHECK(x.last_us == y.last_us);
    CHECK(x.fired_us == y.fired_us);
    CHECK(x.event_ids == y.event_ids);
    CHECK(x.fires == y.fires);
    CHECK(x.detail == y.detail);
  }
  CHECK(a.match_counts == b.match_counts);
  // Finish orders by first time, then rule, then group.
  for (size_t i = 1; i < a.candidates.size(); ++i) {
    const Candidate& p = a.candidates[i - 1];
    const Candidate& c = a.candidates[i];
    CHECK((std::tie(p.first_us, p.rule, p.group_key) <= std::tie(c.first_us, c.rule, c.group_key)));
  }
}

// Found by tests/fuzz/fuzz_rule_loader: yaml-cpp 0.7's LoadAll never returns on this input
// (it keeps producing documents until memory runs out). The loader must answer at once, and
// say that the text held no rule rather than loading nothing silently.
TEST_CASE("The rule loader answers on input that makes yaml-cpp's LoadAll loop", "[engine]") {
  const std::string text =
      ",itle: Suspicious av#rage network traffic\ncorrelation:\n   t pye: vadition:\n"
      "        fielOut\n        gt: 500\n";
  const RuleSet set = vigil::correlate::LoadRules({{"hang.yml", text}});
  CHECK(set.rules.empty());
  REQUIRE(set.problems.size() == 1);
  CHECK(set.problems[0].where == "hang.yml:1");
  // Documents are still split at --- lines, with file line numbers.
  const RuleSet two =
      vigil::correlate::LoadRules({{"two.yml",
                                    "# comment\n---\ntitle: A\nid: a\nlogsource: {category: web}\n"
                                    "detection: {s: {x: 1}, condition: s}\n---\ntitle: B\n"
                                    "detection: {s: {x|nosuch: 1}, condition: s}\n---\n"}});
  REQUIRE(two.rules.size() == 1);
  CHECK(two.rules[0].line == 3);
  REQUIRE(two.problems.size() == 1);
  CHECK(two.problems[0].where == "two.yml:9");
}
