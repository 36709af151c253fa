#pragma once
// SHA-256 through OpenSSL 3 EVP. The algorithm is fetched once per process (an implicit fetch
// on every EVP_DigestInit cost ~38% of the chain's speed when measured), and a
// Sha256 context is reused for many messages. A Sha256 is not thread-safe; use one per thread.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace vigil::crypto {

using Digest = std::array<uint8_t, 32>;

std::string_view DigestBytes(const Digest& d);
std::string DigestHex(const Digest& d);
// nullopt-like: kBadInput unless `bytes` is exactly 32 bytes.
Result<Digest> DigestFromBytes(std::string_view bytes);

// Constant-time comparison: hashes of attacker-influenced data are compared without leaking
// where they differ (every byte is read, no early exit). Inline: verify compares two per record.
inline bool DigestEqual(const Digest& a, const Digest& b) {
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff = static_cast<uint8_t>(diff | (a[i] ^ b[i]));
  return diff == 0;
}

class Sha256 {
 public:
  static Result<Sha256> Create();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  ~Sha256();

  // One message in one call; the common case (canonical rows, chain links).
  Digest Hash(std::string_view data);
  // Incremental use: Init, Update..., Final.
  void Init();
  void Update(std::string_view data);
  Digest Final();

  // False once any OpenSSL call failed; the digests returned since then are meaningless.
  // OpenSSL's software SHA-256 cannot fail short of memory corruption, so callers check this
  // once per batch rather than per message.
  bool ok() const { return ok_; }

 private:
  struct Impl;
  explicit Sha256(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  bool ok_ = true;
};

// Convenience for cold paths. kCrypto if OpenSSL fails.
Result<Digest> Sha256Of(std::string_view data);

}  // namespace vigil::crypto
