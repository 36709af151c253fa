#include "ingest/detect.h"

#include <algorithm>
#include <cctype>

namespace vigil::ingest {
namespace {

struct Named {
  Format format;
  const char* name;
};
constexpr Named kNames[] = {
    {Format::kNdjson, "ndjson"},    {Format::kJsonArray, "json-array"},
    {Format::kBundle, "bundle"},    {Format::kSingle, "single"},
    {Format::kSyslog, "syslog"},    {Format::kZeekJson, "zeek"},
    {Format::kZeekTsv, "zeek-tsv"}, {Format::kSuricata, "suricata"},
    {Format::kWindows, "windows"},  {Format::kCloudTrail, "cloudtrail"},
    {Format::kCef, "cef"},          {Format::kCsv, "csv"},
};

bool Has(std::string_view s, std::string_view key) { return s.find(key) != std::string_view::npos; }

std::string_view FirstLine(std::string_view s) {
  // Skip blank lines and a byte order mark.
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  while (!s.empty()) {
    size_t nl = s.find('\n');
    std::string_view line = s.substr(0, nl);
    bool blank = line.find_first_not_of(" \t\r") == std::string_view::npos;
    if (!blank) return line;
    if (nl == std::string_view::npos) break;
    s.remove_prefix(nl + 1);
  }
  return {};
}

bool LooksLikeSyslog(std::string_view line) {
  if (!line.empty() && line[0] == '<') {
    size_t close = line.find('>');
    return close != std::string_view::npos && close > 1 && close <= 4;
  }
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (line.size() < 16) return false;
  bool month = false;
  for (const char* m : kMonths) month = month || line.substr(0, 3) == m;
  return month && line[3] == ' ' && line[9] == ':' && line[12] == ':';
}

// The first key of a JSON object at the start of `s` when its value is an array ("key": [);
// empty otherwise.
std::string_view FirstKey(std::string_view s) {
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  size_t i = s.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos || s[i] != '{') return {};
  i = s.find_first_not_of(" \t\r\n", i + 1);
  if (i == std::string_view::npos || s[i] != '"') return {};
  const size_t end = s.find('"', i + 1);
  if (end == std::string_view::npos) return {};
  size_t j = s.find_first_not_of(" \t\r\n", end + 1);
  if (j == std::string_view::npos || s[j] != ':') return {};
  j = s.find_first_not_of(" \t\r\n", j + 1);
  if (j == std::string_view::npos || s[j] != '[') return {};
  return s.substr(i + 1, end - i - 1);
}

Detection Json(Format f, const char* confidence, const std::string& reason) {
  return Detection{f, confidence, reason};
}

}  // namespace

std::optional<Detection> Detect(std::string_view head) {
  std::string_view line = FirstLine(head);
  if (line.empty()) return std::nullopt;
  const char first = line[line.find_first_not_of(" \t")];
  if (first == '[') {
    Detection d = Json(Format::kJsonArray, "high", "starts with a JSON array");
    d.document = true;
    return d;
  }
  if (first == '{') {
    // Whole-document shapes: decided by the document's first key, never by a word that
    // merely appears in a record ({"index": "auth_logs"} is an NDJSON line).
    const std::string_view key = FirstKey(head);
    if (key == "Records") {
      Detection d = Json(Format::kCloudTrail, "high", "a JSON object whose first key is Records");
      d.document = true;
      return d;
    }
    if (key == "firewall_logs" || key == "auth_logs" || key == "phishing_alerts") {
      Detection d =
          Json(Format::kBundle, "high", "a JSON object whose first key is " + std::string(key));
      d.document = true;
      return d;
    }
    if (Has(line, "\"event_type\"") &&
        (Has(line, "\"flow_id\"") || Has(line, "\"in_iface\"") || Has(line, "\"dest_ip\""))) {
      return Json(Format::kSuricata, "high", "keys event_type and flow_id/dest_ip");
    }
    if (Has(line, "\"EventID\"") || Has(line, "\"EventId\"") || Has(line, "\"winlog\"")) {
      return Json(Format::kWindows, "high", "key EventID or winlog");
    }
    if (Has(line, "\"eventVersion\"") ||
        (Has(line, "\"eventSource\"") && Has(line, "\"eventName\""))) {
      return Json(Format::kCloudTrail, "high", "keys eventSource and eventName");
    }
    if ((Has(line, "\"uid\"") && (Has(line, "\"id.orig_h\"") || Has(line, "\"id_orig_h\""))) ||
        Has(line, "\"_path\"") || Has(line, "\"@stream\"")) {
      return Json(Format::kZeekJson, "high", "keys uid and id.orig_h (or _path / @stream)");
    }
    if (Has(line, "\"user_id\"") && Has(line, "\"hour\"")) {
      return Json(Format::kSingle, "high", "keys user_id and hour");
    }
    return Json(Format::kNdjson, "medium", "JSON objects, one per line");
  }
  if (line.substr(0, 10) == "#separator" || line.substr(0, 7) == "#fields") {
    return Detection{Format::kZeekTsv, "high", "a Zeek #separator / #fields header"};
  }
  if (const size_t cef = line.find("CEF:");
      cef != std::string_view::npos && (cef == 0 || LooksLikeSyslog(line))) {
    return Detection{Format::kCef, "high", "a \"CEF:\" header"};
  }
  if (LooksLikeSyslog(line)) {
    return Detection{Format::kSyslog, line[0] == '<' ? "high" : "medium",
                     line[0] == '<' ? "a <PRI> header" : "a \"Mmm dd hh:mm:ss\" timestamp"};
  }
  // CSV last: a header row of names, and a second row with as many commas.
  const size_t commas = static_cast<size_t>(std::count(line.begin(), line.end(), ','));
  if (commas > 0) {
    std::string_view rest = head.substr(head.find(line) + line.size());
    std::string_view second = FirstLine(rest);
    if (second.empty() ||
        static_cast<size_t>(std::count(second.begin(), second.end(), ',')) >= commas) {
      return Detection{Format::kCsv, "low", "comma-separated rows under a header row"};
    }
  }
  return std::nullopt;
}

const char* FormatName(Format format) {
  for (const Named& n : kNames) {
    if (n.format == format) return n.name;
  }
  return "ndjson";
}

std::optional<Format> FormatFromName(std::string_view name) {
  for (const Named& n : kNames) {
    if (name == n.name) return n.format;
  }
  return std::nullopt;
}

std::vector<std::string> FormatNames() {
  std::vector<std::string> out;
  for (const Named& n : kNames) out.emplace_back(n.name);
  return out;
}

}  // namespace vigil::ingest
