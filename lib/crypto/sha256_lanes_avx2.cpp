// SHA-256 compression (FIPS 180-4 §6.2.2) on 8 independent messages, one per 32-bit lane of
// an AVX2 register. Compiled with -mavx2; see crypto/sha256_lanes.h.
#include <immintrin.h>

#include "crypto/sha256_lanes.h"

namespace vigil::crypto::lanes {
namespace {

using V = __m256i;

// AVX2 has neither rotates nor three-input logic: each is spelt out.
template <int N>
inline V Ror(V x) {
  return _mm256_or_si256(_mm256_srli_epi32(x, N), _mm256_slli_epi32(x, 32 - N));
}
inline V Xor3(V x, V y, V z) { return _mm256_xor_si256(_mm256_xor_si256(x, y), z); }
inline V Ch(V e, V f, V g) {
  return _mm256_xor_si256(_mm256_and_si256(_mm256_xor_si256(f, g), e), g);
}
inline V Maj(V a, V b, V c) {
  return _mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(c, _mm256_or_si256(a, b)));
}
inline V Add(V x, V y) { return _mm256_add_epi32(x, y); }
inline V Load(const uint32_t* p) { return _mm256_load_si256(reinterpret_cast<const V*>(p)); }
inline void Store(uint32_t* p, V v) { _mm256_store_si256(reinterpret_cast<V*>(p), v); }
inline V Splat(uint32_t k) { return _mm256_set1_epi32(static_cast<int>(k)); }
inline V BigSigma0(V a) { return Xor3(Ror<2>(a), Ror<13>(a), Ror<22>(a)); }
inline V BigSigma1(V e) { return Xor3(Ror<6>(e), Ror<11>(e), Ror<25>(e)); }
inline V SmallSigma0(V w) { return Xor3(Ror<7>(w), Ror<18>(w), _mm256_srli_epi32(w, 3)); }
inline V SmallSigma1(V w) { return Xor3(Ror<17>(w), Ror<19>(w), _mm256_srli_epi32(w, 10)); }

// Eight 32-byte rows (one per lane) to eight vectors of one word each: an 8x8 transpose of
// 32-bit words, then big-endian to native.
inline void Transpose(const V* r, V* out) {
  const V bswap = _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0,
                                   7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
  V u[8];
  for (int g = 0; g < 2; ++g) {
    const V t0 = _mm256_unpacklo_epi32(r[4 * g], r[4 * g + 1]);
    const V t1 = _mm256_unpackhi_epi32(r[4 * g], r[4 * g + 1]);
    const V t2 = _mm256_unpacklo_epi32(r[4 * g + 2], r[4 * g + 3]);
    const V t3 = _mm256_unpackhi_epi32(r[4 * g + 2], r[4 * g + 3]);
    u[4 * g + 0] = _mm256_unpacklo_epi64(t0, t2);
    u[4 * g + 1] = _mm256_unpackhi_epi64(t0, t2);
    u[4 * g + 2] = _mm256_unpacklo_epi64(t1, t3);
    u[4 * g + 3] = _mm256_unpackhi_epi64(t1, t3);
  }
  for (int m = 0; m < 4; ++m) {
    out[m] = _mm256_shuffle_epi8(_mm256_permute2x128_si256(u[m], u[4 + m], 0x20), bswap);
    out[4 + m] = _mm256_shuffle_epi8(_mm256_permute2x128_si256(u[m], u[4 + m], 0x31), bswap);
  }
}

inline void LoadWords(const uint8_t* const* blocks, V* w) {
  for (int half = 0; half < 2; ++half) {
    V r[8];
    for (int i = 0; i < 8; ++i) {
      r[i] = _mm256_loadu_si256(reinterpret_cast<const V*>(blocks[i] + 32 * half));
    }
    Transpose(r, w + 8 * half);
  }
}

#include "crypto/sha256_lanes_rounds.inc"

}  // namespace

void CompressAvx2(uint32_t* state, const uint8_t* const* blocks) {
  constexpr size_t L = kAvx2Lanes;
  V w[16];
  LoadWords(blocks, w);
  Rounds<L>(state, w);
}

}  // namespace vigil::crypto::lanes
