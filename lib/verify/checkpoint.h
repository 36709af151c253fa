#pragma once
// Signed checkpoints: the store's size and head hash at a moment, signed with an Ed25519 key
// as a C2SP signed note whose text follows the tlog-checkpoint layout (vigil-store(5)):
//
//   vigil/<store id>          origin
//   <size>                    number of chain entries covered (decimal)
//   <base64 head hash>        chain_hash of entry <size> (32 zero bytes when size is 0)
//   time <UTC ISO-8601>       extension line: when it was sealed
//
// The head is vigil's linear chain hash, not an RFC 6962 Merkle root.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "crypto/sha256.h"
#include "crypto/signed_note.h"
#include "store/database.h"

namespace vigil::verify {

struct CheckpointBody {
  std::string origin;
  int64_t size = 0;
  crypto::Digest head{};
  std::string rest;  // extension lines, verbatim
};

std::string FormatCheckpointBody(const CheckpointBody& body);
// kBadInput when the text does not have the tlog-checkpoint layout or the hash is not 32 bytes.
Result<CheckpointBody> ParseCheckpointBody(std::string_view text);
std::string OriginFor(std::string_view store_id);

// kBadInput when `note` is not a signed note holding a checkpoint body at all (whatever its
// signatures): a checkpoint file that is unreadable, rather than one that does not verify.
Status CheckCheckpointLayout(std::string_view note);

struct SealSummary {
  std::string note;            // the signed checkpoint text, to be kept off the machine
  int64_t size = 0;            // entries covered
  crypto::Digest head{};       // head hash covered
  int64_t checkpoint_seq = 0;  // the chain entry that records the checkpoint in the store
};

// Signs the current head of the store and records the checkpoint (under the chain) in one
// write transaction. `now_us` goes into the time line.
Result<SealSummary> Seal(store::Database& db, const crypto::NoteSigner& signer, int64_t now_us);

}  // namespace vigil::verify
