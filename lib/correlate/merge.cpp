// One attack, one incident (vigil-correlate(1), MERGING). MergeOverlapping: candidates of
// different rules that share at least half the events of the smaller one are one incident,
// found as clusters with a union-find over shared events. MergeByActor: candidates with an
// actor in common (actors.h) whose windows overlap or are adjacent are one incident.

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "correlate/actors.h"
#include "correlate/engine.h"

namespace vigil::correlate {
namespace {

int LevelRank(const std::string& level) {
  static constexpr std::string_view kLevels[] = {"informational", "low", "medium", "high",
                                                 "critical"};
  for (size_t i = 0; i < std::size(kLevels); ++i) {
    if (level == kLevels[i]) return int(i) + 1;
  }
  return 0;
}

size_t Find(std::vector<size_t>& parent, size_t i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

// Merges each cluster of `parent` (a union-find forest over *candidates) into its
// representative; keeps the order of the survivors.
void MergeClusters(const RuleSet& rules, std::vector<size_t>& parent,
                   std::vector<Candidate>* candidates) {
  std::vector<Candidate>& cs = *candidates;
  const size_t n = cs.size();
  // The representative of each cluster: highest level, then most events, then first.
  std::vector<size_t> best(n, SIZE_MAX);
  auto better = [&](size_t a, size_t b) {
    const int la = LevelRank(rules.rules[cs[a].rule].level);
    const int lb = LevelRank(rules.rules[cs[b].rule].level);
    if (la != lb) return la > lb;
    if (cs[a].event_ids.size() != cs[b].event_ids.size()) {
      return cs[a].event_ids.size() > cs[b].event_ids.size();
    }
    return a < b;
  };
  for (size_t i = 0; i < n; ++i) {
    size_t& b = best[Find(parent, i)];
    if (b == SIZE_MAX || better(i, b)) b = i;
  }
  std::vector<bool> keep(n, false);
  for (size_t i = 0; i < n; ++i) {
    const size_t b = best[Find(parent, i)];
    if (b == i) {
      keep[i] = true;
      continue;
    }
    Candidate& into = cs[b];
    Candidate& from = cs[i];
    into.also_rules.push_back(from.rule);
    into.also_details.push_back(from.detail);
    into.also_rules.insert(into.also_rules.end(), from.also_rules.begin(), from.also_rules.end());
    into.also_details.insert(into.also_details.end(), from.also_details.begin(),
                             from.also_details.end());
    into.event_ids.insert(into.event_ids.end(), from.event_ids.begin(), from.event_ids.end());
    into.first_us = std::min(into.first_us, from.first_us);
    into.last_us = std::max(into.last_us, from.last_us);
    into.fired_us = std::max(into.fired_us, from.fired_us);
    into.fires += from.fires;
  }
  std::vector<Candidate> out;
  for (size_t i = 0; i < n; ++i) {
    if (!keep[i]) continue;
    Candidate& c = cs[i];
    std::sort(c.event_ids.begin(), c.event_ids.end());
    c.event_ids.erase(std::unique(c.event_ids.begin(), c.event_ids.end()), c.event_ids.end());
    out.push_back(std::move(c));
  }
  cs = std::move(out);
}

}  // namespace

void MergeOverlapping(const RuleSet& rules, std::vector<Candidate>* candidates) {
  std::vector<Candidate>& cs = *candidates;
  const size_t n = cs.size();
  if (n < 2) return;
  std::unordered_map<int64_t, std::vector<size_t>> owners;
  for (size_t i = 0; i < n; ++i) {
    for (int64_t id : cs[i].event_ids) owners[id].push_back(i);
  }
  std::unordered_map<uint64_t, size_t> shared;  // (i << 32 | j) -> events in common
  for (const auto& [id, list] : owners) {
    for (size_t a = 0; a < list.size(); ++a) {
      for (size_t b = a + 1; b < list.size(); ++b) ++shared[(uint64_t(list[a]) << 32) | list[b]];
    }
  }
  std::vector<size_t> parent(n);
  for (size_t i = 0; i < n; ++i) parent[i] = i;
  for (const auto& [key, count] : shared) {
    const size_t i = size_t(key >> 32), j = size_t(key & 0xffffffffu);
    const size_t smaller = std::min(cs[i].event_ids.size(), cs[j].event_ids.size());
    if (2 * count >= smaller) parent[Find(parent, i)] = Find(parent, j);
  }
  MergeClusters(rules, parent, candidates);
}

void MergeByActor(const RuleSet& rules, std::vector<ActorLog::Actors> actors,
                  std::vector<Candidate>* candidates) {
  std::vector<Candidate>& cs = *candidates;
  const size_t n = cs.size();
  for (size_t i = 0; i < n; ++i) {  // the window is the evidence's, not the group's history
    if (actors[i].has_events) {
      cs[i].first_us = actors[i].first_us;
      cs[i].last_us = actors[i].last_us;
    }
  }
  if (n < 2) return;
  std::unordered_map<uint32_t, std::vector<size_t>> by_key;
  for (size_t i = 0; i < n; ++i) {
    for (uint32_t k : actors[i].keys) by_key[k].push_back(i);
  }
  std::vector<size_t> parent(n);
  for (size_t i = 0; i < n; ++i) parent[i] = i;
  for (auto& [key, list] : by_key) {
    if (list.size() < 2) continue;
    std::sort(list.begin(), list.end(), [&](size_t a, size_t b) {
      return cs[a].first_us != cs[b].first_us ? cs[a].first_us < cs[b].first_us : a < b;
    });
    size_t reach = list.front();  // the candidate of the run so far that ends last
    for (size_t x = 1; x < list.size(); ++x) {
      const size_t j = list[x];
      const int64_t gap = std::min(RuleGapMicros(rules.rules[cs[reach].rule]),
                                   RuleGapMicros(rules.rules[cs[j].rule]));
      if (cs[j].first_us - cs[reach].last_us <= gap) {
        parent[Find(parent, j)] = Find(parent, reach);
        if (cs[j].last_us > cs[reach].last_us) reach = j;
      } else {
        reach = j;
      }
    }
  }
  MergeClusters(rules, parent, candidates);
}

}  // namespace vigil::correlate
