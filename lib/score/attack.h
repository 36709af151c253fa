#pragma once
// MITRE ATT&CK Enterprise (v18.1) offline: technique and tactic names for the tags rules carry
// (attack.t1110.003, attack.credential-access). The tables are compiled in from
// lib/score/attack/ (MITRE's licence and notice travel with them: attack/LICENSE.txt).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::score {

struct Tactic {
  std::string id;         // TA0006
  std::string shortname;  // credential-access
  std::string name;       // Credential Access
  int order = 0;          // position in the Enterprise matrix (kill-chain order)
};

struct Technique {
  std::string id;                    // T1110.003
  std::string name;                  // Password Spraying
  std::vector<std::string> tactics;  // shortnames
};

// The tables (parsed once, on first use).
const std::vector<Technique>& Techniques();
const std::vector<Tactic>& Tactics();

const Technique* FindTechnique(std::string_view id);  // "T1110.003" or "t1110.003"
const Tactic* FindTactic(std::string_view name);  // shortname, with - or _ ("credential_access")

// What a rule's tags say in ATT&CK terms: the techniques (in tag order, each once) and the
// tactics named directly or through those techniques (in matrix order). Tags that are not
// ATT&CK, or that name nothing in the table, are listed in `unknown` when they look like
// ATT&CK tags (attack.*).
struct TagMapping {
  std::vector<const Technique*> techniques;
  std::vector<const Tactic*> tactics;
  std::vector<std::string> unknown;
};
TagMapping MapTags(const std::vector<std::string>& tags);

// Whether the tags name the tactic (a shortname), directly or through one of its techniques.
bool HasTactic(const std::vector<std::string>& tags, std::string_view tactic);

// "T1110.003 Password Spraying (Credential Access)".
std::string Describe(const Technique& t);

// The attribution MITRE's licence asks for wherever ATT&CK names are printed.
constexpr std::string_view kAttackNotice =
    "MITRE ATT&CK(R) (c) 2025 The MITRE Corporation. This work is reproduced and distributed "
    "with the permission of The MITRE Corporation.";

}  // namespace vigil::score
