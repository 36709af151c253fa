#include "crypto/sha256_many.h"

#include <cstdlib>
#include <cstring>

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
// buffer; the blocks before them are read in place.
template <size_t kLanes, void (*kCompress)(uint32_t*, const uint8_t* const*)>
void HashLanes(std::span<const std::string_view> messages, std::span<Digest> out) {
  struct Lane {
    const uint8_t* data = nullptr;
    size_t full_blocks = 0;  // whole 64-byte blocks read from the message
    size_t total_blocks = 0;
    size_t next_block = 0;
    size_t index = 0;  // which message
    bool active = false;
    uint8_t tail[128];
  };
  alignas(64) uint32_t state[8 * kLanes];
  const uint8_t* blocks[kLanes];
  static const uint8_t kIdle[64] = {};
  Lane lanes[kLanes];
  size_t next_message = 0;
  int active = 0;

  auto start = [&](size_t l) {
    Lane& lane = lanes[l];
    if (next_message == messages.size()) {
      if (lane.active) --active;
      lane.active = false;
      return;
    }
    if (!lane.active) ++active;
    lane.active = true;
    lane.index = next_message++;
    const std::string_view m = messages[lane.index];
    lane.data = reinterpret_cast<const uint8_t*>(m.data());
    lane.full_blocks = m.size() / 64;
    const size_t rest = m.size() % 64;
    const size_t tail_blocks = rest + 9 > 64 ? 2 : 1;
    if (rest != 0) std::memcpy(lane.tail, lane.data + lane.full_blocks * 64, rest);
    lane.tail[rest] = 0x80;
    std::memset(lane.tail + rest + 1, 0, tail_blocks * 64 - 8 - rest - 1);
    const uint64_t bits = static_cast<uint64_t>(m.size()) * 8;
    uint8_t* len = lane.tail + tail_blocks * 64 - 8;
    for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
    lane.total_blocks = lane.full_blocks + tail_blocks;
    lane.next_block = 0;
    for (size_t i = 0; i < 8; ++i) state[i * kLanes + l] = kInitial[i];
  };

  for (size_t l = 0; l < kLanes; ++l) start(l);
  while (active > 0) {
    for (size_t l = 0; l < kLanes; ++l) {
      const Lane& lane = lanes[l];
      const uint8_t* block = kIdle;
      if (lane.active) {
        block = lane.next_block < lane.full_blocks
                    ? lane.data + lane.next_block * 64
                    : lane.tail + (lane.next_block - lane.full_blocks) * 64;
      }
      blocks[l] = block;
    }
    kCompress(state, blocks);
    for (size_t l = 0; l < kLanes; ++l) {
      Lane& lane = lanes[l];
      if (!lane.active || ++lane.next_block < lane.total_blocks) continue;
      uint8_t* d = out[lane.index].data();
      for (size_t i = 0; i < 8; ++i) {
        const uint32_t v = state[i * kLanes + l];
        d[4 * i] = static_cast<uint8_t>(v >> 24);
        d[4 * i + 1] = static_cast<uint8_t>(v >> 16);
        d[4 * i + 2] = static_cast<uint8_t>(v >> 8);
        d[4 * i + 3] = static_cast<uint8_t>(v);
      }
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
#else
    default:
      return false;
#endif
  }
  return false;
}

Sha256Backend BestSha256Backend() {
  Sha256Backend best = Sha256Backend::kOpenSsl;
  if (Sha256BackendSupported(Sha256Backend::kAvx512)) {
    best = Sha256Backend::kAvx512;
  } else if (Sha256BackendSupported(Sha256Backend::kAvx2)) {
    best = Sha256Backend::kAvx2;
  }
  if (const char* want = std::getenv("VIGIL_SHA256")) {
    const std::string_view w(want);
    if (w == "openssl") best = Sha256Backend::kOpenSsl;
    if (w == "avx2" && best == Sha256Backend::kAvx512) best = Sha256Backend::kAvx2;
  }
  return best;
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
  if (backend_ == Sha256Backend::kAvx512) {
    HashLanes<lanes::kAvx512Lanes, lanes::CompressAvx512>(messages, out);
  } else {
    HashLanes<lanes::kAvx2Lanes, lanes::CompressAvx2>(messages, out);
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
