// Signed notes and keys against the C2SP / Go vectors in tests/data/signed-note (Apache-2.0,
// see LICENSE.txt and PROVENANCE.md there).
#include "crypto/signed_note.h"

#include <simdjson.h>

#include <map>

#include "core/encoding.h"
#include "support/test_support.h"
#include "verify/checkpoint.h"

using namespace vigil;
using namespace vigil::crypto;

namespace {

struct Vectors {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  Vectors() {
    auto loaded = simdjson::padded_string::load(
        testing::SourcePath("tests/data/signed-note/signed-note-checkpoint-vectors.json"));
    REQUIRE(loaded.error() == simdjson::SUCCESS);
    json_ = std::move(loaded.value());
    REQUIRE(parser.parse(json_).get(root) == simdjson::SUCCESS);
  }
  std::string Str(simdjson::dom::element e, const char* key) {
    std::string_view v;
    if (e[key].get(v) != simdjson::SUCCESS) return {};
    return std::string(v);
  }
  simdjson::dom::element Note(const std::string& id) {
    for (const char* list : {"notes", "checkpoints"}) {
      for (simdjson::dom::element n : root[list].get_array()) {
        if (Str(n, "id") == id) return n;
      }
    }
    FAIL("no vector " << id);
    return {};
  }
  NoteVerifier Verifier(const std::string& name) {
    auto v = ParseVerifierKey(Str(root["keys"][name], "verifier"));
    REQUIRE(v.has_value());
    return *v;
  }

 private:
  simdjson::padded_string json_;
};

}  // namespace

TEST_CASE("Signer and verifier keys parse and print back identically", "[crypto]") {
  Vectors vec;
  for (auto [name, key] : vec.root["keys"].get_object()) {
    std::string verifier = vec.Str(key, "verifier");
    auto v = ParseVerifierKey(verifier);
    INFO(verifier);
    REQUIRE(v.has_value());
    CHECK(FormatVerifierKey(*v) == verifier);
    std::string signer = vec.Str(key, "signer");
    if (signer.empty()) continue;
    auto s = ParseSignerKey(signer);
    REQUIRE(s.has_value());
    CHECK(FormatSignerKey(*s) == signer);
    // The public key derived from the seed is the published verifier key.
    CHECK(FormatVerifierKey(VerifierOf(*s)) == verifier);
  }
}

TEST_CASE("SignNote reproduces the Go note package's signature byte for byte", "[crypto]") {
  Vectors vec;
  auto n = vec.Note("peter-sign");
  auto signer = ParseSignerKey(vec.Str(vec.root["keys"]["PeterNeumann"], "signer"));
  REQUIRE(signer.has_value());
  auto signed_note = SignNote(vec.Str(n, "text"), *signer);
  REQUIRE(signed_note.has_value());
  CHECK(*signed_note == vec.Str(n, "signed_note"));
}

TEST_CASE("OpenNote verifies known keys and counts unknown ones", "[crypto]") {
  Vectors vec;
  const std::string note = vec.Str(vec.Note("peter-enoch-open"), "signed_note");
  auto peter = vec.Verifier("PeterNeumann");
  auto enoch = vec.Verifier("EnochRoot");

  auto one = OpenNote(note, {peter});
  REQUIRE(one.has_value());
  CHECK(one->verified_by == std::vector<std::string>{"PeterNeumann"});
  CHECK(one->unverified == 1);

  auto both = OpenNote(note, {peter, enoch});
  REQUIRE(both.has_value());
  CHECK(both->verified_by.size() == 2);

  auto none = OpenNote(note, {});
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().code == ErrorCode::kVerifyFailed);
}

TEST_CASE("OpenNote rejects corrupt signatures and malformed notes", "[crypto]") {
  Vectors vec;
  auto peter = vec.Verifier("PeterNeumann");
  auto corrupt = OpenNote(vec.Str(vec.Note("peter-corrupt-sig"), "signed_note"), {peter});
  REQUIRE_FALSE(corrupt.has_value());
  CHECK(corrupt.error().code == ErrorCode::kVerifyFailed);
  CHECK(corrupt.error().message == "invalid signature by key PeterNeumann+c74f20a3");

  for (const char* id :
       {"malformed-no-blank-line", "malformed-only-blank-line", "malformed-missing-final-newline",
        "malformed-control-char", "malformed-space-in-name", "malformed-trailing-line"}) {
    INFO(id);
    auto r = OpenNote(vec.Str(vec.Note(id), "signed_note"), {peter});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == ErrorCode::kBadInput);
  }

  // 101 signatures: over the limit the Go implementation enforces.
  auto n = vec.Note("peter-sign");
  std::string signed_note = vec.Str(n, "signed_note");
  std::string text = vec.Str(n, "text");
  std::string sig_line = signed_note.substr(text.size() + 1);
  std::string many = text + "\n";
  for (int i = 0; i < 101; ++i) many += sig_line;
  auto r = OpenNote(many, {peter});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ErrorCode::kBadInput);
}

