// Sigma value matching. Values are compiled once into a Pattern whose shape (exact, prefix,
// suffix, contains, any) selects a direct comparison; only patterns with inner wildcards, `?`
// or windash run the generic glob, a linear star-backtracking matcher (each non-star token
// consumes a length fixed by the text, so one backtrack point suffices).

#include "correlate/sigma_value.h"

#include <re2/re2.h>

#include <charconv>
#include <cstring>

#include "core/ascii.h"
#include "core/ip.h"
#include "correlate/sigma_modifiers.h"

namespace vigil::correlate::sigma {
namespace {

// Byte length of the UTF-8 character starting with `lead` (1 for a stray continuation byte).
size_t Utf8Length(char lead) {
  const auto b = static_cast<unsigned char>(lead);
  if (b >= 0xF0) return 4;
  if (b >= 0xE0) return 3;
  if (b >= 0xC0) return 2;
  return 1;
}

// Length of the windash character at text[i], or 0.
size_t DashLength(std::string_view text, size_t i) {
  if (text[i] == '-' || text[i] == '/') return 1;
  // U+2013 en dash, U+2014 em dash, U+2015 horizontal bar: E2 80 93..95.
  if (i + 2 < text.size() && text[i] == '\xE2' && text[i + 1] == '\x80' &&
      (text[i + 2] == '\x93' || text[i + 2] == '\x94' || text[i + 2] == '\x95')) {
    return 3;
  }
  return 0;
}

bool EqualsCased(std::string_view a, std::string_view b, bool cased) {
  return cased ? a == b : EqualsLower(a, b);
}

}  // namespace

std::optional<double> ParseNumber(std::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
  const size_t int_start = i;
  while (i < n && text[i] >= '0' && text[i] <= '9') ++i;
  size_t digits = i - int_start;
  if (i < n && text[i] == '.') {
    const size_t frac_start = ++i;
    while (i < n && text[i] >= '0' && text[i] <= '9') ++i;
    digits += i - frac_start;
  }
  if (digits == 0) return std::nullopt;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    const size_t exp_start = i;
    while (i < n && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == exp_start) return std::nullopt;
  }
  if (i != n) return std::nullopt;
  // from_chars rejects a leading '+'.
  const size_t skip = text[0] == '+' ? 1 : 0;
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data() + skip, text.data() + n, value);
  if (ec != std::errc() || ptr != text.data() + n) return std::nullopt;
  return value;
}

bool EqualsLower(std::string_view a, std::string_view b_lower) {
  if (a.size() != b_lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != b_lower[i]) return false;
  }
  return true;
}

bool ContainsLower(std::string_view text, std::string_view needle_lower) {
  if (needle_lower.empty()) return true;
  if (text.size() < needle_lower.size()) return false;
  const char first = needle_lower[0];
  const std::string_view rest = needle_lower.substr(1);
  const size_t last = text.size() - needle_lower.size();
  for (size_t i = 0; i <= last; ++i) {
    if (AsciiLower(text[i]) == first && EqualsLower(text.substr(i + 1, rest.size()), rest))
      return true;
  }
  return false;
}

std::vector<int16_t> Tokenize(std::string_view raw, bool windash) {
  std::vector<int16_t> tokens;
  tokens.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\\' && i + 1 < raw.size() &&
        (raw[i + 1] == '*' || raw[i + 1] == '?' || raw[i + 1] == '\\')) {
      tokens.push_back(static_cast<int16_t>(static_cast<unsigned char>(raw[++i])));
    } else if (c == '*') {
      tokens.push_back(Pattern::kStar);
    } else if (c == '?') {
      tokens.push_back(Pattern::kOne);
    } else if (c == '-' && windash) {
      tokens.push_back(Pattern::kDash);
    } else {
      tokens.push_back(static_cast<int16_t>(static_cast<unsigned char>(c)));
    }
  }
  return tokens;
}

