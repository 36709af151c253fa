#include "store/open_plan.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <optional>

namespace vigil::store {
namespace {

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// With the effective ids (AT_EACCESS), as open(2) will check. Root passes permission bits
// but not a read-only mount (EROFS) or an immutable file.
bool MayWrite(const std::string& path) {
  return ::faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) == 0;
}

std::optional<struct stat> LstatOf(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
  return st;
}

// A file: URI for `path`, with every byte outside a safe set percent-encoded (SQLite decodes
// %HH in the path; '?', '#' and '%' would otherwise be read as syntax).
std::string UriOf(const std::string& path, const char* query) {
  std::string uri = path.rfind('/', 0) == 0 ? "file://" : "file:";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
        c == '.' || c == '_' || c == '-' || c == '~') {
      uri += static_cast<char>(c);
    } else {
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 15];
    }
  }
  return uri + "?" + query;
}

Error LinkError(const std::string& path) {
  return MakeError(ErrorCode::kStore,
                   "is a symbolic link; vigil writes a store only at its real path (name that)",
                   path);
}

}  // namespace

Result<OpenPlan> PlanOpen(const std::string& path, bool write) {
  auto st = LstatOf(path);
  const bool link = st && S_ISLNK(st->st_mode);
  // SQLite writes the file and creates -wal and -shm beside it (or uses them, if present).
  const bool writable =
      !link && MayWrite(path) &&
      (MayWrite(DirectoryOf(path)) || (MayWrite(path + "-wal") && MayWrite(path + "-shm")));
  OpenPlan plan;
  if (write) {
    if (link) return LinkError(path);
    for (const char* suffix : {"-wal", "-shm"}) {
      auto side = LstatOf(path + suffix);
      if (side && S_ISLNK(side->st_mode)) return LinkError(path + suffix);
    }
    if (!writable) {
      return MakeError(ErrorCode::kStore,
                       "store is read-only here (the file, its directory or the medium is "
                       "write-protected); this command writes to the store",
                       path);
    }
    plan.name = path;
    plan.flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW;
    return plan;
  }
  if (writable) {
    plan.name = path;
    plan.flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW;
    plan.query_only = true;
    return plan;
  }
  // SQLite keeps -wal and -shm beside the file a link resolves to.
  std::string real = path;
  if (link) {
    std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(path.c_str(), nullptr),
                                                         &std::free);
    if (resolved) real = resolved.get();
  }
  auto wal = LstatOf(real + "-wal");
  auto shm = LstatOf(real + "-shm");
  plan.flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
  if (wal && shm) {
    plan.name = UriOf(path, "mode=ro");
  } else if (wal && wal->st_size > 0) {
    return MakeError(ErrorCode::kStore,
                     "cannot read this write-protected store: its write-ahead log " + real +
                         "-wal (" + std::to_string(wal->st_size) +
                         " bytes) may hold committed changes, and its -shm index is missing and "
                         "cannot be created here; read a copy of the store and its -wal on "
                         "writable storage",
                     path);
  } else {
    plan.name = UriOf(path, "immutable=1");
  }
  return plan;
}

}  // namespace vigil::store
