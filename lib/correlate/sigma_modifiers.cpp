#include "correlate/sigma_modifiers.h"

#include <cstdint>

namespace vigil::correlate::sigma {
namespace {

Error Bad(std::string message) { return MakeError(ErrorCode::kBadInput, std::move(message)); }

std::string Quote(std::string_view name) { return "'" + std::string(name) + "'"; }

// Appends one UTF-16 code unit in the requested byte order.
void PutUnit(std::string* out, uint32_t unit, bool big_endian) {
  const auto hi = static_cast<char>((unit >> 8) & 0xFF);
  const auto lo = static_cast<char>(unit & 0xFF);
  out->push_back(big_endian ? hi : lo);
  out->push_back(big_endian ? lo : hi);
}

// Decodes one UTF-8 character at text[*i]; an invalid byte decodes as itself (Latin-1).
uint32_t NextCodePoint(std::string_view text, size_t* i) {
  const auto b0 = static_cast<unsigned char>(text[*i]);
  size_t len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1;
  if (*i + len > text.size()) len = 1;
  uint32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1Fu) : len == 3 ? (b0 & 0x0Fu) : (b0 & 0x07u);
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(text[*i + k]);
    if ((b & 0xC0u) != 0x80u) {
      ++*i;
      return b0;
    }
    cp = (cp << 6) | (b & 0x3Fu);
  }
  *i += len;
  return cp;
}

// The modifiers that say what the value is, at most one per field, and the flag each sets
// (gt/gte/lt/lte, also of that kind, set Modifiers::compare instead).
struct ExclusiveFlag {
  std::string_view name;
  bool Modifiers::*flag;
};
constexpr ExclusiveFlag kExclusiveFlags[] = {
    {"re", &Modifiers::re},         {"cidr", &Modifiers::cidr},
    {"base64", &Modifiers::base64}, {"base64offset", &Modifiers::base64offset},
    {"exists", &Modifiers::exists}, {"fieldref", &Modifiers::fieldref},
};

const ExclusiveFlag* FindExclusiveFlag(std::string_view name) {
  for (const ExclusiveFlag& x : kExclusiveFlags) {
    if (x.name == name) return &x;
  }
  return nullptr;
}

}  // namespace

Result<Modifiers> ParseModifiers(const std::vector<std::string_view>& names) {
  Modifiers m;
  std::string_view exclusive;  // re, cidr, base64*, gt/gte/lt/lte, exists, fieldref: one only
  std::string_view position;
  std::string_view encoding;
  bool windash = false;
  auto take_exclusive = [&](std::string_view name) -> Status {
    if (!exclusive.empty()) {
      return Bad("modifiers " + Quote(exclusive) + " and " + Quote(name) + " cannot be combined");
    }
    exclusive = name;
    return {};
  };
  for (const std::string_view name : names) {
    Status status;
    if (name == "contains" || name == "startswith" || name == "endswith") {
      if (!position.empty() && position != name) {
        return Bad("modifiers " + Quote(position) + " and " + Quote(name) + " cannot be combined");
      }
      position = name;
      m.position = name == "contains"     ? Modifiers::Position::kContains
                   : name == "startswith" ? Modifiers::Position::kStartsWith
                                          : Modifiers::Position::kEndsWith;
    } else if (name == "all") {
      m.all = true;
    } else if (name == "cased") {
      m.cased = true;
    } else if (name == "windash") {
      m.windash = windash = true;
    } else if (name == "i" || name == "ignorecase" || name == "m" || name == "multiline" ||
               name == "s" || name == "dotall") {
      if (!m.re) return Bad("modifier " + Quote(name) + " must follow 're'");
      (name[0] == 'i' ? m.re_i : name[0] == 'm' ? m.re_m : m.re_s) = true;
    } else if (name == "wide" || name == "utf16le" || name == "utf16be" || name == "utf16") {
      if (!encoding.empty()) {
        return Bad("modifiers " + Quote(encoding) + " and " + Quote(name) + " cannot be combined");
      }
      encoding = name;
      m.encoding = name == "utf16be" ? Modifiers::Encoding::kUtf16Be
                   : name == "utf16" ? Modifiers::Encoding::kUtf16
                                     : Modifiers::Encoding::kUtf16Le;
    } else if (const ExclusiveFlag* x = FindExclusiveFlag(name)) {
      status = take_exclusive(name);
      m.*(x->flag) = true;
    } else if (name == "gt" || name == "gte" || name == "lt" || name == "lte") {
      status = take_exclusive(name);
      m.compare = name == "gt"    ? Modifiers::Compare::kGt
                  : name == "gte" ? Modifiers::Compare::kGte
                  : name == "lt"  ? Modifiers::Compare::kLt
                                  : Modifiers::Compare::kLte;
    } else if (name == "expand") {
      m.expand = true;
    } else {
      return Bad("unsupported modifier " + Quote(name));
    }
    if (!status) return status.error();
  }
  const bool positional = exclusive.empty() || m.base64 || m.base64offset || m.fieldref;
  if (!position.empty() && !positional) {
    return Bad("modifiers " + Quote(position) + " and " + Quote(exclusive) + " cannot be combined");
  }
  if (windash && !exclusive.empty()) {
    return Bad("modifiers 'windash' and " + Quote(exclusive) + " cannot be combined");
  }
  if (!encoding.empty() && !m.base64 && !m.base64offset) {
    return Bad("modifier " + Quote(encoding) + " needs 'base64' or 'base64offset' after it");
  }
  if (m.exists && m.all) return Bad("modifiers 'exists' and 'all' cannot be combined");
  return m;
}

