#pragma once
// The configuration file of vigil score and vigil alert, written down in vigil-config(5):
// one YAML document read at start-up into a plain Config value. Every setting has a default,
// so no file at all is a valid configuration (Config{}); a file that says anything vigil does
// not understand (an unknown key, a wrong type, a value out of range) is refused whole, never
// half-read, because a typo must not quietly fall back to a default.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/severity.h"

namespace vigil::config {

// The weights of the risk's sub-scores (what each one weighs: vigil-config(5)). Each is in
// [0, 1] and together they sum to 1 (within 1e-6).
struct Weights {
  double rule = 0.35;
  double intensity = 0.15;
  double outcome = 0.20;
  double anomaly = 0.10;
  double behaviour = 0.10;
  double context = 0.10;
};

// Risk 0..100 to severity: Low below `medium`, Medium from `medium`, High from `high`, Critical
// from `critical`. Always 0 < medium < high < critical <= 100.
struct Bands {
  int medium = 30;
  int high = 55;
  int critical = 75;
};

// When normal work happens: hours [start_hour, end_hour) on the days of `days`, in the fixed
// offset `utc_offset_minutes` from UTC (no daylight saving time).
struct WorkHours {
  int start_hour = 8;          // 0..23
  int end_hour = 18;           // 1..24, after start_hour
  uint8_t days = 0x1f;         // bit 0 = Monday ... bit 6 = Sunday; default Monday to Friday
  int utc_offset_minutes = 0;  // e.g. +60 for CET; -840..+840
};

// Behaviour profiles (per user and per source IP).
struct ProfileOptions {
  int min_events = 20;      // history an entity needs before its deviation flags count
  int min_days = 3;         // ... and the number of distinct days it must span
  double rate_spike = 4.0;  // an hour with more than rate_spike x the mean hourly rate (and >= 10
                            // events) is a spike
};

// vigil-alert(1): the trigger rules' thresholds, the cooldown and the --exec time limit.
struct AlertOptions {
  std::string min_severity = "High";  // an incident at or above it (Low..Critical)
  int risk_above = 75;                // an incident whose risk is above it (0..100)
  double anomaly = 0.7;               // an event at least this anomalous and Medium or worse
  int burst_events = 5;               // this many events from one source IP ...
  int burst_window_s = 60;            // ... within this many seconds
  int user_high_events = 3;           // this many High or Critical events for one user ...
  int user_high_window_s = 300;       // ... within this many seconds
  int cooldown_s = 600;               // per (entity, event type), in event time
  int exec_timeout_s = 10;            // per --exec run
};

// RFC 1918 (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) and IPv6 unique-local (fc00::/7).
std::vector<std::string> DefaultInternalNetworks();

// vigil-ingest(1): zone-less times (RFC 3164 syslog, ISO 8601 without an offset) are the
// logging host's wall clock, read in the zone of the first source whose `path` glob matches
// the input's path (as given, or a file found under a given directory), else in `timezone`.
// Zone names are IANA names checked against the tz database at load; "UTC" by default.
struct SourceSettings {
  std::string path;      // a glob: * any run, ? one character
  std::string timezone;  // e.g. Europe/Berlin
};
struct IngestSettings {
  std::string timezone = "UTC";
  std::vector<SourceSettings> sources;
};

struct Config {
  std::string source;  // the file it was read from, "" for the built-in defaults
  Weights weights;
  Bands bands;
  // IPv4/IPv6 addresses, CIDRs (10.1.0.0/16), host names and host globs (db-*), as written.
  std::vector<std::string> critical_assets;
  // User names or globs (admin*, *\administrator), as written; matched case-insensitively.
  std::vector<std::string> privileged_accounts = {"root", "administrator"};
  WorkHours work_hours;
  ProfileOptions profiles;
  // networks.internal: the site's own address ranges (addresses or CIDRs, as written). Rules
  // name them with the placeholder %internal% (vigil-rules(5)): outbound traffic is from inside
  // these to outside them. Without the key: the RFC 1918 ranges and IPv6 unique-local
  // addresses. Not part of CanonicalText(): correlate records the rules as expanded.
  std::vector<std::string> internal_networks = DefaultInternalNetworks();
  bool networks_declared = false;  // networks.internal was given
  AlertOptions alert;     // not part of CanonicalText(): vigil alert records its own digest
  IngestSettings ingest;  // not part of CanonicalText(): score and alert do not read it
  int unincidented_event_cap = 45;  // highest risk an event outside any incident can get from
                                    // its anomaly alone (0..100)

  // Whether `ip_or_host` is a critical asset. An address (IPv4, IPv6, [v6], v6%zone) matches an
  // address entry or falls inside a CIDR entry, IPv4 also as IPv4-mapped IPv6. Anything else is
  // a host name, matched ASCII case-insensitively against name entries and globs (* any run, ?
  // one character), ignoring a trailing dot; an entry without a dot also matches the first
  // label of a dotted name (dc-01 matches DC-01.corp.example). Entries are parsed on each call
  // (they are few), so Config stays a plain value; an entry that does not parse never matches.
  bool IsCriticalAsset(std::string_view ip_or_host) const;
  // Whether `user` is a privileged account: an entry (name or glob, ASCII case-insensitive)
  // matches the whole text or its bare name, so "administrator" matches CORP\Administrator and
  // administrator@corp.example, while "CORP\admin*" matches only that domain's accounts.
  bool IsPrivileged(std::string_view user) const;
  // Whether `ts_us` (UTC microseconds since the epoch) falls in the working hours, on a working
  // day, both taken in the local time of utc_offset_minutes.
  bool IsWorkTime(int64_t ts_us) const;
  // The zone name for zone-less times of the input `path` (IngestSettings).
  const std::string& TimeZoneFor(std::string_view path) const;
  // "Low", "Medium", "High" or "Critical" for a risk, by `bands`.
  std::string SeverityOf(int risk) const;
  // The canonical text of every effective setting, one "key value" line each: numbers in
  // shortest round-trip form, list entries normalised (addresses as inet_ntop writes them, the
  // rest in lower case), sorted and deduplicated. `source` is not a setting and is left out.
  std::string CanonicalText() const;
  // Lowercase hex SHA-256 of CanonicalText(): the same settings give the same digest whatever
  // the file's layout, order or comments. "" only if OpenSSL fails (SHA-256 cannot, short of
  // memory corruption).
  std::string Digest() const;
};

// Parses a configuration from YAML text; `name` (a file name) is used in error locations and
// becomes `source`. Empty text, or only comments, gives the defaults. Every error is kUsage
// with message "what: why" (what = the key path, e.g. score.weights) and where = "name:line".
Result<Config> ParseConfig(std::string_view yaml_text, std::string_view name);

// Reads `path` (at most 1 MiB) and parses it. kNotFound when it does not exist, kIo when it
// cannot be read, kBadInput when it is too large (each with the path as `where`), and the
// errors of ParseConfig.
Result<Config> LoadConfig(const std::string& path);

}  // namespace vigil::config
