// SHA-256 throughput of each backend this CPU supports (crypto/sha256_many.h), on messages of
// the sizes the chain hashes: canonical event rows and chain links. Run by hand:
//   build/tests/vigil_sha256_bench [MESSAGES] [BYTES] [RUNS]
// prints the best of RUNS per backend, in messages/s and MB/s, on one core.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "crypto/sha256_many.h"

using namespace vigil::crypto;

int main(int argc, char** argv) {
  const size_t count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
  const size_t bytes = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 700;
  const int runs = argc > 3 ? std::atoi(argv[3]) : 5;
  // Lengths vary by ±10% around BYTES, as rows do.
  std::mt19937_64 rng(7);
  std::string arena;
  std::vector<size_t> ends;
  for (size_t i = 0; i < count; ++i) {
    const size_t len = bytes - bytes / 10 + static_cast<size_t>(rng() % (bytes / 5 + 1));
    for (size_t j = 0; j < len; ++j) arena.push_back(static_cast<char>(rng()));
    ends.push_back(arena.size());
  }
  std::vector<std::string_view> views;
  size_t begin = 0;
  for (size_t end : ends) {
    views.emplace_back(arena.data() + begin, end - begin);
    begin = end;
  }
  std::vector<Digest> out(count), reference(count);
  for (Sha256Backend b : {Sha256Backend::kOpenSsl, Sha256Backend::kAvx2, Sha256Backend::kAvx512,
                          Sha256Backend::kShaNi}) {
    if (!Sha256BackendSupported(b)) {
      std::printf("%-8s not supported on this CPU\n", Sha256BackendName(b));
      continue;
    }
    auto many = Sha256Many::Create(b);
    if (!many) return 1;
    double best = 1e9;
    for (int r = 0; r < runs; ++r) {
      const auto start = std::chrono::steady_clock::now();
      many->Hash(views, out);
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (s < best) best = s;
    }
    if (b == Sha256Backend::kOpenSsl) reference = out;
    const bool same = out == reference;
    std::printf("%-8s %zu messages of ~%zu bytes: %.3f s, %.0f messages/s, %.0f MB/s%s\n",
                Sha256BackendName(b), count, bytes, best, static_cast<double>(count) / best,
                static_cast<double>(arena.size()) / best / 1e6, same ? "" : "  DIGESTS DIFFER");
    if (!same) return 1;
  }
  return 0;
}
