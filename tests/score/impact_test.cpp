// Severity by impact (issue 21, item 5): confirmed impact outranks any number of failures;
// failures alone scale with their evidence and stay below the High band.
#include "score/impact.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "config/config.h"
#include "score/profile.h"
#include "score/risk.h"

using vigil::config::Config;
using vigil::score::IncidentFacts;
using vigil::score::RiskScore;
using vigil::score::ScoreIncident;

namespace {

const vigil::score::Component& Part(const RiskScore& s, const std::string& name) {
  for (const auto& c : s.components) {
    if (c.name == name) return c;
  }
  FAIL("no component " << name);
  return s.components.front();
}

// Failures only, with every other part as high as it goes: a critical rule, an anomalous
// event, behaviour flags, a critical asset.
IncidentFacts FailuresOnly(int64_t attempts, int64_t minutes, int64_t targets) {
  IncidentFacts f;
  f.level = "critical";
  f.also = {"high"};
  f.first_us = 0;
  f.last_us = minutes * 60'000'000;
  f.events = f.failures = attempts;
  f.distinct_users = targets;
  f.distinct_destinations = 1;
  f.has_model = true;
  f.max_anomaly = 0.9;
  f.flags = vigil::score::kUserNewSource | vigil::score::kUserNewCountry;
  f.flag_entities.assign(vigil::score::kFlagCount, "");
  f.critical_assets = {"10.0.0.5"};
  return f;
}

// A single success after one failure, under a low-level rule, nothing else remarkable.
IncidentFacts OneSuccess() {
  IncidentFacts f;
  f.level = "low";
  f.first_us = 0;
  f.last_us = 30'000'000;
  f.events = 2;
  f.failures = 1;
  f.successes = 1;
  f.success_event = 2;
  f.failures_before_success = 1;
  f.distinct_users = 1;
  return f;
}

double Sum(const RiskScore& s) {
  double total = 0;
  for (const auto& c : s.components) total += c.points();
  return total;
}

}  // namespace

