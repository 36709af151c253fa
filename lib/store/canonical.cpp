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

void StoreU32Be(char* p, uint32_t v) {
  for (int i = 3; i >= 0; --i, v >>= 8) p[i] = static_cast<char>(v & 0xff);
}
void StoreU64Be(char* p, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<char>(v & 0xff);
}

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

namespace {

// The same encoding as CanonicalRow, sized first and then written without further checks:
// this runs once per sealed row in verify.
void RecordFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* buf = static_cast<std::string*>(sqlite3_user_data(ctx));
  // SQLite allows at most 127 arguments (SQLITE_MAX_FUNCTION_ARG); chained tables have fewer.
  int types[128];
  if (argc > 128) {
    sqlite3_result_error(ctx, "vigil_record: too many columns", -1);
    return;
  }
  size_t size = kRecordPrefix.size();
  int last = -1;  // trailing NULLs are not encoded
  for (int i = 0; i < argc; ++i) {
    types[i] = sqlite3_value_type(argv[i]);
    switch (types[i]) {
      case SQLITE_INTEGER:
      case SQLITE_FLOAT:
        size += 9;
        break;
      case SQLITE_TEXT:
      case SQLITE_BLOB:
        size += 5 + static_cast<size_t>(sqlite3_value_bytes(argv[i]));
        break;
      default:
        size += 1;
        continue;
    }
    last = i;
  }
  if (buf->size() < size) buf->resize(std::max(size, 2 * buf->size()));
  char* p = buf->data();
  std::memcpy(p, kRecordPrefix.data(), kRecordPrefix.size());
  p += kRecordPrefix.size();
  for (int i = 0; i <= last; ++i) {
    sqlite3_value* v = argv[i];
    switch (types[i]) {
      case SQLITE_INTEGER:
        *p = '\x01';
        StoreU64Be(p + 1, static_cast<uint64_t>(sqlite3_value_int64(v)));
        p += 9;
        break;
      case SQLITE_FLOAT:
        *p = '\x02';
        StoreU64Be(p + 1, std::bit_cast<uint64_t>(sqlite3_value_double(v)));
        p += 9;
        break;
      case SQLITE_TEXT:
      case SQLITE_BLOB: {
        *p = types[i] == SQLITE_TEXT ? '\x03' : '\x04';
        // value_blob on a TEXT value returns its bytes as stored, without conversion.
        const void* bytes = sqlite3_value_blob(v);
        const auto len = static_cast<size_t>(sqlite3_value_bytes(v));
        StoreU32Be(p + 1, static_cast<uint32_t>(len));
        if (len != 0) std::memcpy(p + 5, bytes, len);
        p += 5 + len;
        break;
      }
      default:
        *p++ = '\0';
    }
  }
  const auto len = static_cast<size_t>(p - buf->data());
  // Transient: SQLite copies the bytes, so two calls in one row do not share the buffer.
  sqlite3_result_blob(ctx, buf->data(), static_cast<int>(len), SQLITE_TRANSIENT);
}

}  // namespace

Status RegisterRecordFunction(Database& db) {
  // Direct-only: a view or trigger planted in a store cannot call it.
  const int rc = sqlite3_create_function_v2(db.handle(), "vigil_record", -1,
                                            SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
                                            new std::string, RecordFunction, nullptr, nullptr,
                                            [](void* p) { delete static_cast<std::string*>(p); });
  if (rc != SQLITE_OK) {
    return MakeError(ErrorCode::kStore,
                     std::string("cannot register vigil_record: ") + sqlite3_errmsg(db.handle()));
  }
  return {};
}

void AppendChainLink(std::string& out, const crypto::Digest& prev, int64_t seq,
                     std::string_view table, int64_t row_id, const crypto::Digest& record_hash) {
  const size_t at = out.size();
  out.resize(at + kLinkPrefix.size() + 32 + 8 + 4 + table.size() + 8 + 32);
  char* p = out.data() + at;
  std::memcpy(p, kLinkPrefix.data(), kLinkPrefix.size());
  p += kLinkPrefix.size();
  std::memcpy(p, prev.data(), 32);
  StoreU64Be(p + 32, static_cast<uint64_t>(seq));
  StoreU32Be(p + 40, static_cast<uint32_t>(table.size()));
  p += 44;
  if (!table.empty()) std::memcpy(p, table.data(), table.size());
  p += table.size();
  StoreU64Be(p, static_cast<uint64_t>(row_id));
  std::memcpy(p + 8, record_hash.data(), 32);
}

crypto::Digest ChainLinkHash(crypto::Sha256& sha, std::string& scratch, const crypto::Digest& prev,
                             int64_t seq, std::string_view table, int64_t row_id,
                             const crypto::Digest& record_hash) {
  scratch.clear();
  AppendChainLink(scratch, prev, seq, table, row_id, record_hash);
  return sha.Hash(scratch);
}

}  // namespace vigil::store
