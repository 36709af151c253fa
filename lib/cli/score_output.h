#pragma once
// vigil score's outputs beyond its text listing (score_command.cpp).

#include <cstdint>

#include "cli/commands.h"
#include "config/config.h"
#include "score/score.h"

namespace vigil::cli {

// The run's summary as one JSON document on ctx.out.
void PrintScoreJson(const Context& ctx, const score::Summary& summary, bool dry_run);

// --explain ID: the incident's newest stored score, part by part (kUsage when never scored).
Status ExplainScore(const Context& ctx, const config::Config& config, int64_t id);

}  // namespace vigil::cli
