// vigil_make_store: fill a store with deterministic synthetic rows, for the verify benchmark
// and the cross-check with the independent verifier. Not installed.
//   vigil_make_store STORE EVENTS [INCIDENTS] [SEED]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "support/populate.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: vigil_make_store STORE EVENTS [INCIDENTS] [SEED]\n");
    return 2;
  }
  vigil::testing::PopulateOptions o;
  o.events = std::strtoll(argv[2], nullptr, 10);
  if (argc > 3) o.incidents = std::strtoll(argv[3], nullptr, 10);
  if (argc > 4) o.seed = std::strtoull(argv[4], nullptr, 10);
  vigil::Status s = vigil::testing::Populate(argv[1], o);
  if (!s.ok()) {
    std::fprintf(stderr, "vigil_make_store: %s\n", s.error().ToString().c_str());
    return 4;
  }
  return 0;
}
