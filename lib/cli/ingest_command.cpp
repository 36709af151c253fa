// vigil ingest: read logs into the store.
#include <cstdio>
#include <optional>

#include "cli/commands.h"
#include "core/file_io.h"
#include "core/json.h"
#include "core/time.h"
#include "formats/format.h"
#include "ingest/ingest.h"
#include "store/store.h"

namespace vigil::cli {
namespace {

constexpr int64_t kShownRejections = 20;

void PrintDetect(const Context& ctx, const std::vector<ingest::InputSummary>& inputs) {
  if (ctx.global.format == OutputFormat::kJson) {
    JsonWriter w;
    w.BeginArray();
    for (const auto& i : inputs) {
      w.BeginObject().Key("input").String(i.name).Key("format").String(i.format);
      w.Key("confidence").String(i.confidence).Key("reason").String(i.reason).EndObject();
    }
    w.EndArray();
    ctx.out << w.str() << "\n";
    return;
  }
  for (const auto& i : inputs) {
    ctx.out << Shown(i.name) << ": " << i.format << " (" << i.confidence << ": " << Shown(i.reason)
            << ")\n";
  }
}

void PrintSummary(const Context& ctx, const ingest::Summary& s) {
  if (ctx.global.format == OutputFormat::kJson) {
    JsonWriter w;
    w.BeginObject()
        .Key("read")
        .Int(s.read)
        .Key("stored")
        .Int(s.stored)
        .Key("duplicates")
        .Int(s.duplicates)
        .Key("rejected")
        .Int(s.rejected)
        .Key("formats")
        .BeginObject();
    for (const auto& [name, n] : s.formats) w.Key(name).Int(n);
    w.EndObject().Key("batch").Int(s.batch_id).Key("inputs").BeginArray();
    for (const auto& i : s.inputs) {
      w.BeginObject().Key("input").String(i.name).Key("format").String(i.format);
      w.Key("confidence").String(i.confidence).Key("read").Int(i.read);
      w.Key("stored").Int(i.stored).Key("duplicates").Int(i.duplicates);
      w.Key("rejected").Int(i.rejected);
      if (!i.error.empty()) w.Key("error").String(i.error);
      w.EndObject();
    }
    w.EndArray().EndObject();
    ctx.out << w.str() << "\n";
    return;
  }
  if (ctx.global.quiet) return;
  for (const auto& i : s.inputs) {
    if (s.inputs.size() == 1 && !ctx.global.verbose) break;
    ctx.out << Shown(i.name) << ": " << i.format << " (" << i.confidence << "), read " << i.read
            << ", stored " << i.stored << ", duplicates " << i.duplicates << ", rejected "
            << i.rejected << "\n";
  }
  ctx.out << "read " << s.read << " records: stored " << s.stored << " events, " << s.duplicates
          << " already in the store, " << s.rejected << " rejected";
  std::string formats;
  for (const auto& [name, n] : s.formats) {
    formats += (formats.empty() ? "" : ", ") + name + " " + std::to_string(n);
  }
  if (!formats.empty()) ctx.out << " (" << formats << ")";
  ctx.out << "\n";
}

}  // namespace

void RejectionPrinter::Print(const ingest::Rejection& r, bool after_progress) {
  ++count_;
  if (count_ > kShownRejections) return;
  const std::string where =
      (r.input == "-" ? std::string("<stdin>") : r.input) + ":" + std::to_string(r.line);
  ctx_.err << (after_progress ? "\r\033[K" : "") << "vigil ingest: " << Shown(where) << ": "
           << Shown(r.reason) << "\n";
}

void RejectionPrinter::Finish(const ingest::Summary& summary, bool errors_file) const {
  if (count_ > kShownRejections) {
    ctx_.err << "vigil ingest: ... and " << count_ - kShownRejections << " more rejected records"
             << (errors_file ? "" : " (list them all with --errors FILE)") << "\n";
  }
  // An input that could not be read (to its end) is named with the reason; the others were.
  for (const auto& i : summary.inputs) {
    if (i.error.empty()) continue;
    ctx_.err << "vigil ingest: " << Shown(i.name == "-" ? "<stdin>" : i.name) << ": "
             << Shown(i.error) << "\n";
  }
}

Status IngestOutcome(const ingest::Summary& summary) {
  std::string problems;
  if (summary.rejected > 0) {
    problems = std::to_string(summary.rejected) + " records rejected (kept in quarantine)";
  }
  if (summary.unread_inputs > 0) {
    problems += (problems.empty() ? "" : "; ") + std::to_string(summary.unread_inputs) +
                (summary.unread_inputs == 1 ? " input" : " inputs") + " not read in full";
  }
  if (!problems.empty()) return MakeError(ErrorCode::kBadInput, problems);
  return {};
}

Status RunIngest(const Context& ctx, const IngestOptions& options) {
  if (options.detect) {
    auto detected = ingest::DetectInputs(options.inputs);
    if (!detected) return detected.error();
    PrintDetect(ctx, *detected);
    for (const auto& i : *detected) {
      if (i.format == "unknown") {
        return MakeError(ErrorCode::kBadInput, "cannot tell the format", i.name);
      }
    }
    return {};
  }
  ingest::Options io;
  io.inputs = options.inputs;
  if (options.input_format != "auto") {
    io.format = formats::Find(options.input_format);
    if (!io.format)
      return MakeError(ErrorCode::kUsage, "unknown --input-format " + options.input_format);
  }
  if (options.year != 0) io.year = options.year;
  if (options.max_record_size < 1024) {
    return MakeError(ErrorCode::kUsage, "--max-record-size must be at least 1024 bytes");
  }
  io.max_record = static_cast<size_t>(options.max_record_size);
  io.now_us = NowMicros();
  io.command = "ingest";

  // Written under a temporary name and renamed into place when ingest ends: a link at that
  // path is refused, a file there is replaced, never written through or truncated (mode 0600:
  // it holds raw log lines).
  std::optional<AtomicFile> errors;
  std::string errors_buffer;
  Status errors_status;
  if (!options.errors.empty()) {
    auto created = AtomicFile::Create(options.errors, 0600);
    if (!created) return created.error();
    errors.emplace(std::move(*created));
  }
  RejectionPrinter printer(ctx);
  bool shown_progress = false;
  auto sink = [&](const ingest::Rejection& r) {
    printer.Print(r, shown_progress);
    if (errors) {
      JsonWriter w;
      w.BeginObject().Key("input").String(r.input).Key("line").Int(r.line);
      w.Key("offset").Int(r.offset).Key("reason").String(r.reason);
      w.Key("raw").String(r.raw.substr(0, 4096)).EndObject();
      errors_buffer += w.str() + "\n";
      if (errors_buffer.size() >= 65536 && errors_status.ok()) {
        errors_status = errors->Write(errors_buffer);
        errors_buffer.clear();
      }
    }
  };
  // Progress only for a person watching a terminal: never under cron or in a pipe.
  const bool progress = WantsProgress(ctx);
  const int64_t started = NowMicros();
  int64_t last_shown = 0;
  if (progress) {
    io.on_progress = [&](const std::string& input, int64_t records, int64_t bytes) {
      const int64_t now = NowMicros();
      if (now - last_shown < 250000) return;
      last_shown = now;
      shown_progress = true;
      const double secs = static_cast<double>(now - started) / 1e6;
      char line[256];
      std::snprintf(line, sizeof line, "\rvigil ingest: %s: %lld records, %.1f MB, %.0f records/s ",
                    input == "-" ? "<stdin>" : input.c_str(), static_cast<long long>(records),
                    static_cast<double>(bytes) / 1e6,
                    secs > 0 ? static_cast<double>(records) / secs : 0.0);
      ctx.err << line << std::flush;
    };
  }
  auto db = store::OpenStore(ctx.global.db, store::StoreAccess::kCreate);
  if (!db) return db.error();
  auto summary = ingest::Run(io, *db, sink);
  if (progress && last_shown != 0) ctx.err << "\r\033[K" << std::flush;
  // The rejections seen are put in place even when ingest then failed: they are real.
  if (errors) {
    if (errors_status.ok()) errors_status = errors->Write(errors_buffer);
    if (errors_status.ok()) errors_status = errors->Commit();
  }
  if (!summary) return summary.error();
  if (!errors_status.ok()) return errors_status;
  printer.Finish(*summary, !options.errors.empty());
  PrintSummary(ctx, *summary);
  return IngestOutcome(*summary);
}

}  // namespace vigil::cli
