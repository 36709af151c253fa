#include "ingest/detect.h"

#include <algorithm>
#include <cassert>
#include <cctype>

namespace vigil::ingest {
namespace {

using formats::FormatDescriptor;

const FormatDescriptor& Named(std::string_view name) {
  const FormatDescriptor* f = formats::Find(name);
  assert(f != nullptr);
  return *f;
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

Detection Json(const FormatDescriptor& f, const char* confidence, const std::string& reason) {
  return Detection{&f, confidence, reason};
}

constexpr size_t kSampled = 16;  // lines that vote on the format

enum class Kind { kOther, kJson, kCef, kSyslog, kZeekHeader };

std::string_view Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

Kind KindOf(std::string_view line) {
  const std::string_view t = Trim(line);
  if (t.substr(0, 10) == "#separator" || t.substr(0, 7) == "#fields") return Kind::kZeekHeader;
  if (!t.empty() && t.front() == '{' && t.back() == '}') return Kind::kJson;
  if (const size_t cef = line.find("CEF:");
      cef != std::string_view::npos && (cef == 0 || LooksLikeSyslog(line))) {
    return Kind::kCef;
  }
  if (LooksLikeSyslog(line)) return Kind::kSyslog;
  return Kind::kOther;
}

// The JSON line format of one object line: the first format, by json_line_rank, whose keys it
// has; ndjson when none.
Detection JsonLine(std::string_view line) {
  const FormatDescriptor* best = nullptr;
  const char* reason = nullptr;
  for (const FormatDescriptor* f : formats::All()) {
    if (f->json_line == nullptr || (best != nullptr && f->json_line_rank >= best->json_line_rank)) {
      continue;
    }
    if (const char* why = f->json_line(line)) {
      best = f;
      reason = why;
    }
  }
  if (best != nullptr) return Json(*best, "high", reason);
  return Json(Named("ndjson"), "medium", "JSON objects, one per line");
}

// The first non-blank lines of `head` (a byte order mark skipped).
std::vector<std::string_view> Sample(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  std::vector<std::string_view> out;
  while (!head.empty() && out.size() < kSampled) {
    const size_t nl = head.find('\n');
    const std::string_view line = head.substr(0, nl);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) out.push_back(line);
    if (nl == std::string_view::npos) break;
    head.remove_prefix(nl + 1);
  }
  return out;
}

// A whole-document shape ([...], {"Records": [...]}, a bundle), decided by how it starts.
std::optional<Detection> Document(std::string_view head, char first) {
  for (const FormatDescriptor* f : formats::All()) {
    if (first == '[' && f->document_array) {
      Detection d = Json(*f, "high", "starts with a JSON array");
      d.document = true;
      return d;
    }
  }
  if (first != '{') return std::nullopt;
  // Decided by the document's first key, never by a word that merely appears in a record
  // ({"index": "auth_logs"} is an NDJSON line).
  const std::string_view key = FirstKey(head);
  for (const FormatDescriptor* f : formats::All()) {
    for (std::string_view k : f->document_keys) {
      if (!key.empty() && key == k) {
        Detection d = Json(*f, "high", "a JSON object whose first key is " + std::string(key));
        d.document = true;
        return d;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Detection> Detect(std::string_view head) {
  const std::vector<std::string_view> lines = Sample(head);
  if (lines.empty()) return std::nullopt;
  std::vector<Kind> kinds;
  for (std::string_view l : lines) kinds.push_back(KindOf(l));
  const std::string_view first_line = Trim(lines[0]);
  if (auto doc = Document(head, first_line.empty() ? ' ' : first_line.front())) {
    // One bad first line ("[", a document's opening) does not make the JSON lines after it
    // one document: they are lines when most of the others are whole objects.
    const auto objects = std::count(kinds.begin() + 1, kinds.end(), Kind::kJson);
    const bool lines_after = kinds[0] != Kind::kJson && objects >= 2 &&
                             static_cast<size_t>(objects) * 2 > kinds.size() - 1;
    if (!lines_after) return doc;
  }
  for (size_t i = 0; i < kinds.size() && i < 3; ++i) {
    if (kinds[i] == Kind::kZeekHeader) {
      return Detection{&Named("zeek-tsv"), "high", "a Zeek #separator / #fields header"};
    }
  }
  // The kind most of the sampled lines have (ties: the one seen first), so one bad line,
  // first or not, cannot decide for the whole input.
  Kind best = Kind::kOther;
  long best_count = 0;
  for (Kind k : kinds) {
    if (k == Kind::kOther || k == best) continue;
    const long n = static_cast<long>(std::count(kinds.begin(), kinds.end(), k));
    if (n > best_count) {
      best = k;
      best_count = n;
    }
  }
  const auto first_of = [&](Kind k) {
    return lines[static_cast<size_t>(std::find(kinds.begin(), kinds.end(), k) - kinds.begin())];
  };
  if (best == Kind::kJson) {
    // A specific format's keys win over plain NDJSON; among them, the most common.
    std::vector<Detection> votes;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (kinds[i] == Kind::kJson) votes.push_back(JsonLine(lines[i]));
    }
    const Detection* chosen = &votes[0];
    long chosen_count = 0;
    for (const Detection& v : votes) {
      if (v.format->name == "ndjson") continue;
      const long n = static_cast<long>(std::count_if(
          votes.begin(), votes.end(), [&](const Detection& o) { return o.format == v.format; }));
      if (n > chosen_count) {
        chosen = &v;
        chosen_count = n;
      }
    }
    return *chosen;
  }
  if (best == Kind::kCef) return Detection{&Named("cef"), "high", "a \"CEF:\" header"};
  if (best == Kind::kSyslog) {
    const bool pri = first_of(Kind::kSyslog)[0] == '<';
    return Detection{&Named("syslog"), pri ? "high" : "medium",
                     pri ? "a <PRI> header" : "a \"Mmm dd hh:mm:ss\" timestamp"};
  }
  // CSV last: a header row of names, and a second row with as many commas.
  const std::string_view line = lines[0];
  const size_t commas = static_cast<size_t>(std::count(line.begin(), line.end(), ','));
  if (commas > 0) {
    const std::string_view second = lines.size() > 1 ? lines[1] : std::string_view();
    if (second.empty() ||
        static_cast<size_t>(std::count(second.begin(), second.end(), ',')) >= commas) {
      return Detection{&Named("csv"), "low", "comma-separated rows under a header row"};
    }
  }
  return std::nullopt;
}

}  // namespace vigil::ingest
