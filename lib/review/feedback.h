#pragma once
// Analyst feedback (vigil-review(1), FALSE POSITIVES): which incidents an analyst marked a
// false positive, and whether another incident is the same pattern, so that later correlate
// and score runs suppress it (correlate/feedback.h, score/feedback.h).
//
// A mark is a review row (decision false-positive or false-positive-rule), under the chain
// like every review. It stays in force until the incident's next review that is an undo
// (undo-false-positive) or an approval; a comment or a rejection leaves it as it is, and a
// later mark of the other scope replaces it.
//
// A mark covers the rules that fired in the marked incident (its rule and the rules merged
// into it), on the incident's entity (its group key) or, with scope rule, on any entity. An
// incident is the same pattern only when every one of its rules is covered: a rule that the
// analyst did not see (a success after the failures, say) is a stronger finding, never hidden.
//
// Reads: reviews, the marked incidents (rule, group key, details) and their scores.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/reviews.h"

namespace vigil::store {
class Database;
}

namespace vigil::review {

inline constexpr std::string_view kFalsePositive = "false-positive";           // rule, entity
inline constexpr std::string_view kFalsePositiveRule = "false-positive-rule";  // rule, anywhere
inline constexpr std::string_view kUndoFalsePositive = "undo-false-positive";  // withdraws

struct Mark {
  int64_t incident_id = 0, review_id = 0, marked_us = 0;
  std::string analyst, note;
  bool any_entity = false;         // scope rule
  std::string entity;              // the marked incident's group key
  std::vector<std::string> rules;  // its rule, then the rules merged into it
  std::string severity;            // its newest score when marked ("" when not scored)
};

// What is matched against the marks: an incident's id, entity and rules (its own first).
struct Pattern {
  int64_t incident_id = 0;
  std::string entity;
  std::vector<std::string> rules;
};

struct Suppression {
  int64_t like_incident = 0;  // the marked incident (may be the incident itself)
  bool self = false;
  bool any_entity = false;
  std::string analyst, severity;
  int64_t marked_us = 0;
  // "like incident 12, marked a false positive by alice on 2026-12-07 (this rule on this
  // entity)"; without "like incident N, " for the marked incident itself.
  std::string Reason() const;
};

// The index in `reviews` (one incident's, in the order made) of the mark in force, nullopt
// when none is.
std::optional<size_t> MarkInForce(const std::vector<store::ReviewRecord>& reviews);

struct Marks {
  std::vector<Mark> marks;  // by incident id

  // The marks in force in the store.
  static Result<Marks> Read(store::Database& db);
  // nullopt: not the same pattern as any mark. Else the mark of the incident itself if it is
  // marked, else the oldest mark that covers its own rule.
  std::optional<Suppression> Match(const Pattern& p) const;
};

}  // namespace vigil::review
