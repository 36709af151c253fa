#pragma once
// What a report counts of an incident's events, so that every figure is one an analyst can
// reproduce (vigil-report(1), COUNTS):
//   - a sensor duplicate (an event with the same action and 5-tuple as one a different host
//     logged at most a second earlier) is kept as evidence but counted once;
//   - an attempt is counted once however many lines log it: the lines of one process (same
//     host, pid and source) with one outcome are as many attempts as the most frequent of its
//     verdict lines (sshd's "Failed password"); lines that only describe an attempt (PAM's,
//     sshd's "Invalid user") count only for a program that logs no verdicts. "message repeated
//     5 times" is 5 more lines, as ingest stores it. A line without a pid is one attempt.
//   - the actors: calling accounts (Windows SubjectUserName, not "-" nor a machine account),
//     the accounts of events that did not fail, and the workstations (WorkstationName) logons
//     came from. A failed logon's user name is a target, not an actor.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/event.h"
#include "report/facts.h"

namespace vigil::report {

class EvidenceCounter {
 public:
  // Counts one event (events come in time order). False: a second sensor's copy of an event
  // already counted; the caller keeps it in the timeline and leaves it out of its counts.
  bool Add(const StoredEvent& stored);
  // Sets inc.outcomes (in attempts), actor_accounts, workstations and duplicate_events.
  void Finish(Incident& inc) const;

 private:
  using Wire = std::tuple<std::string, std::string, int64_t, std::string, int64_t, std::string>;
  struct Seen {
    int64_t ts_us;
    std::string host;
  };
  std::map<Wire, std::vector<Seen>> wire_;
  // (outcome, host, pid or "#id", source) -> lines per action
  std::map<std::tuple<std::string, std::string, std::string, std::string>,
           std::map<std::string, int64_t>>
      attempts_;
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::string> program_of_;
  std::set<std::tuple<std::string, std::string, std::string>> judged_;  // outcome, host, program
  std::map<std::string, int64_t> accounts_, workstations_;
  int64_t duplicates_ = 0;
};

// The value of a top-level string member of a JSON object text, unescaped only for plain
// values ("" when absent, not a string, or escaped).
std::string JsonStringMember(std::string_view json, std::string_view key);

}  // namespace vigil::report
