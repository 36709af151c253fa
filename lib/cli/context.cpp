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

}  // namespace vigil::cli
