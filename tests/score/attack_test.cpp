#include "score/attack.h"

#include <catch2/catch.hpp>

#include "correlate/rule.h"

namespace {

using vigil::score::Describe;
using vigil::score::FindTactic;
using vigil::score::FindTechnique;
using vigil::score::MapTags;

TEST_CASE("The ATT&CK tables are compiled in whole", "[score]") {
  CHECK(vigil::score::Techniques().size() == 691);  // 216 techniques, 475 sub-techniques
  CHECK(vigil::score::Tactics().size() == 14);
  const auto* spray = FindTechnique("t1110.003");
  REQUIRE(spray != nullptr);
  CHECK(spray->name == "Password Spraying");
  CHECK(Describe(*spray) == "T1110.003 Password Spraying (Credential Access)");
  const auto* access = FindTactic("credential_access");
  REQUIRE(access != nullptr);
  CHECK(access->id == "TA0006");
  CHECK(FindTactic("TA0006") == access);
  CHECK(FindTechnique("T9999") == nullptr);
}

TEST_CASE("Rule tags map to techniques and tactics in matrix order", "[score]") {
  const auto m = MapTags({"attack.exfiltration", "attack.t1110.003", "attack.T1078",
                          "attack.t1110.003", "attack.g0007", "attack.s0002", "cve.2021-44228",
                          "attack.t9999", "attack.no-such-tactic"});
  REQUIRE(m.techniques.size() == 2);
  CHECK(m.techniques[0]->id == "T1110.003");
  CHECK(m.techniques[1]->id == "T1078");
  // T1078 spans Defense Evasion, Persistence, Privilege Escalation and Initial Access.
  REQUIRE(m.tactics.size() >= 3);
  for (size_t i = 1; i < m.tactics.size(); ++i)
    CHECK(m.tactics[i - 1]->order < m.tactics[i]->order);
  CHECK(m.tactics.back()->shortname == "exfiltration");
  CHECK(m.unknown == std::vector<std::string>{"attack.t9999", "attack.no-such-tactic"});
}

TEST_CASE("Every ATT&CK tag of the built-in rule pack names a real technique or tactic",
          "[score]") {
  const auto set = vigil::correlate::LoadRules(vigil::correlate::BuiltinRuleSources());
  REQUIRE(set.problems.empty());
  size_t tagged = 0;
  for (const auto& rule : set.rules) {
    const auto m = MapTags(rule.tags);
    INFO(rule.title);
    CHECK(m.unknown.empty());
    if (rule.generate) {
      // Every rule that raises incidents says which technique it finds.
      CHECK_FALSE(m.techniques.empty());
      ++tagged;
    }
  }
  CHECK(tagged == 44);
}

}  // namespace
