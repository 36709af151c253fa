#pragma once
// Ed25519 keys and C2SP signed notes (https://c2sp.org/signed-note), the envelope of vigil's
// checkpoints. Using the standard format means a checkpoint kept off the machine can also be
// checked with Go's golang.org/x/mod/sumdb/note or any other signed-note implementation.
//
// Key strings, as in the signed-note spec:
//   verifier  <name>+<8 hex key id>+base64(0x01 || 32-byte Ed25519 public key)
//   signer    PRIVATE+KEY+<name>+<8 hex key id>+base64(0x01 || 32-byte Ed25519 seed)
//   key id    first 4 bytes (big-endian) of SHA-256(name || 0x0A || 0x01 || public key)
// A signed note is the text (ending in '\n'), a blank line, then one line per signature:
//   U+2014 EM DASH, space, name, space, base64(4-byte key id || 64-byte signature), '\n'.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigil::crypto {

using Ed25519Seed = std::array<uint8_t, 32>;
using Ed25519Public = std::array<uint8_t, 32>;

struct NoteSigner {
  std::string name;
  uint32_t key_id = 0;
  Ed25519Seed seed{};
  Ed25519Public public_key{};
};

struct NoteVerifier {
  std::string name;
  uint32_t key_id = 0;
  Ed25519Public public_key{};
};

// A fresh key from OpenSSL's CSPRNG. kUsage for an invalid name (empty, '+', white space).
Result<NoteSigner> GenerateSigner(std::string_view name);

uint32_t NoteKeyId(std::string_view name, const Ed25519Public& public_key);
std::string FormatSignerKey(const NoteSigner& signer);
std::string FormatVerifierKey(const NoteVerifier& verifier);
NoteVerifier VerifierOf(const NoteSigner& signer);

// Parse key strings (surrounding white space is ignored). kBadInput when malformed or when
// the key id does not match the key.
Result<NoteSigner> ParseSignerKey(std::string_view text);
Result<NoteVerifier> ParseVerifierKey(std::string_view text);

// Signs `text` (non-empty, ending in '\n', UTF-8 without control characters other than '\n',
// no blank line) and returns the signed note. Ed25519 is deterministic, so the same text and
// key give the same bytes.
Result<std::string> SignNote(std::string_view text, const NoteSigner& signer);

struct OpenedNote {
  std::string text;                      // the signed text, ending in '\n'
  std::vector<std::string> verified_by;  // names of the known keys whose signatures verified
  size_t unverified = 0;                 // signatures by keys not in `known`
};

// Parses `note` and checks every signature by a key in `known`.
//   kBadInput      malformed note (layout, encoding, control characters, > 100 signatures)
//   kVerifyFailed  a signature by a known key does not verify, or no known key signed it
Result<OpenedNote> OpenNote(std::string_view note, const std::vector<NoteVerifier>& known);

}  // namespace vigil::crypto
