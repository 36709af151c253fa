#pragma once
// Whole-file reads with a size cap, and the only ways vigil writes files: atomic writes (temp
// file + fsync + rename, as leveldb's SetCurrentFile) so a crash never leaves a half-written
// key, checkpoint or report behind, and appends. Neither ever opens an existing file for
// writing through a symbolic link, truncates one, or leaves a mode to the umask.

#include <sys/types.h>

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

#include "core/c_handle.h"
#include "core/result.h"

namespace vigil {

// Reads all of `path`. kNotFound if it does not exist, kBadInput if it is larger than
// `max_bytes`, kIo for any other failure.
Result<std::string> ReadFile(const std::string& path, uint64_t max_bytes);

// Reads all of `in` (standard input, for "-"), up to `max_bytes`; `name` is for messages.
Result<std::string> ReadStream(std::istream& in, uint64_t max_bytes, const std::string& name);

// A file written whole and put in place at once. Create makes a fresh temporary file beside
// `path` (mkostemp: O_CREAT|O_EXCL, so a link or file planted there is never opened) with
// permission bits exactly `mode`, whatever the umask. Commit renames it over `path`: rename(2)
// replaces the directory entry, so a symbolic link at `path` is replaced, never followed, and
// the file it points to is left as it was. Until Commit `path` is untouched; an AtomicFile
// destroyed uncommitted removes its temporary file.
class AtomicFile {
 public:
  // kIo if `path` is a symbolic link or not a regular file (checked first, so the caller
  // learns it before doing any work; Commit stays safe if one is planted meanwhile).
  static Result<AtomicFile> Create(const std::string& path, mode_t mode);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  ~AtomicFile();

  Status Write(std::string_view data);
  // Flushes the bytes to disk under the temporary name.
  Status Sync();
  // Sync, then rename over `path` (then sync the directory, best effort: the file is in place).
  Status Commit();
  // Sync, then link to `path` only if nothing (not even a dangling link) is there: kUsage
  // "file exists" otherwise.
  Status CommitNew();
  const std::string& temp_path() const { return temp_; }

 private:
  AtomicFile(std::string path, std::string temp, UniqueFd fd);
  std::string path_, temp_;
  UniqueFd fd_;
  bool synced_ = false;
};

// Writes `data` to `path` atomically (AtomicFile) with permission bits `mode`. With
// `overwrite` false an existing file is an error (kUsage), so a key is never replaced by
// accident.
Status WriteFileAtomic(const std::string& path, const std::string& data, mode_t mode,
                       bool overwrite);

// Opens `path` for appending (O_APPEND, so concurrent writers do not interleave within one
// write). A missing file is created with permission bits exactly `create_mode`; an existing
// one must be a regular file owned by the caller (the effective uid) with a single link, and
// is never opened through a symbolic link (O_NOFOLLOW): kIo naming the reason otherwise.
Result<UniqueFd> OpenForAppend(const std::string& path, mode_t create_mode);

// Writes all of `data` to `fd`, retrying short writes; `path` is for messages.
Status WriteAll(int fd, std::string_view data, const std::string& path);

}  // namespace vigil
