// FindHashes is a scan of the record's text, not format knowledge: it reads any record the same
// way (JSON, key=value lists, CEF, a syslog line), keyed only on the name written in front of a
// hex run, so it needs neither the format's mapping nor a stored column.
#include "report/hashes.h"

#include <algorithm>
#include <cctype>

#include "core/ascii.h"

namespace vigil::report {
namespace {

bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool IsWord(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// The name in front of a value that starts at `at`: `"name": "` in JSON, `name=` in key=value
// lists (Sysmon's Hashes, CEF), lower-cased; "" when there is none.
std::string NameBefore(std::string_view raw, size_t at) {
  size_t i = at;
  auto skip = [&](auto pred) {
    while (i > 0 && pred(raw[i - 1])) --i;
  };
  skip([](char c) { return c == '"' || c == ' ' || c == '\''; });
  if (i == 0 || (raw[i - 1] != ':' && raw[i - 1] != '=')) return {};
  --i;
  skip([](char c) { return c == '"' || c == ' ' || c == '\''; });
  const size_t end = i;
  skip([](char c) { return IsWord(c) || c == '.' || c == '-'; });
  return Lower(raw.substr(i, end - i));
}

std::string AlgorithmOf(const std::string& name, size_t length) {
  if (name.find("imphash") != std::string::npos || name.find("ssdeep") != std::string::npos) {
    return {};  // import-table and fuzzy hashes do not identify a file
  }
  const bool hashy = name.find("md5") != std::string::npos ||
                     name.find("sha") != std::string::npos ||
                     name.find("hash") != std::string::npos;
  if (!hashy) return {};
  switch (length) {
    case 32:
      return "md5";
    case 40:
      return "sha1";
    case 64:
      return "sha256";
    case 128:
      return "sha512";
    default:
      return {};
  }
}

}  // namespace

std::vector<FileHash> FindHashes(std::string_view raw, size_t limit) {
  std::vector<FileHash> out;
  for (size_t i = 0; i < raw.size() && out.size() < limit;) {
    if (!IsHex(raw[i]) || (i > 0 && IsWord(raw[i - 1]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < raw.size() && IsHex(raw[j])) ++j;
    if (j < raw.size() && IsWord(raw[j])) {  // part of a longer word
      i = j + 1;
      continue;
    }
    const std::string algorithm = AlgorithmOf(NameBefore(raw, i), j - i);
    if (!algorithm.empty()) {
      FileHash h{algorithm, Lower(raw.substr(i, j - i))};
      const bool seen = std::any_of(out.begin(), out.end(),
                                    [&](const FileHash& x) { return x.value == h.value; });
      if (!seen) out.push_back(std::move(h));
    }
    i = j;
  }
  return out;
}

}  // namespace vigil::report
