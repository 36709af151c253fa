// SHA-256 compression (FIPS 180-4 §6.2.2) on 16 independent messages, one per 32-bit lane of
// an AVX-512 register. Compiled with -mavx512f; see crypto/sha256_lanes.h.
// GCC 12's AVX-512 intrinsics pass an undefined vector as the unused merge source, which its
// own -Wuninitialized flags once inlined (GCC bug 105593): silenced for that header only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include "crypto/sha256_lanes.h"

namespace vigil::crypto::lanes {
namespace {

using V = __m512i;

// Three-input logic in one instruction: the immediate is the truth table of f(x, y, z).
inline V Xor3(V x, V y, V z) { return _mm512_ternarylogic_epi32(x, y, z, 0x96); }
inline V Ch(V e, V f, V g) { return _mm512_ternarylogic_epi32(e, f, g, 0xca); }
inline V Maj(V a, V b, V c) { return _mm512_ternarylogic_epi32(a, b, c, 0xe8); }
template <int N>
inline V Ror(V x) {
  return _mm512_ror_epi32(x, N);
}
inline V Add(V x, V y) { return _mm512_add_epi32(x, y); }
inline V Load(const uint32_t* p) { return _mm512_load_si512(p); }
inline void Store(uint32_t* p, V v) { _mm512_store_si512(p, v); }
inline V Splat(uint32_t k) { return _mm512_set1_epi32(static_cast<int>(k)); }
inline V BigSigma0(V a) { return Xor3(Ror<2>(a), Ror<13>(a), Ror<22>(a)); }
inline V BigSigma1(V e) { return Xor3(Ror<6>(e), Ror<11>(e), Ror<25>(e)); }
inline V SmallSigma0(V w) { return Xor3(Ror<7>(w), Ror<18>(w), _mm512_srli_epi32(w, 3)); }
inline V SmallSigma1(V w) { return Xor3(Ror<17>(w), Ror<19>(w), _mm512_srli_epi32(w, 10)); }

// The 16 lanes' blocks as message words: a 16x16 transpose of 32-bit words (row = lane,
// column = word), then big-endian to native. w[t] holds word t of every lane.
inline void LoadWords(const uint8_t* const* blocks, V* w) {
  V r[16];
  for (int i = 0; i < 16; ++i) r[i] = _mm512_loadu_si512(blocks[i]);
  // Within each 128-bit lane: pairs of rows, then groups of four, so that lane k of v[4g + m]
  // holds word 4k + m of rows 4g .. 4g + 3.
  V v[16];
  for (int g = 0; g < 4; ++g) {
    const V t0 = _mm512_unpacklo_epi32(r[4 * g], r[4 * g + 1]);
    const V t1 = _mm512_unpackhi_epi32(r[4 * g], r[4 * g + 1]);
    const V t2 = _mm512_unpacklo_epi32(r[4 * g + 2], r[4 * g + 3]);
    const V t3 = _mm512_unpackhi_epi32(r[4 * g + 2], r[4 * g + 3]);
    v[4 * g + 0] = _mm512_unpacklo_epi64(t0, t2);
    v[4 * g + 1] = _mm512_unpackhi_epi64(t0, t2);
    v[4 * g + 2] = _mm512_unpacklo_epi64(t1, t3);
    v[4 * g + 3] = _mm512_unpackhi_epi64(t1, t3);
  }
  // Then a 4x4 transpose of 128-bit lanes gathers word 4k + m of all 16 rows.
  const V swap = _mm512_set1_epi32(static_cast<int>(0x00ff00ff));
  for (int m = 0; m < 4; ++m) {
    const V s0 = _mm512_shuffle_i32x4(v[m], v[4 + m], 0x44);
    const V s1 = _mm512_shuffle_i32x4(v[m], v[4 + m], 0xee);
    const V s2 = _mm512_shuffle_i32x4(v[8 + m], v[12 + m], 0x44);
    const V s3 = _mm512_shuffle_i32x4(v[8 + m], v[12 + m], 0xee);
    const V cols[4] = {_mm512_shuffle_i32x4(s0, s2, 0x88), _mm512_shuffle_i32x4(s0, s2, 0xdd),
                       _mm512_shuffle_i32x4(s1, s3, 0x88), _mm512_shuffle_i32x4(s1, s3, 0xdd)};
    for (int k = 0; k < 4; ++k) {
      // Byte swap with AVX-512F alone: counting from the low end, bytes 0 and 2 come from a
      // rotate by 24 and bytes 1 and 3 from a rotate by 8 (one masked select).
      w[4 * k + m] = _mm512_ternarylogic_epi32(swap, Ror<24>(cols[k]), Ror<8>(cols[k]), 0xca);
    }
  }
}

#include "crypto/sha256_lanes_rounds.inc"

}  // namespace

void CompressAvx512(uint32_t* state, const uint8_t* const* blocks) {
  constexpr size_t L = kAvx512Lanes;
  V w[16];
  LoadWords(blocks, w);
  Rounds<L>(state, w);
}

}  // namespace vigil::crypto::lanes
