#pragma once
// The vigil command line. Main parses argv, runs one subcommand and returns its exit code
// (vigil(1), EXIT STATUS). It never calls exit(), so tests run it in-process.

#include <iosfwd>

namespace vigil::cli {

int Main(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace vigil::cli
