#include "report/narrator.h"

#include "core/subprocess.h"
#include "report/render.h"

namespace vigil::report {

std::string NarratorPrompt(const Incident& incident) {
  return "You draft the narrative of a security incident report for a SOC analyst. Use only "
         "the facts in the JSON below; do not invent addresses, accounts, times or counts. "
         "Write 3 to 6 plain sentences in English: what happened, in time order, and why it "
         "matters. No lists, no headings, no recommendations.\n\n" +
         IncidentJson(incident, RenderOptions{}) + "\n";
}

Result<std::string> RunNarrator(const NarratorOptions& o, const Incident& incident) {
  auto run = RunCommand(o.command, NarratorPrompt(incident), o.timeout_ms, o.max_bytes);
  if (!run) return MakeError(ErrorCode::kIo, "narrator: " + run.error().message);
  if (run->exit_status != 0) {
    return MakeError(ErrorCode::kIo, "narrator: the command failed (exit status " +
                                         std::to_string(run->exit_status) + ")");
  }
  std::string answer = std::move(run->output);
  for (char& ch : answer) {
    if ((static_cast<unsigned char>(ch) < 0x20 && ch != '\n') || ch == 0x7f) ch = '?';
  }
  while (!answer.empty() && (answer.back() == '\n' || answer.back() == ' ')) answer.pop_back();
  if (answer.empty()) return MakeError(ErrorCode::kIo, "narrator: the command said nothing");
  return answer;
}

}  // namespace vigil::report
