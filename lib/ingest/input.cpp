#include "ingest/input.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "core/encoding.h"
#include "core/time.h"
#include "crypto/sha256.h"

namespace vigil::ingest {
namespace {

constexpr size_t kChunk = 1u << 20;
constexpr int kIdleMs = 200;  // a pipe quiet this long gets its records committed

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(Fd&& o) noexcept : fd(o.fd) { o.fd = -1; }
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd, o.fd);
    return *this;
  }
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

struct Input::Impl {
  std::string name;
  Fd fd;
  bool regular = false;  // a regular file: reads never wait
  int64_t mtime_us = 0;
  size_t max_record = kDefaultMaxRecord;
  std::function<void()> idle;

  // gzip: the compressed bytes read but not inflated yet, [raw_pos, raw.size()).
  bool gzip = false;
  z_stream z{};
  bool z_live = false;
  bool member_done = false;
  std::string raw;
  size_t raw_pos = 0;
  bool raw_eof = false;

  std::string buf;  // bytes read but not consumed: [pos, buf.size())
  size_t pos = 0;
  bool eof = false;
  int64_t consumed = 0;  // bytes consumed before buf[pos]
  int64_t line_no = 0;
  std::string cut_line;  // a cut line's first kKeptOfOversized bytes
  std::optional<crypto::Sha256> sha;
  std::string damage;

  ~Impl() {
    if (z_live) inflateEnd(&z);
  }

  int64_t Produced() const { return consumed + static_cast<int64_t>(buf.size() - pos); }

  // Whether bytes are ready within `ms` milliseconds (always for regular files).
  bool Ready(int ms) {
    if (regular || raw_pos < raw.size()) return true;
    pollfd p{fd.fd, POLLIN, 0};
    return ::poll(&p, 1, ms) != 0;
  }

  // read(2) into `dst`; 0 at the end. Runs the idle hook when a read would wait more than a
  // moment (a pipe drained for an instant by a fast reader is not idle: no commit per chunk).
  Result<size_t> ReadRaw(char* dst, size_t n) {
    if (!regular && idle && !Ready(0) && !Ready(kIdleMs)) idle();
    for (;;) {
      const ssize_t got = ::read(fd.fd, dst, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno == EINTR) continue;
      return MakeError(ErrorCode::kIo, std::string("cannot read: ") + std::strerror(errno), name);
    }
  }

  // Decompresses more into buf; false at the end of the data (damage says if it ended early).
  Result<bool> Inflate() {
    for (;;) {
      if (raw_pos == raw.size() && !raw_eof) {
        raw.resize(kChunk);
        auto n = ReadRaw(raw.data(), kChunk);
        if (!n) return n.error();
        raw.resize(*n);
        raw_pos = 0;
        raw_eof = *n == 0;
      }
      if (member_done) {
        if (raw_pos == raw.size()) {
          if (!raw_eof) continue;
          eof = true;
          return false;
        }
        inflateReset(&z);  // another gzip member follows (as `cat a.gz b.gz` makes)
        member_done = false;
      }
      z.next_in = reinterpret_cast<Bytef*>(raw.data() + raw_pos);
      z.avail_in = static_cast<uInt>(raw.size() - raw_pos);
      const size_t old = buf.size();
      buf.resize(old + kChunk);
      z.next_out = reinterpret_cast<Bytef*>(buf.data() + old);
      z.avail_out = static_cast<uInt>(kChunk);
      const int rc = inflate(&z, Z_NO_FLUSH);
      const size_t produced = kChunk - z.avail_out;
      buf.resize(old + produced);
      raw_pos = raw.size() - z.avail_in;
      if (rc == Z_STREAM_END) {
        member_done = true;
      } else if (rc == Z_BUF_ERROR && raw_eof && raw_pos == raw.size()) {
        damage = "truncated: the gzip stream ends at uncompressed offset " +
                 std::to_string(Produced()) + " before its end";
        eof = true;
        return produced > 0;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        damage = "corrupt gzip data at uncompressed offset " + std::to_string(Produced()) + " (" +
                 (z.msg != nullptr ? z.msg : "inflate failed") + ")";
        eof = true;
        return produced > 0;
      }
      if (produced > 0) return true;
    }
  }

  // Reads more bytes into buf; false when nothing more could be read.
  Result<bool> Fill() {
    if (eof) return false;
    if (pos > 0 && pos >= buf.size() / 2) {
      buf.erase(0, pos);
      pos = 0;
    }
    if (gzip) return Inflate();
    const size_t old = buf.size();
    buf.resize(old + kChunk);
    auto n = ReadRaw(buf.data() + old, kChunk);
    buf.resize(old + (n ? *n : 0));
    if (!n) return n.error();
    if (*n == 0) eof = true;
    return *n > 0;
  }

