#include "store/canonical.h"

#include <sqlite3.h>

#include <bit>
#include <cstring>

#include "core/encoding.h"
#include "crypto/sha256_many.h"
#include "store/database.h"

namespace vigil::store {
namespace {

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

namespace {

// The same encoding as CanonicalRow, appended to `out` in one pass over SQLite's values (a
// NULL is written, then cut off again when no value follows it). This runs once per sealed
// row in verify, so it calls SQLite as little as it can (one type, blob and length per value)
// and writes through ByteBuffer::Grow rather than an append call per piece.
void AppendRecord(ByteBuffer& out, int argc, sqlite3_value** argv) {
  out.Append(kRecordPrefix);
  size_t end = out.size();  // after the last value that is not NULL
  for (int i = 0; i < argc; ++i) {
    sqlite3_value* v = argv[i];
    const int type = sqlite3_value_type(v);
    switch (type) {
      case SQLITE_INTEGER:
        PutInteger(out.Grow(kNumberSize), sqlite3_value_int64(v));
        break;
      case SQLITE_FLOAT:
        PutReal(out.Grow(kNumberSize), sqlite3_value_double(v));
        break;
      case SQLITE_TEXT:
      case SQLITE_BLOB: {
        // value_blob on a TEXT value returns its bytes as stored, without conversion.
        const auto* bytes = static_cast<const char*>(sqlite3_value_blob(v));
        const auto len = static_cast<size_t>(sqlite3_value_bytes(v));
        PutBytes(out.Grow(kBytesHeader + len), type == SQLITE_TEXT ? kTextTag : kBlobTag,
                 {bytes, len});
        break;
      }
      default:
        out.Append('\0');
        continue;
    }
    end = out.size();
  }
  out.Truncate(end);
}

void RecordFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* buf = static_cast<ByteBuffer*>(sqlite3_user_data(ctx));
  buf->Clear();
  AppendRecord(*buf, argc, argv);
  // Transient: SQLite copies the bytes, so two calls in one row do not share the buffer.
  sqlite3_result_blob(ctx, buf->data(), static_cast<int>(buf->size()), SQLITE_TRANSIENT);
}

// vigil_record_into(id, col_1, ..., col_k): the encoding of the columns, into the sink.
void RecordIntoFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* sink = static_cast<RecordSink*>(sqlite3_user_data(ctx));
  if (argc < 1) {
    sqlite3_result_error(ctx, "vigil_record_into: no row id", -1);
    return;
  }
  sink->row_id = sqlite3_value_int64(argv[0]);
  AppendRecord(sink->batch->Open(), argc - 1, argv + 1);
  sqlite3_result_null(ctx);
}

// Direct-only: a view or trigger planted in a store cannot call either function.
Status CreateFunction(Database& db, const char* name, int flags, void* user,
                      void (*fn)(sqlite3_context*, int, sqlite3_value**), void (*destroy)(void*)) {
  const int rc =
      sqlite3_create_function_v2(db.handle(), name, -1, SQLITE_UTF8 | SQLITE_DIRECTONLY | flags,
                                 user, fn, nullptr, nullptr, destroy);
  if (rc != SQLITE_OK) {
    return MakeError(ErrorCode::kStore,
                     std::string("cannot register ") + name + ": " + sqlite3_errmsg(db.handle()));
  }
  return {};
}

}  // namespace

Status RegisterRecordFunction(Database& db) {
  return CreateFunction(db, "vigil_record", SQLITE_DETERMINISTIC, new ByteBuffer, RecordFunction,
                        [](void* p) { delete static_cast<ByteBuffer*>(p); });
}

Status RegisterRecordSink(Database& db, RecordSink* sink) {
  // Not deterministic: it has an effect, so SQLite must call it for every row.
  return CreateFunction(db, "vigil_record_into", 0, sink, RecordIntoFunction, nullptr);
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
