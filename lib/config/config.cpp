#include "config/config.h"

// The YAML tree is walked map by map with a list of the keys each map may hold, so an unknown
// key is refused where it is (with the nearest known key as a hint) instead of being ignored.
// Asset and account entries are checked at load time with the same parsers the matchers use
// at run time, so an entry that loads is one that can match.

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <optional>

#include "core/ascii.h"
#include "core/edit_distance.h"
#include "core/file_io.h"
#include "core/ip.h"
#include "crypto/sha256.h"
#include "yaml/document.h"

namespace vigil::config {
namespace {

constexpr uint64_t kMaxConfigBytes = 1 << 20;
constexpr std::array<std::string_view, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::array<std::string_view, 7> kDayNames = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

// Bytes of the UTF-8 character at s[i], so that ? takes a whole character.
size_t CharLength(std::string_view s, size_t i) {
  size_t n = 1;
  while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
  return n;
}

// * matches any run, ? one character, everything else itself (ASCII case-insensitively).
bool GlobMatch(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = p++;
      star_t = t;
    } else if (p < pattern.size() && pattern[p] == '?') {
      ++p;
      t += CharLength(text, t);
    } else if (p < pattern.size() && AsciiLower(pattern[p]) == AsciiLower(text[t])) {
      ++p;
      ++t;
    } else if (star_p == std::string_view::npos) {
      return false;
    } else {  // let the last star take one more character
      p = star_p + 1;
      star_t += CharLength(text, star_t);
      t = star_t;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

using Ip = IpBytes;

// An entry of assets.critical: an address (a /32 or /128 network), a CIDR, or a host pattern.
struct Asset {
  bool is_network = false;
  Ip net{};
  int prefix = 128;       // in the IPv6 space: an IPv4 /16 is 96 + 16
  std::string_view host;  // a view of the entry, without a trailing dot
  std::string Canonical() const {
    if (!is_network) return Lower(host);
    const bool v4 = IsMappedV4(net) && prefix >= 96;
    const int bits = v4 ? prefix - 96 : prefix;
    return bits == (v4 ? 32 : 128) ? FormatIp(net) : fmt::format("{}/{}", FormatIp(net), bits);
  }
};

// The asset (a view of `entry`), or why the entry is not one. Allocates only on failure.
Result<Asset> ParseAsset(std::string_view entry) {
  auto bad = [](std::string why) { return MakeError(ErrorCode::kUsage, std::move(why)); };
  if (entry.empty()) return bad("an empty entry");
  auto quoted = [entry] { return fmt::format("'{}'", entry); };
  Asset asset;
  const size_t slash = entry.find('/');
  const std::string_view addr = entry.substr(0, slash);
  const bool v6 = addr.find(':') != std::string_view::npos;
  if (slash != std::string_view::npos) {
    const std::optional<Ip> ip = ParseIp(addr);
    const std::string_view len = entry.substr(slash + 1);
    int bits = -1;
    const auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), bits);
    if (!ip || len.empty() || ec != std::errc() || end != len.data() + len.size() || bits < 0 ||
        bits > (v6 ? 128 : 32)) {
      return bad(fmt::format("{} is not a CIDR (address/prefix length, 0 to {})", quoted(),
                             v6 ? 128 : 32));
    }
    asset.is_network = true;
    asset.prefix = v6 ? bits : 96 + bits;
    asset.net = *ip;
    for (int bit = asset.prefix; bit < 128; ++bit) {
      asset.net[static_cast<size_t>(bit / 8)] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
    }
    if (asset.net != *ip) {  // 10.1.2.0/16: a typo in the address or in the length
      return bad(
          fmt::format("{} has host bits set (the network is {})", quoted(), asset.Canonical()));
    }
    return asset;
  }
  if (const std::optional<Ip> ip = ParseIp(entry)) {
    asset.is_network = true;
    asset.net = *ip;
    return asset;
  }
  if (v6) return bad(fmt::format("{} is not an IPv6 address", quoted()));
  if (entry.find_first_not_of("0123456789.") == std::string_view::npos) {
    return bad(fmt::format("{} is not an IPv4 address", quoted()));
  }
  if (entry.find_first_not_of("0123456789.*?") == std::string_view::npos) {
    return bad(
        fmt::format("{} looks like an address pattern; write a CIDR (10.1.0.0/16)", quoted()));
  }
  constexpr std::string_view kHostChars =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_*?";
  if (entry.find_first_not_of(kHostChars) != std::string_view::npos || entry.front() == '.') {
    return bad(fmt::format(
        "{} is not an address, CIDR or host name (letters, digits, . - _ and the globs * ?)",
        quoted()));
  }
  asset.host = entry.back() == '.' ? entry.substr(0, entry.size() - 1) : entry;
  return asset;
}

// Why an account entry is unusable, or nullopt.
std::optional<std::string> CheckAccount(std::string_view entry) {
  if (entry.empty()) return "an empty account name";
  if (entry.front() == ' ' || entry.back() == ' ') {
    return fmt::format("'{}' has spaces around it", entry);
  }
  for (char c : entry) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return fmt::format("'{}' holds a control character", entry);
    }
  }
  return std::nullopt;
}

