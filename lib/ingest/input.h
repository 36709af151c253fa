#pragma once
// Reading one input: a file, standard input ("-"), or a gzip-compressed file or stream (read
// directly, by content, not by name). Lines come with their 1-based number and the byte offset
// of their start in the decompressed stream. Memory stays bounded by the record size limit.
//
// A gzip stream that ends early (cut short, or its trailer missing) or is corrupt delivers what
// it held and then reports the damage (damage()); the line it cut is marked `partial`. A pipe
// or terminal is read as its bytes arrive, and `SetIdle`'s hook runs before each wait for more.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace vigil::ingest {

class Input {
 public:
  static constexpr size_t kDefaultMaxRecord = 4u << 20;  // --max-record-size's default
  static constexpr size_t kKeptOfOversized = 1024;       // what quarantine keeps of one

  // kNotFound / kIo with the path when it cannot be opened. Lines longer than `max_record`
  // bytes are cut (see Line::cut).
  static Result<Input> Open(const std::string& path, size_t max_record = kDefaultMaxRecord);
  Input(Input&&) noexcept;
  Input& operator=(Input&&) noexcept;
  ~Input();

  // The first bytes (up to `n`) without consuming them, for format detection. On a pipe, stops
  // early once it holds a whole line and nothing more arrives for a moment.
  Result<std::string_view> Peek(size_t n);

  struct Line {
    std::string_view text;  // without '\n'; a '\r' before it is kept (raw is verbatim)
    int64_t number = 0;     // 1-based
    int64_t offset = 0;     // byte offset of the line's start
    bool cut = false;       // longer than max_record: `text` is its first kKeptOfOversized bytes
    int64_t size = 0;       // the whole line's length in bytes, when cut
    std::string sha256;     // the whole line's SHA-256 (hex), when cut
    bool partial = false;   // the last line of a damaged stream, cut where the data ends
  };
  // false at the end of the input. The view lives until the next call.
  Result<bool> NextLine(Line& line);

  // Everything not read yet, for inputs that are one JSON document. kBadInput over `max`.
  Result<std::string> ReadRest(uint64_t max);

  // Runs before the input waits for bytes that have not arrived yet (a pipe, a terminal).
  void SetIdle(std::function<void()> idle);

  const std::string& name() const;  // the path, or "-" for standard input
  int64_t mtime_us() const;         // modification time (now for pipes)
  size_t max_record() const;
  // Empty, or why the stream ended early ("truncated: the gzip stream ends at uncompressed
  // offset N"); set once the end of the input was reached.
  const std::string& damage() const;

 private:
  struct Impl;
  explicit Input(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::ingest
