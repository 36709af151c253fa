#pragma once
// Byte-string encodings used in the store, checkpoints and key files: lowercase hex and
// standard base64 (RFC 4648 §4, with padding), plus big-endian integer packing for the
// canonical encoding of vigil-store(5).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

std::string ToHex(std::string_view bytes);
// Accepts upper or lower case; nullopt on odd length or a non-hex character.
std::optional<std::string> FromHex(std::string_view hex);

std::string ToBase64(std::string_view bytes);
// Strict: padding required, no whitespace, canonical trailing bits; nullopt otherwise.
std::optional<std::string> FromBase64(std::string_view text);

// Decodes the UTF-8 sequence at s[i]: its length (1-4) with the code point in `cp`, or 0 when
// it is not valid UTF-8 (truncated, overlong, a surrogate, above U+10FFFF).
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t& cp);

// `text` safe to print on a terminal: C0 controls, DEL and the C1 controls (U+0080..U+009F,
// which some terminals obey as escape sequences) become '?'. Other bytes are kept.
std::string TerminalSafe(std::string_view text);

void AppendU32Be(std::string& out, uint32_t v);
void AppendU64Be(std::string& out, uint64_t v);

}  // namespace vigil
