#include "ingest/text_records.h"

#include "core/json.h"

namespace vigil::ingest {
namespace {

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Splits the CEF header on '|' not escaped by '\'.
std::vector<std::string> SplitHeader(std::string_view s, size_t fields, size_t& rest_at) {
  std::vector<std::string> out(1);
  size_t i = 0;
  for (; i < s.size() && out.size() <= fields; ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '|' || s[i + 1] == '\\')) {
      out.back().push_back(s[++i]);
    } else if (s[i] == '|') {
      if (out.size() == fields) {
        ++i;
        break;
      }
      out.emplace_back();
    } else {
      out.back().push_back(s[i]);
    }
  }
  rest_at = i;
  return out;
}

std::string UnescapeValue(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      const char n = v[++i];
      out.push_back(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
    } else {
      out.push_back(v[i]);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

void Member(std::string& json, std::string_view key, std::string_view value, bool& first) {
  json += first ? "" : ",";
  first = false;
  AppendJsonString(json, key);
  json += ":";
  AppendJsonString(json, value);
}

std::string Normalise(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (c == ' ' || c == '-' || c == '.') {
      out.push_back('_');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Result<std::string> CefToJson(std::string_view line) {
  const size_t at = line.find("CEF:");
  if (at == std::string_view::npos)
    return MakeError(ErrorCode::kBadInput, "not a CEF line: no \"CEF:\"");
  size_t rest_at = 0;
  auto header = SplitHeader(line.substr(at + 4), 7, rest_at);
  if (header.size() < 7) {
    return MakeError(ErrorCode::kBadInput, "not a CEF line: fewer than 8 header fields");
  }
  static constexpr const char* kNames[] = {"cefVersion",    "deviceVendor", "deviceProduct",
                                           "deviceVersion", "signatureId",  "name",
                                           "severity"};
  std::string json = "{";
  bool first = true;
  for (size_t i = 0; i < 7; ++i) Member(json, kNames[i], header[i], first);
  std::string_view ext = line.substr(at + 4 + rest_at);
  // Extension: key=value pairs; a value runs until the next " key=" (values may hold spaces).
  size_t pos = 0;
  while (pos < ext.size()) {
    while (pos < ext.size() && ext[pos] == ' ') ++pos;
    size_t eq = pos;
    while (eq < ext.size() && IsKeyChar(ext[eq])) ++eq;
    if (eq == pos || eq >= ext.size() || ext[eq] != '=') {
      return MakeError(ErrorCode::kBadInput, "CEF extension: expected key=value at byte " +
                                                 std::to_string(at + 4 + rest_at + pos));
    }
    const std::string_view key = ext.substr(pos, eq - pos);
    size_t end = eq + 1;
    size_t next = ext.size();
    for (size_t i = end; i < ext.size(); ++i) {
      if (ext[i] == '\\') {
        ++i;
        continue;
      }
      if (ext[i] == '=') {
        // Walk back over the key to the space before it.
        size_t k = i;
        while (k > end && IsKeyChar(ext[k - 1])) --k;
        if (k > end && ext[k - 1] == ' ' && k < i) {
          next = k - 1;
          break;
        }
      }
    }
    Member(json, key, UnescapeValue(ext.substr(end, next - end)), first);
    pos = next;
  }
  json += "}";
  return json;
}

Result<bool> CsvRecords::Add(std::string_view line) {
  if (!in_quotes_) {
    values_.clear();
    current_.clear();
  } else {
    current_.push_back('\n');
  }
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_quotes_) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          current_.push_back('"');
          ++i;
        } else {
          in_quotes_ = false;
        }
      } else {
        current_.push_back(c);
      }
    } else if (c == '"' && current_.find_first_not_of(' ') == std::string::npos) {
      current_.clear();
      in_quotes_ = true;
    } else if (c == ',') {
      values_.push_back(std::move(current_));
      current_.clear();
    } else {
      current_.push_back(c);
    }
  }
  if (in_quotes_) return false;
  values_.push_back(std::move(current_));
  current_.clear();
  if (!have_header_) {
    header_ = values_;
    have_header_ = true;
    return false;
  }
  if (values_.size() != header_.size()) {
    return MakeError(ErrorCode::kBadInput, "CSV row has " + std::to_string(values_.size()) +
                                               " fields, the header " +
                                               std::to_string(header_.size()));
  }
  return true;
}

std::string CsvRecords::TakeOriginal() const {
  std::string json = "{";
  bool first = true;
  for (size_t i = 0; i < values_.size(); ++i) Member(json, header_[i], values_[i], first);
  return json + "}";
}

std::string CsvRecords::TakeNormalised() const {
  std::string json = "{";
  bool first = true;
  for (size_t i = 0; i < values_.size(); ++i) {
    if (values_[i].empty()) continue;  // an empty cell is an absent value
    Member(json, Normalise(header_[i]), values_[i], first);
  }
  return json + "}";
}

}  // namespace vigil::ingest
