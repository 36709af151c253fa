#pragma once
// --narrator CMD (vigil-report(1), NARRATOR): a local command (a local language model, say)
// reads a structured prompt about one incident on standard input and writes a narrative on
// standard output. Its answer is shown marked as machine-drafted, beside the template text,
// never instead of the facts. If the command fails, times out or says nothing, the template
// text stands and the reason is returned. No network is involved unless the command makes it.

#include <string>

#include "core/result.h"
#include "report/facts.h"

namespace vigil::report {

struct NarratorOptions {
  std::string command;     // run with /bin/sh -c
  int timeout_ms = 30000;  // per incident
  size_t max_bytes = 64 * 1024;
};

// The prompt: instructions, then the incident's facts as JSON.
std::string NarratorPrompt(const Incident& incident);

// The command's answer for one incident (control characters other than newlines as '?'),
// or why there is none.
Result<std::string> RunNarrator(const NarratorOptions& options, const Incident& incident);

}  // namespace vigil::report
