#pragma once
// Internal to crypto/sha256_many.cpp: SHA-256 compression functions that run one message per
// SIMD lane. Each is compiled alone with its instruction set enabled (lib/CMakeLists.txt) and
// is only called after the CPU was checked for it. The files include nothing but the
// intrinsics, so no inline function of another header is ever compiled for a newer CPU.
//
// Layout: for the vector kernels, state[i * kLanes + lane] is word i (a..h) of a lane's
// state; the SHA extensions keep a state as two vectors (A, B, E, F and C, D, G, H, highest
// element first), so for them word i of lane l is state[8 * l + kShaNiSlot[i]]. blocks[lane]
// points at the lane's next 64-byte block (any alignment).

#include <cstddef>
#include <cstdint>

namespace vigil::crypto::lanes {

inline constexpr size_t kAvx512Lanes = 16;
inline constexpr size_t kAvx2Lanes = 8;
// Not SIMD lanes but messages in flight: each SHA-NI round instruction waits for the one
// before it in its own message, so messages interleave. Two was fastest on this project's
// Xeon (1, 4 and 8 measured too); more run out of the 16 XMM registers SHA-NI can use.
inline constexpr size_t kShaNiLanes = 2;
inline constexpr uint8_t kShaNiSlot[8] = {3, 2, 7, 6, 1, 0, 5, 4};

// The round constants K (FIPS 180-4 §4.2.2).
alignas(64) inline constexpr uint32_t kRound[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

void CompressAvx512(uint32_t* state, const uint8_t* const* blocks);
void CompressAvx2(uint32_t* state, const uint8_t* const* blocks);
void CompressShaNi(uint32_t* state, const uint8_t* const* blocks);

}  // namespace vigil::crypto::lanes
