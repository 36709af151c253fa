#include "core/ip.h"

#include <arpa/inet.h>

#include <cstring>

namespace vigil {

std::optional<IpBytes> ParseIp(std::string_view text) {
  const size_t zone = text.find('%');
  if (zone != std::string_view::npos) text = text.substr(0, zone);
  char s[INET6_ADDRSTRLEN] = {};
  if (text.empty() || text.size() >= sizeof s) return std::nullopt;
  std::memcpy(s, text.data(), text.size());
  IpBytes ip{};
  if (text.find(':') != std::string_view::npos) {
    if (inet_pton(AF_INET6, s, ip.data()) != 1) return std::nullopt;
    return ip;
  }
  ip[10] = ip[11] = 0xff;
  if (inet_pton(AF_INET, s, ip.data() + 12) != 1) return std::nullopt;
  return ip;
}

bool IsMappedV4(const IpBytes& ip) {
  static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(ip.data(), kPrefix, 12) == 0;
}

std::string FormatIp(const IpBytes& ip) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (IsMappedV4(ip)) {
    inet_ntop(AF_INET, ip.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, ip.data(), buf, sizeof buf);
  }
  return buf;
}

bool InNetwork(const IpBytes& net, int prefix, const IpBytes& ip) {
  const auto full = static_cast<size_t>(prefix / 8);
  if (std::memcmp(net.data(), ip.data(), full) != 0) return false;
  if (prefix % 8 == 0) return true;
  const auto mask = static_cast<uint8_t>(0xFFu << (8 - prefix % 8));
  return (ip[full] & mask) == net[full];
}

bool IsPrivateAddress(std::string_view text) {
  const std::optional<IpBytes> ip = ParseIp(text);
  if (!ip) return false;
  const IpBytes& a = *ip;
  if (IsMappedV4(a)) {
    const uint8_t b0 = a[12], b1 = a[13];
    return b0 == 10 || b0 == 127 || b0 == 0 || (b0 == 172 && (b1 & 0xf0) == 16) ||
           (b0 == 192 && b1 == 168) || (b0 == 169 && b1 == 254) || (b0 == 100 && (b1 & 0xc0) == 64);
  }
  static constexpr IpBytes kLoopback = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return a == kLoopback || (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80);
}

}  // namespace vigil
