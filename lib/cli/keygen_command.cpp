// vigil keygen: write an Ed25519 key pair for signing checkpoints.
#include <ostream>

#include "cli/commands.h"
#include "core/file_io.h"
#include "core/json.h"
#include "crypto/signed_note.h"

namespace vigil::cli {

Status RunKeygen(const Context& ctx, const KeygenOptions& options) {
  auto signer = crypto::GenerateSigner(options.name);
  if (!signer) return signer.error();
  const std::string key_path = options.out + ".key";
  const std::string pub_path = options.out + ".pub";
  const std::string pub = crypto::FormatVerifierKey(crypto::VerifierOf(*signer));
  // The private key first: if it cannot be written, no orphan public key is left behind.
  Status s =
      WriteFileAtomic(key_path, crypto::FormatSignerKey(*signer) + "\n", 0600, options.force);
  if (!s.ok()) return s;
  s = WriteFileAtomic(pub_path, pub + "\n", 0644, options.force);
  if (!s.ok()) return s;
  if (ctx.global.format == OutputFormat::kJson) {
    JsonWriter w;
    w.BeginObject()
        .Key("private_key_file")
        .String(key_path)
        .Key("public_key_file")
        .String(pub_path)
        .Key("public_key")
        .String(pub)
        .EndObject();
    ctx.out << w.str() << "\n";
  } else if (!ctx.global.quiet) {
    ctx.out << "private key " << key_path << " (mode 0600: keep it off the store's machine)\n"
            << "public key  " << pub_path << "\n"
            << pub << "\n";
  }
  return {};
}

}  // namespace vigil::cli
