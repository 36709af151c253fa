// libFuzzer target for every input vigil reads that is not a log or a rule (issue 8): the first
// byte picks the parser, the rest is the input.
//   0  the configuration file (YAML, vigil-config(5)), then every question the config answers
//   1  a checkpoint note and its body (vigil verify --checkpoint), and a public key
//   2  a stored Isolation Forest model (a tampered store), then scoring with it
//   3  the time and address parsers behind --since/--until and the report filters
//   4  the report's text helpers on log data: file hashes, terminal and CSV escaping
// A refused input is fine; a crash, a leak, a sanitizer report or a hang is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/encoding.h"
#include "core/ip.h"
#include "core/time_parse.h"
#include "crypto/signed_note.h"
#include "export/export.h"
#include "report/hashes.h"
#include "score/isolation_forest.h"
#include "verify/checkpoint.h"

using namespace vigil;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 5) {
    case 0: {
      auto c = config::ParseConfig(input, "fuzz.yml");
      if (!c) break;
      (void)c->Digest();
      (void)c->IsCriticalAsset("10.1.2.3");
      (void)c->IsCriticalAsset("db-01.corp.example");
      (void)c->IsPrivileged("CORP\\Administrator");
      (void)c->IsWorkTime(1795000000000000);
      for (int risk = 0; risk <= 100; risk += 25) (void)c->SeverityOf(risk);
      break;
    }
    case 1: {
      (void)verify::ParseCheckpointBody(input);
      (void)crypto::ParseVerifierKey(input);
      auto signer = crypto::ParseSignerKey(input);
      (void)signer;
      static const auto known = [] {
        auto s = crypto::GenerateSigner("fuzz");
        return std::vector<crypto::NoteVerifier>{crypto::VerifierOf(*s)};
      }();
      (void)crypto::OpenNote(input, known);
      break;
    }
    case 2: {
      auto forest = score::IsolationForest::Deserialize(input);
      if (!forest) break;
      std::vector<double> point(forest->features(), 0.5);
      (void)forest->Score(point);
      std::vector<double> many(forest->features() * 3, 1e300), out(3);
      forest->ScoreMany(many.data(), 3, out.data());
      (void)forest->Serialize();
      break;
    }
    case 3: {
      (void)ParseIso8601(input);
      auto ip = ParseIp(input);
      if (ip) {
        (void)FormatIp(*ip);
        (void)IsPrivateAddress(input);
      }
      break;
    }
    case 4: {
      (void)report::FindHashes(input);
      (void)TerminalSafe(input);
      (void)exporter::CsvField(input);
      break;
    }
  }
  return 0;
}
