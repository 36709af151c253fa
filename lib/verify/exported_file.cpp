#include "verify/exported_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/c_handle.h"
#include "crypto/sha256.h"
#include "store/database.h"
#include "store/store.h"

namespace vigil::verify {
namespace {

Result<crypto::Digest> HashFile(const std::string& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    return MakeError(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                     std::string("cannot open: ") + std::strerror(errno), file);
  }
  auto sha = crypto::Sha256::Create();
  if (!sha) return sha.error();
  sha->Init();
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return MakeError(ErrorCode::kIo, std::string("cannot read: ") + std::strerror(errno), file);
    }
    if (n == 0) break;
    sha->Update(std::string_view(buf, static_cast<size_t>(n)));
  }
  crypto::Digest d = sha->Final();
  if (!sha->ok()) return MakeError(ErrorCode::kCrypto, "SHA-256 failed", file);
  return d;
}

}  // namespace

Result<ExportedFile> CheckExportedFile(store::Database& db, const std::string& file) {
  auto digest = HashFile(file);
  if (!digest) return digest.error();
  ExportedFile out;
  out.file = file;
  out.sha256 = crypto::DigestHex(*digest);
  auto st = db.Prepare(
      "SELECT id, created_us, format, coalesce(path, '') FROM reports WHERE sha256 = ?1 "
      "ORDER BY id",
      "look up an exported file");
  if (!st) return st.error();
  if (Status s = st->BindBlob(1, crypto::DigestBytes(*digest)); !s.ok()) return s.error();
  for (;;) {
    auto row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.records.push_back({st->ColumnInteger(0), st->ColumnInteger(1),
                           std::string(st->ColumnText(2)), std::string(st->ColumnText(3))});
  }
  return out;
}

Result<std::vector<ExportedFile>> CheckExportedFiles(const std::string& db_path,
                                                     const std::vector<std::string>& files) {
  std::vector<ExportedFile> out;
  if (files.empty()) return out;
  auto db = store::OpenStore(db_path, store::StoreAccess::kRead);
  if (!db) return db.error();
  for (const std::string& path : files) {
    auto f = CheckExportedFile(*db, path);
    if (!f) return f.error();
    out.push_back(std::move(*f));
  }
  return out;
}

}  // namespace vigil::verify
