#include "score/risk.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/json.h"
#include "score/attack.h"
#include "score/impact.h"
#include "score/profile.h"

namespace vigil::score {
namespace {

double Clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

std::string Join(const std::vector<std::string>& v, size_t limit = 5) {
  std::string out;
  for (size_t i = 0; i < v.size() && i < limit; ++i) {
    if (i) out += ", ";
    out += v[i];
  }
  if (v.size() > limit) out += fmt::format(" and {} more", v.size() - limit);
  return out;
}

std::string Bytes(int64_t b) {
  if (b >= 1'000'000) return fmt::format("{:.2f} MB", double(b) / 1e6);
  if (b >= 1'000) return fmt::format("{:.1f} kB", double(b) / 1e3);
  return fmt::format("{} bytes", b);
}

// Weight of each behaviour flag (bit order of score::Flag).
constexpr double kFlagWeight[kFlagCount] = {0.5, 0.7, 0.4, 0.5, 0.8, 0.3, 0.3, 0.4};

Component Rule(const IncidentFacts& f) {
  double v = LevelValue(f.level);
  std::string why = fmt::format("rule level {}", f.level.empty() ? "unset (as medium)" : f.level);
  if (!f.also.empty()) {
    // Other rules that matched the same events corroborate it: their highest level counts,
    // plus 0.05 once (however many there are: a rule pack may hold near-duplicates).
    for (const auto& l : f.also) v = std::max(v, LevelValue(l));
    v = Clamp01(v + 0.05);
    why += fmt::format("; corroborated by {} more rule{} on the same events ({}), +0.05",
                       f.also.size(), f.also.size() == 1 ? "" : "s", Join(f.also));
  }
  return {"rule", 0, v, why};
}

Component Intensity(const IncidentFacts& f) {
  const double minutes = std::max(1.0, double(f.last_us - f.first_us) / 60e6);
  const double rate = double(f.events) / minutes;
  const int64_t targets = std::max(
      {f.distinct_users, f.distinct_destinations, f.distinct_ports, f.distinct_hosts, int64_t(1)});
  const double by_events = std::log10(double(std::max<int64_t>(f.events, 1))) / 3.0;
  const double by_targets = std::log10(double(targets)) / 2.0;
  const double by_rate = std::log10(1.0 + rate) / 2.0;
  const double v = Clamp01(std::max({by_events, by_targets, by_rate}));
  std::string why = fmt::format(
      "{} event{} (1000 = full), {} distinct target{} (100 = full), {:.1f} events/min (99 = "
      "full)",
      f.events, f.events == 1 ? "" : "s", targets, targets == 1 ? "" : "s", rate);
  return {"intensity", 0, v, why};
}

Component Outcome(const IncidentFacts& f) {
  double v = 0;
  std::vector<std::string> why;
  auto take = [&](double value, std::string reason) {
    v = std::max(v, value);
    why.push_back(std::move(reason));
  };
  if (f.success_event != 0) {
    take(1.0, fmt::format("a success (event {}) after {} failure{}", f.success_event,
                          f.failures_before_success, f.failures_before_success == 1 ? "" : "s"));
  }
  if (f.privileged_actions > 0) {
    take(0.9, fmt::format("{} privileged action{} succeeded", f.privileged_actions,
                          f.privileged_actions == 1 ? "" : "s"));
  }
  if (f.bulk_bytes >= 1'000'000) {
    take(Clamp01(0.5 + std::log10(double(f.bulk_bytes) / 1e6) / 4.0),
         fmt::format("{} sent in {} transfer{} of 64 kB or more (1 MB = 0.5, 100 MB = full)",
                     Bytes(f.bulk_bytes), f.bulk_transfers, f.bulk_transfers == 1 ? "" : "s"));
  } else if (f.bytes_out > 0 && HasTactic(f.tags, "exfiltration")) {
    take(0.5, fmt::format("{} moved by an exfiltration technique", Bytes(f.bytes_out)));
  }
  if (why.empty()) {
    if (f.successes > 0) {
      take(0.7, fmt::format("{} of {} events succeeded", f.successes, f.events));
    } else if (f.failures > 0 && f.failures == f.events) {
      take(0.2, fmt::format("all {} attempts failed", f.failures));
    } else {
      take(0.4, "the events do not say whether anything succeeded");
    }
  }
  return {"outcome", 0, v, Join(why, 3)};
}

Component Anomaly(const IncidentFacts& f) {
  if (!f.has_model) return {"anomaly", 0, 0, "no anomaly model yet (too few events)"};
  if (f.max_anomaly < 0) {
    return {"anomaly", 0, 0,
            "no event scores above 0.5 in the Isolation Forest (nothing distinct)"};
  }
  const double v = AnomalyValue(f.max_anomaly);
  return {"anomaly", 0, v,
          fmt::format("highest Isolation Forest score {:.3f} (event {}; 0.5 = 0, 0.75 = full)",
                      f.max_anomaly, f.anomaly_event)};
}

Component Behaviour(const IncidentFacts& f) {
  double keep = 1;
  std::vector<std::string> why;
  for (int b = 0; b < kFlagCount; ++b) {
    if ((f.flags & (1u << b)) == 0) continue;
    keep *= 1 - kFlagWeight[b];
    std::string who = size_t(b) < f.flag_entities.size() ? f.flag_entities[size_t(b)] : "";
    why.push_back(
        fmt::format("{} ({}{}{})", FlagName(b), FlagMeaning(b), who.empty() ? "" : ": ", who));
  }
  if (why.empty()) return {"behaviour", 0, 0, "no departure from an established profile"};
  return {"behaviour", 0, Clamp01(1 - keep), Join(why, 8)};
}

Component Context(const IncidentFacts& f) {
  double v = 0;
  std::vector<std::string> why;
  if (!f.critical_assets.empty()) {
    v = 1.0;
    why.push_back("critical assets: " + Join(f.critical_assets));
  }
  if (!f.privileged_accounts.empty()) {
    v = std::max(v, 0.7);
    why.push_back("privileged accounts: " + Join(f.privileged_accounts));
  }
  if (why.empty()) return {"context", 0, 0, "no critical asset or privileged account involved"};
  return {"context", 0, v, Join(why, 2)};
}

}  // namespace

double LevelValue(const std::string& level) {
  if (level == "informational") return 0.1;
  if (level == "low") return 0.35;
  if (level == "high") return 0.85;
  if (level == "critical") return 1.0;
  return 0.6;  // medium, and anything else
}

double AnomalyValue(double forest_score) { return Clamp01((forest_score - 0.5) / 0.25); }

RiskScore ScoreIncident(const IncidentFacts& f, const config::Config& config) {
  RiskScore s;
  s.components = {Rule(f), Intensity(f), Outcome(f), Anomaly(f), Behaviour(f), Context(f)};
  const config::Weights& w = config.weights;
  const double weights[] = {w.rule, w.intensity, w.outcome, w.anomaly, w.behaviour, w.context};
  double total = 0;
  for (size_t i = 0; i < s.components.size(); ++i) {
    s.components[i].weight = weights[i];
    total += s.components[i].points();
  }
  // The seventh part: confirmed impact lifts, failures alone are held below High.
  s.components.push_back(ImpactPart(f, total, config.bands, s.risk));
  s.severity = config.SeverityOf(s.risk);
  return s;
}

int LoneEventRisk(double forest_score, const config::Config& config) {
  if (forest_score < 0) return 0;
  return int(std::lround(double(config.unincidented_event_cap) * AnomalyValue(forest_score)));
}

}  // namespace vigil::score