Pattern Pattern::Compile(std::vector<int16_t> tokens, bool cased, bool by_value) {
  Pattern p;
  p.cased_ = cased;
  // Lower-case literals once, collapse runs of stars, and note where the stars are.
  std::vector<int16_t> clean;
  bool special = false;
  for (int16_t t : tokens) {
    if (t == kStar && !clean.empty() && clean.back() == kStar) continue;
    if (t >= 0 && !cased)
      t = static_cast<int16_t>(static_cast<unsigned char>(AsciiLower(static_cast<char>(t))));
    if (t == kOne || t == kDash) special = true;
    clean.push_back(t);
  }
  size_t stars = 0;
  for (int16_t t : clean) stars += t == kStar ? 1 : 0;
  const bool lead = !clean.empty() && clean.front() == kStar;
  const bool trail = !clean.empty() && clean.back() == kStar;
  if (special || stars > 2 || (stars == 2 && !(lead && trail)) || (stars == 1 && !lead && !trail)) {
    p.shape_ = Shape::kGlob;
    p.tokens_ = std::move(clean);
    return p;
  }
  for (int16_t t : clean) {
    if (t >= 0) p.literal_.push_back(static_cast<char>(t));
  }
  if (stars == 0) {
    p.shape_ = Shape::kExact;
    if (by_value) p.number_ = ParseNumber(p.literal_);
  } else if (clean.size() == 1) {
    p.shape_ = Shape::kAny;
  } else if (lead && trail) {
    p.shape_ = Shape::kContains;
  } else {
    p.shape_ = lead ? Shape::kSuffix : Shape::kPrefix;
  }
  return p;
}

bool Pattern::Matches(std::string_view text) const {
  const size_t n = literal_.size();
  switch (shape_) {
    case Shape::kExact:
      if (number_) {
        if (const auto data = ParseNumber(text)) return *data == *number_;
      }
      return EqualsCased(text, literal_, cased_);
    case Shape::kPrefix:
      return text.size() >= n && EqualsCased(text.substr(0, n), literal_, cased_);
    case Shape::kSuffix:
      return text.size() >= n && EqualsCased(text.substr(text.size() - n), literal_, cased_);
    case Shape::kContains:
      return cased_ ? text.find(literal_) != std::string_view::npos : ContainsLower(text, literal_);
    case Shape::kAny:
      return true;
    case Shape::kGlob:
      return GlobMatches(text);
  }
  return false;
}

