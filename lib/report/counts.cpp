#include "report/counts.h"

#include <algorithm>
#include <cstdlib>

#include "core/encoding.h"

namespace vigil::report {
namespace {

constexpr int64_t kSameMomentUs = 1'000'000;  // two sensors' clocks and queues: a second

std::string Text(const std::optional<std::string>& v) { return v ? TerminalSafe(*v) : ""; }

bool IsPersonAccount(std::string_view name) {
  return !name.empty() && name != "-" && name.back() != '$';
}

// "24868" from {"program":"sshd","pid":"24868"} or {"pid":24868}.
std::string Pid(const std::optional<std::string>& fields) {
  if (!fields) return {};
  const std::string_view f = *fields;
  const size_t at = f.find("\"pid\":");
  if (at == std::string_view::npos) return {};
  size_t i = at + 6;
  if (i < f.size() && f[i] == '"') ++i;
  size_t end = i;
  while (end < f.size() && f[end] >= '0' && f[end] <= '9') ++end;
  return std::string(f.substr(i, end - i));
}

// Lines that describe an attempt a service gives its own verdict on: PAM's records of it,
// sshd's "Invalid user" prelude and reverse-mapping note (syslog_parser.cpp names them).
bool Describes(std::string_view action) {
  return action.rfind("pam_", 0) == 0 || action.rfind("session_", 0) == 0 ||
         action == "ssh_invalid_user" || action == "ssh_reverse_mapping_failed";
}

// "sshd" from {"program":"sshd",...}, else the process name.
std::string Program(const Event& e) {
  std::string p = e.fields ? JsonStringMember(*e.fields, "program") : std::string();
  if (p.empty() && e.process_name) p = *e.process_name;
  return p;
}

}  // namespace

std::string JsonStringMember(std::string_view json, std::string_view key) {
  std::string needle = "\"";
  needle += key;
  needle += "\"";
  for (size_t at = json.find(needle); at != std::string_view::npos;
       at = json.find(needle, at + 1)) {
    size_t i = at + needle.size();
    while (i < json.size() && (json[i] == ' ' || json[i] == '\t')) ++i;
    if (i >= json.size() || json[i] != ':') continue;
    ++i;
    while (i < json.size() && (json[i] == ' ' || json[i] == '\t')) ++i;
    if (i >= json.size() || json[i] != '"') return {};
    const size_t end = json.find('"', i + 1);
    if (end == std::string_view::npos) return {};
    const std::string_view value = json.substr(i + 1, end - i - 1);
    if (value.find('\\') != std::string_view::npos) return {};
    return std::string(value);
  }
  return {};
}

bool EvidenceCounter::Add(const StoredEvent& stored) {
  const Event& e = stored.event;
  const std::string host = Text(e.host_name);
  if (e.source_ip && e.destination_ip && e.source_port && e.destination_port) {
    auto& seen = wire_[Wire{Text(e.event_action), *e.source_ip, *e.source_port, *e.destination_ip,
                            *e.destination_port, Text(e.network_protocol)}];
    const bool duplicate = std::any_of(seen.begin(), seen.end(), [&](const Seen& s) {
      return s.host != host && e.ts_us - s.ts_us <= kSameMomentUs;
    });
    seen.push_back({e.ts_us, host});
    if (duplicate) {
      ++duplicates_;
      return false;
    }
  }
  const std::string outcome = e.event_outcome ? Text(e.event_outcome) : "unknown";
  std::string pid = Pid(e.fields);
  if (pid.empty()) pid = "#" + std::to_string(stored.id);
  const std::string action = Text(e.event_action), program = Program(e);
  ++attempts_[{outcome, host, pid, Text(e.source_ip)}][action];
  program_of_[{outcome, host, pid, Text(e.source_ip)}] = program;
  if (!Describes(action)) judged_.insert({outcome, host, program});

  std::string acting;  // the account of an event that did not fail acted
  if (outcome != "failure" && e.user_name && IsPersonAccount(*e.user_name)) {
    acting = Text(e.user_name);
    ++accounts_[acting];
  }
  // Windows names the calling account and the workstation in the record itself.
  const std::string caller = TerminalSafe(JsonStringMember(stored.raw, "SubjectUserName"));
  if (IsPersonAccount(caller) && caller != acting) ++accounts_[caller];
  const std::string station = TerminalSafe(JsonStringMember(stored.raw, "WorkstationName"));
  if (!station.empty() && station != "-") ++workstations_[station];
  return true;
}

void EvidenceCounter::Finish(Incident& inc) const {
  std::map<std::string, int64_t> outcomes;
  for (const auto& [key, actions] : attempts_) {
    int64_t verdicts = 0, described = 0;
    for (const auto& [action, n] : actions) {
      int64_t& most = Describes(action) ? described : verdicts;
      most = std::max(most, n);
    }
    const auto& [outcome, host, pid, source] = key;
    // A process whose verdict line is missing (a log cut short) adds none when its program
    // gives verdicts elsewhere in the incident; a program that never does is counted by its
    // descriptive lines.
    const bool program_judges = judged_.count({outcome, host, program_of_.at(key)}) > 0;
    outcomes[outcome] += verdicts > 0 ? verdicts : (program_judges ? 0 : described);
  }
  auto by_count = [](const std::map<std::string, int64_t>& m) {
    std::vector<std::pair<std::string, int64_t>> v(m.begin(), m.end());
    std::stable_sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second > b.second; });
    return v;
  };
  inc.outcomes = by_count(outcomes);
  inc.actor_accounts = by_count(accounts_);
  inc.workstations = by_count(workstations_);
  inc.duplicate_events = duplicates_;
}

}  // namespace vigil::report
