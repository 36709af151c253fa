#pragma once
// IP addresses as 16 bytes: IPv6 as is, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d), so one
// comparison serves both families and mapped data matches IPv4 rules. Shared by the Sigma
// cidr modifier, the config's critical assets and the score features.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

using IpBytes = std::array<uint8_t, 16>;

// An IPv4 or IPv6 address as inet_pton reads it (so no leading zeros in IPv4: 010.0.0.1 is
// not an address), with an IPv6 zone (%eth0) ignored. No allocation.
std::optional<IpBytes> ParseIp(std::string_view text);

// Whether `ip` is IPv4-mapped.
bool IsMappedV4(const IpBytes& ip);

// The address as inet_ntop writes it (IPv4 dotted for mapped addresses).
std::string FormatIp(const IpBytes& ip);

// Whether `ip` lies in the network `net`/`prefix` (prefix in bits of the 16 bytes: an IPv4
// /16 is 96 + 16). `net` must have its host bits clear.
bool InNetwork(const IpBytes& net, int prefix, const IpBytes& ip);

// Whether the text is an address of a private, local or shared range: 10/8, 172.16/12,
// 192.168/16, 127/8, 169.254/16, 100.64/10 (carrier-grade NAT), 0/8, ::1, fc00::/7,
// fe80::/10, and IPv4-mapped forms of the IPv4 ones. Not an address: false.
bool IsPrivateAddress(std::string_view text);

}  // namespace vigil