Result<std::string> Unescape(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\\' && i + 1 < raw.size() &&
        (raw[i + 1] == '*' || raw[i + 1] == '?' || raw[i + 1] == '\\')) {
      out += raw[++i];
    } else if (c == '*' || c == '?') {
      return Bad("wildcards cannot be base64-encoded in '" + std::string(raw) + "'");
    } else {
      out += c;
    }
  }
  return out;
}

std::string Encode(std::string_view text, Modifiers::Encoding encoding) {
  if (encoding == Modifiers::Encoding::kNone) return std::string(text);
  const bool big_endian = encoding == Modifiers::Encoding::kUtf16Be;
  std::string out;
  if (encoding == Modifiers::Encoding::kUtf16) out = "\xFF\xFE";
  for (size_t i = 0; i < text.size();) {
    const uint32_t cp = NextCodePoint(text, &i);
    if (cp >= 0x10000) {
      PutUnit(&out, 0xD800 + ((cp - 0x10000) >> 10), big_endian);
      PutUnit(&out, 0xDC00 + ((cp - 0x10000) & 0x3FF), big_endian);
    } else {
      PutUnit(&out, cp, big_endian);
    }
  }
  return out;
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t group = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size())
      group |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    if (i + 2 < bytes.size()) group |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(group >> 18) & 0x3F];
    out += kAlphabet[(group >> 12) & 0x3F];
    out += i + 1 < bytes.size() ? kAlphabet[(group >> 6) & 0x3F] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[group & 0x3F] : '=';
  }
  return out;
}

std::vector<std::string> Base64Offsets(std::string_view bytes) {
  // Offset i: encode i filler bytes + value, drop the characters that mix in the filler
  // (0, 2 or 3) and those that mix in whatever follows the value (0, 3 or 2, by length).
  static constexpr size_t kStart[3] = {0, 2, 3};
  static constexpr size_t kEndTrim[3] = {0, 3, 2};
  std::vector<std::string> out;
  for (size_t i = 0; i < 3; ++i) {
    const std::string encoded = Base64(std::string(i, ' ') + std::string(bytes));
    const size_t trim = kEndTrim[(bytes.size() + i) % 3];
    if (encoded.size() < kStart[i] + trim) continue;
    out.push_back(encoded.substr(kStart[i], encoded.size() - kStart[i] - trim));
  }
  return out;
}

}  // namespace vigil::correlate::sigma
