#include "correlate/actors.h"

#include <algorithm>

#include "core/ascii.h"

namespace vigil::correlate {
namespace {

// "THESHIRE\pgustavo", "pgustavo@theshire.local" and "PGustavo" are one account.
std::string_view AccountPart(std::string_view name) {
  if (const size_t slash = name.rfind('\\'); slash != std::string_view::npos) {
    name.remove_prefix(slash + 1);
  }
  if (const size_t at = name.find('@'); at != std::string_view::npos && at > 0) {
    name = name.substr(0, at);
  }
  return name;
}

bool IsPersonAccount(std::string_view name) {
  return !name.empty() && name != "-" && name.back() != '$';
}

bool IsActingAddress(std::string_view ip) {
  return !ip.empty() && ip != "-" && ip != "::1" && ip != "127.0.0.1";
}

}  // namespace

uint32_t ActorLog::Intern(std::string_view prefix, std::string_view value) {
  std::string key(prefix);
  key += Lower(value);
  auto [it, added] = index_.try_emplace(key, uint32_t(names_.size()));
  if (added) names_.push_back(std::move(key));
  return it->second;
}

void ActorLog::Add(const StoredEvent& stored) {
  const Event& e = stored.event;
  Entry entry{stored.id, e.ts_us, kNone, kNone, kNone};
  const bool from_address = e.source_ip && IsActingAddress(*e.source_ip);
  if (from_address) entry.ip = Intern("ip:", *e.source_ip);
  if (from_address && e.user_name && e.event_outcome && *e.event_outcome == "success") {
    const std::string_view user = AccountPart(*e.user_name);
    if (IsPersonAccount(user)) entry.account = Intern("account:", user);
  }
  view_.Reset(stored);  // product() derives the label of a row stored before schema 7
  if (view_.product() == "windows") {
    values_.clear();
    view_.Get("SubjectUserName", &values_);
    if (!values_.empty() && values_.front().kind == FieldValue::Kind::kString) {
      const std::string_view caller = AccountPart(values_.front().text);
      if (IsPersonAccount(caller)) entry.caller = Intern("account:", caller);
    }
  }
  if (!entries_.empty() && entries_.back().id > entry.id) sorted_ = false;
  entries_.push_back(entry);
  owners_stale_ = true;
}

void ActorLog::BuildOwners() {
  owners_.clear();
  for (const Entry& e : entries_) {
    if (e.ip == kNone || e.account == kNone) continue;
    auto [it, added] = owners_.try_emplace(e.ip, Owner{e.account, e.ts_us});
    if (added) continue;
    if (it->second.account != e.account) {
      it->second.account = kNone;  // two accounts from one address: it names neither
    } else if (e.ts_us < it->second.first_us) {
      it->second.first_us = e.ts_us;
    }
  }
  owners_stale_ = false;
}

std::vector<ActorLog::Actors> ActorLog::Of(const std::vector<Candidate>& candidates) {
  if (!sorted_) {
    std::sort(entries_.begin(), entries_.end(),
              [](const Entry& a, const Entry& b) { return a.id < b.id; });
    sorted_ = true;
  }
  if (owners_stale_) BuildOwners();
  std::vector<Actors> out(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    Actors& a = out[i];
    for (int64_t id : candidates[i].event_ids) {
      auto it = std::lower_bound(entries_.begin(), entries_.end(), id,
                                 [](const Entry& e, int64_t v) { return e.id < v; });
      if (it == entries_.end() || it->id != id) continue;
      if (!a.has_events || it->ts_us < a.first_us) a.first_us = it->ts_us;
      if (!a.has_events || it->ts_us > a.last_us) a.last_us = it->ts_us;
      a.has_events = true;
      for (uint32_t k : {it->ip, it->account, it->caller}) {
        if (k != kNone) a.keys.push_back(k);
      }
      if (it->ip != kNone && it->account == kNone && it->caller == kNone) {
        auto owner = owners_.find(it->ip);
        if (owner != owners_.end() && owner->second.account != kNone &&
            owner->second.first_us <= it->ts_us) {
          a.keys.push_back(owner->second.account);
        }
      }
    }
    std::sort(a.keys.begin(), a.keys.end());
    a.keys.erase(std::unique(a.keys.begin(), a.keys.end()), a.keys.end());
  }
  return out;
}

int64_t RuleGapMicros(const Rule& rule) {
  if (rule.gap_us > 0) return rule.gap_us;
  return rule.timespan_us > 0 ? rule.timespan_us : 3'600'000'000LL;
}

}  // namespace vigil::correlate
