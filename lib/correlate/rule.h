#pragma once
// A loaded rule set: Sigma detection rules, Sigma correlation rules and vigil's extensions
// (vigil-rules(5)). Loading resolves references (by id or name), orders correlations after
// what they read, and refuses what it does not support with "file:line: unsupported ...".

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "correlate/detection.h"
#include "correlate/logsource.h"

namespace vigil::correlate {

enum class RuleKind {
  kDetection,   // a Sigma detection rule
  kEventCount,  // Sigma correlations ...
  kValueCount,
  kTemporal,
  kTemporalOrdered,
  kValueSum,
  kValueAvg,
  kValuePercentile,
  kNotFollowedBy,  // vigil: the first rule, then no event of the second within the timespan
  kBeaconing,      // vigil: regular intervals from one group (RITA-style timing scores)
  kFirstSeen,      // vigil: a value of `field` never seen before in its group
  // vigil: failures from a source for accounts it never logged on as, over its whole history
  kUnfamiliarFailures,
};

std::string_view RuleKindName(RuleKind kind);

// A correlation condition: every bound that is set must hold (Sigma: gt/gte/lt/lte/eq/neq).
struct Threshold {
  std::optional<double> gt, gte, lt, lte, eq, neq;
  std::string field;      // value_count/value_sum/value_avg/value_percentile/first_seen
  double percentile = 0;  // value_percentile: which percentile (0..100)
  bool Holds(double value) const;
  bool HasLowerBound() const { return gt || gte || (eq && *eq > 0); }
  std::string Describe() const;  // "gte 10"
};

struct BeaconParams {
  int min_connections = 20;              // intervals need this many events in the window
  double min_score = 0.8;                // fire at or above this timing score (0..1)
  int64_t min_interval_us = 10'000'000;  // ignore bursts: median interval at least this
};

struct FirstSeenParams {
  int64_t learn_us = 0;  // the group must have this much history before a new value counts
  // A value first seen less than this long before the trigger still counts as new (e.g. a
  // destination first contacted within the last two hours). 0: only never-seen values.
  int64_t recent_us = 0;
  // A group with no history yet: its first value counts as new ("never succeeded from here"
  // holds for an account with no history at all). Default: nothing to compare with, not new.
  bool empty_history_new = false;
};

// unfamiliar_failures (correlators_identity.cpp): what the condition counts.
struct UnfamiliarParams {
  bool count_accounts = false;  // distinct unfamiliar accounts, else failures
  int64_t window_us = 0;        // count: events only within this window (0: the whole history)
};

struct Rule {
  RuleKind kind = RuleKind::kDetection;
  // Metadata, as written (the Detection Rule License requires showing title, id, author).
  std::string title, id, name, author, level, status, description, file;
  int line = 0;
  std::vector<std::string> tags, falsepositives, references;

  // Detection rules.
  Logsource logsource;
  std::optional<Detection> detection;

  // Correlation rules.
  std::vector<std::string> rule_refs;  // as written
  std::vector<size_t> inputs;          // resolved: indices into RuleSet::rules
  std::vector<std::string> group_by;
  // aliases: alias name -> (input rule index -> field name in that rule's events)
  std::map<std::string, std::map<size_t, std::string>> aliases;
  int64_t timespan_us = 0;
  Threshold threshold;
  BeaconParams beacon;
  FirstSeenParams first_seen;
  UnfamiliarParams unfamiliar;

  // Whether matches of this rule become incidents. Sigma: correlations generate, the rules
  // they refer to do not unless they say `generate: true`; other detection rules generate.
  bool generate = true;
  // vigil: how matches of a generating rule are grouped into one incident: by these fields
  // (default: the correlation's group-by, else source.ip/user.name/host.name), merged while
  // the gap between matches stays within `gap_us` (default: the timespan, else 1 hour).
  std::vector<std::string> incident_group_by;
  int64_t gap_us = 0;

  bool is_correlation() const { return kind != RuleKind::kDetection; }
  std::string_view display_id() const { return id.empty() ? std::string_view(name) : id; }
};

struct RuleProblem {
  std::string where;    // file:line
  std::string message;  // "unsupported ..." etc.
};

struct RuleSet {
  std::vector<Rule> rules;            // inputs come before the correlations that read them
  std::vector<RuleProblem> problems;  // rules refused (they are not in `rules`)
  std::vector<std::string> warnings;  // loaded, but something deserves a look
  std::string digest;                 // SHA-256 (hex) of the rule texts in load order
  // How far back a run must look before the first new event so windows are complete.
  int64_t LookbackMicros() const;
};

struct RuleSource {
  std::string name;  // file name for messages
  std::string text;  // YAML, possibly several documents
};

// The placeholders vigil defines: %internal% is the site's internal networks (the config's
// networks.internal; by default RFC 1918 and IPv6 unique-local addresses).
Placeholders DefaultPlaceholders();
Placeholders PlaceholdersFor(std::vector<std::string> internal_networks);

// Parses every document of every source, then resolves references across all of them.
// A document that fails is reported in `problems` and left out, along with the
// correlations that depend on it; the others load. The placeholders are part of the digest.
RuleSet LoadRules(const std::vector<RuleSource>& sources,
                  const Placeholders& placeholders = DefaultPlaceholders());

// Reads *.yml / *.yaml files (a directory is searched recursively, in sorted order).
Result<std::vector<RuleSource>> ReadRuleFiles(const std::vector<std::string>& paths);

// The built-in rule pack compiled into the binary (lib/correlate/rules/*.yml).
std::vector<RuleSource> BuiltinRuleSources();

// Parses "30s", "5m", "2h", "1d" (Sigma timespans) into microseconds.
std::optional<int64_t> ParseTimespan(std::string_view text);

}  // namespace vigil::correlate
