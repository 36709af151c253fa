#pragma once
// events.record_key and quarantine.record_key (vigil-ingest(1), "How records are keyed"): the
// event time as 8 bytes big-endian, then 24 bytes of K = SHA-256("vigil-event-key-v1" NUL
// format NUL raw), or, for the n-th earlier occurrence of the same record in the same input,
// of SHA-256(K || n). n counts every earlier occurrence from the input's start, without a cap,
// so identical records are never merged, and reading the same bytes again (or more of them)
// gives the same keys.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "crypto/sha256.h"

namespace vigil::ingest {

class Keyer {
 public:
  explicit Keyer(crypto::Sha256 sha) : sha_(std::move(sha)) {}

  std::string Key(std::string_view format, std::string_view raw, int64_t time_prefix);
  bool ok() const { return sha_.ok(); }
  // Occurrences are counted within one input: a new input starts again from none.
  void NewInput();

 private:
  // How many times `prefix` (K's first 8 bytes) was seen before in this input; counts this one.
  uint64_t Occurrence(uint64_t prefix);
  void Grow();

  crypto::Sha256 sha_;
  std::string buf_;
  // Every prefix seen (open addressing, 0 = empty; 11 to 21 bytes per distinct record), and
  // the counts of those seen more than once.
  std::vector<uint64_t> seen_;
  size_t used_ = 0;
  std::unordered_map<uint64_t, uint64_t> repeats_;
};

}  // namespace vigil::ingest