std::string_view BareName(std::string_view user) {
  const size_t backslash = user.rfind('\\');
  if (backslash != std::string_view::npos) user.remove_prefix(backslash + 1);
  return user.substr(0, user.find('@'));
}

std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

std::string Describe(yaml::Node node) {
  if (node.IsScalar()) return fmt::format("'{}'", node.Scalar());
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  return "nothing";
}

// Walks one YAML document; every error it makes is kUsage at "name:line".
class Reader {
 public:
  using Visit =
      std::function<Status(std::string_view key, yaml::Node value, const std::string& key_path)>;

  explicit Reader(std::string_view name) : name_(name) {}

  std::string Where(yaml::Node node) const {
    const int line = node.mark().line;
    return line >= 0 ? fmt::format("{}:{}", name_, line + 1) : std::string(name_);
  }
  Error Fail(yaml::Node node, std::string_view what, std::string_view why) const {
    return MakeError(ErrorCode::kUsage, fmt::format("{}: {}", what, why), Where(node));
  }

  // Calls `visit` for each key of the map `node` (a null node is an empty map: a section whose
  // keys are all commented out). Refuses other nodes, unknown keys and keys given twice.
  Status ForEachKey(yaml::Node node, const std::string& path,
                    std::initializer_list<std::string_view> known, const Visit& visit) const {
    if (node.IsNull()) return {};
    if (!node.IsMap()) return Fail(node, path, "expected a map, got " + Describe(node));
    std::vector<std::pair<std::string, int>> seen;
    for (const yaml::Entry& entry : node.Entries()) {
      const yaml::Node key_node = entry.first;
      const std::string key = key_node.IsScalar() ? key_node.Scalar() : Describe(key_node);
      const std::string key_path = Join(path, key);
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        std::string why = "unknown key";
        const auto nearest = std::min_element(known.begin(), known.end(), [&](auto a, auto b) {
          return EditDistance(key, a) < EditDistance(key, b);
        });
        if (EditDistance(key, *nearest) <= 2) why += fmt::format(" (did you mean '{}'?)", *nearest);
        return Fail(key_node, key_path, why);
      }
      for (const auto& [name, line] : seen) {
        if (name == key)
          return Fail(key_node, key_path, fmt::format("given twice (first at line {})", line));
      }
      seen.emplace_back(key, key_node.mark().line + 1);
      Status s = visit(key, entry.second, key_path);
      if (!s.ok() && entry.second.IsNull()) {
        // yaml-cpp marks an empty value where the next token starts: name the key's line.
        return MakeError(s.error().code, s.error().message, Where(key_node));
      }
      if (!s.ok()) return s;
    }
    return {};
  }

  Result<int> Int(yaml::Node node, const std::string& what, int lo, int hi) const {
    const std::string text = node.IsScalar() ? node.Scalar() : std::string();
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!node.IsScalar() || text.empty() || ec != std::errc() || end != text.data() + text.size() ||
        value < lo || value > hi) {
      return Fail(
          node, what,
          fmt::format("expected a whole number from {} to {}, got {}", lo, hi, Describe(node)));
    }
    return value;
  }

  Result<double> Number(yaml::Node node, const std::string& what, double lo, double hi) const {
    const std::string text = node.IsScalar() ? node.Scalar() : std::string();
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!node.IsScalar() || text.empty() || ec != std::errc() || end != text.data() + text.size() ||
        !std::isfinite(value) || value < lo || value > hi) {
      return Fail(node, what,
                  fmt::format("expected a number from {} to {}, got {}", lo, hi, Describe(node)));
    }
    return value;
  }

  // A list of strings (null: empty), each passed by `check`, which says why one is refused.
  Result<std::vector<std::string>> Strings(
      yaml::Node node, const std::string& what,
      const std::function<std::optional<std::string>(std::string_view)>& check) const {
    std::vector<std::string> out;
    if (node.IsNull()) return out;
    if (!node.IsSequence()) {
      return Fail(node, what, fmt::format("expected a list ([a, b]), got {}", Describe(node)));
    }
    for (yaml::Node item : node.Items()) {
      if (!item.IsScalar()) return Fail(item, what, "expected a string, got " + Describe(item));
      if (std::optional<std::string> why = check(item.Scalar())) return Fail(item, what, *why);
      out.push_back(item.Scalar());
    }
    return out;
  }

 private:
  std::string_view name_;
};

