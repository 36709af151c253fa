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

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/result.h"
#include "crypto/sha256.h"
#include "store/value.h"

namespace vigil::store {

// The pieces of the record encoding, shared by its three writers: CanonicalRow (what the
// chain writer seals), vigil_record (what verify reads through SQL) and the page reader
// (store/table_pages.h, what verify reads from the file's pages).
inline constexpr std::string_view kRecordPrefix{"vigil-record-v1\0", 16};
inline constexpr char kTextTag = '\x03';
inline constexpr char kBlobTag = '\x04';
inline constexpr size_t kNumberSize = 9;   // tag and 8 bytes
inline constexpr size_t kBytesHeader = 5;  // tag and u32be length

inline void StoreU32Be(char* p, uint32_t v) {
  for (int i = 3; i >= 0; --i, v >>= 8) p[i] = static_cast<char>(v & 0xff);
}
inline void StoreU64Be(char* p, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<char>(v & 0xff);
}
// Each writes one value at `p`, which has room for kNumberSize (or kBytesHeader + v.size())
// bytes.
inline void PutInteger(char* p, int64_t v) {
  p[0] = '\x01';
  StoreU64Be(p + 1, static_cast<uint64_t>(v));
}
inline void PutReal(char* p, double v) {
  p[0] = '\x02';
  StoreU64Be(p + 1, std::bit_cast<uint64_t>(v));
}
inline void PutBytes(char* p, char tag, std::string_view v) {
  p[0] = tag;
  StoreU32Be(p + 1, static_cast<uint32_t>(v.size()));
  if (!v.empty()) std::memcpy(p + kBytesHeader, v.data(), v.size());
}

// Builds one record encoding; reuse it across rows to keep its buffer. The appends are
// inline and write into a buffer that only grows: this runs 31 times per event in verify.
class CanonicalRow {
 public:
  CanonicalRow() { Clear(); }
  void Clear();
  void AddNull() { ++pending_nulls_; }
  void AddInteger(int64_t v) { PutInteger(Reserve(kNumberSize), v); }
  void AddReal(double v) { PutReal(Reserve(kNumberSize), v); }
  void AddText(std::string_view v) { PutBytes(Reserve(kBytesHeader + v.size()), kTextTag, v); }
  void AddBlob(std::string_view v) { PutBytes(Reserve(kBytesHeader + v.size()), kBlobTag, v); }
  void Add(const Value& v);
  // The encoding so far (trailing NULLs not included).
  std::string_view Bytes() const { return {buf_.data(), len_}; }

 private:
  // Room for `n` more bytes after any pending NULLs, which are written first.
  char* Reserve(size_t n) {
    const size_t need = len_ + pending_nulls_ + n;
    if (need > buf_.size()) buf_.resize(std::max(need, 2 * buf_.size()));
    char* p = buf_.data() + len_;
    if (pending_nulls_ != 0) {
      std::memset(p, 0, pending_nulls_);
      p += pending_nulls_;
      pending_nulls_ = 0;
    }
    len_ = need;
    return p;
  }

  std::string buf_;
  size_t len_ = 0;
  size_t pending_nulls_ = 0;
};

class Database;
}  // namespace vigil::store
namespace vigil::crypto {
class HashBatch;
}  // namespace vigil::crypto
namespace vigil::store {

// Registers the SQL function vigil_record(value, ...) on `db`: the record encoding of its
// arguments, as a BLOB valid until the next call. The verifier selects
// `vigil_record(col_1, ..., col_k)` instead of the k columns: SQLite hands the values to it
// directly, which saves k API calls per row.
Status RegisterRecordFunction(Database& db);

// Where vigil_record_into writes: the batch the encoding goes to, and the id of the row whose
// encoding is open there.
struct RecordSink {
  crypto::HashBatch* batch = nullptr;
  int64_t row_id = 0;
};

// Registers vigil_record_into(id, value, ...) on `db`: appends the same encoding as
// vigil_record(value, ...) to sink->batch as its open message (crypto::HashBatch::Open), sets
// sink->row_id to `id`, and returns NULL. The caller keeps a row's encoding with Close(), or
// leaves it to be dropped by the next call. verify reads rows this way: the bytes go straight
// to where they are hashed, with no copy by SQLite. This relies on SQLite calling it as each
// row is stepped, which holds for a scan in id order without a sorter; the caller checks
// row_id against the row it stepped. `sink` is borrowed: it must outlive every statement
// that calls the function.
Status RegisterRecordSink(Database& db, RecordSink* sink);

// Appends the link encoding of one chain entry to `out` (the verifier batches many).
void AppendChainLink(std::string& out, const crypto::Digest& prev, int64_t seq,
                     std::string_view table, int64_t row_id, const crypto::Digest& record_hash);

// SHA-256 of a chain link; `scratch` is reused to avoid an allocation per entry.
crypto::Digest ChainLinkHash(crypto::Sha256& sha, std::string& scratch, const crypto::Digest& prev,
                             int64_t seq, std::string_view table, int64_t row_id,
                             const crypto::Digest& record_hash);

}  // namespace vigil::store
