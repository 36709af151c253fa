#pragma once
// Whole-file reads with a size cap, and atomic writes (temp file + fsync + rename, as leveldb's
// SetCurrentFile) so a crash never leaves a half-written key, checkpoint or report behind.

#include <sys/types.h>

#include <cstdint>
#include <iosfwd>
#include <string>

#include "core/result.h"

namespace vigil {

// Reads all of `path`. kNotFound if it does not exist, kBadInput if it is larger than
// `max_bytes`, kIo for any other failure.
Result<std::string> ReadFile(const std::string& path, uint64_t max_bytes);

// Reads all of `in` (standard input, for "-"), up to `max_bytes`; `name` is for messages.
Result<std::string> ReadStream(std::istream& in, uint64_t max_bytes, const std::string& name);

// Writes `data` to `path` atomically with permission bits `mode` (subject to nothing: the
// mode is set explicitly, not through the umask). With `overwrite` false an existing file is
// an error (kUsage), so a key is never replaced by accident.
Status WriteFileAtomic(const std::string& path, const std::string& data, mode_t mode,
                       bool overwrite);

}  // namespace vigil
