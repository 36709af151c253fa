#include "export/export.h"

#include <fmt/format.h>

#include "core/file_io.h"
#include "core/json.h"
#include "core/time.h"
#include "crypto/sha256.h"
#include "report/facts.h"
#include "report/narrative.h"
#include "report/pdf_writer.h"
#include "report/render.h"
#include "stats/stats.h"
#include "store/chain.h"
#include "store/database.h"
#include "store/event_codec.h"
#include "store/ledger_rows.h"
#include "store/reviews.h"
#include "store/store.h"

namespace vigil::exporter {
// The drafting and rendering this stage writes out.
using namespace report;  // NOLINT(google-build-using-namespace): a .cpp, not a header

namespace {

using store::Statement;
using store::ValueType;

std::string Join(const std::vector<std::pair<std::string, int64_t>>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : " ") + x.first;
  return out;
}

// Whether the decision in column status covers the report as it reads now (vigil-export(1)).
std::string ReviewCurrency(const Incident& inc) {
  switch (inc.currency) {
    case Currency::kCurrent:
      return "current";
    case Currency::kChanged:
      return "changed since";
    case Currency::kUnrecorded:
      return "version not recorded";
    case Currency::kNone:
      break;
  }
  return "";
}

std::string IncidentsCsv(const std::vector<Incident>& incidents) {
  std::string out =
      "id,type,severity,risk,status,first_seen,last_seen,event_count,src_ips,dst_ips,users,hosts,"
      "attack,summary,review\r\n";
  for (const Incident& inc : incidents) {
    std::string attack;
    for (const auto& t : inc.techniques) attack += (attack.empty() ? "" : " ") + t.id;
    const std::string fields[] = {std::to_string(inc.id),
                                  inc.title,
                                  inc.scored ? inc.severity : "",
                                  inc.scored ? std::to_string(inc.risk) : "",
                                  inc.status,
                                  FormatUtc(inc.first_us),
                                  FormatUtc(inc.last_us),
                                  std::to_string(inc.event_count),
                                  Join(inc.sources),
                                  Join(inc.destinations),
                                  Join(inc.users),
                                  Join(inc.hosts),
                                  attack,
                                  Draft(inc).summary,
                                  ReviewCurrency(inc)};
    for (size_t i = 0; i < std::size(fields); ++i) {
      if (i) out += ',';
      out += CsvField(fields[i]);
    }
    out += "\r\n";
  }
  return out;
}

// The events of the incidents, one row each (an event in two incidents appears twice), with
// its newest score. Columns in kEventColumns order.
constexpr const char* kEventColumns[] = {
    "incident_id",      "event_id", "time", "source_format", "source_file", "source_line",
    "action",           "outcome",  "user", "source_ip",     "source_port", "destination_ip",
    "destination_port", "host",     "url",  "domain",        "message",     "risk",
    "severity",         "label"};

// One exported value: NULL, an integer (a JSON number) or text (a JSON string).
struct Cell {
  bool null = false, integer = false;
  int64_t i = 0;
  std::string text;
};
Cell Int(int64_t v) { return {false, true, v, {}}; }
Cell Int(const std::optional<int64_t>& v) { return v ? Int(*v) : Cell{true, false, 0, {}}; }
Cell Str(std::string v) { return {false, false, 0, std::move(v)}; }
Cell Str(const std::optional<std::string>& v) { return v ? Str(*v) : Cell{true, false, 0, {}}; }

Status EventRows(store::Database& db, const std::vector<Incident>& incidents, bool csv,
                 std::string& out, int64_t& count) {
  store::EventQuery q;
  q.scope = store::EventQuery::Scope::kIncident;
  q.fields = store::EventFields()
                 .AddFormat()
                 .Add(&Event::event_action)
                 .Add(&Event::event_outcome)
                 .Add(&Event::user_name)
                 .Add(&Event::source_ip)
                 .Add(&Event::source_port)
                 .Add(&Event::destination_ip)
                 .Add(&Event::destination_port)
                 .Add(&Event::host_name)
                 .Add(&Event::url)
                 .Add(&Event::domain)
                 .Add(&Event::message);
  q.origin = true;
  q.newest_score = true;
  auto st = store::EventCursor::Open(db, q);
  if (!st) return st.error();
  if (csv) {
    for (size_t i = 0; i < std::size(kEventColumns); ++i) {
      if (i) out += ',';
      out += kEventColumns[i];
    }
    out += "\r\n";
  }
  StoredEvent stored;
  const Event& e = stored.event;
  for (const Incident& inc : incidents) {
    if (Status s = st->Start(inc.id); !s.ok()) return s.error();
    for (;;) {
      auto row = st->Next(stored);
      if (!row) return row.error();
      if (!*row) break;
      ++count;
      const store::EventOrigin origin = st->origin();
      const store::EventScoreBrief score = st->score();
      const Cell cells[] = {Int(inc.id),
                            Int(stored.id),
                            Str(FormatUtc(e.ts_us)),
                            Str(e.source_format),
                            Str(origin.file),
                            Int(origin.line),
                            Str(e.event_action),
                            Str(e.event_outcome),
                            Str(e.user_name),
                            Str(e.source_ip),
                            Int(e.source_port),
                            Str(e.destination_ip),
                            Int(e.destination_port),
                            Str(e.host_name),
                            Str(e.url),
                            Str(e.domain),
                            Str(e.message),
                            Int(score.risk),
                            Str(score.severity),
                            Str(score.label)};
      static_assert(std::size(cells) == std::size(kEventColumns));
      JsonWriter w;
      if (!csv) w.BeginObject();
      for (size_t i = 0; i < std::size(cells); ++i) {
        const Cell& c = cells[i];
        const std::string text = c.null ? std::string() : c.integer ? std::to_string(c.i) : c.text;
        if (csv) {
          if (i) out += ',';
          out += CsvField(text);
          continue;
        }
        w.Key(kEventColumns[i]);
        if (c.null) {
          w.Null();
        } else if (c.integer) {
          w.Int(c.i);
        } else {
          w.String(text);
        }
      }
      if (csv) {
        out += "\r\n";
      } else {
        w.EndObject();
        out += w.str() + "\n";
      }
    }
  }
  return {};
}

// The store's identity for the PDF's cover: id, chain size and head, newest checkpoint.
Result<PdfMeta> MetaOf(store::Database& db) {
  PdfMeta m;
  m.generated_us = NowMicros();
  auto id = store::StoreId(db);
  if (!id) return id.error();
  m.store_id = *id;
  auto head = store::ReadHead(db);
  if (!head) return head.error();
  m.records = head->seq;
  m.chain_head = crypto::DigestHex(head->hash);
  auto note = store::NewestCheckpointNote(db);
  if (!note) return note.error();
  if (*note) m.checkpoint = std::move(**note);
  return m;
}

// What a format renders from: the store (the PDF's cover and charts read it), the options and
// the incidents the filter selected.
struct Input {
  store::Database& db;
  const Options& options;
  const std::vector<Incident>& incidents;
};

Result<std::string> PdfOf(const Input& in) {
  auto meta = MetaOf(in.db);
  if (!meta) return meta.error();
  auto activity = stats::ComputeStats(in.db, ActivityScopeOf(in.options.filter, in.incidents));
  if (!activity) return activity.error();
  meta->stats = &*activity;
  return WritePdf(in.incidents, *meta, in.options.render);
}
Result<std::string> JsonOf(const Input& in) { return RenderJson(in.incidents, in.options.render); }
Result<std::string> NdjsonOf(const Input& in) {
  std::string out;
  for (const Incident& inc : in.incidents) out += IncidentJson(inc, in.options.render) + "\n";
  return out;
}
Result<std::string> CsvOf(const Input& in) { return IncidentsCsv(in.incidents); }
Result<std::string> MarkdownOf(const Input& in) {
  return RenderMarkdown(in.incidents, in.options.render);
}

// --events: the NDJSON lines (or CSV rows) EventRows wrote, as the format wants them.
std::string EventsAsIs(std::string rows) { return rows; }
std::string EventsAsJson(std::string rows) {
  std::string arr = "{\"events\":[";
  size_t start = 0;
  for (size_t nl; (nl = rows.find('\n', start)) != std::string::npos; start = nl + 1) {
    if (start != 0) arr += ',';
    arr.append(rows, start, nl - start);
  }
  return arr + "]}\n";
}

// One row per export format: a new format is a row here, its renderer, and its man page
// lines. `--format`'s choices, the file-name guess of `analyze -o` and the messages read this.
struct Format {
  std::string_view name;
  std::string_view extensions[2];  // what a file name ends with to ask for it
  Result<std::string> (*incidents)(const Input&);
  std::string (*events)(std::string rows);  // nullptr: the format cannot carry --events
};
const Format kFormats[] = {
    {"pdf", {".pdf", {}}, &PdfOf, nullptr},
    {"json", {".json", {}}, &JsonOf, &EventsAsJson},
    {"ndjson", {".ndjson", ".jsonl"}, &NdjsonOf, &EventsAsIs},
    {"csv", {".csv", {}}, &CsvOf, &EventsAsIs},
    {"markdown", {".md", ".markdown"}, &MarkdownOf, nullptr},
};

const Format* FindFormat(std::string_view name) {
  for (const Format& f : kFormats) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// "a, b, c" with `last` before the final name; only formats that carry events if asked.
std::string NameList(std::string_view sep, std::string_view last, bool events_only) {
  std::vector<std::string_view> names;
  for (const Format& f : kFormats) {
    if (!events_only || f.events != nullptr) names.push_back(f.name);
  }
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += i + 1 == names.size() ? last : sep;
    out += names[i];
  }
  return out;
}

}  // namespace

