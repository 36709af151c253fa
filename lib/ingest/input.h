#pragma once
// Reading one input: a file, standard input ("-"), or a gzip-compressed file or stream (read
// directly, by content, not by name). Lines come with their 1-based number and the byte offset
// of their start in the decompressed stream. Memory stays bounded by the longest line.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace vigil::ingest {

class Input {
 public:
  static constexpr size_t kMaxLine = 256u << 20;  // longer lines are cut (and rejected)

  // kNotFound / kIo with the path when it cannot be opened.
  static Result<Input> Open(const std::string& path);
  Input(Input&&) noexcept;
  Input& operator=(Input&&) noexcept;
  ~Input();

  // The first bytes (up to `n`) without consuming them, for format detection.
  Result<std::string_view> Peek(size_t n);

  struct Line {
    std::string_view text;  // without '\n'; a '\r' before it is kept (raw is verbatim)
    int64_t number = 0;     // 1-based
    int64_t offset = 0;     // byte offset of the line's start
    bool cut = false;       // longer than kMaxLine: `text` is its first kMaxLine bytes
  };
  // false at the end of the input. The view lives until the next call.
  Result<bool> NextLine(Line& line);

  // Everything not read yet, for inputs that are one JSON document. kBadInput over `max`.
  Result<std::string> ReadRest(uint64_t max);

  const std::string& name() const;  // the path, or "-" for standard input
  int64_t mtime_us() const;         // modification time (now for pipes)

 private:
  struct Impl;
  explicit Input(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::ingest
