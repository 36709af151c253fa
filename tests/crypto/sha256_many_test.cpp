// SHA-256 in SIMD lanes against OpenSSL's one-message SHA-256 and the FIPS 180-4 examples, on
// every backend this CPU supports (the test names which ones it could not run).
#include "crypto/sha256_many.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>

#include "core/encoding.h"

using namespace vigil;
using namespace vigil::crypto;

namespace {

std::vector<Sha256Backend> Backends() {
  std::vector<Sha256Backend> out;
  for (Sha256Backend b : {Sha256Backend::kOpenSsl, Sha256Backend::kAvx2, Sha256Backend::kAvx512,
                          Sha256Backend::kShaNi}) {
    if (Sha256BackendSupported(b)) {
      out.push_back(b);
    } else {
      WARN("this CPU cannot run the " << Sha256BackendName(b) << " backend; not tested");
    }
  }
  return out;
}

std::vector<Digest> HashAll(Sha256Backend backend, const std::vector<std::string>& messages) {
  auto many = Sha256Many::Create(backend);
  REQUIRE(many);
  std::vector<std::string_view> views(messages.begin(), messages.end());
  std::vector<Digest> out(messages.size());
  many->Hash(views, out);
  REQUIRE(many->ok());
  return out;
}

}  // namespace

TEST_CASE("Sha256Many gives the FIPS 180-4 example digests on every backend", "[crypto]") {
  // FIPS 180-4 examples (csrc.nist.gov SHA256.pdf, SHA2_Additional.pdf); repeated so the
  // lanes run them side by side, at several offsets in the batch.
  const std::vector<std::pair<std::string, std::string>> known = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
       "lmnopqrsmnopqrstnopqrstu",
       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
      {std::string(1000000, 'a'),
       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
  };
  std::vector<std::string> messages;
  std::vector<std::string> expected;
  for (int round = 0; round < 7; ++round) {
    for (const auto& [m, hex] : known) {
      messages.push_back(m);
      expected.push_back(hex);
    }
  }
  for (Sha256Backend backend : Backends()) {
    INFO(Sha256BackendName(backend));
    const auto digests = HashAll(backend, messages);
    for (size_t i = 0; i < messages.size(); ++i) {
      INFO("message " << i << " of " << messages[i].size() << " bytes");
      CHECK(DigestHex(digests[i]) == expected[i]);
    }
  }
}

TEST_CASE("Sha256Many agrees with OpenSSL on every length around the block edges", "[crypto]") {
  // Lengths 0..300 cover no padding block, the one-more-block case (56..63 bytes left) and
  // several full blocks; mixed lengths keep the lanes out of step.
  std::mt19937_64 rng(20261122);
  std::vector<std::string> messages;
  for (size_t len = 0; len <= 300; ++len) {
    std::string m(len, '\0');
    for (char& c : m) c = static_cast<char>(rng());
    messages.push_back(std::move(m));
  }
  std::shuffle(messages.begin(), messages.end(), rng);
  for (int i = 0; i < 40; ++i) {
    messages.push_back(std::string(static_cast<size_t>(rng() % 5000), static_cast<char>(i)));
  }
  auto one = Sha256::Create();
  REQUIRE(one);
  for (Sha256Backend backend : Backends()) {
    INFO(Sha256BackendName(backend));
    const auto digests = HashAll(backend, messages);
    for (size_t i = 0; i < messages.size(); ++i) {
      INFO("message " << i << " of " << messages[i].size() << " bytes");
      CHECK(DigestEqual(digests[i], one->Hash(messages[i])));
    }
  }
}

TEST_CASE("Sha256Many handles batches smaller than its lanes and empty ones", "[crypto]") {
  auto one = Sha256::Create();
  REQUIRE(one);
  for (Sha256Backend backend : Backends()) {
    INFO(Sha256BackendName(backend));
    for (size_t n : {0u, 1u, 3u, 4u, 5u, 8u, 9u, 16u, 17u, 33u}) {
      std::vector<std::string> messages;
      for (size_t i = 0; i < n; ++i) messages.push_back(std::string(i * 13, 'x') + "end");
      const auto digests = HashAll(backend, messages);
      REQUIRE(digests.size() == n);
      for (size_t i = 0; i < n; ++i) CHECK(DigestEqual(digests[i], one->Hash(messages[i])));
    }
  }
}

TEST_CASE("HashBatch hashes what was added, in order, and starts again after Clear", "[crypto]") {
  auto many = Sha256Many::Create();
  REQUIRE(many);
  auto one = Sha256::Create();
  REQUIRE(one);
  HashBatch batch;
  std::string reused;
  for (int i = 0; i < 50; ++i) {
    reused = "row " + std::to_string(i) + std::string(static_cast<size_t>(i) * 7, '.');
    batch.Add(reused);  // copied: the next iteration overwrites `reused`
  }
  REQUIRE(batch.size() == 50);
  batch.Run(*many);
  for (int i = 0; i < 50; ++i) {
    CHECK(DigestEqual(
        batch.digest(static_cast<size_t>(i)),
        one->Hash("row " + std::to_string(i) + std::string(static_cast<size_t>(i) * 7, '.'))));
  }
  batch.Clear();
  CHECK(batch.empty());
  batch.Add("abc");
  batch.Run(*many);
  CHECK(DigestHex(batch.digest(0)) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("VIGIL_SHA256 picks any backend the CPU runs and ignores the rest", "[crypto]") {
  ::unsetenv("VIGIL_SHA256");
  const Sha256Backend fastest = BestSha256Backend();
  CHECK(Sha256BackendSupported(fastest));
  for (Sha256Backend b : Backends()) {
    ::setenv("VIGIL_SHA256", Sha256BackendName(b), 1);
    CHECK(BestSha256Backend() == b);
  }
  for (Sha256Backend b : {Sha256Backend::kAvx2, Sha256Backend::kAvx512, Sha256Backend::kShaNi}) {
    if (Sha256BackendSupported(b)) continue;
    ::setenv("VIGIL_SHA256", Sha256BackendName(b), 1);
    CHECK(BestSha256Backend() == fastest);
  }
  ::setenv("VIGIL_SHA256", "md5", 1);
  CHECK(BestSha256Backend() == fastest);
  ::unsetenv("VIGIL_SHA256");
}
