#pragma once
// One Sigma detection value, compiled with its modifiers, matched against a field's values.
// Internal to correlate/detection.cpp (and its tests); rules reach it through CompileDetection.
//
// Matching follows Sigma v2: case-insensitive unless `cased` (ASCII letters only: no Unicode
// case folding), `*` / `?` wildcards with `\*`, `\?`, `\\` escapes (any other backslash is
// literal), numbers and strings compared by value, `null` for a missing field or JSON null.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "correlate/field_source.h"
#include "correlate/sigma_modifiers.h"

namespace re2 {
class RE2;
}

namespace vigil::correlate::sigma {

// Parses `text` as a decimal number ([+-]digits[.digits][e[+-]digits]; no hex, inf or nan).
std::optional<double> ParseNumber(std::string_view text);

// ASCII case-insensitive equality; `b` must already be lower case.
bool EqualsLower(std::string_view a, std::string_view b_lower);
// ASCII case-insensitive search; `needle_lower` must already be lower case.
bool ContainsLower(std::string_view text, std::string_view needle_lower);

// A wildcard pattern. Tokens 0..255 are literal bytes; kStar, kOne and kDash are wildcards.
// The common shapes (exact, prefix, suffix, contains, any) avoid the generic glob.
class Pattern {
 public:
  static constexpr int16_t kStar = -1;  // any run of bytes
  static constexpr int16_t kOne = -2;   // exactly one UTF-8 character
  static constexpr int16_t kDash = -3;  // windash: - / U+2013 U+2014 U+2015

  // `by_value`: an exact pattern that parses as a number also matches numerically.
  static Pattern Compile(std::vector<int16_t> tokens, bool cased, bool by_value);
  bool Matches(std::string_view text) const;

 private:
  enum class Shape { kExact, kPrefix, kSuffix, kContains, kAny, kGlob };
  bool GlobMatches(std::string_view text) const;

  Shape shape_ = Shape::kExact;
  bool cased_ = false;
  std::string literal_;          // lower case unless cased_; all shapes but kGlob
  std::vector<int16_t> tokens_;  // kGlob only
  std::optional<double> number_;
};

// Sigma value text to tokens: escapes resolved, `*`/`?` as wildcards, `-` as kDash if windash.
std::vector<int16_t> Tokenize(std::string_view raw, bool windash);

// An IPv6 network; IPv4 is stored IPv4-mapped (::ffff:a.b.c.d) so mapped data matches it.
struct Cidr {
  std::array<uint8_t, 16> net{};
  int prefix = 0;
};

// One rule value with its modifiers. Immutable; Matches is safe to call concurrently.
class ValueMatcher {
 public:
  // `value` is the rule's scalar text, or nullopt for YAML null. Not for exists/fieldref.
  // Errors: kBadInput with a message without location.
  static Result<ValueMatcher> Compile(const std::optional<std::string>& value,
                                      const Modifiers& mods);
  // `values`: every value of the field (empty when it is missing). True if any one matches.
  bool Matches(const std::vector<FieldValue>& values) const;

 private:
  enum class Kind { kNull, kPatterns, kRegex, kCidr, kCompare };
  bool MatchesText(std::string_view text) const;

  Kind kind_ = Kind::kNull;
  std::vector<Pattern> patterns_;          // alternatives (base64offset gives three)
  std::shared_ptr<const re2::RE2> regex_;  // shared: RE2 cannot be copied
  Cidr cidr_;
  Modifiers::Compare compare_ = Modifiers::Compare::kNone;
  double number_ = 0;
};

}  // namespace vigil::correlate::sigma
