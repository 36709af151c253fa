#pragma once
// A small JSON writer for machine-readable output. Strings are escaped per RFC 8259; bytes
// that are not valid UTF-8 (log data is attacker-controlled) become U+FFFD, so the output is
// always valid JSON. Output is deterministic: keys appear in the order they are written.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

// Appends `s` as a quoted JSON string.
void AppendJsonString(std::string& out, std::string_view s);

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view v);
  JsonWriter& Int(int64_t v);
  // A number with `digits` decimals (fixed notation; NaN and infinities become null).
  JsonWriter& Fixed(double v, int digits);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  // A value that is already JSON (written by vigil itself, never taken from input).
  JsonWriter& Raw(std::string_view json);
  JsonWriter& OptionalInt(const std::optional<int64_t>& v) { return v ? Int(*v) : Null(); }

  const std::string& str() const { return out_; }

 private:
  void Separate();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace vigil
