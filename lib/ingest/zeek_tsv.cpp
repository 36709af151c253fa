#include "ingest/zeek_tsv.h"

#include <cstdlib>

#include "core/json.h"

namespace vigil::ingest {
namespace {

std::vector<std::string_view> Split(std::string_view s, std::string_view sep) {
  std::vector<std::string_view> out;
  if (sep.empty()) return {s};  // nothing to split on (and find("") would never move on)
  size_t start = 0;
  for (;;) {
    size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return out;
    start = at + sep.size();
  }
}

// "\x09" -> tab: Zeek writes the separator escaped.
std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() + 0 && s[i + 1] == 'x') {
      out.push_back(
          static_cast<char>(std::strtol(std::string(s.substr(i + 2, 2)).c_str(), nullptr, 16)));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

bool IsNumber(std::string_view v) {
  if (v.empty()) return false;
  size_t i = v[0] == '-' ? 1 : 0;
  bool digits = false, dot = false;
  for (; i < v.size(); ++i) {
    if (v[i] >= '0' && v[i] <= '9') {
      digits = true;
    } else if (v[i] == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digits;
}

}  // namespace

bool ZeekTsv::Header(std::string_view line) {
  if (line.empty() || line[0] != '#') return false;
  if (line.substr(0, 11) == "#separator ") {
    // An empty separator cannot split anything: the data lines under it are rejected with
    // that reason (ToJson), and the one before stays for the headers.
    std::string sep = Unescape(line.substr(11));
    empty_separator_ = sep.empty();
    if (!sep.empty()) separator_ = std::move(sep);
  } else {
    auto parts = Split(line, separator_);
    const std::string_view key = parts[0];
    if (key == "#unset_field" && parts.size() > 1) unset_ = std::string(parts[1]);
    if (key == "#empty_field" && parts.size() > 1) empty_ = std::string(parts[1]);
    if (key == "#path" && parts.size() > 1) path_ = std::string(parts[1]);
    if (key == "#fields") fields_.assign(parts.begin() + 1, parts.end());
    if (key == "#types") types_.assign(parts.begin() + 1, parts.end());
  }
  return true;
}

Result<std::string> ZeekTsv::ToJson(std::string_view line) const {
  if (fields_.empty())
    return MakeError(ErrorCode::kBadInput, "Zeek TSV line before a #fields header");
  if (empty_separator_) {
    return MakeError(ErrorCode::kBadInput, "Zeek TSV line under an empty #separator header");
  }
  auto values = Split(line, separator_);
  std::string json = "{";
  bool first = true;
  auto key = [&](std::string_view name) {
    if (!first) json += ",";
    first = false;
    AppendJsonString(json, name);
    json += ":";
  };
  if (!path_.empty()) {
    key("_path");
    AppendJsonString(json, path_);
  }
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string_view v = values[i];
    // Columns past #fields (some exporters append their own) keep a name of their own.
    const std::string name =
        i < fields_.size() ? fields_[i] : "_extra_" + std::to_string(i - fields_.size() + 1);
    const std::string type = i < types_.size() ? types_[i] : "string";
    if (v == unset_) continue;
    key(name);
    if (v == empty_) {
      json += "\"\"";
    } else if (type == "bool" && (v == "T" || v == "F")) {
      json += v == "T" ? "true" : "false";
    } else if ((type == "time" || type == "count" || type == "int" || type == "port" ||
                type == "double" || type == "interval") &&
               IsNumber(v)) {
      json += v;
    } else {
      AppendJsonString(json, v);
    }
  }
  json += "}";
  return json;
}

}  // namespace vigil::ingest
