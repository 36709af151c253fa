// The vigil binary: everything lives in vigil_lib; this only hands over argv and the streams.
#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) { return vigil::cli::Main(argc, argv, std::cout, std::cerr); }
