#include "store/canonical.h"

#include <bit>
#include <cstring>

#include "core/encoding.h"

namespace vigil::store {
namespace {

constexpr std::string_view kRecordPrefix{"vigil-record-v1\0", 16};
constexpr std::string_view kLinkPrefix{"vigil-chain-v1\0", 15};

void AppendLengthPrefixed(std::string& out, char tag, std::string_view v) {
  out.push_back(tag);
  AppendU32Be(out, static_cast<uint32_t>(v.size()));
  out.append(v);
}

}  // namespace

void CanonicalRow::Clear() {
  buf_.assign(kRecordPrefix);
  pending_nulls_ = 0;
}

void CanonicalRow::FlushNulls() {
  buf_.append(pending_nulls_, '\0');
  pending_nulls_ = 0;
}

void CanonicalRow::AddInteger(int64_t v) {
  FlushNulls();
  buf_.push_back('\x01');
  AppendU64Be(buf_, static_cast<uint64_t>(v));
}

void CanonicalRow::AddReal(double v) {
  FlushNulls();
  buf_.push_back('\x02');
  AppendU64Be(buf_, std::bit_cast<uint64_t>(v));
}

void CanonicalRow::AddText(std::string_view v) {
  FlushNulls();
  AppendLengthPrefixed(buf_, '\x03', v);
}

void CanonicalRow::AddBlob(std::string_view v) {
  FlushNulls();
  AppendLengthPrefixed(buf_, '\x04', v);
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