TEST_CASE("OpenNote verifies the real sum.golang.org checkpoint and C2SP examples", "[crypto]") {
  Vectors vec;
  auto sumdb = vec.Verifier("sum.golang.org");
  for (const char* id : {"sum.golang.org-6476701", "sum.golang.org-6476701-cosigned"}) {
    INFO(id);
    auto r = OpenNote(vec.Str(vec.Note(id), "signed_note"), {sumdb});
    REQUIRE(r.has_value());
    CHECK(r->verified_by == std::vector<std::string>{"sum.golang.org"});
    auto body = verify::ParseCheckpointBody(r->text);
    REQUIRE(body.has_value());
    CHECK(body->origin == "go.sum database tree");
    CHECK(body->size == 6476701);
  }
  // The C2SP signed-note example keeps its inner blank line in the text.
  auto example = OpenNote(vec.Str(vec.Note("c2sp-signed-note-example"), "signed_note"), {});
  REQUIRE_FALSE(example.has_value());
  CHECK(example.error().code == ErrorCode::kVerifyFailed);  // well-formed, no known key
}

TEST_CASE("ParseCheckpointBody follows the tlog-checkpoint cases", "[crypto]") {
  Vectors vec;
  for (simdjson::dom::element kase : vec.root["checkpoint_body_cases"].get_array()) {
    std::string body = vec.Str(kase, "body");
    bool valid = false;
    REQUIRE(kase["valid"].get(valid) == simdjson::SUCCESS);
    auto parsed = verify::ParseCheckpointBody(body);
    INFO(body);
    // vigil's heads are SHA-256 digests, so it is stricter than the generic format: a
    // well-formed body whose hash is not 32 bytes is rejected too.
    bool hash_is_32 = false;
    if (size_t a = body.find('\n'); a != std::string::npos) {
      if (size_t b = body.find('\n', a + 1); b != std::string::npos) {
        size_t c = body.find('\n', b + 1);
        auto hash = FromBase64(body.substr(b + 1, c == std::string::npos ? c : c - b - 1));
        hash_is_32 = hash && hash->size() == 32;
      }
    }
    CHECK(parsed.has_value() == (valid && hash_is_32));
  }
  // And a body of our own round-trips.
  verify::CheckpointBody b;
  b.origin = "vigil/00112233445566778899aabbccddeeff";
  b.size = 42;
  b.head[0] = 0xab;
  b.rest = "time 2026-11-21T00:00:00Z\n";
  auto again = verify::ParseCheckpointBody(verify::FormatCheckpointBody(b));
  REQUIRE(again.has_value());
  CHECK(again->origin == b.origin);
  CHECK(again->size == 42);
  CHECK(again->head == b.head);
  CHECK(again->rest == b.rest);
}

TEST_CASE("GenerateSigner makes keys that sign and verify, and rejects bad names", "[crypto]") {
  auto s = GenerateSigner("soc-test");
  REQUIRE(s.has_value());
  auto note = SignNote("hello\n", *s);
  REQUIRE(note.has_value());
  auto opened = OpenNote(*note, {VerifierOf(*s)});
  REQUIRE(opened.has_value());
  CHECK(opened->text == "hello\n");
  auto other = GenerateSigner("soc-test");
  REQUIRE(other.has_value());
  CHECK_FALSE(OpenNote(*note, {VerifierOf(*other)}).has_value());

  for (const char* bad : {"", "a+b", "has space", "tab\there"}) {
    auto r = GenerateSigner(bad);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == ErrorCode::kUsage);
  }
  CHECK_FALSE(ParseVerifierKey("PRIVATE+KEY+x+00000000+AAAA").has_value());
  auto mismatched =
      ParseVerifierKey("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  REQUIRE_FALSE(mismatched.has_value());
  CHECK(mismatched.error().message == "malformed public key: key id does not match key");
}
