#pragma once
// SHA-256 of many independent messages at once. Verifying the chain hashes every sealed row
// and every link (about 14 blocks per record); one message at a time, each 64-byte block waits
// for the one before it. Side by side, one message per SIMD lane, the vector units run 16
// (AVX-512) or 8 (AVX2) blocks in the time of a few; with the SHA extensions (SHA-NI), two
// messages' rounds interleave. The backend is chosen at run time from what the CPU offers;
// with none of these the messages go one by one through OpenSSL. Every backend gives plain
// FIPS 180-4 SHA-256 (tests/crypto compares them with OpenSSL).

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_buffer.h"
#include "core/result.h"
#include "crypto/sha256.h"

namespace vigil::crypto {

enum class Sha256Backend { kOpenSsl, kAvx2, kAvx512, kShaNi };

const char* Sha256BackendName(Sha256Backend backend);
// The fastest backend this CPU and OS support, unless VIGIL_SHA256 in the environment names
// another one it supports (openssl, avx2, avx512, shani: benchmarks compare them); a name the
// CPU cannot run, or no known name, is ignored.
Sha256Backend BestSha256Backend();
bool Sha256BackendSupported(Sha256Backend backend);

class Sha256Many {
 public:
  // kBadInput if the CPU lacks `backend`; kCrypto if OpenSSL cannot be set up.
  static Result<Sha256Many> Create(Sha256Backend backend);
  static Result<Sha256Many> Create() { return Create(BestSha256Backend()); }

  // out[i] = SHA-256(messages[i]); out.size() must equal messages.size().
  void Hash(std::span<const std::string_view> messages, std::span<Digest> out);

  Sha256Backend backend() const { return backend_; }
  // False once OpenSSL failed (the fallback path); the digests since then are meaningless.
  bool ok() const { return one_.ok(); }

 private:
  Sha256Many(Sha256Backend backend, Sha256 one) : backend_(backend), one_(std::move(one)) {}
  Sha256Backend backend_;
  Sha256 one_;  // the fallback, and for batches too small to fill the lanes
};

// Messages gathered back to back in one buffer, then hashed together. Add() copies, so the
// caller's buffers may be reused at once.
class HashBatch {
 public:
  void Add(std::string_view message) {
    Open().Append(message);
    Close();
  }
  // For a producer that writes a message in place: Open() drops any message left open and
  // returns the buffer to append the next one to; Close() ends it. Run() sees closed ones.
  ByteBuffer& Open() {
    bytes_.Truncate(ends_.empty() ? 0 : ends_.back());
    return bytes_;
  }
  void Close() { ends_.push_back(bytes_.size()); }
  size_t size() const { return ends_.size(); }
  bool empty() const { return ends_.empty(); }
  void Clear() {
    bytes_.Clear();
    ends_.clear();
  }
  // Hashes every message added since Clear(); digest(i) is then the i-th one's.
  void Run(Sha256Many& hasher);
  const Digest& digest(size_t i) const { return digests_[i]; }

 private:
  ByteBuffer bytes_;
  std::vector<size_t> ends_;
  std::vector<std::string_view> views_;
  std::vector<Digest> digests_;
};

}  // namespace vigil::crypto
