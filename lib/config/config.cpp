#include "config/config.h"

// Config's questions (asset, account, working time, severity) and its canonical form; the
// parser is in parse.cpp, the entry syntax in entries.cpp.

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "config/entries.h"
#include "core/ascii.h"
#include "core/ip.h"
#include "crypto/sha256.h"

namespace vigil::config {

bool Config::IsCriticalAsset(std::string_view ip_or_host) const {
  std::string_view text = ip_or_host;
  if (text.size() > 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  const std::optional<IpBytes> ip = ParseIp(text.substr(0, text.find('%')));
  std::string_view host = ip_or_host;  // GlobMatch ignores case: no copy
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  const size_t dot = host.find('.');
  const std::string_view first_label = host.substr(0, dot);
  for (const std::string& entry : critical_assets) {
    Result<Asset> asset = ParseAsset(entry);
    if (!asset) continue;
    if (asset->is_network) {
      if (ip && InNetwork(asset->net, asset->prefix, *ip)) return true;
    } else if (!ip && !host.empty()) {
      if (GlobMatch(asset->host, host)) return true;
      if (dot != std::string_view::npos && asset->host.find('.') == std::string_view::npos &&
          GlobMatch(asset->host, first_label)) {
        return true;
      }
    }
  }
  return false;
}

bool Config::IsPrivileged(std::string_view user) const {
  if (user.empty()) return false;
  const std::string_view bare = BareName(user);
  for (const std::string& entry : privileged_accounts) {
    if (GlobMatch(entry, user) || (!bare.empty() && GlobMatch(entry, bare))) return true;
  }
  return false;
}

bool Config::IsWorkTime(int64_t ts_us) const {
  constexpr int64_t kDay = 86400;
  // Floor division: times before 1970 stay on the right day.
  int64_t seconds = ts_us / 1'000'000 - (ts_us % 1'000'000 < 0 ? 1 : 0);
  seconds += int64_t{work_hours.utc_offset_minutes} * 60;
  const int64_t days = seconds / kDay - (seconds % kDay < 0 ? 1 : 0);
  const int64_t hour = (seconds - days * kDay) / 3600;
  const int64_t weekday = ((days + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday; Monday = 0
  return ((work_hours.days >> weekday) & 1) != 0 && hour >= work_hours.start_hour &&
         hour < work_hours.end_hour;
}

std::vector<std::string> DefaultInternalNetworks() {
  return {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"};
}

std::string Config::SeverityOf(int risk) const {
  if (risk >= bands.critical) return "Critical";
  if (risk >= bands.high) return "High";
  if (risk >= bands.medium) return "Medium";
  return "Low";
}

std::string Config::CanonicalText() const {
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  };
  std::vector<std::string> assets, accounts;
  for (const std::string& entry : critical_assets) {
    Result<Asset> asset = ParseAsset(entry);
    assets.push_back(asset ? asset->Canonical() : Lower(entry));
  }
  for (const std::string& entry : privileged_accounts) accounts.push_back(Lower(entry));
  std::string days;
  for (size_t d = 0; d < kDays.size(); ++d) {
    if ((work_hours.days >> d) & 1) days += fmt::format("{}{}", days.empty() ? "" : ",", kDays[d]);
  }
  const int offset = work_hours.utc_offset_minutes;
  std::string out = "vigil-config 1\n";
  out += fmt::format(
      "score.weights.rule {}\nscore.weights.intensity {}\nscore.weights.outcome {}\n"
      "score.weights.anomaly {}\nscore.weights.behaviour {}\nscore.weights.context {}\n",
      weights.rule, weights.intensity, weights.outcome, weights.anomaly, weights.behaviour,
      weights.context);
  out += fmt::format("score.bands.medium {}\nscore.bands.high {}\nscore.bands.critical {}\n",
                     bands.medium, bands.high, bands.critical);
  out += fmt::format("score.unincidented_event_cap {}\n", unincidented_event_cap);
  for (const std::string& a : sorted(assets)) out += fmt::format("assets.critical {}\n", a);
  for (const std::string& a : sorted(accounts)) out += fmt::format("accounts.privileged {}\n", a);
  out += fmt::format("work_hours.start {}\nwork_hours.end {}\nwork_hours.days {}\n",
                     work_hours.start_hour, work_hours.end_hour, days);
  out += fmt::format("work_hours.utc_offset {}{:02}:{:02}\n", offset < 0 ? '-' : '+',
                     std::abs(offset) / 60, std::abs(offset) % 60);
  out += fmt::format("profiles.min_events {}\nprofiles.min_days {}\nprofiles.rate_spike {}\n",
                     profiles.min_events, profiles.min_days, profiles.rate_spike);
  return out;
}

std::string Config::Digest() const {
  Result<crypto::Digest> digest = crypto::Sha256Of(CanonicalText());
  return digest ? crypto::DigestHex(*digest) : std::string();
}

}  // namespace vigil::config
