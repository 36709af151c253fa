#include "core/siphash.h"

#include <catch2/catch.hpp>
#include <string>

namespace {

// The reference vectors of the SipHash paper (vectors.h): key 00 01 .. 0f, message 00 01 ..
// (n-1); the expected values are the little-endian words of the published bytes.
TEST_CASE("SipHash-2-4 matches the published reference vectors", "[core]") {
  vigil::SipKey key{};
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i);
  const struct {
    size_t length;
    uint64_t expected;
  } kVectors[] = {
      {0, 0x726fdb47dd0e0e31ULL},  {1, 0x74f839c593dc67fdULL}, {2, 0x0d6c8009d9a94f5aULL},
      {7, 0xab0200f58b01d137ULL},  {8, 0x93f5f5799a932462ULL}, {9, 0x9e0082df0ba9e4b0ULL},
      {15, 0xa129ca6149be45e5ULL},
  };
  for (const auto& v : kVectors) {
    std::string message;
    for (size_t i = 0; i < v.length; ++i) message.push_back(static_cast<char>(i));
    INFO("length " << v.length);
    CHECK(vigil::SipHash24(key, message) == v.expected);
  }
}

TEST_CASE("SipHash keys from a seed differ and pad with zeros", "[core]") {
  const vigil::SipKey a = vigil::SipKeyFrom("0123456789abcdef0123");
  const vigil::SipKey b = vigil::SipKeyFrom("0123456789abcdeF");
  CHECK(vigil::SipHash24(a, "x") != vigil::SipHash24(b, "x"));
  const vigil::SipKey short_key = vigil::SipKeyFrom("ab");
  CHECK(short_key[2] == 0);
  CHECK(short_key[15] == 0);
}

}  // namespace
