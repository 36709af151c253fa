#include "report/narrative.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/ip.h"
#include "core/time.h"
#include "report/details.h"

namespace vigil::report {
namespace {

using Counts = std::vector<std::pair<std::string, int64_t>>;

std::string Plural(int64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// "a, b and 3 more" of the first `limit` names.
std::string Names(const Counts& c, size_t limit = 3) {
  std::string out;
  for (size_t i = 0; i < c.size() && i < limit; ++i) {
    if (i) out += (i + 1 == c.size() || i + 1 == limit) && c.size() <= limit ? " and " : ", ";
    out += c[i].first;
  }
  if (c.size() > limit) out += fmt::format(" and {} more", c.size() - limit);
  return out;
}

std::string External(const Counts& c) {
  Counts ext;
  for (const auto& x : c) {
    if (ParseIp(x.first) && !IsPrivateAddress(x.first)) ext.push_back(x);
  }
  return Names(ext);
}

int64_t CountOf(const Counts& c, std::string_view key) {
  for (const auto& [k, n] : c) {
    if (k == key) return n;
  }
  return 0;
}

std::string Time(int64_t us) { return FormatUtc(us); }

std::string Bytes(int64_t b) {
  if (b >= 1'000'000) return fmt::format("{:.2f} MB", double(b) / 1e6);
  if (b >= 1'000) return fmt::format("{:.1f} kB", double(b) / 1e3);
  return fmt::format("{} bytes", b);
}

bool HasTactic(const Incident& inc, std::string_view tactic) {
  return std::find(inc.tactics.begin(), inc.tactics.end(), tactic) != inc.tactics.end();
}

bool HasTechnique(const Incident& inc, std::string_view prefix) {
  return std::any_of(inc.techniques.begin(), inc.techniques.end(),
                     [&](const Technique& t) { return t.id.rfind(prefix, 0) == 0; });
}

const Part* PartNamed(const Incident& inc, std::string_view name) {
  for (const Part& p : inc.parts) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

bool SucceededAfterFailures(const Incident& inc) {
  const Part* p = PartNamed(inc, "outcome");
  return p != nullptr && p->why.find(" after ") != std::string::npos &&
         p->why.rfind("a success", 0) == 0;
}

// Who acted (vigil-report(1), COUNTS): the source addresses, the workstations logons came
// from and the accounts that acted, never the first target of a failed logon.
std::string Actor(const Incident& inc) {
  std::string who;
  if (inc.sources.size() == 1) {
    const std::string& s = inc.sources.front().first;
    const bool ext = ParseIp(s) && !IsPrivateAddress(s);
    who = (ext ? "the external address " : "") + s;
  } else if (inc.sources.size() > 1) {
    who = fmt::format("{} source addresses ({})", inc.sources.size(), Names(inc.sources));
  }
  const std::string accounts =
      inc.actor_accounts.empty()
          ? std::string()
          : (inc.actor_accounts.size() == 1 ? "the account " : "the accounts ") +
                Names(inc.actor_accounts);
  const std::string stations = Names(inc.workstations);
  if (who.empty()) {
    if (accounts.empty()) {
      if (!stations.empty()) return "the workstation " + stations;
      if (inc.hosts.size() == 1) return "the host " + inc.hosts.front().first;
      return "an unidentified source";
    }
    if (!stations.empty()) return accounts + " on " + stations;
    return inc.hosts.size() == 1 ? accounts + " on " + inc.hosts.front().first : accounts;
  }
  if (!stations.empty()) who += " (" + stations + ")";
  if (!accounts.empty()) who += " as " + accounts;
  return who;
}

std::string Targets(const Incident& inc) {
  std::vector<std::string> parts;
  const bool user_is_actor = inc.users.size() == 1 && inc.actor_accounts.size() == 1 &&
                             inc.users.front().first == inc.actor_accounts.front().first;
  if (!inc.users.empty() && !(inc.sources.empty() && user_is_actor)) {
    parts.push_back(fmt::format("{} ({})", Plural(int64_t(inc.users.size()), "account", "accounts"),
                                Names(inc.users)));
  }
  if (!inc.destinations.empty()) {
    parts.push_back(Plural(int64_t(inc.destinations.size()), "destination", "destinations") + " (" +
                    Names(inc.destinations) + ")");
  } else if (!inc.hosts.empty()) {
    parts.push_back("on " + Names(inc.hosts));
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out;
}

std::string Outcome(const Incident& inc) {
  const int64_t ok = CountOf(inc.outcomes, "success"), bad = CountOf(inc.outcomes, "failure");
  if (bad > 0 && ok == 0) return fmt::format("all {} attempts failed", bad);
  if (bad > 0 && ok > 0) return fmt::format("{} failed and {} succeeded", bad, ok);
  if (ok > 0) return fmt::format("{} succeeded", Plural(ok, "event", "events"));
  return {};
}

void Add(std::vector<std::string>& v, std::string s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

void Actions(const Incident& inc, Narrative& n) {
  const std::string ext = External(inc.sources);
  const std::string users = Names(inc.users, 5);
  const std::string where = !inc.destinations.empty() ? Names(inc.destinations) : Names(inc.hosts);
  const std::string src = Names(inc.sources);
  if (SucceededAfterFailures(inc) && !inc.users.empty()) {
    Add(n.containment, fmt::format("Treat {} as compromised: disable it or reset its password, "
                                   "and revoke its sessions and tokens opened since {}.",
                                   users, Time(inc.first_us)));
  }
  if (HasTechnique(inc, "T1558")) {
    Add(n.containment, fmt::format("Watch or disable the requesting account{}, and find the "
                                   "process that asked for the tickets.",
                                   users.empty() ? "" : " " + users));
    Add(n.eradication,
        "Give the service accounts whose tickets were requested long random "
        "passwords (or managed service accounts) and require AES for Kerberos.");
    Add(n.recovery, "Watch those service accounts for logons from new hosts.");
  }
  if (HasTactic(inc, "credential-access") && !HasTechnique(inc, "T1558")) {
    if (!ext.empty()) {
      Add(n.containment, fmt::format("Block {} at the perimeter (firewall, VPN gateway, "
                                     "identity provider).",
                                     ext));
    }
    if (!users.empty()) {
      Add(n.eradication, fmt::format("Require MFA for {} and check that lockout thresholds "
                                     "stop repeated guessing.",
                                     users));
    }
    Add(n.recovery,
        "Watch the targeted accounts for new logons from unfamiliar addresses for at "
        "least a week.");
  }
  if (HasTactic(inc, "initial-access") || HasTactic(inc, "persistence")) {
    if (!users.empty()) {
      Add(n.containment, fmt::format("Revoke the credentials and sessions of {} until the owner "
                                     "confirms the activity.",
                                     users));
    }
    Add(n.eradication,
        "Find how the credentials were obtained and remove any access they "
        "created (keys, tokens, new accounts).");
  }
  if (HasTactic(inc, "collection") && !HasTactic(inc, "exfiltration")) {
    Add(n.eradication, "Establish what the actor read or copied, with the data's owner.");
  }
  if (HasTactic(inc, "exfiltration")) {
    Add(n.containment,
        fmt::format("Block transfers from {} to {} and preserve the logs and the "
                    "host for forensics.",
                    src.empty() ? "the source" : src, where.empty() ? "the destination" : where));
    Add(n.eradication, inc.bytes_out > 0
                           ? fmt::format("Establish what data left ({} sent by the sources) and "
                                         "remove the tool that sent it.",
                                         Bytes(inc.bytes_out))
                           : std::string("Establish what data left and remove the tool that "
                                         "sent it."));
    Add(n.recovery,
        "Assess the exposure of the data with its owner and follow the breach "
        "notification policy.");
  }
  if (HasTactic(inc, "command-and-control")) {
    Add(n.containment, fmt::format("Block {} at the egress proxy and DNS, and isolate {}.",
                                   where.empty() ? "the destination" : where,
                                   src.empty() ? "the source host" : src));
    Add(n.eradication,
        "Find and remove the implant or agent that calls out, then hunt for the "
        "same destination elsewhere.");
    Add(n.recovery, "Reimage the host if the implant cannot be removed with confidence.");
  }
  if (HasTactic(inc, "lateral-movement") || HasTactic(inc, "execution")) {
    Add(n.containment, fmt::format("Isolate {} and disable the accounts used ({}).",
                                   where.empty() ? "the target hosts" : where,
                                   users.empty() ? "see the timeline" : users));
    Add(n.eradication, "Hunt the target hosts for dropped tools, services and scheduled tasks.");
    Add(n.recovery, "Rotate the credentials of every account used on the path.");
  }
  if (HasTactic(inc, "discovery") || HasTactic(inc, "reconnaissance")) {
    Add(n.containment, ext.empty()
                           ? fmt::format("Find out why {} scans: an inventory scanner, or a "
                                         "compromised host.",
                                         src.empty() ? "the source" : src)
                           : fmt::format("Block {} at the perimeter.", ext));
    Add(n.eradication, "Close or firewall the services the scan found open.");
  }
  if (HasTactic(inc, "privilege-escalation") || HasTactic(inc, "defense-evasion")) {
    Add(n.containment, fmt::format("Remove the privileges gained{} and review recent sudo and "
                                   "group changes.",
                                   users.empty() ? "" : " by " + users));
    Add(n.eradication, "Check the host for persistence added with the elevated rights.");
  }
  if (n.containment.empty()) {
    Add(n.containment,
        fmt::format("Confirm the activity with the owners of {}.", !users.empty() ? users
                                                                   : !src.empty() ? src
                                                                                  : where));
  }
  if (n.recovery.empty()) Add(n.recovery, "Monitor the entities involved for a recurrence.");
  if (n.eradication.empty()) {
    Add(n.eradication, "Remove whatever caused the activity once its cause is confirmed.");
  }
}

void Confidence(const Incident& inc, Narrative& n) {
  int points = 0;
  auto reason = [&](int p, std::string why) {
    points += p;
    n.confidence_reasons.push_back(std::move(why));
  };
  if (inc.rule_level == "high" || inc.rule_level == "critical") {
    reason(2, fmt::format("the rule's author rates a match {}", inc.rule_level));
  } else if (inc.rule_level == "medium") {
    reason(1, "the rule's author rates a match medium");
  } else {
    reason(0, fmt::format("the rule is rated {}",
                          inc.rule_level.empty() ? "unrated" : inc.rule_level));
  }
  if (!inc.also.empty()) {
    reason(1, fmt::format("{} {} it", Plural(int64_t(inc.also.size()), "other rule", "other rules"),
                          inc.also.size() == 1 ? "corroborates" : "corroborate"));
  }
  if (inc.event_count >= 5) reason(1, fmt::format("{} events support it", inc.event_count));
  if (inc.scored && (inc.severity == "High" || inc.severity == "Critical")) {
    reason(1, fmt::format("its risk is {} ({}/100)", inc.severity, inc.risk));
  }
  if (inc.anomaly && *inc.anomaly >= 0.6) {
    reason(1, fmt::format("its events are statistically unusual (anomaly {:.2f})", *inc.anomaly));
  }
  if (!inc.falsepositives.empty()) {
    std::string fp;
    for (size_t i = 0; i < inc.falsepositives.size(); ++i) {
      fp += (i ? "; " : "") + inc.falsepositives[i];
    }
    reason(0, "rule out the rule's known false positives: " + fp);
  }
  n.confidence = points >= 4 ? "High" : points >= 2 ? "Medium" : "Low";
  if (inc.currency == Currency::kChanged) {  // a decision on another version says nothing here
    n.confidence_reasons.push_back("an analyst " + inc.status +
                                   " an earlier version of the report; it changed since");
  } else if (inc.status == "approved") {
    n.confidence = "High";
    n.confidence_reasons.push_back("an analyst approved the report");
  } else if (inc.status == "rejected") {
    n.confidence = "Low";
    n.confidence_reasons.push_back("an analyst rejected the report");
  }
}

}  // namespace

std::string TacticName(std::string_view shortname) {
  std::string out;
  bool start = true;
  for (char c : shortname) {
    if (c == '-' || c == '_') {
      out += ' ';
      start = true;
      continue;
    }
    out += start ? char(std::toupper(static_cast<unsigned char>(c))) : c;
    start = false;
  }
  // ATT&CK writes "Command and Control", not "Command And Control".
  for (const char* word : {" And ", " Of "}) {
    for (size_t at; (at = out.find(word)) != std::string::npos;) {
      out[at + 1] = char(std::tolower(static_cast<unsigned char>(out[at + 1])));
    }
  }
  return out;
}

Narrative Draft(const Incident& inc) {
  Narrative n;
  const std::string targets = Targets(inc), outcome = Outcome(inc);
  n.summary = fmt::format("{}: {} by {} between {} and {}{}.",
                          inc.scored ? fmt::format("{} risk ({}/100)", inc.severity, inc.risk)
                                     : std::string("Not yet scored"),
                          inc.title, Actor(inc), Time(inc.first_us), Time(inc.last_us),
                          targets.empty() ? "" : ", involving " + targets);
  n.summary += fmt::format(
      " {} in all{}{}.", Plural(inc.event_count - inc.duplicate_events, "event", "events"),
      inc.duplicate_events > 0
          ? fmt::format(" ({} more {} a second sensor's copy, counted once)", inc.duplicate_events,
                        inc.duplicate_events == 1 ? "is" : "are")
          : "",
      outcome.empty() ? "" : "; " + outcome);
  if (SucceededAfterFailures(inc)) {
    n.summary += HasTactic(inc, "credential-access") && !inc.users.empty()
                     ? " A logon succeeded after the failures: the account may be compromised."
                     : " An attempt succeeded after the failures.";
  }
  if (!inc.techniques.empty()) {
    n.summary += " ATT&CK: ";
    for (size_t i = 0; i < inc.techniques.size(); ++i) {
      n.summary += (i ? ", " : "") + inc.techniques[i].id + " " + inc.techniques[i].name;
    }
    n.summary += ".";
  }
  n.summary += DecisiveSentence(inc.decisive, inc.event_count);

  std::string story;
  if (!inc.timeline.empty()) {
    const TimelineEntry& first = inc.timeline.front();
    story += fmt::format("The first event, at {}, was {}{}{}{}.", Time(first.ts_us),
                         first.action.empty() ? "an event" : first.action,
                         first.source.empty() ? "" : " from " + first.source,
                         first.destination.empty() ? "" : " to " + first.destination,
                         first.user.empty() ? "" : " as " + first.user);
  }
  if (!inc.actions.empty()) {
    std::string acts;
    for (size_t i = 0; i < inc.actions.size() && i < 4; ++i) {
      acts +=
          fmt::format("{}{} \u00d7{}", i ? ", " : "", inc.actions[i].first, inc.actions[i].second);
    }
    story += " What the events record: " + acts + ".";
  }
  if (inc.users.size() > 1) {
    story += fmt::format(" Accounts involved: {}.", Names(inc.users, 6));
  }
  if (!outcome.empty()) story += " Outcome: " + outcome + ".";
  if (inc.bytes_out > 0) {
    story += " The sources sent " + Bytes(inc.bytes_out) + " in total";
    if (inc.bytes_by_destination.size() > 1) {  // per destination: one attack, several steps
      for (size_t i = 0; i < inc.bytes_by_destination.size() && i < 3; ++i) {
        const auto& [to, bytes] = inc.bytes_by_destination[i];
        story += fmt::format("{}{} to {}", i ? ", " : " (", Bytes(bytes), to);
      }
      if (inc.bytes_by_destination.size() > 3) story += ", ...";
      story += ")";
    }
    story += ".";
  }
  if (inc.timeline.size() > 1) {
    const TimelineEntry& last = inc.timeline.back();
    story += fmt::format(" The last event, at {}, was {}{}.", Time(last.last_ts_us),
                         last.action.empty() ? "an event" : last.action,
                         last.outcome.empty() ? "" : " (" + last.outcome + ")");
  }
  n.what_happened =
      story.empty() ? "No event of this incident is in the store." : story.substr(story[0] == ' ');

  n.why_flagged.push_back(fmt::format("Rule \"{}\" (level {}, id {}{}) matched: {}.", inc.title,
                                      inc.rule_level.empty() ? "unset" : inc.rule_level,
                                      inc.rule_id,
                                      inc.rule_author.empty() ? "" : ", by " + inc.rule_author,
                                      inc.detail.empty() ? "see the timeline" : inc.detail));
  for (const auto& a : inc.also) n.why_flagged.push_back("Also matched: \"" + a + "\".");
  std::vector<const Part*> parts;
  for (const Part& p : inc.parts) parts.push_back(&p);
  std::stable_sort(parts.begin(), parts.end(), [](const Part* a, const Part* b) {
    return a->weight * a->value > b->weight * b->value;
  });
  for (size_t i = 0; i < parts.size() && i < 3; ++i) {
    if (parts[i]->value <= 0) break;
    n.why_flagged.push_back(fmt::format("{} ({:.1f} points): {}.", parts[i]->name,
                                        100 * parts[i]->weight * parts[i]->value, parts[i]->why));
  }
  Actions(inc, n);
  Confidence(inc, n);
  return n;
}

}  // namespace vigil::report
