#include "config/entries.h"

#include <fmt/format.h>

#include <charconv>

#include "core/ascii.h"

namespace vigil::config {
namespace {

// Bytes of the UTF-8 character at s[i], so that ? takes a whole character.
size_t CharLength(std::string_view s, size_t i) {
  size_t n = 1;
  while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
  return n;
}

}  // namespace

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
    const std::optional<IpBytes> ip = ParseIp(addr);
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
  if (const std::optional<IpBytes> ip = ParseIp(entry)) {
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

std::string Asset::Canonical() const {
  if (!is_network) return Lower(host);
  const bool v4 = IsMappedV4(net) && prefix >= 96;
  const int bits = v4 ? prefix - 96 : prefix;
  return bits == (v4 ? 32 : 128) ? FormatIp(net) : fmt::format("{}/{}", FormatIp(net), bits);
}

}  // namespace vigil::config
