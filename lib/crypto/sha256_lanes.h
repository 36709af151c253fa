#pragma once
// Internal to crypto/sha256_many.cpp: SHA-256 compression functions that run one message per
// SIMD lane. Each is compiled alone with its instruction set enabled (lib/CMakeLists.txt) and
// is only called after the CPU was checked for it. The files include nothing but the
// intrinsics, so no inline function of another header is ever compiled for a newer CPU.
//
// Layout: state[i * kLanes + lane] is word i (a..h) of a lane's state; blocks[lane] points at
// the lane's next 64-byte block (any alignment).

#include <cstddef>
#include <cstdint>

namespace vigil::crypto::lanes {

inline constexpr size_t kAvx512Lanes = 16;
inline constexpr size_t kAvx2Lanes = 8;

void CompressAvx512(uint32_t* state, const uint8_t* const* blocks);
void CompressAvx2(uint32_t* state, const uint8_t* const* blocks);

}  // namespace vigil::crypto::lanes
