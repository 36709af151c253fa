#include "crypto/sha256_many.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

#if defined(VIGIL_SHA256_LANES)
#include <cpuid.h>
#endif

#if defined(VIGIL_SHA256_LANES)
#include "crypto/sha256_lanes.h"
#endif

namespace vigil::crypto {
namespace {

constexpr uint32_t kInitial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

// Fewer messages than this go one by one: idle lanes would cost more than they save.
constexpr size_t kMinBatch = 4;

#if defined(VIGIL_SHA256_LANES)
// Feeds the messages through `kLanes` lanes: each lane takes the next message as soon as its
// current one is done, so lanes stay busy however the lengths differ. A message's last one or
// two blocks (the padding and the bit length, FIPS 180-4 §5.1.1) are built in the lane's own
// buffer; the blocks before them are read in place. An idle lane (the batch's end) hashes its
// zero tail block, whose result nobody reads.
// Where word i (a..h) of lane l's state lives: interleaved for the vector kernels, two
// vectors per lane for the SHA extensions (crypto/sha256_lanes.h).
template <size_t kLanes>
constexpr size_t Interleaved(size_t i, size_t l) {
  return i * kLanes + l;
}
constexpr size_t ShaNiSlot(size_t i, size_t l) { return 8 * l + lanes::kShaNiSlot[i]; }

template <size_t kLanes, void (*kCompress)(uint32_t*, const uint8_t* const*),
          size_t (*kSlot)(size_t, size_t) = Interleaved<kLanes>>
void HashLanes(std::span<const std::string_view> messages, std::span<Digest> out) {
  struct Lane {
    const uint8_t* body_end = nullptr;  // after the message's whole blocks: the tail follows
    size_t left = 0;                    // blocks still to compress, the one in blocks[] too
    size_t index = 0;                   // which message
    uint8_t tail[128] = {};
  };
  alignas(64) uint32_t state[8 * kLanes];
  const uint8_t* blocks[kLanes];
  Lane lanes[kLanes];
  size_t next_message = 0;
  size_t active = 0;

  // Gives lane l the next message, or leaves it idle on its own (zero) tail block.
  auto start = [&](size_t l) {
    Lane& lane = lanes[l];
    if (next_message == messages.size()) {
      blocks[l] = lane.tail;
      lane.body_end = lane.tail + 64;  // so it stays on that block
      lane.left = SIZE_MAX;
      return;
    }
    ++active;
    lane.index = next_message++;
    const std::string_view m = messages[lane.index];
    const auto* data = reinterpret_cast<const uint8_t*>(m.data());
    const size_t full_blocks = m.size() / 64;
    const size_t rest = m.size() % 64;
    const size_t tail_blocks = rest + 9 > 64 ? 2 : 1;
    if (rest != 0) std::memcpy(lane.tail, data + full_blocks * 64, rest);
    lane.tail[rest] = 0x80;
    std::memset(lane.tail + rest + 1, 0, tail_blocks * 64 - 8 - rest - 1);
    const uint64_t bits = static_cast<uint64_t>(m.size()) * 8;
    uint8_t* len = lane.tail + tail_blocks * 64 - 8;
    for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
    lane.left = full_blocks + tail_blocks;
    if (full_blocks == 0) {
      blocks[l] = lane.tail;
      lane.body_end = nullptr;
    } else {
      blocks[l] = data;
      lane.body_end = data + full_blocks * 64;
    }
    for (size_t i = 0; i < 8; ++i) state[kSlot(i, l)] = kInitial[i];
  };

  for (size_t l = 0; l < kLanes; ++l) start(l);
  while (active > 0) {
    kCompress(state, blocks);
    // Most lanes just move to their next block: one count and one compare each.
    for (size_t l = 0; l < kLanes; ++l) {
      Lane& lane = lanes[l];
      if (--lane.left != 0) {
        blocks[l] += 64;
        if (blocks[l] == lane.body_end) blocks[l] = lane.tail;
        continue;
      }
      uint8_t* d = out[lane.index].data();
      for (size_t i = 0; i < 8; ++i) {
        const uint32_t v = state[kSlot(i, l)];
        d[4 * i] = static_cast<uint8_t>(v >> 24);
        d[4 * i + 1] = static_cast<uint8_t>(v >> 16);
        d[4 * i + 2] = static_cast<uint8_t>(v >> 8);
        d[4 * i + 3] = static_cast<uint8_t>(v);
      }
      --active;
      start(l);
    }
  }
}
#endif

}  // namespace

const char* Sha256BackendName(Sha256Backend backend) {
  switch (backend) {
    case Sha256Backend::kOpenSsl:
      return "openssl";
    case Sha256Backend::kAvx2:
      return "avx2";
    case Sha256Backend::kAvx512:
      return "avx512";
    case Sha256Backend::kShaNi:
      return "shani";
  }
  return "openssl";
}

bool Sha256BackendSupported(Sha256Backend backend) {
  switch (backend) {
    case Sha256Backend::kOpenSsl:
      return true;
#if defined(VIGIL_SHA256_LANES)
    // __builtin_cpu_supports also checks that the OS saves the vector registers (XCR0).
    case Sha256Backend::kAvx2:
      return __builtin_cpu_supports("avx2");
    case Sha256Backend::kAvx512:
      return __builtin_cpu_supports("avx512f");
    case Sha256Backend::kShaNi: {
      // GCC 12's __builtin_cpu_supports has no "sha": CPUID leaf 7 EBX bit 29 is the SHA
      // extensions; the kernel also uses SSSE3 and SSE4.1 (leaf 1 ECX bits 9 and 19), whose
      // XMM registers every x86-64 OS saves.
      unsigned a = 0, b = 0, c = 0, d = 0;
      if (__get_cpuid_count(7, 0, &a, &b, &c, &d) == 0 || (b & (1u << 29)) == 0) return false;
      if (__get_cpuid(1, &a, &b, &c, &d) == 0) return false;
      return (c & (1u << 9)) != 0 && (c & (1u << 19)) != 0;
    }
#else
    default:
      return false;
#endif
  }
  return false;
}

Sha256Backend BestSha256Backend() {
  // Fastest first. tests/bench/sha256_bench.cpp on this project's Xeon, 500-byte messages,
  // MB/s: AVX-512 1420-1890, SHA-NI 1280-1480, OpenSSL (which uses SHA-NI) 1030-1090, AVX2
  // 950. SHA-NI comes first wherever there is no AVX-512.
  constexpr Sha256Backend kBySpeed[] = {Sha256Backend::kAvx512, Sha256Backend::kShaNi,
                                        Sha256Backend::kAvx2, Sha256Backend::kOpenSsl};
  if (const char* want = std::getenv("VIGIL_SHA256")) {
    for (Sha256Backend b : kBySpeed) {
      if (Sha256BackendName(b) == std::string_view(want) && Sha256BackendSupported(b)) return b;
    }
  }
  for (Sha256Backend b : kBySpeed) {
    if (Sha256BackendSupported(b)) return b;
  }
  return Sha256Backend::kOpenSsl;
}

Result<Sha256Many> Sha256Many::Create(Sha256Backend backend) {
  if (!Sha256BackendSupported(backend)) {
    return MakeError(ErrorCode::kBadInput, std::string("this CPU cannot run the ") +
                                               Sha256BackendName(backend) + " SHA-256 backend");
  }
  auto one = Sha256::Create();
  if (!one) return one.error();
  return Sha256Many(backend, std::move(*one));
}

void Sha256Many::Hash(std::span<const std::string_view> messages, std::span<Digest> out) {
  if (messages.size() < kMinBatch || backend_ == Sha256Backend::kOpenSsl) {
    for (size_t i = 0; i < messages.size(); ++i) out[i] = one_.Hash(messages[i]);
    return;
  }
#if defined(VIGIL_SHA256_LANES)
  switch (backend_) {
    case Sha256Backend::kShaNi:
      HashLanes<lanes::kShaNiLanes, lanes::CompressShaNi, ShaNiSlot>(messages, out);
      break;
    case Sha256Backend::kAvx512:
      HashLanes<lanes::kAvx512Lanes, lanes::CompressAvx512>(messages, out);
      break;
    default:
      HashLanes<lanes::kAvx2Lanes, lanes::CompressAvx2>(messages, out);
      break;
  }
#endif
}

void HashBatch::Run(Sha256Many& hasher) {
  views_.clear();
  size_t begin = 0;
  for (size_t end : ends_) {
    views_.emplace_back(bytes_.data() + begin, end - begin);
    begin = end;
  }
  digests_.resize(ends_.size());
  hasher.Hash(views_, digests_);
}

}  // namespace vigil::crypto
