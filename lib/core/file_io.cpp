#include "core/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <istream>

#include "core/c_handle.h"

namespace vigil {
namespace {

Error IoError(const std::string& what, const std::string& path, int err) {
  return MakeError(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                   what + ": " + std::strerror(err), path);
}

Status WriteAll(int fd, const std::string& data, const std::string& path) {
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

}  // namespace

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

Status WriteFileAtomic(const std::string& path, const std::string& data, mode_t mode,
                       bool overwrite) {
  struct stat st {};
  if (!overwrite && ::lstat(path.c_str(), &st) == 0) {
    return MakeError(ErrorCode::kUsage, "file exists (refusing to overwrite it)", path);
  }
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (!fd) return IoError("cannot create", tmp, errno);
  // open() applies the umask; the mode is part of the contract (a private key is 0600).
  if (::fchmod(fd.get(), mode) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return IoError("cannot set permissions", tmp, err);
  }
  Status written = WriteAll(fd.get(), data, tmp);
  if (written.ok() && ::fsync(fd.get()) != 0) written = IoError("cannot sync", tmp, errno);
  int fd_raw = fd.release();
  if (::close(fd_raw) != 0 && written.ok()) written = IoError("cannot close", tmp, errno);
  if (!written.ok()) {
    ::unlink(tmp.c_str());
    return written;
  }
  if (!overwrite) {
    // link() fails if the target appeared meanwhile, unlike rename().
    if (::link(tmp.c_str(), path.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      if (err == EEXIST) {
        return MakeError(ErrorCode::kUsage, "file exists (refusing to overwrite it)", path);
      }
      return IoError("cannot create", path, err);
    }
    ::unlink(tmp.c_str());
    return {};
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return IoError("cannot rename into place", path, err);
  }
  return {};
}

}  // namespace vigil
