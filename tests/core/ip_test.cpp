// core/ip: parsing (IPv4 mapped into IPv6), networks, and the private ranges the score
// features treat as internal.
#include "core/ip.h"

#include <catch2/catch.hpp>

using vigil::FormatIp;
using vigil::InNetwork;
using vigil::IsPrivateAddress;
using vigil::ParseIp;

TEST_CASE("ParseIp maps IPv4 into IPv6 and drops an IPv6 zone", "[core][ip]") {
  const auto v4 = ParseIp("10.1.2.3");
  REQUIRE(v4);
  CHECK(vigil::IsMappedV4(*v4));
  CHECK(FormatIp(*v4) == "10.1.2.3");
  CHECK(*ParseIp("::ffff:10.1.2.3") == *v4);
  const auto v6 = ParseIp("fe80::1%eth0");
  REQUIRE(v6);
  CHECK(FormatIp(*v6) == "fe80::1");
  CHECK_FALSE(ParseIp("010.1.2.3"));  // no leading zeros, as inet_pton
  CHECK_FALSE(ParseIp("10.1.2"));
  CHECK_FALSE(ParseIp("host.example"));
  CHECK_FALSE(ParseIp(""));
  CHECK_FALSE(ParseIp(std::string(100, '1')));
}

TEST_CASE("InNetwork compares the prefix bit by bit", "[core][ip]") {
  const auto net = *ParseIp("172.16.0.0");
  CHECK(InNetwork(net, 96 + 12, *ParseIp("172.31.255.255")));
  CHECK_FALSE(InNetwork(net, 96 + 12, *ParseIp("172.32.0.0")));
  CHECK(InNetwork(*ParseIp("2001:db8::"), 32, *ParseIp("2001:db8:ffff::1")));
  CHECK_FALSE(InNetwork(*ParseIp("2001:db8::"), 32, *ParseIp("2001:db9::1")));
}

TEST_CASE("IsPrivateAddress knows the private, local and shared ranges", "[core][ip]") {
  for (const char* a :
       {"10.0.0.1", "172.16.5.4", "172.31.0.1", "192.168.1.129", "127.0.0.1", "169.254.10.1",
        "100.64.0.1", "100.127.255.255", "::1", "fd00::5", "fe80::1%eth0", "::ffff:192.168.0.4"}) {
    INFO(a);
    CHECK(IsPrivateAddress(a));
  }
  for (const char* a : {"8.8.8.8", "172.32.0.1", "172.15.0.1", "100.128.0.1", "192.169.0.1",
                        "2001:db8::1", "183.62.140.253", "n219076184117.netvigator.com", ""}) {
    INFO(a);
    CHECK_FALSE(IsPrivateAddress(a));
  }
}
