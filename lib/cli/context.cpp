// What every command shares: notes on stderr, text made safe for a terminal, the
// configuration file (commands.h).
#include <unistd.h>

#include <iostream>
#include <ostream>
#include <string>

#include "cli/commands.h"
#include "core/encoding.h"

namespace vigil::cli {

bool WantsProgress(const Context& ctx) {
  return !ctx.global.quiet && ::isatty(STDERR_FILENO) == 1 && &ctx.err == &std::cerr;
}

void Note(const Context& ctx, const std::string& message) {
  if (!ctx.global.quiet) ctx.err << "vigil " << ctx.command << ": " << Shown(message) << "\n";
}

std::string Shown(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return TerminalSafe(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return TerminalSafe(text.substr(0, cut)) + "... (" + std::to_string(text.size()) + " bytes)";
}

Result<config::Config> LoadConfigFor(const Context& ctx) {
  if (ctx.global.config.empty()) return config::Config{};
  return config::LoadConfig(ctx.global.config);
}

// What `vigil ingest` (and analyze) shows of the rejected records: the first few.
constexpr int64_t kShownRejections = 20;

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

}  // namespace vigil::cli