Status ParseWeights(const Reader& r, yaml::Node node, const std::string& path, Weights& w) {
  struct Slot {
    std::string_view name;
    double* value;
    bool given;
  };
  std::array<Slot, 6> slots = {{{"rule", &w.rule, false},
                                {"intensity", &w.intensity, false},
                                {"outcome", &w.outcome, false},
                                {"anomaly", &w.anomaly, false},
                                {"behaviour", &w.behaviour, false},
                                {"context", &w.context, false}}};
  Status s = r.ForEachKey(
      node, path, {"rule", "intensity", "outcome", "anomaly", "behaviour", "context"},
      [&](std::string_view key, yaml::Node value, const std::string& key_path) -> Status {
        Result<double> v = r.Number(value, key_path, 0, 1);
        if (!v) return v.error();
        for (Slot& slot : slots) {
          if (slot.name == key) {
            *slot.value = *v;
            slot.given = true;
          }
        }
        return {};
      });
  if (!s.ok() || node.IsNull()) return s;
  double sum = 0;
  for (const Slot& slot : slots) {
    if (!slot.given) {
      return r.Fail(node, path,
                    fmt::format("missing '{}' (give all six: rule, intensity, outcome, anomaly, "
                                "behaviour, context)",
                                slot.name));
    }
    sum += *slot.value;
  }
  if (std::fabs(sum - 1) > 1e-6) {
    return r.Fail(node, path, fmt::format("the weights sum to {:.9g}, not 1", sum));
  }
  return {};
}

Status ParseScore(const Reader& r, yaml::Node node, const std::string& path, Config& c) {
  return r.ForEachKey(
      node, path, {"weights", "bands", "unincidented_event_cap"},
      [&](std::string_view key, yaml::Node value, const std::string& key_path) -> Status {
        if (key == "weights") return ParseWeights(r, value, key_path, c.weights);
        if (key == "unincidented_event_cap") {
          Result<int> cap = r.Int(value, key_path, 0, 100);
          if (!cap) return cap.error();
          c.unincidented_event_cap = *cap;
          return {};
        }
        Status s = r.ForEachKey(
            value, key_path, {"medium", "high", "critical"},
            [&](std::string_view band, yaml::Node v, const std::string& band_path) -> Status {
              Result<int> n = r.Int(v, band_path, 1, 100);
              if (!n) return n.error();
              (band == "medium" ? c.bands.medium
               : band == "high" ? c.bands.high
                                : c.bands.critical) = *n;
              return {};
            });
        const Bands& b = c.bands;
        if (s.ok() &&
            !(0 < b.medium && b.medium < b.high && b.high < b.critical && b.critical <= 100)) {
          return r.Fail(value, key_path,
                        fmt::format("expected 0 < medium < high < critical <= 100, got medium "
                                    "{}, high {}, critical {}",
                                    b.medium, b.high, b.critical));
        }
        return s;
      });
}

// "+HH:MM" or "-HH:MM" (ISO 8601) up to 14:00, or "Z": minutes east of UTC.
std::optional<int> ParseOffset(std::string_view s) {
  if (s == "Z") return 0;
  auto digit = [&](size_t i) { return s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -100; };
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return std::nullopt;
  const int hours = digit(1) * 10 + digit(2), minutes = digit(4) * 10 + digit(5);
  if (hours < 0 || minutes < 0 || minutes > 59 || hours * 60 + minutes > 14 * 60) {
    return std::nullopt;
  }
  return (s[0] == '-' ? -1 : 1) * (hours * 60 + minutes);
}