bool Pattern::GlobMatches(std::string_view text) const {
  size_t t = 0;
  size_t p = 0;
  size_t star_p = std::string_view::npos;
  size_t star_t = 0;
  while (t < text.size()) {
    if (p < tokens_.size() && tokens_[p] == kStar) {
      star_p = p++;
      star_t = t;
      continue;
    }
    if (p < tokens_.size()) {
      const int16_t tok = tokens_[p];
      size_t len = 0;
      if (tok == kOne) {
        len = std::min(Utf8Length(text[t]), text.size() - t);
      } else if (tok == kDash) {
        len = DashLength(text, t);
      } else {
        const char c = cased_ ? text[t] : AsciiLower(text[t]);
        len = static_cast<unsigned char>(c) == tok ? 1 : 0;
      }
      if (len > 0) {
        t += len;
        ++p;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    // Let the last star absorb one more character and retry the tokens after it.
    star_t += std::min(Utf8Length(text[star_t]), text.size() - star_t);
    t = star_t;
    p = star_p + 1;
  }
  while (p < tokens_.size() && tokens_[p] == kStar) ++p;
  return p == tokens_.size();
}

namespace {

Result<Cidr> ParseCidr(std::string_view text) {
  const size_t slash = text.find('/');
  const std::string_view addr = text.substr(0, slash);
  const auto ip = ParseIp(addr);
  if (!ip) return MakeError(ErrorCode::kBadInput, "bad cidr value '" + std::string(text) + "'");
  const bool v4 = addr.find(':') == std::string_view::npos;
  int prefix = v4 ? 32 : 128;
  if (slash != std::string_view::npos) {
    const std::string_view len = text.substr(slash + 1);
    const auto [ptr, ec] = std::from_chars(len.data(), len.data() + len.size(), prefix);
    if (ec != std::errc() || ptr != len.data() + len.size() || len.empty() || prefix < 0 ||
        prefix > (v4 ? 32 : 128)) {
      return MakeError(ErrorCode::kBadInput, "bad cidr value '" + std::string(text) + "'");
    }
  }
  Cidr cidr;
  cidr.net = *ip;
  cidr.prefix = v4 ? prefix + 96 : prefix;
  for (int bit = cidr.prefix; bit < 128; ++bit) {
    cidr.net[static_cast<size_t>(bit / 8)] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  }
  return cidr;
}

bool InCidr(const Cidr& cidr, const std::array<uint8_t, 16>& ip) {
  return InNetwork(cidr.net, cidr.prefix, ip);
}

Result<ValueMatcher> Bad(std::string message) {
  return MakeError(ErrorCode::kBadInput, std::move(message));
}

}  // namespace

Result<ValueMatcher> ValueMatcher::Compile(const std::optional<std::string>& value,
                                           const Modifiers& mods) {
  ValueMatcher m;
  const bool transformed = mods.position != Modifiers::Position::kWhole || mods.re || mods.cidr ||
                           mods.base64 || mods.base64offset || mods.windash ||
                           mods.compare != Modifiers::Compare::kNone;
  if (!value) {
    if (transformed) return Bad("a null value cannot take value modifiers");
    m.kind_ = Kind::kNull;
    return m;
  }
  const std::string& raw = *value;
  if (mods.compare != Modifiers::Compare::kNone) {
    const auto number = ParseNumber(raw);
    if (!number) return Bad("value '" + raw + "' of gt/gte/lt/lte is not a number");
    m.kind_ = Kind::kCompare;
    m.compare_ = mods.compare;
    m.number_ = *number;
    return m;
  }
  if (mods.re) {
    // RE2 syntax (Perl-like, UTF-8); `i`, `m`, `s` are its case, multi-line and dot-newline.
    RE2::Options options;
    options.set_log_errors(false);
    options.set_case_sensitive(!mods.re_i);
    options.set_dot_nl(mods.re_s);
    auto re = std::make_shared<const RE2>(mods.re_m ? "(?m)" + raw : raw, options);
    if (!re->ok()) return Bad("bad regular expression '" + raw + "': " + re->error());
    m.kind_ = Kind::kRegex;
    m.regex_ = std::move(re);
    return m;
  }
  if (mods.cidr) {
    auto cidr = ParseCidr(raw);
    if (!cidr) return cidr.error();
    m.kind_ = Kind::kCidr;
    m.cidr_ = *cidr;
    return m;
  }
  const bool lead = mods.position == Modifiers::Position::kContains ||
                    mods.position == Modifiers::Position::kEndsWith;
  const bool trail = mods.position == Modifiers::Position::kContains ||
                     mods.position == Modifiers::Position::kStartsWith;
  auto add = [&](std::vector<int16_t> tokens, bool cased, bool by_value) {
    if (lead) tokens.insert(tokens.begin(), Pattern::kStar);
    if (trail) tokens.push_back(Pattern::kStar);
    m.patterns_.push_back(Pattern::Compile(std::move(tokens), cased, by_value));
  };
  m.kind_ = Kind::kPatterns;
  if (mods.base64 || mods.base64offset) {
    auto plain = Unescape(raw);
    if (!plain) return plain.error();
    const std::string bytes = Encode(*plain, mods.encoding);
    // Base64 text is case-sensitive by nature ('IEX' and 'iex' encode differently).
    for (const std::string& b64 :
         mods.base64 ? std::vector<std::string>{Base64(bytes)} : Base64Offsets(bytes)) {
      std::vector<int16_t> tokens;
      for (char c : b64) tokens.push_back(static_cast<int16_t>(static_cast<unsigned char>(c)));
      add(std::move(tokens), /*cased=*/true, /*by_value=*/false);
    }
    return m;
  }
  add(Tokenize(raw, mods.windash), mods.cased, /*by_value=*/true);
  return m;
}

bool ValueMatcher::MatchesText(std::string_view text) const {
  switch (kind_) {
    case Kind::kNull:
      return false;
    case Kind::kPatterns:
      for (const Pattern& p : patterns_) {
        if (p.Matches(text)) return true;
      }
      return false;
    case Kind::kRegex:
      return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *regex_);
    case Kind::kCidr: {
      // A value list of CIDRs tests one address against each: parse it once per text.
      thread_local std::string last_text;
      thread_local std::optional<std::array<uint8_t, 16>> last_ip;
      if (text != last_text) {
        last_text.assign(text);
        last_ip = ParseIp(text);
      }
      return last_ip && InCidr(cidr_, *last_ip);
    }
    case Kind::kCompare: {
      const auto data = ParseNumber(text);
      if (!data) return false;
      switch (compare_) {
        case Modifiers::Compare::kGt:
          return *data > number_;
        case Modifiers::Compare::kGte:
          return *data >= number_;
        case Modifiers::Compare::kLt:
          return *data < number_;
        case Modifiers::Compare::kLte:
          return *data <= number_;
        case Modifiers::Compare::kNone:
          return false;
      }
      return false;
    }
  }
  return false;
}

bool ValueMatcher::Matches(const std::vector<FieldValue>& values) const {
  if (kind_ == Kind::kNull) {
    if (values.empty()) return true;
    for (const FieldValue& v : values) {
      if (v.kind == FieldValue::Kind::kNull) return true;
    }
    return false;
  }
  for (const FieldValue& v : values) {
    if (v.kind != FieldValue::Kind::kNull && MatchesText(v.text)) return true;
  }
  return false;
}

}  // namespace vigil::correlate::sigma
