#include "store/canonical.h"

#include <sqlite3.h>

#include <bit>
#include <cstring>

#include "core/encoding.h"
#include "store/database.h"

namespace vigil::store {
namespace {

constexpr std::string_view kRecordPrefix{"vigil-record-v1\0", 16};
constexpr std::string_view kLinkPrefix{"vigil-chain-v1\0", 15};

}  // namespace

void CanonicalRow::Clear() {
  if (buf_.size() < 1024) buf_.resize(1024);
  std::memcpy(buf_.data(), kRecordPrefix.data(), kRecordPrefix.size());
  len_ = kRecordPrefix.size();
  pending_nulls_ = 0;
}

void CanonicalRow::Add(const Value& v) {
  switch (v.type) {
    case ValueType::kNull:
      AddNull();
      break;
    case ValueType::kInteger:
      AddInteger(v.integer);
      break;
    case ValueType::kReal:
      AddReal(v.real);
      break;
    case ValueType::kText:
      AddText(v.bytes);
      break;
    case ValueType::kBlob:
      AddBlob(v.bytes);
      break;
  }
}

void AddColumns(const Statement& stmt, int first, CanonicalRow& row) {
  sqlite3_stmt* s = stmt.handle();
  const int n = sqlite3_column_count(s);
  for (int c = first; c < n; ++c) {
    // One API call per column: the sqlite3_value accessors below take no locks.
    sqlite3_value* v = sqlite3_column_value(s, c);
    switch (sqlite3_value_type(v)) {
      case SQLITE_INTEGER:
        row.AddInteger(sqlite3_value_int64(v));
        break;
      case SQLITE_FLOAT:
        row.AddReal(sqlite3_value_double(v));
        break;
      case SQLITE_TEXT:
      case SQLITE_BLOB: {
        // value_blob on a TEXT value returns its bytes as stored, without conversion.
        const void* p = sqlite3_value_blob(v);
        const auto len = static_cast<size_t>(sqlite3_value_bytes(v));
        const std::string_view bytes =
            p ? std::string_view(static_cast<const char*>(p), len) : std::string_view();
        if (sqlite3_value_type(v) == SQLITE_TEXT) {
          row.AddText(bytes);
        } else {
          row.AddBlob(bytes);
        }
        break;
      }
      default:
        row.AddNull();
    }
  }
}

crypto::Digest ChainLinkHash(crypto::Sha256& sha, std::string& scratch, const crypto::Digest& prev,
                             int64_t seq, std::string_view table, int64_t row_id,
                             const crypto::Digest& record_hash) {
  scratch.assign(kLinkPrefix);
  scratch.append(crypto::DigestBytes(prev));
  AppendU64Be(scratch, static_cast<uint64_t>(seq));
  AppendU32Be(scratch, static_cast<uint32_t>(table.size()));
  scratch.append(table);
  AppendU64Be(scratch, static_cast<uint64_t>(row_id));
  scratch.append(crypto::DigestBytes(record_hash));
  return sha.Hash(scratch);
}

}  // namespace vigil::store
