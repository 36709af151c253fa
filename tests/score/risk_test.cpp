// The risk of an incident: each sub-score's value and reason, the weighted sum, the bands.
#include "score/risk.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <tuple>

#include "config/config.h"
#include "score/profile.h"

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

IncidentFacts BruteForce() {
  IncidentFacts f;
  f.level = "high";
  f.first_us = 0;
  f.last_us = 120'000'000;  // two minutes
  f.events = 74;
  f.failures = 74;
  f.distinct_users = 1;
  f.distinct_destinations = 1;
  f.has_model = true;
  f.max_anomaly = 0.60;
  f.anomaly_event = 7;
  return f;
}

}  // namespace

// Issue 21 added a seventh part, impact: its points are what the impact rule changed (here the
// ceiling of failures alone), so the seven parts still add up to the risk.
TEST_CASE("risk: six named parts, weighted by the config, summed and rounded", "[score]") {
  Config config;
  const RiskScore s = ScoreIncident(BruteForce(), config);
  REQUIRE(s.components.size() == 7);
  const char* names[] = {"rule", "intensity", "outcome", "anomaly", "behaviour", "context"};
  double total = 0;
  for (size_t i = 0; i < 6; ++i) {
    CHECK(s.components[i].name == names[i]);
    CHECK(s.components[i].value >= 0);
    CHECK(s.components[i].value <= 1);
    CHECK_FALSE(s.components[i].why.empty());
    total += s.components[i].points();
  }
  CHECK(s.components[6].name == "impact");
  CHECK(s.risk < int(std::lround(total)));  // 74 failures only: held below High
  CHECK(s.risk == Approx(total + s.components[6].points()).margin(1e-9));
  CHECK(Part(s, "rule").value == Approx(0.85));
  CHECK(Part(s, "rule").weight == config.weights.rule);
  CHECK(Part(s, "outcome").value == Approx(0.2));
  CHECK(Part(s, "outcome").why == "all 74 attempts failed");
  // 74 events in 2 minutes: 37/min, log10(38)/2.
  CHECK(Part(s, "intensity").value == Approx(std::log10(38.0) / 2));
  CHECK(Part(s, "anomaly").value == Approx(0.4));
  CHECK(Part(s, "anomaly").why.find("0.600 (event 7") != std::string::npos);
  CHECK(Part(s, "behaviour").value == 0);
  CHECK(Part(s, "context").value == 0);
  CHECK(s.severity == config.SeverityOf(s.risk));
}

TEST_CASE("risk: a success after failures, privilege and data moved raise the outcome", "[score]") {
  Config config;
  IncidentFacts f = BruteForce();
  const int before = ScoreIncident(f, config).risk;
  f.successes = 1;
  f.success_event = 99;
  f.failures_before_success = 74;
  const RiskScore s = ScoreIncident(f, config);
  CHECK(Part(s, "outcome").value == 1.0);
  CHECK(Part(s, "outcome").why == "a success (event 99) after 74 failures");
  // The outcome part goes from 0.2 to 1, and (issue 21) the failures alone were held below
  // High while the success lifts the incident to at least High.
  CHECK(Part(s, "outcome").points() -
            Part(ScoreIncident(BruteForce(), config), "outcome").points() ==
        Approx(100 * config.weights.outcome * 0.8));
  CHECK(before < config.bands.high);
  CHECK(s.risk >= config.bands.high);

  IncidentFacts exfil;
  exfil.level = "medium";
  exfil.events = 6;
  exfil.bytes_out = exfil.bulk_bytes = 100'000'000;
  exfil.bulk_transfers = 3;
  CHECK(Part(ScoreIncident(exfil, config), "outcome").value == Approx(1.0));
  CHECK(Part(ScoreIncident(exfil, config), "outcome").why ==
        "100.00 MB sent in 3 transfers of 64 kB or more (1 MB = 0.5, 100 MB = full)");
  exfil.bytes_out = exfil.bulk_bytes = 1'000'000;
  CHECK(Part(ScoreIncident(exfil, config), "outcome").value == Approx(0.5));
  // Megabytes in small pieces (a status poll over days) are not data moved.
  exfil.bulk_bytes = exfil.bulk_transfers = 0;
  exfil.bytes_out = 1'600'000;
  CHECK(Part(ScoreIncident(exfil, config), "outcome").value == Approx(0.4));
  exfil.bytes_out = 500;  // small, but an exfiltration technique moved it
  exfil.tags = {"attack.exfiltration", "attack.t1048.003"};
  CHECK(Part(ScoreIncident(exfil, config), "outcome").value == Approx(0.5));

  IncidentFacts priv;
  priv.level = "high";
  priv.events = 2;
  priv.privileged_actions = 1;
  CHECK(Part(ScoreIncident(priv, config), "outcome").value == Approx(0.9));
}

TEST_CASE("risk: context from critical assets and privileged accounts", "[score]") {
  Config config;
  IncidentFacts f = BruteForce();
  f.privileged_accounts = {"root"};
  CHECK(Part(ScoreIncident(f, config), "context").value == Approx(0.7));
  CHECK(Part(ScoreIncident(f, config), "context").why == "privileged accounts: root");
  f.critical_assets = {"10.0.0.5"};
  CHECK(Part(ScoreIncident(f, config), "context").value == 1.0);
}

TEST_CASE("risk: behaviour flags combine as independent evidence", "[score]") {
  Config config;
  IncidentFacts f = BruteForce();
  f.flag_entities.assign(vigil::score::kFlagCount, "");
  f.flags = vigil::score::kUserNewSource;  // weight 0.5
  CHECK(Part(ScoreIncident(f, config), "behaviour").value == Approx(0.5));
  f.flags |= vigil::score::kUserFirstPrivilege;  // weight 0.8: 1 - 0.5 * 0.2
  f.flag_entities[4] = "user alice";
  const RiskScore s = ScoreIncident(f, config);
  const auto& part = Part(s, "behaviour");
  CHECK(part.value == Approx(0.9));
  CHECK(part.why.find("user.first_privilege (the user's first privileged action: user alice)") !=
        std::string::npos);
}

TEST_CASE("risk: weights come from the config and bands decide the severity", "[score]") {
  auto config = vigil::config::ParseConfig(R"(
score:
  weights: {rule: 1, intensity: 0, outcome: 0, anomaly: 0, behaviour: 0, context: 0}
  bands: {medium: 20, high: 50, critical: 90}
)",
                                           "test.yml");
  REQUIRE(config);
  IncidentFacts f;
  for (const auto& [level, risk, severity] :
       std::vector<std::tuple<std::string, int, std::string>>{{"informational", 10, "Low"},
                                                              {"low", 35, "Medium"},
                                                              {"medium", 60, "High"},
                                                              {"high", 85, "High"},
                                                              {"critical", 100, "Critical"}}) {
    f.level = level;
    const RiskScore s = ScoreIncident(f, *config);
    INFO(level);
    CHECK(s.risk == risk);
    CHECK(s.severity == severity);
  }
}

TEST_CASE("risk: an event outside incidents is capped by its anomaly alone", "[score]") {
  Config config;
  CHECK(vigil::score::LoneEventRisk(-1, config) == 0);
  CHECK(vigil::score::LoneEventRisk(0.45, config) == 0);
  CHECK(vigil::score::LoneEventRisk(0.80, config) == config.unincidented_event_cap);
  CHECK(config.SeverityOf(config.unincidented_event_cap) != "High");
  CHECK(config.SeverityOf(config.unincidented_event_cap) != "Critical");
}
