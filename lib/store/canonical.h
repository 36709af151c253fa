#pragma once
// The canonical encoding of a row and the chain link, byte for byte as in vigil-store(5),
// section "CANONICAL ENCODING". Writer and verifier both use only these functions.
//
//   record  = "vigil-record-v1" 0x00 || enc(col_1) || ... || enc(col_k)
//             (columns after `id` in declaration order; trailing NULLs are dropped, so
//             adding a nullable column in a migration leaves existing hashes valid)
//   enc     = 0x00                         NULL
//           | 0x01 || int64 big-endian     INTEGER (two's complement)
//           | 0x02 || binary64 big-endian  REAL
//           | 0x03 || u32be(n) || n bytes  TEXT (the stored UTF-8 bytes)
//           | 0x04 || u32be(n) || n bytes  BLOB
//   link    = "vigil-chain-v1" 0x00 || prev_chain_hash (32) || u64be(seq)
//             || u32be(len(tbl)) || tbl || int64be(row_id) || record_hash (32)
//   record_hash = SHA-256(record), chain_hash = SHA-256(link); prev of seq 1 = 32 zero bytes

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/sha256.h"
#include "store/value.h"

namespace vigil::store {

// Builds one record encoding; reuse it across rows to keep its buffer.
class CanonicalRow {
 public:
  CanonicalRow() { Clear(); }
  void Clear();
  void AddNull() { ++pending_nulls_; }
  void AddInteger(int64_t v);
  void AddReal(double v);
  void AddText(std::string_view v);
  void AddBlob(std::string_view v);
  void Add(const Value& v);
  // The encoding so far (trailing NULLs not included).
  std::string_view Bytes() const { return buf_; }

 private:
  void FlushNulls();
  std::string buf_;
  size_t pending_nulls_ = 0;
};

// SHA-256 of a chain link; `scratch` is reused to avoid an allocation per entry.
crypto::Digest ChainLinkHash(crypto::Sha256& sha, std::string& scratch, const crypto::Digest& prev,
                             int64_t seq, std::string_view table, int64_t row_id,
                             const crypto::Digest& record_hash);

}  // namespace vigil::store
