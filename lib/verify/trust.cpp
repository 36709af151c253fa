#include "verify/trust.h"

#include <istream>

#include "core/file_io.h"
#include "crypto/signed_note.h"
#include "verify/checkpoint.h"

namespace vigil::verify {
namespace {

constexpr uint64_t kMaxKeyFile = 64 * 1024;
constexpr uint64_t kMaxCheckpointFile = 1024 * 1024;

}  // namespace

Status AddTrustedKeys(const std::vector<std::string>& paths, Options& options) {
  for (const std::string& path : paths) {
    auto text = ReadFile(path, kMaxKeyFile);
    if (!text) return text.error();
    auto key = crypto::ParseVerifierKey(*text);
    if (!key) return MakeError(ErrorCode::kBadInput, key.error().message, path);
    options.trusted_keys.push_back(*key);
  }
  return {};
}

Status AddDetachedCheckpoints(const std::vector<std::string>& paths, std::istream& in,
                              Options& options) {
  if (!paths.empty() && options.trusted_keys.empty()) {
    return MakeError(ErrorCode::kUsage, "--checkpoint needs --pubkey to check its signature");
  }
  for (const std::string& path : paths) {
    auto text = path == "-" ? ReadStream(in, kMaxCheckpointFile, "standard input")
                            : ReadFile(path, kMaxCheckpointFile);
    if (!text) return text.error();
    const std::string name = path == "-" ? "standard input" : path;
    if (Status layout = CheckCheckpointLayout(*text); !layout.ok()) {
      return MakeError(ErrorCode::kBadInput, "not a checkpoint: " + layout.error().message, name);
    }
    options.detached_checkpoints.emplace_back(name, *text);
  }
  return {};
}

}  // namespace vigil::verify
