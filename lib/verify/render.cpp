// What `vigil verify` prints (vigil-verify(1), OUTPUT): the summary as text or JSON, and
// the --file results.
#include "verify/render.h"

#include <ostream>

#include "core/json.h"
#include "core/time.h"

namespace vigil::verify {
namespace {

// Table names come from the store and may be forged: keep only printable ASCII.
std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  return out;
}

std::string_view ReaderText(std::string_view reader) {
  if (reader == "pages") return "from the file's pages";
  if (reader == "sql") return "through SQL";
  return "from the file's pages and through SQL";
}

// --file: the exports on record with each file's SHA-256, as JSON members.
void FilesJson(JsonWriter& w, const std::vector<ExportedFile>& files) {
  if (files.empty()) return;
  w.Key("files").BeginArray();
  for (const ExportedFile& f : files) {
    w.BeginObject().Key("file").String(f.file).Key("sha256").String(f.sha256);
    w.Key("on_record").Bool(!f.records.empty()).Key("exports").BeginArray();
    for (const ExportRecord& r : f.records) {
      w.BeginObject()
          .Key("report")
          .Int(r.report_id)
          .Key("exported")
          .String(FormatUtc(r.created_us));
      w.Key("format").String(r.format).Key("path").String(r.path).EndObject();
    }
    w.EndArray().EndObject();
  }
  w.EndArray();
}

}  // namespace

std::string SummaryJson(const Summary& s, const std::vector<ExportedFile>& files) {
  JsonWriter w;
  w.BeginObject()
      .Key("status")
      .String(s.verified ? "VERIFIED" : "TAMPERED")
      .Key("records")
      .Int(s.records)
      .Key("rows")
      .Int(s.rows)
      .Key("sha256")
      .String(s.sha256)
      .Key("reader")
      .String(s.reader)
      .Key("head")
      .String(crypto::DigestHex(s.head))
      .Key("head_seq")
      .Int(s.head_seq)
      .Key("first_broken_seq")
      .OptionalInt(s.first_broken_seq)
      .Key("store_id")
      .String(s.store_id)
      .Key("checkpoints")
      .BeginObject()
      .Key("examined")
      .Int(s.checkpoints)
      .Key("valid")
      .Int(s.checkpoints_valid)
      .Key("trusted_key")
      .Bool(s.trusted)
      .Key("sealed_size")
      .OptionalInt(s.sealed_size)
      .EndObject()
      .Key("problems_total")
      .Int(static_cast<int64_t>(s.problems_total))
      .Key("problems")
      .BeginArray();
  for (const Problem& p : s.problems) {
    w.BeginObject()
        .Key("kind")
        .String(ProblemKindName(p.kind))
        .Key("seq")
        .OptionalInt(p.seq)
        .Key("table");
    if (p.table.empty()) {
      w.Null();
    } else {
      w.String(p.table);
    }
    w.Key("row_id").OptionalInt(p.row_id).Key("expected");
    if (p.expected.empty()) {
      w.Null();
    } else {
      w.String(p.expected);
    }
    w.Key("actual");
    if (p.actual.empty()) {
      w.Null();
    } else {
      w.String(p.actual);
    }
    w.Key("detail").String(p.detail).EndObject();
  }
  w.EndArray();
  FilesJson(w, files);
  w.EndObject();
  return w.str();
}

void WriteSummaryText(std::ostream& o, const Summary& s, bool quiet) {
  if (s.verified && quiet) return;  // cron: silence unless something is wrong
  if (s.verified) {
    o << "VERIFIED " << s.records << " records, head " << crypto::DigestHex(s.head) << "\n";
  } else {
    o << "TAMPERED first broken seq "
      << (s.first_broken_seq ? std::to_string(*s.first_broken_seq) : std::string("unknown")) << ", "
      << s.problems_total << " problem" << (s.problems_total == 1 ? "" : "s") << "\n";
    for (const Problem& p : s.problems) {
      o << "  seq " << (p.seq ? std::to_string(*p.seq) : std::string("-")) << "  "
        << ProblemKindName(p.kind);
      if (!p.table.empty()) {
        o << "  " << Printable(p.table);
        if (p.row_id) o << " row " << *p.row_id;
      }
      o << ": " << Printable(p.detail) << "\n";
      if (!p.expected.empty() || !p.actual.empty()) {
        o << "      expected " << (p.expected.empty() ? "-" : Printable(p.expected)) << "\n"
          << "      actual   " << (p.actual.empty() ? "-" : Printable(p.actual)) << "\n";
      }
    }
    if (s.problems.size() < s.problems_total) {
      o << "  ... " << s.problems_total - s.problems.size()
        << " more (raise --max-problems to list them)\n";
    }
  }
  if (quiet) return;
  o << "  store " << s.store_id << ", " << s.records << " chain entries, " << s.rows
    << " rows hashed on " << s.jobs << " thread" << (s.jobs == 1 ? "" : "s") << " (" << s.sha256
    << " SHA-256, rows read " << ReaderText(s.reader) << ")\n";
  if (s.checkpoints == 0) {
    o << "  no signed checkpoint: a forger with write access could recompute the whole chain "
         "(see vigil seal)\n";
  } else {
    o << "  checkpoints: " << s.checkpoints_valid << " of " << s.checkpoints << " valid"
      << (s.trusted ? " against the trusted key"
                    : " against their own keys (not trusted: "
                      "pass --pubkey)");
    if (s.sealed_size) {
      o << "; sealed up to seq " << *s.sealed_size;
      if (s.head_seq > *s.sealed_size) {
        o << ", " << s.head_seq - *s.sealed_size << " entries since";
      }
    }
    o << "\n";
  }
}

void WriteFilesText(std::ostream& o, const std::vector<ExportedFile>& files, bool quiet) {
  for (const ExportedFile& f : files) {
    if (f.records.empty()) {
      o << Printable(f.file) << ": NOT an export on record (sha256 " << f.sha256 << ")\n";
      continue;
    }
    if (quiet) continue;
    for (const ExportRecord& r : f.records) {
      o << Printable(f.file) << ": export on record, report " << r.report_id << " ("
        << Printable(r.format) << " to " << Printable(r.path) << ", " << FormatUtc(r.created_us)
        << "), sha256 " << f.sha256 << "\n";
    }
  }
}

}  // namespace vigil::verify
