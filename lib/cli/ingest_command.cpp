// vigil ingest: read logs into the store (ingest/ingest.h); the --errors file, JSON output and
// exit status are ingest/outcome.h.
#include <cstdio>
#include <map>
#include <optional>

#include "cli/commands.h"
#include "config/config.h"
#include "core/time.h"
#include "core/time_zone.h"
#include "formats/format.h"
#include "ingest/ingest.h"
#include "ingest/outcome.h"
#include "store/store.h"

namespace vigil::cli {
namespace {

void PrintDetect(const Context& ctx, const std::vector<ingest::InputSummary>& inputs) {
  if (ctx.global.format == OutputFormat::kJson) {
    ctx.out << ingest::DetectJson(inputs) << "\n";
    return;
  }
  for (const auto& i : inputs) {
    ctx.out << Shown(i.name) << ": " << i.format << " (" << i.confidence << ": " << Shown(i.reason)
            << ")\n";
  }
}

void PrintSummary(const Context& ctx, const ingest::Summary& s) {
  if (ctx.global.format == OutputFormat::kJson) {
    ctx.out << ingest::SummaryJson(s) << "\n";
    return;
  }
  if (ctx.global.quiet) return;
  for (const auto& i : s.inputs) {
    if (s.inputs.size() == 1 && !ctx.global.verbose) break;
    ctx.out << Shown(i.name) << ": " << i.format << " (" << i.confidence << "), read " << i.read
            << ", stored " << i.stored << ", duplicates " << i.duplicates << ", rejected "
            << i.rejected << "\n";
    if (ctx.global.verbose && i.zoneless > 0) {
      ctx.out << Shown(i.name) << ": " << i.zoneless << " event times without a zone read in "
              << i.timezone << "\n";
    }
    if (ctx.global.verbose && i.syslog_year != 0) {
      ctx.out << Shown(i.name) << ": syslog lines from " << i.syslog_year << " on ("
              << i.syslog_year_why << ")\n";
    }
    if (ctx.global.verbose && i.dated_by_ingest != 0) {
      ctx.out << Shown(i.name) << ": " << i.dated_by_ingest
              << " records gave only an hour of day: the date was supplied (the day of ingest, "
                 "UTC)\n";
    }
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

// Every zone the configuration's ingest section names.
std::vector<const std::string*> ZoneNames(const config::Config& c) {
  std::vector<const std::string*> out = {&c.ingest.timezone};
  for (const auto& s : c.ingest.sources) out.push_back(&s.timezone);
  return out;
}

}  // namespace

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
  // The zones are looked up before anything is read: an unknown one is a usage error.
  config::Config config;
  std::map<std::string, TimeZone> zones;
  if (!options.timezone.empty()) {
    auto zone = TimeZone::Load(options.timezone);
    if (!zone) return MakeError(ErrorCode::kUsage, "--timezone: " + zone.error().message);
    io.timezone = std::move(*zone);
  } else {
    auto loaded = LoadConfigFor(ctx);
    if (!loaded) return loaded.error();
    config = std::move(*loaded);
    for (const std::string* name : ZoneNames(config)) {
      auto zone = TimeZone::Load(*name);
      if (!zone) return zone.error();
      zones.emplace(*name, std::move(*zone));
    }
    io.timezone = zones.at(config.ingest.timezone);
    if (!config.ingest.sources.empty()) {
      io.zone_for = [&](const std::string& path) { return &zones.at(config.TimeZoneFor(path)); };
    }
  }
  if (options.max_record_size < 1024) {
    return MakeError(ErrorCode::kUsage, "--max-record-size must be at least 1024 bytes");
  }
  io.max_record = static_cast<size_t>(options.max_record_size);
  io.now_us = NowMicros();
  io.command = "ingest";

  std::optional<ingest::RejectsFile> errors;
  if (!options.errors.empty()) {
    auto created = ingest::RejectsFile::Create(options.errors);
    if (!created) return created.error();
    errors.emplace(std::move(*created));
  }
  RejectionPrinter printer(ctx);
  bool shown_progress = false;
  auto sink = [&](const ingest::Rejection& r) {
    printer.Print(r, shown_progress);
    if (errors) errors->Add(r);
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
  const Status errors_status = errors ? errors->Commit() : Status();
  if (!summary) return summary.error();
  if (!errors_status.ok()) return errors_status;
  printer.Finish(*summary, !options.errors.empty());
  PrintSummary(ctx, *summary);
  return ingest::Outcome(*summary);
}

}  // namespace vigil::cli
