#include "crypto/signed_note.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <utility>

#include "core/encoding.h"
#include "crypto/openssl_util.h"
#include "crypto/sha256.h"

namespace vigil::crypto {
namespace {

constexpr std::string_view kSigPrefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, space
constexpr uint8_t kAlgEd25519 = 0x01;
constexpr size_t kMaxSignatures = 100;

// Valid UTF-8 with no control character other than '\n'.
bool IsValidNoteText(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    size_t n = DecodeUtf8(s, i, cp);
    if (n == 0 || (cp < 0x20 && cp != '\n') || cp == 0x7F) return false;
    i += n;
  }
  return true;
}

bool IsUnicodeSpace(uint32_t cp) {
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

bool IsValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size();) {
    uint32_t cp = 0;
    size_t n = DecodeUtf8(name, i, cp);
    if (n == 0 || cp == '+' || IsUnicodeSpace(cp) || cp < 0x20 || cp == 0x7F) return false;
    i += n;
  }
  return true;
}

std::string KeyIdHex(uint32_t id) {
  std::string raw;
  AppendU32Be(raw, id);
  return ToHex(raw);
}

uint32_t ReadU32Be(std::string_view b) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(b[0])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(b[1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(b[2])) << 8) |
         static_cast<uint32_t>(static_cast<uint8_t>(b[3]));
}

Result<Ed25519Public> PublicFromSeed(const Ed25519Seed& seed) {
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (!key) return MakeError(ErrorCode::kCrypto, OpenSslError("cannot load Ed25519 key"));
  Ed25519Public pub{};
  size_t len = pub.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &len) != 1 || len != pub.size()) {
    return MakeError(ErrorCode::kCrypto, OpenSslError("cannot derive Ed25519 public key"));
  }
  return pub;
}

// Splits a key string at its first `fields - 1` '+' signs: the last field is base64, which
// may itself contain '+'.
std::vector<std::string_view> SplitPlus(std::string_view s, size_t fields) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < fields) {
    size_t plus = s.find('+');
    if (plus == std::string_view::npos) break;
    parts.push_back(s.substr(0, plus));
    s.remove_prefix(plus + 1);
  }
  parts.push_back(s);
  return parts;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Parses "<name>+<hex id>+<base64 key>" into its fields, checking the algorithm byte.
Result<std::pair<std::string, std::array<uint8_t, 32>>> ParseKeyParts(
    const std::vector<std::string_view>& parts, size_t first, uint32_t& id_out) {
  if (parts.size() != first + 3) {
    return MakeError(ErrorCode::kBadInput, "malformed key: expected name+keyid+key");
  }
  std::string_view name = parts[first];
  std::string_view id_hex = parts[first + 1];
  if (!IsValidKeyName(name)) return MakeError(ErrorCode::kBadInput, "malformed key: bad name");
  auto id = FromHex(id_hex);
  if (id_hex.size() != 8 || !id) {
    return MakeError(ErrorCode::kBadInput, "malformed key: key id is not 8 hex digits");
  }
  auto key = FromBase64(parts[first + 2]);
  if (!key || key->size() != 33 || static_cast<uint8_t>((*key)[0]) != kAlgEd25519) {
    return MakeError(ErrorCode::kBadInput, "malformed key: not an Ed25519 key");
  }
  std::array<uint8_t, 32> bytes{};
  std::memcpy(bytes.data(), key->data() + 1, 32);
  id_out = ReadU32Be(*id);
  return std::make_pair(std::string(name), bytes);
}

Result<std::array<uint8_t, 64>> SignEd25519(const Ed25519Seed& seed, std::string_view msg) {
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::array<uint8_t, 64> sig{};
  size_t len = sig.size();
  if (!key || !ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig.data(), &len, reinterpret_cast<const uint8_t*>(msg.data()),
                     msg.size()) != 1 ||
      len != sig.size()) {
    return MakeError(ErrorCode::kCrypto, OpenSslError("Ed25519 signing failed"));
  }
  return sig;
}

bool VerifyEd25519(const Ed25519Public& pub, std::string_view msg, std::string_view sig) {
  PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, pub.data(), pub.size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
    ERR_clear_error();
    return false;
  }
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const uint8_t*>(sig.data()), sig.size(),
                            reinterpret_cast<const uint8_t*>(msg.data()), msg.size());
  ERR_clear_error();  // a bad signature leaves reasons on the queue; they are not errors here
  return rc == 1;
}

}  // namespace

uint32_t NoteKeyId(std::string_view name, const Ed25519Public& public_key) {
  std::string input(name);
  input.push_back('\n');
  input.push_back(static_cast<char>(kAlgEd25519));
  input.append(reinterpret_cast<const char*>(public_key.data()), public_key.size());
  auto digest = Sha256Of(input);
  if (!digest) return 0;  // only on OpenSSL failure; the id then simply won't match
  return ReadU32Be(DigestBytes(*digest));
}

Result<NoteSigner> GenerateSigner(std::string_view name) {
  if (!IsValidKeyName(name)) {
    return MakeError(ErrorCode::kUsage,
                     "invalid key name '" + std::string(name) +
                         "': it must be non-empty UTF-8 without '+' or white space");
  }
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) return MakeError(ErrorCode::kCrypto, OpenSslError("Ed25519 key generation failed"));
  NoteSigner s;
  s.name = std::string(name);
  size_t len = s.seed.size();
  if (EVP_PKEY_get_raw_private_key(key.get(), s.seed.data(), &len) != 1 || len != 32) {
    return MakeError(ErrorCode::kCrypto, OpenSslError("cannot read Ed25519 private key"));
  }
  len = s.public_key.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), s.public_key.data(), &len) != 1 || len != 32) {
    return MakeError(ErrorCode::kCrypto, OpenSslError("cannot read Ed25519 public key"));
  }
  s.key_id = NoteKeyId(s.name, s.public_key);
  return s;
}