Status ParseWorkHours(const Reader& r, yaml::Node node, const std::string& path, WorkHours& w) {
  Status s = r.ForEachKey(
      node, path, {"start", "end", "days", "utc_offset"},
      [&](std::string_view key, yaml::Node value, const std::string& key_path) -> Status {
        if (key == "start" || key == "end") {
          Result<int> hour = r.Int(value, key_path, 0, 24);
          if (!hour) return hour.error();
          (key == "start" ? w.start_hour : w.end_hour) = *hour;
        } else if (key == "utc_offset") {
          const std::optional<int> offset = ParseOffset(value.IsScalar() ? value.Scalar() : "");
          if (!offset) {
            return r.Fail(value, key_path,
                          fmt::format("expected \"+HH:MM\" or \"-HH:MM\" from -14:00 to +14:00, "
                                      "got {}",
                                      Describe(value)));
          }
          w.utc_offset_minutes = *offset;
        } else {
          uint8_t days = 0;
          Result<std::vector<std::string>> names =
              r.Strings(value, key_path, [&](std::string_view name) -> std::optional<std::string> {
                const std::string lower = Lower(name);
                for (size_t d = 0; d < kDays.size(); ++d) {
                  if (lower == kDays[d] || lower == kDayNames[d]) {
                    days = static_cast<uint8_t>(days | (1u << d));
                    return std::nullopt;
                  }
                }
                return fmt::format("'{}' is not a day (mon, tue, wed, thu, fri, sat, sun)", name);
              });
          if (!names) return names.error();
          if (days == 0) return r.Fail(value, key_path, "no working day listed");
          w.days = days;
        }
        return {};
      });
  if (s.ok() && w.start_hour >= w.end_hour) {
    return r.Fail(node, path,
                  fmt::format("start ({}) must be before end ({}); hours do not wrap past "
                              "midnight",
                              w.start_hour, w.end_hour));
  }
  return s;
}

// assets: {critical: [...]} or accounts: {privileged: [...]}.
Status ParseEntries(const Reader& r, yaml::Node node, const std::string& path, bool assets,
                    std::vector<std::string>& out) {
  auto check = [assets](std::string_view entry) -> std::optional<std::string> {
    if (!assets) return CheckAccount(entry);
    Result<Asset> asset = ParseAsset(entry);
    if (asset) return std::nullopt;
    return asset.error().message;
  };
  return r.ForEachKey(
      node, path, {assets ? "critical" : "privileged"},
      [&](std::string_view, yaml::Node value, const std::string& key_path) -> Status {
        Result<std::vector<std::string>> entries = r.Strings(value, key_path, check);
        if (!entries) return entries.error();
        out = std::move(*entries);
        return {};
      });
}

Status ParseProfiles(const Reader& r, yaml::Node node, const std::string& path, ProfileOptions& p) {
  return r.ForEachKey(
      node, path, {"min_events", "min_days", "rate_spike"},
      [&](std::string_view key, yaml::Node value, const std::string& key_path) -> Status {
        if (key == "rate_spike") {
          Result<double> spike = r.Number(value, key_path, 1, 1000);
          if (!spike) return spike.error();
          p.rate_spike = *spike;
          return {};
        }
        const bool events = key == "min_events";
        Result<int> n = r.Int(value, key_path, 0, events ? 1'000'000 : 366);
        if (!n) return n.error();
        (events ? p.min_events : p.min_days) = *n;
        return {};
      });
}

