#include "ingest/input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

#include "core/time.h"

namespace vigil::ingest {

struct GzDeleter {
  void operator()(gzFile_s* f) const { gzclose(f); }
};

struct Input::Impl {
  std::string name;
  std::unique_ptr<gzFile_s, GzDeleter> gz;
  std::string buf;  // bytes read but not consumed: [pos, buf.size())
  size_t pos = 0;
  bool eof = false;
  int64_t consumed = 0;  // bytes consumed before buf[pos]
  int64_t line_no = 0;
  int64_t mtime_us = 0;
  std::string cut_line;  // holds a cut line's first kMaxLine bytes

  // Reads more bytes; false when nothing more could be read (end or error in `error`).
  Result<bool> Fill() {
    if (eof) return false;
    if (pos > 0 && pos >= buf.size() / 2) {
      buf.erase(0, pos);
      pos = 0;
    }
    const size_t old = buf.size();
    buf.resize(old + (1u << 20));
    int n = gzread(gz.get(), buf.data() + old, 1u << 20);
    if (n < 0) {
      int errnum = 0;
      const char* msg = gzerror(gz.get(), &errnum);
      buf.resize(old);
      return MakeError(ErrorCode::kIo, std::string("cannot read: ") + (msg ? msg : "error"), name);
    }
    buf.resize(old + static_cast<size_t>(n));
    if (n == 0) eof = true;
    return n > 0;
  }
};

Input::Input(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Input::Input(Input&&) noexcept = default;
Input& Input::operator=(Input&&) noexcept = default;
Input::~Input() = default;

Result<Input> Input::Open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  impl->name = path;
  int fd = 0;
  if (path == "-") {
    fd = ::dup(STDIN_FILENO);
    impl->mtime_us = NowMicros();
  } else {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return MakeError(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                       std::string("cannot open: ") + std::strerror(errno), path);
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        return MakeError(ErrorCode::kUsage, "is a directory", path);
      }
      impl->mtime_us =
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000 + st.st_mtim.tv_nsec / 1000;
    }
  }
  if (fd < 0)
    return MakeError(ErrorCode::kIo, std::string("cannot read: ") + std::strerror(errno), path);
  // gzdopen reads gzip streams and passes anything else through unchanged.
  impl->gz.reset(gzdopen(fd, "rb"));
  if (!impl->gz) {
    ::close(fd);
    return MakeError(ErrorCode::kIo, "cannot read", path);
  }
  gzbuffer(impl->gz.get(), 1u << 18);
  return Input(std::move(impl));
}

Result<std::string_view> Input::Peek(size_t n) {
  Impl& d = *impl_;
  while (d.buf.size() - d.pos < n) {
    auto more = d.Fill();
    if (!more) return more.error();
    if (!*more) break;
  }
  return std::string_view(d.buf).substr(d.pos, n);
}

Result<bool> Input::NextLine(Line& line) {
  Impl& d = *impl_;
  size_t scan = d.pos;
  bool cut = false;
  for (;;) {
    const void* nl = std::memchr(d.buf.data() + scan, '\n', d.buf.size() - scan);
    if (nl != nullptr) {
      scan = static_cast<size_t>(static_cast<const char*>(nl) - d.buf.data());
      break;
    }
    scan = d.buf.size();
    if (scan - d.pos > kMaxLine) {
      // Keep the first kMaxLine bytes and skip the rest of the line.
      cut = true;
      d.cut_line.assign(d.buf, d.pos, kMaxLine);
      const int64_t start = d.consumed;
      for (;;) {
        d.consumed += static_cast<int64_t>(d.buf.size() - d.pos);
        d.buf.clear();
        d.pos = 0;
        auto more = d.Fill();
        if (!more) return more.error();
        const void* end = std::memchr(d.buf.data(), '\n', d.buf.size());
        if (end != nullptr) {
          const size_t at = static_cast<size_t>(static_cast<const char*>(end) - d.buf.data());
          d.pos = at + 1;
          d.consumed += static_cast<int64_t>(at + 1);
          break;
        }
        if (!*more) break;
      }
      line = Line{d.cut_line, ++d.line_no, start, true};
      return true;
    }
    const size_t rel = scan - d.pos;
    auto more = d.Fill();
    if (!more) return more.error();
    scan = d.pos + rel;
    if (!*more) break;
  }
  if (scan == d.pos && scan == d.buf.size()) return false;  // nothing left
  line.text = std::string_view(d.buf).substr(d.pos, scan - d.pos);
  line.number = ++d.line_no;
  line.offset = d.consumed;
  line.cut = cut;
  const size_t next = scan < d.buf.size() ? scan + 1 : scan;  // past the '\n', if any
  d.consumed += static_cast<int64_t>(next - d.pos);
  d.pos = next;
  return true;
}

Result<std::string> Input::ReadRest(uint64_t max) {
  Impl& d = *impl_;
  for (;;) {
    if (d.buf.size() - d.pos > max) {
      return MakeError(ErrorCode::kBadInput,
                       "JSON document larger than " + std::to_string(max >> 20) + " MiB", d.name);
    }
    auto more = d.Fill();
    if (!more) return more.error();
    if (!*more) break;
  }
  std::string rest = d.buf.substr(d.pos);
  d.consumed += static_cast<int64_t>(rest.size());
  d.buf.clear();
  d.pos = 0;
  return rest;
}

const std::string& Input::name() const { return impl_->name; }
int64_t Input::mtime_us() const { return impl_->mtime_us; }

}  // namespace vigil::ingest