std::vector<std::string> FormatNames() {
  std::vector<std::string> out;
  for (const Format& f : kFormats) out.emplace_back(f.name);
  return out;
}

std::string FormatOfPath(std::string_view path) {
  for (const Format& f : kFormats) {
    for (std::string_view ext : f.extensions) {
      if (!ext.empty() && path.size() >= ext.size() &&
          path.compare(path.size() - ext.size(), ext.size(), ext) == 0) {
        return std::string(f.name);
      }
    }
  }
  return {};
}

std::string CsvField(std::string_view text) {
  std::string v(text);
  if (!v.empty() &&
      (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r')) {
    v.insert(v.begin(), '\'');
  }
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

Result<Summary> Run(const Options& o, store::Database& db) {
  const std::string& f = o.format;
  const Format* format = FindFormat(f);
  if (format == nullptr) {
    return MakeError(ErrorCode::kUsage,
                     "export --format " + f + " is not one of " + NameList(", ", ", ", false));
  }
  if (o.events && format->events == nullptr) {
    return MakeError(ErrorCode::kUsage, "--events exports data: " + NameList(", ", " or ", true));
  }
  auto incidents = ReadIncidents(db, o.filter);
  if (!incidents) return incidents.error();
  Summary sum;
  sum.incidents = int64_t(incidents->size());
  const Input in{db, o, *incidents};
  if (o.events) {
    std::string rows;
    if (Status s = EventRows(db, *incidents, f == "csv", rows, sum.events); !s.ok()) {
      return s.error();
    }
    sum.content = format->events(std::move(rows));
  } else {
    auto content = format->incidents(in);
    if (!content) return content.error();
    sum.content = std::move(*content);
  }
  auto sha = crypto::Sha256::Create();
  if (!sha) return sha.error();
  const crypto::Digest digest = sha->Hash(sum.content);
  sum.sha256 = crypto::DigestHex(digest);
  if (o.output == "-") return sum;

  // The order is the promise (vigil-export(1)): the bytes go to a temporary file beside the
  // destination and to disk, then the row naming them (path, SHA-256) is committed, and only
  // then is the file renamed into place. A crash before the commit leaves no file at the
  // destination; a crash or failure after it leaves a record of a file that never appeared,
  // which vigil verify --file tells apart. A delivered file without a record cannot happen.
  auto file = AtomicFile::Create(o.output, 0640);
  if (!file) return file.error();
  if (Status s = file->Write(sum.content); !s.ok()) return s.error();
  if (Status s = file->Sync(); !s.ok()) return s.error();
  auto tx = store::Transaction::Begin(db, store::Transaction::Kind::kImmediate);
  if (!tx) return tx.error();
  auto chain = store::ChainWriter::Begin(db);
  if (!chain) return chain.error();
  auto id = chain->Append(
      "reports",
      store::EncodeReport(
          {o.filter.ids.size() == 1 ? std::optional<int64_t>(o.filter.ids[0]) : std::nullopt,
           NowMicros(), (o.events ? "events-" : "") + f, o.output,
           std::string(crypto::DigestBytes(digest))}));
  if (!id) return id.error();
  if (Status s = tx->Commit(); !s.ok()) return s.error();
  if (Status s = file->Commit(); !s.ok()) {
    return MakeError(s.error().code,
                     fmt::format("recorded as report {} but not put in place ({}); the record "
                                 "names a file that does not exist",
                                 *id, s.error().message),
                     o.output);
  }
  sum.report_id = *id;
  sum.content.clear();
  return sum;
}

}  // namespace vigil::exporter
