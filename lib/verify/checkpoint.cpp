#include "verify/checkpoint.h"

#include <charconv>

#include "core/encoding.h"
#include "core/time.h"
#include "store/chain.h"
#include "store/store.h"

namespace vigil::verify {

std::string OriginFor(std::string_view store_id) { return "vigil/" + std::string(store_id); }

std::string FormatCheckpointBody(const CheckpointBody& body) {
  return body.origin + "\n" + std::to_string(body.size) + "\n" +
         ToBase64(crypto::DigestBytes(body.head)) + "\n" + body.rest;
}

Result<CheckpointBody> ParseCheckpointBody(std::string_view text) {
  auto bad = [](const std::string& why) {
    return MakeError(ErrorCode::kBadInput, "malformed checkpoint: " + why);
  };
  std::string_view lines[3];
  std::string_view rest = text;
  for (auto& line : lines) {
    size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) return bad("fewer than three lines");
    line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
  }
  CheckpointBody body;
  if (lines[0].empty()) return bad("empty origin");
  body.origin = std::string(lines[0]);
  const std::string_view size = lines[1];
  if (size.empty() || (size.size() > 1 && size[0] == '0')) return bad("size is not a decimal");
  auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), body.size);
  if (ec != std::errc() || end != size.data() + size.size() || body.size < 0) {
    return bad("size is not a decimal in range");
  }
  auto hash = FromBase64(lines[2]);
  if (!hash) return bad("head hash is not base64");
  auto digest = crypto::DigestFromBytes(*hash);
  if (!digest) return bad("head hash is not 32 bytes");
  body.head = *digest;
  body.rest = std::string(rest);
  return body;
}

Status CheckCheckpointLayout(std::string_view note) {
  auto opened = crypto::OpenNote(note, {});
  if (!opened && opened.error().code == ErrorCode::kBadInput) return opened.error();
  // The layout is sound; the signed text runs up to the blank line before the signatures.
  const size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) {
    return MakeError(ErrorCode::kBadInput, "malformed signed note: no signature block");
  }
  auto body = ParseCheckpointBody(note.substr(0, split + 1));
  if (!body) return body.error();
  return {};
}

Result<SealSummary> Seal(store::Database& db, const crypto::NoteSigner& signer, int64_t now_us) {
  auto store_id = store::StoreId(db);
  if (!store_id) return store_id.error();
  auto tx = store::Transaction::Begin(db, store::Transaction::Kind::kImmediate);
  if (!tx) return tx.error();
  auto writer = store::ChainWriter::Begin(db);
  if (!writer) return writer.error();

  CheckpointBody body;
  body.origin = OriginFor(*store_id);
  body.size = writer->head().seq;
  body.head = writer->head().hash;
  body.rest = "time " + FormatUtc(now_us) + "\n";
  auto note = crypto::SignNote(FormatCheckpointBody(body), signer);
  if (!note) return note.error();

  using store::Value;
  auto row = writer->Append(
      "checkpoints",
      {Value::Integer(now_us), Value::Integer(body.size),
       Value::Blob(std::string(crypto::DigestBytes(body.head))),
       Value::Text(crypto::FormatVerifierKey(crypto::VerifierOf(signer))), Value::Text(*note)});
  if (!row) return row.error();
  Status s = tx->Commit();
  if (!s.ok()) return s.error();
  return SealSummary{*note, body.size, body.head, writer->head().seq};
}

}  // namespace vigil::verify
