#include "ingest/record_key.h"

#include <algorithm>

#include "core/encoding.h"

namespace vigil::ingest {
namespace {
constexpr size_t kInitialSlots = 1u << 14;
}  // namespace

std::string Keyer::Key(std::string_view format, std::string_view raw, int64_t time_prefix) {
  buf_.assign("vigil-event-key-v1", 18);
  buf_.push_back('\0');
  buf_.append(format);
  buf_.push_back('\0');
  buf_.append(raw);
  crypto::Digest k = sha_.Hash(buf_);
  uint64_t prefix = 0;
  for (size_t i = 0; i < 8; ++i) prefix = (prefix << 8) | k[i];
  // Two records that share a prefix only share a counter: their keys still differ by K.
  const uint64_t n = Occurrence(prefix);
  if (n > 0) {
    buf_.assign(crypto::DigestBytes(k));
    if (n <= UINT32_MAX) {
      AppendU32Be(buf_, static_cast<uint32_t>(n));
    } else {
      AppendU64Be(buf_, n);
    }
    k = sha_.Hash(buf_);
  }
  std::string key;
  key.reserve(32);
  AppendU64Be(key, static_cast<uint64_t>(time_prefix));
  key.append(crypto::DigestBytes(k).substr(0, 24));
  return key;
}

uint64_t Keyer::Occurrence(uint64_t prefix) {
  if (prefix == 0) prefix = 1;  // 0 marks an empty slot
  if (seen_.empty()) seen_.assign(kInitialSlots, 0);
  const size_t mask = seen_.size() - 1;
  size_t i = static_cast<size_t>(prefix) & mask;  // a hash already: its low bits will do
  while (seen_[i] != 0 && seen_[i] != prefix) i = (i + 1) & mask;
  if (seen_[i] == 0) {
    seen_[i] = prefix;
    if (++used_ * 4 > seen_.size() * 3) Grow();
    return 0;
  }
  auto [it, inserted] = repeats_.try_emplace(prefix, 1);
  return it->second++;
}

void Keyer::Grow() {
  std::vector<uint64_t> old(seen_.size() * 2, 0);
  old.swap(seen_);
  const size_t mask = seen_.size() - 1;
  for (uint64_t p : old) {
    if (p == 0) continue;
    size_t i = static_cast<size_t>(p) & mask;
    while (seen_[i] != 0) i = (i + 1) & mask;
    seen_[i] = p;
  }
}

void Keyer::NewInput() {
  if (seen_.size() > kInitialSlots) {
    seen_.clear();
    seen_.shrink_to_fit();
  } else {
    std::fill(seen_.begin(), seen_.end(), 0);
  }
  used_ = 0;
  repeats_.clear();
}

}  // namespace vigil::ingest
