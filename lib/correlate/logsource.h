#pragma once
// A Sigma rule's log source (product / service / category), as written in the rule.

#include <string>

namespace vigil::correlate {

struct Logsource {
  std::string product;   // "windows", "linux", "zeek", "aws", ... (lower case); empty: any
  std::string service;   // "security", "sshd", "http", "cloudtrail", ...; empty: any
  std::string category;  // "process_creation", "firewall", "authentication", ...; empty: any
};

}  // namespace vigil::correlate
