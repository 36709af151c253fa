#pragma once
// vigil correlate's outputs beyond its text listing (correlate_command.cpp).

#include "cli/commands.h"
#include "correlate/correlate.h"

namespace vigil::cli {

// The run's summary as one JSON document on ctx.out.
void PrintCorrelateJson(const Context& ctx, const correlate::Summary& summary, bool dry_run);

// The rules refused on stderr, and unless --quiet the loader's warnings.
void PrintProblems(const Context& ctx, const correlate::RuleSet& set);

// --list-rules: every rule loaded, then PrintProblems; kBadInput when a rule was refused.
Status ListRules(const Context& ctx, const correlate::RuleSet& set);

}  // namespace vigil::cli
