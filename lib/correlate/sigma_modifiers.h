#pragma once
// Sigma value modifiers (`field|contains|all`): parsing and validation, plus the encodings
// the base64 / base64offset / wide / utf16* modifiers apply to a value before matching.

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace vigil::correlate::sigma {

// The modifiers after a field name (`field|contains|all`), validated.
struct Modifiers {
  enum class Position { kWhole, kContains, kStartsWith, kEndsWith };
  enum class Encoding { kNone, kUtf16Le, kUtf16Be, kUtf16 };
  enum class Compare { kNone, kGt, kGte, kLt, kLte };
  Position position = Position::kWhole;
  Encoding encoding = Encoding::kNone;
  Compare compare = Compare::kNone;
  bool all = false;
  bool re = false, re_i = false, re_m = false, re_s = false;
  bool cidr = false, windash = false, base64 = false, base64offset = false;
  bool cased = false, fieldref = false, exists = false;
  bool expand = false;  // values are %placeholders%, resolved by the detection compiler
};

// Errors (kBadInput, message without location): "unsupported modifier 'NAME'" or a
// conflicting combination.
Result<Modifiers> ParseModifiers(const std::vector<std::string_view>& names);

// Resolves the escapes `\*`, `\?`, `\\` of a value that is encoded rather than matched.
// Error: the value has a real wildcard, which cannot be encoded.
Result<std::string> Unescape(std::string_view raw);

// UTF-8 `text` to the bytes of `encoding` (kUtf16 is little-endian with a BOM, like
// Python's "utf-16"). kNone returns the text unchanged.
std::string Encode(std::string_view text, Modifiers::Encoding encoding);

// Standard base64 with padding.
std::string Base64(std::string_view bytes);

// The three base64 forms of `bytes` at offsets 0, 1 and 2 within a longer base64 text,
// trimmed of the characters that depend on the neighbouring bytes (as pySigma does).
std::vector<std::string> Base64Offsets(std::string_view bytes);

}  // namespace vigil::correlate::sigma
