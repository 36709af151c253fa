// vigil seal: sign the store's current head into a checkpoint.
#include <sys/stat.h>

#include <cstdio>
#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "core/file_io.h"
#include "core/json.h"
#include "core/time.h"
#include "crypto/signed_note.h"
#include "store/store.h"
#include "verify/checkpoint.h"

namespace vigil::cli {

namespace {

// Like ssh with an identity file: a signing key others can read is no longer only the SOC's.
// A warning rather than a refusal (the signature is still valid), printed even with --quiet
// because it is something wrong that a cron job's mail should show.
void WarnIfExposed(const Context& ctx, const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) == 0) return;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  ctx.err << "vigil seal: warning: " << path << ": private key is open to other users (mode "
          << mode << "); chmod 600 it, and make a new key pair if others may have read it\n";
}

}  // namespace

Status RunSeal(const Context& ctx, const SealOptions& options) {
  auto key_text = ReadFile(options.key, 64 * 1024);
  if (!key_text) return key_text.error();
  WarnIfExposed(ctx, options.key);
  auto signer = crypto::ParseSignerKey(*key_text);
  if (!signer) return MakeError(signer.error().code, signer.error().message, options.key);
  // The output file is prepared before sealing (0640, like a report; never through a link:
  // core/file_io.h), so a bad -o fails before the checkpoint is recorded.
  std::optional<AtomicFile> out_file;
  if (options.out != "-") {
    auto created = AtomicFile::Create(options.out, 0640);
    if (!created) return created.error();
    out_file.emplace(std::move(*created));
  }
  auto db = store::OpenStore(ctx.global.db, store::StoreAccess::kWrite);
  if (!db) return db.error();
  auto sealed = verify::Seal(*db, *signer, NowMicros());
  if (!sealed) return sealed.error();

  if (out_file) {
    Status s = out_file->Write(sealed->note);
    if (s.ok()) s = out_file->Commit();
    if (!s.ok()) return s;
  }
  if (ctx.global.format == OutputFormat::kJson) {
    JsonWriter w;
    w.BeginObject()
        .Key("size")
        .Int(sealed->size)
        .Key("head")
        .String(crypto::DigestHex(sealed->head))
        .Key("checkpoint_seq")
        .Int(sealed->checkpoint_seq)
        .Key("checkpoint")
        .String(sealed->note)
        .EndObject();
    ctx.out << w.str() << "\n";
  } else if (options.out == "-") {
    ctx.out << sealed->note;
  } else if (!ctx.global.quiet) {
    ctx.out << "sealed " << sealed->size << " records, head " << crypto::DigestHex(sealed->head)
            << "\ncheckpoint written to " << options.out << " (keep a copy off this machine)\n";
  }
  return {};
}

}  // namespace vigil::cli
