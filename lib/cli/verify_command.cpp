// vigil verify: recompute the chain and answer VERIFIED or TAMPERED.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "cli/commands.h"
#include "core/file_io.h"
#include "core/json.h"
#include "core/time.h"
#include "crypto/signed_note.h"
#include "store/store.h"
#include "verify/checkpoint.h"
#include "verify/exported_file.h"
#include "verify/verifier.h"

namespace vigil::cli {
namespace {

constexpr uint64_t kMaxKeyFile = 64 * 1024;
constexpr uint64_t kMaxCheckpointFile = 1024 * 1024;

std::string_view ReaderText(std::string_view reader) {
  if (reader == "pages") return "from the file's pages";
  if (reader == "sql") return "through SQL";
  return "from the file's pages and through SQL";
}

// --file: the exports on record with each file's SHA-256, as JSON members.
void FilesJson(JsonWriter& w, const std::vector<verify::ExportedFile>& files) {
  if (files.empty()) return;
  w.Key("files").BeginArray();
  for (const verify::ExportedFile& f : files) {
    w.BeginObject().Key("file").String(f.file).Key("sha256").String(f.sha256);
    w.Key("on_record").Bool(!f.records.empty()).Key("exports").BeginArray();
    for (const verify::ExportRecord& r : f.records) {
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

void PrintJson(const Context& ctx, const verify::Summary& s,
               const std::vector<verify::ExportedFile>& files) {
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
  for (const verify::Problem& p : s.problems) {
    w.BeginObject()
        .Key("kind")
        .String(verify::ProblemKindName(p.kind))
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
  ctx.out << w.str() << "\n";
}

// Table names come from the store and may be forged: keep only printable ASCII.
std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  return out;
}

void PrintText(const Context& ctx, const verify::Summary& s) {
  std::ostream& o = ctx.out;
  if (s.verified && ctx.global.quiet) return;  // cron: silence unless something is wrong
  if (s.verified) {
    o << "VERIFIED " << s.records << " records, head " << crypto::DigestHex(s.head) << "\n";
  } else {
    o << "TAMPERED first broken seq "
      << (s.first_broken_seq ? std::to_string(*s.first_broken_seq) : std::string("unknown")) << ", "
      << s.problems_total << " problem" << (s.problems_total == 1 ? "" : "s") << "\n";
    for (const verify::Problem& p : s.problems) {
      o << "  seq " << (p.seq ? std::to_string(*p.seq) : std::string("-")) << "  "
        << verify::ProblemKindName(p.kind);
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
  if (ctx.global.quiet) return;
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

void FilesText(const Context& ctx, const std::vector<verify::ExportedFile>& files) {
  for (const verify::ExportedFile& f : files) {
    if (f.records.empty()) {
      ctx.out << Printable(f.file) << ": NOT an export on record (sha256 " << f.sha256 << ")\n";
      continue;
    }
    if (ctx.global.quiet) continue;
    for (const verify::ExportRecord& r : f.records) {
      ctx.out << Printable(f.file) << ": export on record, report " << r.report_id << " ("
              << Printable(r.format) << " to " << Printable(r.path) << ", "
              << FormatUtc(r.created_us) << "), sha256 " << f.sha256 << "\n";
    }
  }
}

}  // namespace

Status RunVerify(const Context& ctx, const VerifyOptions& options) {
  verify::Options vo;
  vo.db_path = ctx.global.db;
  vo.jobs = options.jobs;
  vo.max_problems = options.max_problems;
  if (const char* reader = std::getenv("VIGIL_VERIFY_READER"); reader != nullptr) {
    const std::string_view want = reader;
    if (want == "sql") {
      vo.reader = verify::Reader::kSql;
    } else if (want != "auto" && !want.empty()) {
      return MakeError(ErrorCode::kUsage,
                       "VIGIL_VERIFY_READER must be auto or sql, not '" + std::string(want) + "'");
    }
  }
  for (const std::string& path : options.pubkeys) {
    auto text = ReadFile(path, kMaxKeyFile);
    if (!text) return text.error();
    auto key = crypto::ParseVerifierKey(*text);
    if (!key) return MakeError(ErrorCode::kBadInput, key.error().message, path);
    vo.trusted_keys.push_back(*key);
  }
  if (!options.checkpoints.empty() && options.pubkeys.empty()) {
    return MakeError(ErrorCode::kUsage, "--checkpoint needs --pubkey to check its signature");
  }
  for (const std::string& path : options.checkpoints) {
    auto text = path == "-" ? ReadStream(std::cin, kMaxCheckpointFile, "standard input")
                            : ReadFile(path, kMaxCheckpointFile);
    if (!text) return text.error();
    const std::string name = path == "-" ? "standard input" : path;
    // A file that is not a checkpoint at all is bad input (exit 3); one that is a
    // checkpoint but does not verify is a finding (bad_signature, exit 1).
    if (Status layout = verify::CheckCheckpointLayout(*text); !layout.ok()) {
      return MakeError(ErrorCode::kBadInput, "not a checkpoint: " + layout.error().message, name);
    }
    vo.detached_checkpoints.emplace_back(name, *text);
  }
  const bool progress = WantsProgress(ctx);
  if (progress) {
    vo.progress = [&](int64_t done, int64_t total) {
      ctx.err << "\rvigil verify: " << done << " of " << total << " entries checked " << std::flush;
    };
  }
  const auto started = std::chrono::steady_clock::now();
  auto summary = verify::Run(vo);
  if (progress) ctx.err << "\r\033[K" << std::flush;
  if (!summary) return summary.error();
  if (ctx.global.verbose) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    Note(ctx, "checked " + std::to_string(summary->records) + " entries and " +
                  std::to_string(summary->rows) + " rows in " + std::to_string(seconds) + " s on " +
                  std::to_string(summary->jobs) + " threads, " + summary->sha256 +
                  " SHA-256, rows read: " + summary->reader +
                  (summary->reader_note.empty() ? "" : " (" + summary->reader_note + ")"));
  }
  // --file: looked up after the chain was checked; a match in a TAMPERED store counts for
  // nothing (the exit status says TAMPERED).
  std::vector<verify::ExportedFile> files;
  size_t unmatched = 0;
  if (!options.files.empty()) {
    auto db = store::OpenStore(ctx.global.db, store::StoreAccess::kRead);
    if (!db) return db.error();
    for (const std::string& path : options.files) {
      auto f = verify::CheckExportedFile(*db, path);
      if (!f) return f.error();
      if (f->records.empty()) ++unmatched;
      files.push_back(std::move(*f));
    }
  }
  if (ctx.global.format == OutputFormat::kJson) {
    PrintJson(ctx, *summary, files);
  } else {
    PrintText(ctx, *summary);
    FilesText(ctx, files);
  }
  if (!summary->verified) {
    return MakeError(ErrorCode::kVerifyFailed,
                     "store is TAMPERED (" + std::to_string(summary->problems_total) + " problems)",
                     ctx.global.db);
  }
  if (unmatched > 0) {
    return MakeError(ErrorCode::kVerifyFailed,
                     std::to_string(unmatched) + " of " + std::to_string(files.size()) +
                         " files match no export on record",
                     ctx.global.db);
  }
  return {};
}

}  // namespace vigil::cli
