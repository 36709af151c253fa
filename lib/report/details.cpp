// The decisive fields of an incident's events (details.h).
#include "report/details.h"

#include <algorithm>

#include "core/encoding.h"
#include "core/event_details.h"
#include "json/json.h"
#include "report/facts.h"

namespace vigil::report {
namespace {

constexpr size_t kMaxValue = 300;  // a command line can be long; the report shows its start

// The first `n` bytes of `s` or fewer, never ending inside a UTF-8 sequence, marked "...".
std::string Cut(std::string_view s, size_t n) {
  if (s.size() <= n) return std::string(s);
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "...";
}

std::string Clean(std::string_view text) { return TerminalSafe(Cut(text, kMaxValue)); }

}  // namespace

std::string DetailLabel(const std::string& key) {
  if (key == "url") return "URI";
  const DetailName* d = FindDetail(key);
  return d != nullptr ? std::string(d->label) : key;
}

std::vector<DetailValue> DetailTally::Read(const Event& e) {
  std::vector<DetailValue> out;
  if (e.details) {
    auto doc = parser_.Parse(*e.details);
    if (doc && doc->IsObject()) {
      for (const DetailName& n : DetailNames()) {
        auto v = doc->Find(n.key);
        if (!v) continue;
        if (auto s = v->String()) {
          out.emplace_back(std::string(n.key), Clean(*s));
        } else if (auto i = v->Int64()) {
          out.emplace_back(std::string(n.key), std::to_string(*i));
        }
        // The URI belongs with the request's method.
        if (n.detail == Detail::kHttpMethod && e.url && !e.url->empty()) {
          out.emplace_back("url", Clean(*e.url));
        }
      }
    }
  }
  return out;
}

void DetailTally::Count(const std::vector<DetailValue>& values) {
  for (const DetailValue& kv : values) {
    // Named copies of the pair's parts: clang 14 cannot capture structured bindings.
    const auto& key = kv.first;
    const auto& value = kv.second;
    auto it =
        std::find_if(counts_.begin(), counts_.end(), [&](const auto& c) { return c.first == key; });
    if (it == counts_.end()) it = counts_.insert(counts_.end(), {key, {}});
    auto v = std::find_if(it->second.begin(), it->second.end(),
                          [&](const auto& x) { return x.first == value; });
    if (v == it->second.end()) {
      it->second.emplace_back(value, 1);
    } else {
      ++v->second;
    }
  }
}

std::vector<DetailSummary> DetailTally::Summaries() const {
  std::vector<DetailSummary> out;
  // In core/event_details.h order, the URI after the method.
  std::vector<std::string> order;
  for (const DetailName& n : DetailNames()) {
    order.emplace_back(n.key);
    if (n.detail == Detail::kHttpMethod) order.emplace_back("url");
  }
  for (const std::string& key : order) {
    auto it =
        std::find_if(counts_.begin(), counts_.end(), [&](const auto& c) { return c.first == key; });
    if (it == counts_.end()) continue;
    DetailSummary s{key, DetailLabel(key), it->second};
    std::stable_sort(s.values.begin(), s.values.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    out.push_back(std::move(s));
  }
  return out;
}

std::string DetailsText(const std::vector<DetailValue>& values) {
  std::string out;
  for (const auto& [key, value] : values) {
    out += (out.empty() ? "" : "; ") + DetailLabel(key) + ": " + value;
  }
  return out;
}

std::vector<std::string> DetailSummaryLines(const std::vector<DetailSummary>& summaries,
                                            size_t limit) {
  std::vector<std::string> out;
  for (const DetailSummary& s : summaries) {
    std::string line = s.label + ": ";
    for (size_t i = 0; i < s.values.size() && i < limit; ++i) {
      line += (i ? ", " : "") + s.values[i].first + " (" + std::to_string(s.values[i].second) + ")";
    }
    if (s.values.size() > limit) {
      line += ", and " + std::to_string(s.values.size() - limit) + " more";
    }
    out.push_back(std::move(line));
  }
  return out;
}

void WriteDetails(JsonWriter& w, const std::vector<DetailValue>& values) {
  if (values.empty()) return;
  w.Key("details").BeginObject();
  for (const auto& [key, value] : values) w.Key(key).String(value);
  w.EndObject();
}

void WriteDetailSummaries(JsonWriter& w, const std::vector<DetailSummary>& summaries) {
  if (summaries.empty()) return;
  w.Key("decisive_fields").BeginArray();
  for (const DetailSummary& s : summaries) {
    w.BeginObject().Key("field").String(s.key).Key("values").BeginArray();
    for (const auto& [value, n] : s.values) {
      w.BeginObject().Key("value").String(value).Key("events").Int(n).EndObject();
    }
    w.EndArray().EndObject();
  }
  w.EndArray();
}

std::string DecisiveSentence(const std::vector<DetailSummary>& summaries, int64_t events) {
  constexpr size_t kFields = 4, kLength = 80;
  std::string out;
  for (size_t i = 0; i < summaries.size() && i < kFields; ++i) {
    const DetailSummary& s = summaries[i];
    if (s.values.empty()) continue;
    const std::string value = Cut(s.values.front().first, kLength);
    out += (out.empty() ? " Decisive fields: " : ", ") + s.label + " " + value + " (" +
           std::to_string(s.values.front().second) + " of " + std::to_string(events) + " events)";
  }
  return out.empty() ? out : out + ".";
}

std::string EntityOf(const Incident& inc) {
  if (!inc.group_key.empty()) {
    json::Parser parser;
    auto doc = parser.Parse(inc.group_key);
    if (doc && doc->IsObject()) {
      std::string out;
      for (const auto& f : doc->fields()) {
        auto v = f.value.String();
        if (!v || v->empty()) continue;
        out += (out.empty() ? "" : ", ") + Clean(f.key) + " " + Clean(*v);
      }
      if (!out.empty()) return out;
    }
  }
  for (const auto* list : {&inc.sources, &inc.users, &inc.hosts}) {
    if (!list->empty()) return list->front().first;
  }
  return "-";
}

}  // namespace vigil::report
