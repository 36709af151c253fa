#pragma once
// Who acted in each event, recorded while correlate feeds the engine, so that candidates of
// different rules can be merged by actor (one attack, one incident; vigil-correlate(1)).
//
// An event's actors are:
//   - its source address (source.ip): the address the action came from;
//   - the calling account: Windows' SubjectUserName when it names a person (not "-", not a
//     machine account ending in "$"), the account that asked for the action;
//   - the account of a successful event that has a source address (a logon, a ticket request):
//     whoever used it from that address acted as it;
//   - for an event with an address and no account of its own (a firewall or flow record), the
//     one account that logged on from that address before it, when exactly one ever did in
//     the events correlated: data that leaves alice's workstation after alice logged on from it
//     is alice's act. An address two accounts logged on from (a NAT, a jump host) names none.
// The target of an action (a failed logon's user name, the host that logged it) is not an actor.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "correlate/engine.h"
#include "correlate/event_view.h"

namespace vigil::correlate {

class ActorLog {
 public:
  // Records the actors of one event (call for every event fed to the engine).
  void Add(const StoredEvent& ev);

  // Per candidate: its actor keys ("ip:1.2.3.4", "account:pgustavo"), sorted and unique, and
  // the time span of its own events (the evidence window).
  struct Actors {
    std::vector<uint32_t> keys;
    int64_t first_us = 0, last_us = 0;
    bool has_events = false;
  };
  std::vector<Actors> Of(const std::vector<Candidate>& candidates);

  // The text of a key (for tests and messages).
  const std::string& KeyText(uint32_t key) const { return names_[key]; }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  uint32_t Intern(std::string_view prefix, std::string_view value);

  struct Entry {
    int64_t id, ts_us;
    uint32_t ip, account, caller;
  };
  std::vector<Entry> entries_;
  bool sorted_ = true;
  // Per address key: the one account that logged on from it and its first such logon, or
  // kNone as the account when several did. Rebuilt by Of() when events were added.
  struct Owner {
    uint32_t account;
    int64_t first_us;
  };
  std::unordered_map<uint32_t, Owner> owners_;
  bool owners_stale_ = false;
  void BuildOwners();
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<std::string> names_;
  EventView view_;
  std::vector<FieldValue> values_;
};

// Merges candidates that share an actor and whose evidence windows overlap or lie within the
// smaller of the two rules' gaps (a rule's `gap`, else its timespan, else 1 hour) of each
// other; transitive. Sets every candidate's window to its events' own span first.
void MergeByActor(const RuleSet& rules, std::vector<ActorLog::Actors> actors,
                  std::vector<Candidate>* candidates);

// The gap under which a rule's matches are one incident (as IncidentWriter continues one).
int64_t RuleGapMicros(const Rule& rule);

}  // namespace vigil::correlate
