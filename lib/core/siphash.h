#pragma once
// SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit hash for strings an attacker
// controls. The correlation engine uses it for first-seen state and distinct-value counts,
// keyed by the store's random id, so nobody can craft log values that collide.

#include <array>
#include <cstdint>
#include <string_view>

namespace vigil {

using SipKey = std::array<uint8_t, 16>;

uint64_t SipHash24(const SipKey& key, std::string_view data);

// A key from up to 16 bytes of `seed` (e.g. the store id's bytes); shorter seeds are padded
// with zeros.
SipKey SipKeyFrom(std::string_view seed);

}  // namespace vigil