  // Looks at the first bytes: a gzip stream starts with 1f 8b.
  Status Start() {
    while (raw.size() < 2) {
      const size_t old = raw.size();
      raw.resize(old + kChunk);
      auto n = ReadRaw(raw.data() + old, kChunk);
      raw.resize(old + (n ? *n : 0));
      if (!n) return n.error();
      if (*n == 0) {
        raw_eof = true;
        break;
      }
    }
    if (raw.size() >= 2 && static_cast<unsigned char>(raw[0]) == 0x1f &&
        static_cast<unsigned char>(raw[1]) == 0x8b) {
      if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        return MakeError(ErrorCode::kInternal, "zlib: inflateInit2 failed", name);
      }
      z_live = true;
      gzip = true;
      return {};
    }
    buf = std::move(raw);  // plain bytes
    raw.clear();
    eof = raw_eof && buf.empty();
    return {};
  }
};

Input::Input(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Input::Input(Input&&) noexcept = default;
Input& Input::operator=(Input&&) noexcept = default;
Input::~Input() = default;

Result<Input> Input::Open(const std::string& path, size_t max_record) {
  auto impl = std::make_unique<Impl>();
  impl->name = path;
  impl->max_record = max_record < kKeptOfOversized ? kKeptOfOversized : max_record;
  if (path == "-") {
    impl->fd = Fd(::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0));
    impl->mtime_us = NowMicros();
    if (impl->fd.fd < 0) {
      return MakeError(ErrorCode::kIo, std::string("cannot read: ") + std::strerror(errno), path);
    }
  } else {
    impl->fd = Fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (impl->fd.fd < 0) {
      return MakeError(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                       std::string("cannot open: ") + std::strerror(errno), path);
    }
  }
  struct stat st {};
  if (::fstat(impl->fd.fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) return MakeError(ErrorCode::kUsage, "is a directory", path);
    impl->regular = S_ISREG(st.st_mode);
    if (path != "-") {
      impl->mtime_us =
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000 + st.st_mtim.tv_nsec / 1000;
    }
  }
  Status s = impl->Start();
  if (!s.ok()) return s.error();
  return Input(std::move(impl));
}

Result<std::string_view> Input::Peek(size_t n) {
  Impl& d = *impl_;
  while (d.buf.size() - d.pos < n) {
    // A pipe may stay open for hours: decide from the whole lines that came.
    if (!d.regular && d.buf.find('\n', d.pos) != std::string::npos && !d.Ready(200)) break;
    auto more = d.Fill();
    if (!more) return more.error();
    if (!*more) break;
  }
  return std::string_view(d.buf).substr(d.pos, n);
}

Result<bool> Input::NextLine(Line& line) {
  Impl& d = *impl_;
  size_t scan = d.pos;
  for (;;) {
    const void* nl = std::memchr(d.buf.data() + scan, '\n', d.buf.size() - scan);
    if (nl != nullptr) {
      scan = static_cast<size_t>(static_cast<const char*>(nl) - d.buf.data());
      break;
    }
    scan = d.buf.size();
    if (scan - d.pos > d.max_record) {
      // Keep the first bytes, and the whole line's length and SHA-256; skip the rest.
      if (!d.sha) {
        auto sha = crypto::Sha256::Create();
        if (!sha) return sha.error();
        d.sha.emplace(std::move(*sha));
      }
      d.sha->Init();
      d.cut_line.assign(d.buf, d.pos, kKeptOfOversized);
      const int64_t start = d.consumed;
      int64_t size = 0;
      bool ended = false;  // the input ended inside the line
      for (;;) {
        const void* end = std::memchr(d.buf.data() + d.pos, '\n', d.buf.size() - d.pos);
        const size_t at = end != nullptr
                              ? static_cast<size_t>(static_cast<const char*>(end) - d.buf.data())
                              : d.buf.size();
        d.sha->Update(std::string_view(d.buf).substr(d.pos, at - d.pos));
        size += static_cast<int64_t>(at - d.pos);
        d.consumed += static_cast<int64_t>(at - d.pos);
        if (end != nullptr) {
          d.pos = at + 1;
          d.consumed += 1;
          break;
        }
        d.buf.clear();
        d.pos = 0;
        auto more = d.Fill();
        if (!more) return more.error();
        if (!*more) {
          ended = true;
          break;
        }
      }
      const bool partial = ended && !d.damage.empty();
      line = Line{d.cut_line, ++d.line_no, start,
                  true,       size,        ToHex(crypto::DigestBytes(d.sha->Final())),
                  partial};
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
  line.cut = false;
  line.size = static_cast<int64_t>(line.text.size());
  line.sha256.clear();
  line.partial = scan == d.buf.size() && !d.damage.empty();   // no '\n': cut by the damage
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

void Input::SetIdle(std::function<void()> idle) { impl_->idle = std::move(idle); }
const std::string& Input::name() const { return impl_->name; }
int64_t Input::mtime_us() const { return impl_->mtime_us; }
size_t Input::max_record() const { return impl_->max_record; }
const std::string& Input::damage() const { return impl_->damage; }

}  // namespace vigil::ingest
