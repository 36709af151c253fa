// SHA-256 compression (FIPS 180-4 §6.2.2) with the x86 SHA extensions, on kShaNiLanes
// messages at once. Compiled with -msha -msse4.1; see crypto/sha256_lanes.h.
//
// One sha256rnds2 does two rounds of one message, but it needs the result of the one before
// it, so a single message leaves the unit idle most of the time (OpenSSL's one-at-a-time
// path). The messages here are independent: their rounds are written side by side and the
// CPU overlaps them.
#include <immintrin.h>

#include "crypto/sha256_lanes.h"

namespace vigil::crypto::lanes {
namespace {

using V = __m128i;

inline V LoadU(const void* p) { return _mm_loadu_si128(static_cast<const V*>(p)); }
inline void StoreU(void* p, V v) { _mm_storeu_si128(static_cast<V*>(p), v); }

}  // namespace

void CompressShaNi(uint32_t* state, const uint8_t* const* blocks) {
  constexpr size_t L = kShaNiLanes;
  // Big-endian words to native: reverse the bytes of each 32-bit element.
  const V swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
  V abef[L], cdgh[L], abef_in[L], cdgh_in[L];
  V w[L][4];  // the last four groups of four message words (W[4g .. 4g + 3])
  for (size_t l = 0; l < L; ++l) {
    abef[l] = abef_in[l] = LoadU(state + 8 * l);
    cdgh[l] = cdgh_in[l] = LoadU(state + 8 * l + 4);
    for (size_t j = 0; j < 4; ++j) w[l][j] = _mm_shuffle_epi8(LoadU(blocks[l] + 16 * j), swap);
  }
#pragma GCC unroll 16
  for (size_t g = 0; g < 16; ++g) {
    const V k = LoadU(kRound + 4 * g);
    for (size_t l = 0; l < L; ++l) {
      V* x = w[l];
      if (g >= 4) {
        // W[4g..4g+3] from the four groups before: msg1 adds sigma0 of W[t-15] to W[t-16],
        // the alignr brings W[t-7], msg2 adds sigma1 of W[t-2].
        const V prev = x[(g + 3) & 3];
        const V t = _mm_add_epi32(_mm_sha256msg1_epu32(x[g & 3], x[(g + 1) & 3]),
                                  _mm_alignr_epi8(prev, x[(g + 2) & 3], 4));
        x[g & 3] = _mm_sha256msg2_epu32(t, prev);
      }
      const V wk = _mm_add_epi32(x[g & 3], k);
      cdgh[l] = _mm_sha256rnds2_epu32(cdgh[l], abef[l], wk);
      abef[l] = _mm_sha256rnds2_epu32(abef[l], cdgh[l], _mm_shuffle_epi32(wk, 0x0e));
    }
  }
  for (size_t l = 0; l < L; ++l) {
    StoreU(state + 8 * l, _mm_add_epi32(abef[l], abef_in[l]));
    StoreU(state + 8 * l + 4, _mm_add_epi32(cdgh[l], cdgh_in[l]));
  }
}

}  // namespace vigil::crypto::lanes
