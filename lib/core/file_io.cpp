#include "core/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <istream>
#include <utility>

#include "core/c_handle.h"

namespace vigil {
namespace {

Error IoError(const std::string& what, const std::string& path, int err) {
  return MakeError(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                   what + ": " + std::strerror(err), path);
}

// The directory holding `path` ("." for a bare name) and the name within it.
std::pair<std::string, std::string> SplitPath(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

// A destination a file may be renamed or linked onto: missing, or a regular file.
Status CheckDestination(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return IoError("cannot inspect", path, errno);
  }
  if (S_ISLNK(st.st_mode)) {
    return MakeError(ErrorCode::kIo,
                     "is a symbolic link (vigil does not write through links: remove it or name "
                     "the file it points to)",
                     path);
  }
  if (!S_ISREG(st.st_mode)) return MakeError(ErrorCode::kIo, "is not a regular file", path);
  return {};
}

// After a rename or link: makes the new name durable. Best effort: the file is in place
// whatever happens here, so a caller must not be told otherwise; a directory that cannot be
// opened or synced (some file systems answer EINVAL) leaves the name as durable as the file
// system makes it.
void SyncDirectory(const std::string& path) {
  const std::string dir = SplitPath(path).first;
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd) (void)::fsync(fd.get());
}

}  // namespace

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot write", path, errno);
    }
    done += static_cast<size_t>(n);
  }
  return {};
}

Result<std::string> ReadFile(const std::string& path, uint64_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return IoError("cannot open", path, errno);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot read", path, errno);
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      return MakeError(ErrorCode::kBadInput,
                       "file is larger than the " + std::to_string(max_bytes) + "-byte limit",
                       path);
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Result<std::string> ReadStream(std::istream& in, uint64_t max_bytes, const std::string& name) {
  std::string out;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    if (out.size() + static_cast<uint64_t>(in.gcount()) > max_bytes) {
      return MakeError(ErrorCode::kBadInput,
                       "input is larger than the " + std::to_string(max_bytes) + "-byte limit",
                       name);
    }
    out.append(buf, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return MakeError(ErrorCode::kIo, "cannot read", name);
  return out;
}

AtomicFile::AtomicFile(std::string path, std::string temp, UniqueFd fd)
    : path_(std::move(path)), temp_(std::move(temp)), fd_(std::move(fd)) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      temp_(std::exchange(other.temp_, std::string())),
      fd_(std::move(other.fd_)),
      synced_(other.synced_) {}

AtomicFile::~AtomicFile() {
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

Result<AtomicFile> AtomicFile::Create(const std::string& path, mode_t mode) {
  if (Status s = CheckDestination(path); !s.ok()) return s.error();
  const auto [dir, name] = SplitPath(path);
  if (name.empty() || name == "." || name == "..") {
    return MakeError(ErrorCode::kUsage, "is a directory, not a file name", path);
  }
  // Hidden, in the same directory (rename(2) does not cross file systems), and unique.
  std::string temp = dir + "/." + name + ".vigil-XXXXXX";
  UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (!fd) return IoError("cannot create a temporary file", temp, errno);
  AtomicFile file(path, temp, std::move(fd));
  // mkostemp makes it 0600; the mode is part of the contract (a report is 0640).
  if (::fchmod(file.fd_.get(), mode) != 0) return IoError("cannot set permissions", temp, errno);
  return file;
}

Status AtomicFile::Write(std::string_view data) {
  synced_ = false;
  return WriteAll(fd_.get(), data, temp_);
}

Status AtomicFile::Sync() {
  if (synced_) return {};
  if (::fsync(fd_.get()) != 0) return IoError("cannot sync", temp_, errno);
  synced_ = true;
  return {};
}

Status AtomicFile::Commit() {
  if (Status s = Sync(); !s.ok()) return s;
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    return IoError("cannot rename into place", path_, errno);
  }
  temp_.clear();
  SyncDirectory(path_);
  return {};
}

Status AtomicFile::CommitNew() {
  if (Status s = Sync(); !s.ok()) return s;
  // link(2) fails if anything is at `path` (a dangling link included), unlike rename(2).
  if (::link(temp_.c_str(), path_.c_str()) != 0) {
    if (errno == EEXIST) {
      return MakeError(ErrorCode::kUsage, "file exists (refusing to overwrite it)", path_);
    }
    return IoError("cannot create", path_, errno);
  }
  ::unlink(temp_.c_str());
  temp_.clear();
  SyncDirectory(path_);
  return {};
}

Status WriteFileAtomic(const std::string& path, const std::string& data, mode_t mode,
                       bool overwrite) {
  struct stat st {};
  if (!overwrite && ::lstat(path.c_str(), &st) == 0) {
    return MakeError(ErrorCode::kUsage, "file exists (refusing to overwrite it)", path);
  }
  auto file = AtomicFile::Create(path, mode);
  if (!file) return file.error();
  if (Status s = file->Write(data); !s.ok()) return s;
  return overwrite ? file->Commit() : file->CommitNew();
}

Result<UniqueFd> OpenForAppend(const std::string& path, mode_t create_mode) {
  constexpr int kFlags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC;
  UniqueFd fd(::open(path.c_str(), kFlags | O_CREAT | O_EXCL, create_mode));
  if (fd) {
    if (::fchmod(fd.get(), create_mode) != 0) return IoError("cannot set permissions", path, errno);
    return fd;
  }
  if (errno != EEXIST) return IoError("cannot create", path, errno);
  // O_NONBLOCK: a FIFO planted there fails at once (ENXIO) instead of waiting for a reader;
  // it changes nothing for a regular file.
  fd = UniqueFd(::open(path.c_str(), kFlags | O_NONBLOCK));
  if (!fd) {
    if (errno == ENXIO) return MakeError(ErrorCode::kIo, "is not a regular file", path);
    if (errno == ELOOP) {
      return MakeError(ErrorCode::kIo, "is a symbolic link (vigil does not append through links)",
                       path);
    }
    return IoError("cannot open", path, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return IoError("cannot inspect", path, errno);
  if (!S_ISREG(st.st_mode)) return MakeError(ErrorCode::kIo, "is not a regular file", path);
  if (st.st_uid != ::geteuid()) {
    return MakeError(ErrorCode::kIo,
                     "belongs to uid " + std::to_string(st.st_uid) +
                         ", not to this user (vigil appends only to its own files)",
                     path);
  }
  if (st.st_nlink != 1) {
    return MakeError(ErrorCode::kIo,
                     "has " + std::to_string(st.st_nlink) +
                         " hard links (vigil appends only to a file with one name)",
                     path);
  }
  return fd;
}

}  // namespace vigil