Status ParseAlert(const Reader& r, yaml::Node node, const std::string& path, AlertOptions& a) {
  auto pair = [&r](yaml::Node value, const std::string& key_path, int& events, int& window) {
    return r.ForEachKey(value, key_path, {"events", "window"},
                        [&](std::string_view k, yaml::Node v, const std::string& p) {
                          Result<int> n = r.Int(v, p, 1, k == "events" ? 1'000'000 : 86'400);
                          if (!n) return Status(n.error());
                          (k == "events" ? events : window) = *n;
                          return Status();
                        });
  };
  return r.ForEachKey(
      node, path,
      {"min_severity", "risk_above", "anomaly", "burst", "user_high", "cooldown", "exec_timeout"},
      [&](std::string_view key, yaml::Node value, const std::string& key_path) -> Status {
        if (key == "min_severity") {
          const std::string text = value.IsScalar() ? value.Scalar() : std::string();
          const int rank = SeverityRank(text);
          if (rank < 0) return r.Fail(value, key_path, "expected Low, Medium, High or Critical");
          a.min_severity = kSeverityNames[rank];
          return {};
        }
        if (key == "anomaly") {
          Result<double> x = r.Number(value, key_path, 0, 1);
          if (!x) return x.error();
          a.anomaly = *x;
          return {};
        }
        if (key == "burst") return pair(value, key_path, a.burst_events, a.burst_window_s);
        if (key == "user_high") {
          return pair(value, key_path, a.user_high_events, a.user_high_window_s);
        }
        Result<int> n = key == "risk_above" ? r.Int(value, key_path, 0, 100)
                        : key == "cooldown" ? r.Int(value, key_path, 0, 7 * 86'400)
                                            : r.Int(value, key_path, 1, 3'600);
        if (!n) return n.error();
        (key == "risk_above" ? a.risk_above
         : key == "cooldown" ? a.cooldown_s
                             : a.exec_timeout_s) = *n;
        return {};
      });
}

Status ParseRoot(const Reader& r, yaml::Node root, Config& c) {
  if (!root.IsNull() && !root.IsMap()) {
    return r.Fail(root, "configuration",
                  "expected a map of sections (score, assets, accounts, work_hours, profiles, "
                  "alert), got " +
                      Describe(root));
  }
  return r.ForEachKey(
      root, "", {"score", "assets", "accounts", "work_hours", "profiles", "alert"},
      [&](std::string_view key, yaml::Node value, const std::string& path) -> Status {
        if (key == "score") return ParseScore(r, value, path, c);
        if (key == "assets") return ParseEntries(r, value, path, true, c.critical_assets);
        if (key == "accounts") return ParseEntries(r, value, path, false, c.privileged_accounts);
        if (key == "work_hours") return ParseWorkHours(r, value, path, c.work_hours);
        if (key == "profiles") return ParseProfiles(r, value, path, c.profiles);
        return ParseAlert(r, value, path, c.alert);
      });
}

// yaml-cpp's Load reads the first document and silently drops the rest; a second document
// would be settings that never apply, so it is refused. 0 or the 1-based line of its "---".
int SecondDocumentLine(std::string_view text) {
  bool content = false;
  int line = 0;
  while (!text.empty()) {
    ++line;
    const size_t nl = text.find('\n');
    std::string_view l = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    const bool marker =
        l.substr(0, 3) == "---" && (l.size() == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r');
    if (marker) {
      if (content) return line;
      l.remove_prefix(3);
    }
    const size_t first = l.find_first_not_of(" \t\r");
    if (first != std::string_view::npos && l[first] != '#' && l[first] != '%') content = true;
  }
  return 0;
}

}  // namespace

bool Config::IsCriticalAsset(std::string_view ip_or_host) const {
  std::string_view text = ip_or_host;
  if (text.size() > 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  const std::optional<Ip> ip = ParseIp(text.substr(0, text.find('%')));
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

Result<Config> ParseConfig(std::string_view yaml_text, std::string_view name) {
  if (const int line = SecondDocumentLine(yaml_text); line > 0) {
    return MakeError(ErrorCode::kUsage,
                     "configuration: a second YAML document; the file holds one (remove the ---)",
                     fmt::format("{}:{}", name, line));
  }
  Result<yaml::Document> doc = yaml::Parse(yaml_text, name);
  if (!doc) return MakeError(ErrorCode::kUsage, doc.error().message, doc.error().where);
  const Reader reader(name);
  Config config;
  config.source = std::string(name);
  if (Status s = ParseRoot(reader, doc->root(), config); !s.ok()) return s.error();
  return config;
}

Result<Config> LoadConfig(const std::string& path) {
  Result<std::string> text = ReadFile(path, kMaxConfigBytes);
  if (!text) {
    return MakeError(text.error().code, "configuration: " + text.error().message, path);
  }
  return ParseConfig(*text, path);
}

}  // namespace vigil::config
