#include "score/impact.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "score/attack.h"

namespace vigil::score {
namespace {

// The evidence of failures alone: the attempts carry it, on a log scale (10,000 attempts = 1);
// a long campaign (a day from the first to the last = 1) and many distinct targets (100 = 1)
// raise it by up to 15% each. Chosen after reading the development sets' README (OpenSSH_2k:
// the 286-attempt brute force of 10 minutes is the worst finding, above 46 attempts over two
// hours on 19 accounts; a first, additive form 0.5/0.25/0.25 ranked the two-hour one first),
// then checked, not fitted, on Linux_2k, PurpleSharp, the samples and generator seeds 1..20 at
// 100k and 200k events. The ceiling keeps every failed-only incident below the High band
// whatever these values are; they only order such incidents among themselves.
constexpr double kFullAttempts = 10'000, kFullMinutes = 1'440, kFullTargets = 100;
constexpr double kAttemptsShare = 0.7, kDurationShare = 0.15, kTargetsShare = 0.15;
// Data leaving: bulk transfers of at least 1 MB in all (the outcome part's threshold).
constexpr int64_t kDataBytes = 1'000'000;

double Clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

std::string Megabytes(int64_t b) { return fmt::format("{:.2f} MB", double(b) / 1e6); }

std::string Plural(int64_t n, const char* word, const char* plural = nullptr) {
  if (n == 1) return fmt::format("1 {}", word);
  return plural ? fmt::format("{} {}", n, plural) : fmt::format("{} {}s", n, word);
}

double HighestLevel(const IncidentFacts& f) {
  double v = LevelValue(f.level);
  for (const auto& l : f.also) v = std::max(v, LevelValue(l));
  return v;
}

}  // namespace

Impact ImpactOf(const IncidentFacts& f) {
  Impact m;
  if (f.success_event != 0) {
    m.kinds.push_back({"access", fmt::format("a success (event {}) after {}", f.success_event,
                                             Plural(f.failures_before_success, "failure"))});
  }
  if (f.privileged_actions > 0) {
    m.kinds.push_back({"privilege", fmt::format("{} succeeded", Plural(f.privileged_actions,
                                                                       "privileged action"))});
  }
  if (HasTactic(f.tags, "lateral-movement") && (f.successes > 0 || f.bulk_bytes >= kDataBytes)) {
    m.kinds.push_back(
        {"spread", f.successes > 0 ? fmt::format("lateral movement: {} on the other host succeeded",
                                                 Plural(f.successes, "action"))
                                   : fmt::format("lateral movement: {} copied to the other host",
                                                 Megabytes(f.bulk_bytes))});
  }
  if (HasTactic(f.tags, "exfiltration") && f.bulk_bytes >= kDataBytes) {
    m.kinds.push_back(
        {"data", fmt::format("{} left in {} by an exfiltration technique", Megabytes(f.bulk_bytes),
                             Plural(f.bulk_transfers, "bulk transfer"))});
  }
  if (m.kinds.empty() && f.successes > 0 && HighestLevel(f) >= LevelValue("high")) {
    m.compromise = fmt::format("a rule of level high or critical whose events include {} of {}",
                               Plural(f.successes, "success", "successes"), f.events);
  }
  if (m.confirmed() || f.failures == 0 || f.successes > 0) return m;
  m.failed_only = true;
  const double minutes = std::max(0.0, double(f.last_us - f.first_us) / 60e6);
  const int64_t targets = std::max(
      {f.distinct_users, f.distinct_destinations, f.distinct_ports, f.distinct_hosts, int64_t(1)});
  const double by_attempts = Clamp01(std::log10(double(f.failures)) / std::log10(kFullAttempts));
  const double by_duration = Clamp01(std::log10(1 + minutes) / std::log10(1 + kFullMinutes));
  const double by_targets = Clamp01(std::log10(double(targets)) / std::log10(kFullTargets));
  m.evidence =
      by_attempts * (kAttemptsShare + kDurationShare * by_duration + kTargetsShare * by_targets);
  m.evidence_why = fmt::format(
      "evidence {:.2f} = {:.2f} ({}; 10,000 = 1) x (0.7 + 0.15 x {:.2f} ({:.0f} min; a day = 1) "
      "+ 0.15 x {:.2f} ({}; 100 = 1))",
      m.evidence, by_attempts, Plural(f.failures, "failed attempt"), by_duration, minutes,
      by_targets, Plural(targets, "distinct target"));
  return m;
}

int FailedOnlyCeiling(double evidence, const config::Bands& bands) {
  // Within the Medium band: failures alone are worth a look (the weighted sum decides whether
  // they reach it: a low rule's failures stay Low) but never High.
  const double span = bands.high - 1 - bands.medium;
  return bands.medium + int(std::lround(span * Clamp01(evidence)));
}

Component ImpactPart(const IncidentFacts& f, double weighted, const config::Bands& bands,
                     int& risk) {
  const int sum = std::clamp(int(std::lround(weighted)), 0, 100);
  const Impact m = ImpactOf(f);
  std::string why;
  risk = sum;
  if (m.confirmed()) {
    std::vector<std::string> reasons;
    for (const auto& [kind, reason] : m.kinds) reasons.push_back(kind + ": " + reason);
    if (!m.compromise.empty()) reasons.push_back("compromise: " + m.compromise);
    std::string all;
    for (const auto& r : reasons) all += (all.empty() ? "" : "; ") + r;
    const bool critical = m.kinds.size() >= 2;
    const int floor = critical ? bands.critical : bands.high;
    risk = std::max(sum, floor);
    why = fmt::format("confirmed impact ({}): at least {} ({}, {}){}", all, floor,
                      critical ? "Critical" : "High",
                      critical ? "two kinds or more" : "one kind of impact",
                      risk == sum ? fmt::format(", the parts give {}", sum) : "");
  } else if (m.failed_only) {
    const int ceiling = FailedOnlyCeiling(m.evidence, bands);
    risk = std::min(sum, ceiling);
    why = fmt::format("failures only, no success: at most {} (below High), {}{}", ceiling,
                      m.evidence_why, risk == sum ? fmt::format("; the parts give {}", sum) : "");
  } else {
    why = "neither confirmed impact nor failures only: the parts stand";
  }
  return {"impact", 1.0, (double(risk) - weighted) / 100.0, why};
}

}  // namespace vigil::score
