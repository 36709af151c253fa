#pragma once
// Running a local command the user named (vigil report --narrator, vigil alert --exec): through
// /bin/sh -c, `input` on its standard input, its standard output captured up to a limit, and
// killed when it overruns its time. Standard error is left to the caller's terminal.

#include <string>

#include "core/result.h"

namespace vigil {

struct CommandRun {
  int exit_status = -1;  // -1: killed by a signal
  std::string output;
};

// kIo when the command cannot be started, times out or writes more than `max_output` bytes
// (the child is killed and reaped). A non-zero exit status is not an error here: it is in
// the result, for the caller to judge.
Result<CommandRun> RunCommand(const std::string& command, const std::string& input, int timeout_ms,
                              size_t max_output);

}  // namespace vigil
