#pragma once
// The list entries of a configuration, shared by its parser (an entry that loads is one that
// can match) and by Config's matchers: working days, asset entries (addresses, CIDRs, host
// names and globs) and account names. Internal to config/.

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/ip.h"
#include "core/result.h"

namespace vigil::config {

constexpr std::array<std::string_view, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::array<std::string_view, 7> kDayNames = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

// * matches any run, ? one character (a whole UTF-8 one), everything else itself (ASCII
// case-insensitively).
bool GlobMatch(std::string_view pattern, std::string_view text);

// An entry of assets.critical: an address (a /32 or /128 network), a CIDR, or a host pattern.
struct Asset {
  bool is_network = false;
  IpBytes net{};
  int prefix = 128;       // in the IPv6 space: an IPv4 /16 is 96 + 16
  std::string_view host;  // a view of the entry, without a trailing dot
  // The entry as CanonicalText writes it: an address as inet_ntop does, a host in lower case.
  std::string Canonical() const;
};

// The asset (a view of `entry`), or why the entry is not one (kUsage, the reason as message).
// Allocates only on failure.
Result<Asset> ParseAsset(std::string_view entry);

// Why an account entry is unusable, or nullopt.
std::optional<std::string> CheckAccount(std::string_view entry);

// The account name without its domain: CORP\admin and admin@corp.example give admin.
std::string_view BareName(std::string_view user);

}  // namespace vigil::config