TEST_CASE(
    "issue 21: failed-only at 10 and at 1,000 attempts both rank below a single "
    "confirmed success",
    "[score][issue21]") {
  Config config;
  const RiskScore ten = ScoreIncident(FailuresOnly(10, 2, 1), config);
  const RiskScore thousand = ScoreIncident(FailuresOnly(1000, 120, 50), config);
  const RiskScore ten_thousand = ScoreIncident(FailuresOnly(100'000, 5'000, 1'000), config);
  const RiskScore success = ScoreIncident(OneSuccess(), config);
  INFO("10: " << ten.risk << ", 1000: " << thousand.risk << ", 100000: " << ten_thousand.risk
              << ", one success: " << success.risk);
  CHECK(ten.risk < thousand.risk);
  CHECK(thousand.risk < success.risk);
  CHECK(ten_thousand.risk < success.risk);
  CHECK(ten_thousand.risk < config.bands.high);
  CHECK(ten_thousand.severity == "Medium");
  CHECK(ten.severity == "Medium");  // a high rule's failures are worth a look, but not High
  CHECK(success.risk >= config.bands.high);
  CHECK(success.severity == "High");
  CHECK(Part(success, "impact").why.find("access: a success (event 2) after 1 failure") !=
        std::string::npos);
  CHECK(Part(thousand, "impact").why.find("failures only, no success: at most ") == 0);
}

TEST_CASE("issue 21: failures alone scale with attempts first, then duration and targets",
          "[score][issue21]") {
  Config config;
  // OpenSSH_2k's shapes: 286 attempts in 10 minutes on 10 accounts; 26 in one minute; 46
  // over two hours on 19 accounts.
  const int big = ScoreIncident(FailuresOnly(286, 10, 10), config).risk;
  const int small = ScoreIncident(FailuresOnly(26, 1, 2), config).risk;
  const int long_few = ScoreIncident(FailuresOnly(46, 113, 19), config).risk;
  CHECK(big > long_few);
  CHECK(long_few > small);
  // With the attempts equal, a longer campaign and more targets count.
  CHECK(ScoreIncident(FailuresOnly(100, 600, 1), config).risk >
        ScoreIncident(FailuresOnly(100, 1, 1), config).risk);
  CHECK(ScoreIncident(FailuresOnly(100, 1, 100), config).risk >
        ScoreIncident(FailuresOnly(100, 1, 1), config).risk);
  // A ceiling, not a floor: a low rule with nothing else stays where its parts put it.
  IncidentFacts quiet = FailuresOnly(1000, 60, 1);
  quiet.level = "informational";
  quiet.also.clear();
  quiet.has_model = false;
  quiet.flags = 0;
  quiet.critical_assets.clear();
  const RiskScore q = ScoreIncident(quiet, config);
  CHECK(q.risk <
        vigil::score::FailedOnlyCeiling(vigil::score::ImpactOf(quiet).evidence, config.bands));
  CHECK(Part(q, "impact").value == Approx(0).margin(0.005));
}

TEST_CASE("issue 21: each kind of confirmed impact lifts to High, two kinds to Critical",
          "[score][issue21]") {
  Config config;
  IncidentFacts base;
  base.level = "low";
  base.events = 3;

  IncidentFacts priv = base;
  priv.privileged_actions = 1;
  CHECK(ScoreIncident(priv, config).severity == "High");

  IncidentFacts spread = base;
  spread.tags = {"attack.lateral-movement", "attack.t1021.006"};
  CHECK(ScoreIncident(spread, config).severity != "High");  // nothing on the other host yet
  spread.successes = 2;
  CHECK(ScoreIncident(spread, config).severity == "High");
  spread.successes = 0;
  spread.bulk_bytes = spread.bytes_out = 6'000'000;  // a file copied over SMB
  CHECK(ScoreIncident(spread, config).severity == "High");

  IncidentFacts data = base;
  data.bulk_bytes = data.bytes_out = 50'000'000;
  data.bulk_transfers = 4;
  CHECK(ScoreIncident(data, config).severity != "High");  // no exfiltration rule said so
  data.tags = {"attack.exfiltration"};
  const RiskScore d = ScoreIncident(data, config);
  CHECK(d.severity == "High");
  CHECK(Part(d, "impact").why.find("data: 50.00 MB left in 4 bulk transfers") != std::string::npos);

  // A high rule whose own events include a success: the technique was carried out.
  IncidentFacts used = base;
  used.level = "high";
  used.successes = 11;
  used.events = 11;
  CHECK(ScoreIncident(used, config).severity == "High");
  used.level = "medium";
  CHECK(ScoreIncident(used, config).severity != "High");

  // A logon after failures and then data leaving: two kinds.
  IncidentFacts both = data;
  both.failures = 6;
  both.successes = 1;
  both.success_event = 7;
  both.failures_before_success = 6;
  const RiskScore c = ScoreIncident(both, config);
  CHECK(c.risk >= config.bands.critical);
  CHECK(c.severity == "Critical");
}

TEST_CASE("issue 21: the impact part's points are the change, so the parts add up to the risk",
          "[score][issue21]") {
  Config config;
  for (const IncidentFacts& f : {FailuresOnly(50, 5, 3), OneSuccess(), IncidentFacts{}}) {
    const RiskScore s = ScoreIncident(f, config);
    REQUIRE(s.components.size() == 7);
    CHECK(s.components.back().name == "impact");
    CHECK(s.components.back().weight == 1.0);
    CHECK(Sum(s) == Approx(s.risk).margin(1e-9));
  }
  CHECK(Part(ScoreIncident(FailuresOnly(50, 5, 3), config), "impact").value < 0);
  CHECK(Part(ScoreIncident(OneSuccess(), config), "impact").value > 0);
  CHECK(Part(ScoreIncident(IncidentFacts{}, config), "impact").why ==
        "neither confirmed impact nor failures only: the parts stand");
}

TEST_CASE("issue 21: the floor and the ceiling follow the config's bands", "[score][issue21]") {
  auto config = vigil::config::ParseConfig(
      "score:\n  bands: {medium: 20, high: 40, critical: 60}\n", "test.yml");
  REQUIRE(config);
  const RiskScore failed = ScoreIncident(FailuresOnly(100'000, 5'000, 1'000), *config);
  CHECK(failed.risk == 39);
  CHECK(failed.severity == "Medium");
  CHECK(vigil::score::FailedOnlyCeiling(0, config->bands) == 20);
  IncidentFacts low = OneSuccess();
  low.level = "informational";
  CHECK(ScoreIncident(low, *config).risk == 40);
}
