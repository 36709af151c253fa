#pragma once
// The header of a syslog line (syslog_parser.h): RFC 5424, RSYSLOG_FileFormat (ISO-8601 time,
// then a BSD body) or RFC 3164, after an optional <PRI>; and the small scanners and the
// `fields` builder that the message classifier shares with it. Internal to ingest/.

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"
#include "core/result.h"

namespace vigil::ingest::syslog {

constexpr int64_t kMicrosPerSecond = 1'000'000;

inline Status NotSyslog(std::string_view why) {
  return MakeError(ErrorCode::kBadInput, "not a syslog line: " + std::string(why));
}

// The `fields` JSON object. Keys are unique: a later duplicate (say, a crafted key=value pair
// named "program") is ignored, since the message keeps the original text anyway.
class Fields {
 public:
  void Str(std::string_view key, std::string_view value) {
    std::string json;
    AppendJsonString(json, value);
    Raw(key, std::move(json));
  }
  void Raw(std::string_view key, std::string json) {
    for (const auto& item : items_) {
      if (item.first == key) return;
    }
    items_.emplace_back(std::string(key), std::move(json));
  }
  void StrOrNull(std::string_view key, std::string_view value) {
    if (value.empty()) {
      Raw(key, "null");
    } else {
      Str(key, value);
    }
  }
  void Merge(const Fields& other) {
    for (const auto& [key, value] : other.items_) Raw(key, value);
  }
  std::string Json() const {
    std::string out = "{";
    for (const auto& [key, value] : items_) {
      if (out.size() > 1) out.push_back(',');
      AppendJsonString(out, key);
      out.push_back(':');
      out += value;
    }
    out.push_back('}');
    return out;
  }

 private:
  std::vector<std::pair<std::string, std::string>> items_;  // key -> encoded JSON value
};

// What a header yields; views point into the line.
struct Header {
  int64_t ts_us = 0;
  int month = 0;  // RFC 3164 only: the year is still to be chosen
  int day = 0;
  int64_t seconds_of_day = 0;
  std::optional<int> pri;
  std::string_view host, program, pid, msgid, message;
  Fields fields;  // RFC 5424 structured data
};

inline bool Consume(std::string_view& s, std::string_view prefix) {
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Up to the next space (or the end); the space is consumed.
inline std::string_view TakeToken(std::string_view& s) {
  size_t sp = s.find(' ');
  std::string_view token = s.substr(0, sp);
  s.remove_prefix(sp == std::string_view::npos ? s.size() : sp + 1);
  return token;
}

inline std::optional<int64_t> ToInt(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

inline int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Parses the header of `s` into `h`; kBadInput ("not a syslog line: ...") when it is none.
Status ParseHeader(std::string_view s, Header& h);

}  // namespace vigil::ingest::syslog