NoteVerifier VerifierOf(const NoteSigner& signer) {
  return NoteVerifier{signer.name, signer.key_id, signer.public_key};
}

std::string FormatSignerKey(const NoteSigner& signer) {
  std::string key(1, static_cast<char>(kAlgEd25519));
  key.append(reinterpret_cast<const char*>(signer.seed.data()), signer.seed.size());
  return "PRIVATE+KEY+" + signer.name + "+" + KeyIdHex(signer.key_id) + "+" + ToBase64(key);
}

std::string FormatVerifierKey(const NoteVerifier& verifier) {
  std::string key(1, static_cast<char>(kAlgEd25519));
  key.append(reinterpret_cast<const char*>(verifier.public_key.data()), verifier.public_key.size());
  return verifier.name + "+" + KeyIdHex(verifier.key_id) + "+" + ToBase64(key);
}

Result<NoteSigner> ParseSignerKey(std::string_view text) {
  auto parts = SplitPlus(Trim(text), 5);
  if (parts.size() < 2 || parts[0] != "PRIVATE" || parts[1] != "KEY") {
    return MakeError(ErrorCode::kBadInput, "malformed private key: expected PRIVATE+KEY+...");
  }
  NoteSigner s;
  auto fields = ParseKeyParts(parts, 2, s.key_id);
  if (!fields) return fields.error();
  s.name = fields->first;
  s.seed = fields->second;
  auto pub = PublicFromSeed(s.seed);
  if (!pub) return pub.error();
  s.public_key = *pub;
  if (NoteKeyId(s.name, s.public_key) != s.key_id) {
    return MakeError(ErrorCode::kBadInput, "malformed private key: key id does not match key");
  }
  return s;
}

Result<NoteVerifier> ParseVerifierKey(std::string_view text) {
  auto parts = SplitPlus(Trim(text), 3);
  if (!parts.empty() && parts[0] == "PRIVATE") {
    return MakeError(ErrorCode::kBadInput,
                     "this is a private key; give the public (.pub) key instead");
  }
  NoteVerifier v;
  auto fields = ParseKeyParts(parts, 0, v.key_id);
  if (!fields) return fields.error();
  v.name = fields->first;
  v.public_key = fields->second;
  if (NoteKeyId(v.name, v.public_key) != v.key_id) {
    return MakeError(ErrorCode::kBadInput, "malformed public key: key id does not match key");
  }
  return v;
}

Result<std::string> SignNote(std::string_view text, const NoteSigner& signer) {
  if (text.empty() || text.back() != '\n' || text.find("\n\n") != std::string_view::npos ||
      !IsValidNoteText(text)) {
    return MakeError(ErrorCode::kInternal,
                     "note text is not signable (empty, no final newline, "
                     "blank line or control character)");
  }
  auto sig = SignEd25519(signer.seed, text);
  if (!sig) return sig.error();
  std::string blob;
  AppendU32Be(blob, signer.key_id);
  blob.append(reinterpret_cast<const char*>(sig->data()), sig->size());
  std::string out(text);
  out += "\n";
  out += kSigPrefix;
  out += signer.name + " " + ToBase64(blob) + "\n";
  return out;
}

Result<OpenedNote> OpenNote(std::string_view note, const std::vector<NoteVerifier>& known) {
  auto malformed = [](const std::string& why) {
    return MakeError(ErrorCode::kBadInput, "malformed signed note: " + why);
  };
  if (!IsValidNoteText(note)) return malformed("invalid UTF-8 or a control character");
  size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) return malformed("no signature block");
  std::string_view text = note.substr(0, split + 1);
  std::string_view sigs = note.substr(split + 2);
  if (sigs.empty() || sigs.back() != '\n') return malformed("no final newline");

  OpenedNote out;
  out.text = std::string(text);
  std::set<std::pair<std::string, uint32_t>> seen;
  std::set<std::string> seen_unverified;
  size_t count = 0;
  while (!sigs.empty()) {
    size_t nl = sigs.find('\n');
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    if (line.substr(0, kSigPrefix.size()) != kSigPrefix) return malformed("bad signature line");
    line.remove_prefix(kSigPrefix.size());
    size_t sp = line.find(' ');
    std::string_view name = line.substr(0, sp);
    std::string_view b64 = sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
    auto blob = FromBase64(b64);
    if (!IsValidKeyName(name) || b64.empty() || !blob || blob->size() < 5) {
      return malformed("bad signature line");
    }
    if (++count > kMaxSignatures) return malformed("more than 100 signatures");
    uint32_t id = ReadU32Be(*blob);
    auto it = std::find_if(known.begin(), known.end(),
                           [&](const NoteVerifier& v) { return v.name == name && v.key_id == id; });
    if (it == known.end()) {
      if (seen_unverified.insert(std::string(line)).second) ++out.unverified;
      continue;
    }
    if (!seen.insert({std::string(name), id}).second) continue;
    if (!VerifyEd25519(it->public_key, text, std::string_view(*blob).substr(4))) {
      return MakeError(ErrorCode::kVerifyFailed,
                       "invalid signature by key " + std::string(name) + "+" + KeyIdHex(id));
    }
    out.verified_by.emplace_back(name);
  }
  if (out.verified_by.empty()) {
    return MakeError(ErrorCode::kVerifyFailed, "no signature by a known key");
  }
  return out;
}

}  // namespace vigil::crypto
