// ParseConfig: one section parser per map of vigil-config(5), each walking its keys with
// Reader. Asset and account entries are checked at load time with the same parsers the
// matchers use at run time (config/entries.h), so an entry that loads is one that can match.

#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "config/config.h"
#include "config/entries.h"
#include "config/ingest_section.h"
#include "config/reader.h"
#include "core/ascii.h"
#include "core/file_io.h"
#include "yaml/document.h"

namespace vigil::config {
namespace {

constexpr uint64_t kMaxConfigBytes = 1 << 20;

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

// networks: {internal: [...]}: addresses and CIDRs only (a host name is no range).
Status ParseNetworks(const Reader& r, yaml::Node node, const std::string& path, Config& c) {
  auto check = [](std::string_view entry) -> std::optional<std::string> {
    Result<Asset> asset = ParseAsset(entry);
    if (!asset) return asset.error().message;
    if (!asset->is_network) return "expected an address or a CIDR (10.0.0.0/8), not a host name";
    return std::nullopt;
  };
  return r.ForEachKey(
      node, path, {"internal"},
      [&](std::string_view, yaml::Node value, const std::string& key_path) -> Status {
        Result<std::vector<std::string>> entries = r.Strings(value, key_path, check);
        if (!entries) return entries.error();
        c.internal_networks = std::move(*entries);
        c.networks_declared = true;
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
                  "expected a map of sections (score, assets, accounts, networks, work_hours, "
                  "profiles, alert, ingest), got " +
                      Describe(root));
  }
  return r.ForEachKey(
      root, "",
      {"score", "assets", "accounts", "networks", "work_hours", "profiles", "alert", "ingest"},
      [&](std::string_view key, yaml::Node value, const std::string& path) -> Status {
        if (key == "ingest") return ParseIngest(r, value, path, c.ingest);
        if (key == "score") return ParseScore(r, value, path, c);
        if (key == "assets") return ParseEntries(r, value, path, true, c.critical_assets);
        if (key == "accounts") return ParseEntries(r, value, path, false, c.privileged_accounts);
        if (key == "networks") return ParseNetworks(r, value, path, c);
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
