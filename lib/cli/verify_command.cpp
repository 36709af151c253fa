// vigil verify: recompute the chain and answer VERIFIED or TAMPERED (verify/verifier.h); what
// it prints is verify/render.h.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "cli/commands.h"
#include "verify/exported_file.h"
#include "verify/render.h"
#include "verify/trust.h"
#include "verify/verifier.h"

namespace vigil::cli {
namespace {

// VIGIL_VERIFY_READER=sql reads every row through SQL (for benchmarks and bug hunts).
Status ReadReaderChoice(verify::Options& vo) {
  const char* reader = std::getenv("VIGIL_VERIFY_READER");
  if (reader == nullptr) return {};
  const std::string_view want = reader;
  if (want == "sql") {
    vo.reader = verify::Reader::kSql;
  } else if (want != "auto" && !want.empty()) {
    return MakeError(ErrorCode::kUsage,
                     "VIGIL_VERIFY_READER must be auto or sql, not '" + std::string(want) + "'");
  }
  return {};
}

void NoteTiming(const Context& ctx, const verify::Summary& s, double seconds) {
  Note(ctx, "checked " + std::to_string(s.records) + " entries and " + std::to_string(s.rows) +
                " rows in " + std::to_string(seconds) + " s on " + std::to_string(s.jobs) +
                " threads, " + s.sha256 + " SHA-256, rows read: " + s.reader +
                (s.reader_note.empty() ? "" : " (" + s.reader_note + ")"));
}

}  // namespace

Status RunVerify(const Context& ctx, const VerifyOptions& options) {
  verify::Options vo;
  vo.db_path = ctx.global.db;
  vo.jobs = options.jobs;
  vo.max_problems = options.max_problems;
  Status s = ReadReaderChoice(vo);
  if (s.ok()) s = verify::AddTrustedKeys(options.pubkeys, vo);
  if (s.ok()) s = verify::AddDetachedCheckpoints(options.checkpoints, std::cin, vo);
  if (!s.ok()) return s;
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
    NoteTiming(ctx, *summary,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  // --file: looked up after the chain was checked; a match in a TAMPERED store counts for
  // nothing (the exit status says TAMPERED).
  auto files = verify::CheckExportedFiles(ctx.global.db, options.files);
  if (!files) return files.error();
  if (ctx.global.format == OutputFormat::kJson) {
    ctx.out << verify::SummaryJson(*summary, *files) << "\n";
  } else {
    verify::WriteSummaryText(ctx.out, *summary, ctx.global.quiet);
    verify::WriteFilesText(ctx.out, *files, ctx.global.quiet);
  }
  if (!summary->verified) {
    return MakeError(ErrorCode::kVerifyFailed,
                     "store is TAMPERED (" + std::to_string(summary->problems_total) + " problems)",
                     ctx.global.db);
  }
  const auto unmatched =
      std::count_if(files->begin(), files->end(),
                    [](const verify::ExportedFile& f) { return f.records.empty(); });
  if (unmatched > 0) {
    return MakeError(ErrorCode::kVerifyFailed,
                     std::to_string(unmatched) + " of " + std::to_string(files->size()) +
                         " files match no export on record",
                     ctx.global.db);
  }
  return {};
}

}  // namespace vigil::cli
