#pragma once
// How a store file is opened so that reading leaves nothing behind and writing never goes
// through a link (vigil-store(5), "Reading a store"). Database::Open is the only user.

#include <string>

#include "core/result.h"

namespace vigil::store {

struct OpenPlan {
  std::string name;         // what sqlite3_open_v2 is given: the path, or a file: URI
  int flags = 0;            // SQLITE_OPEN_* flags (without NOMUTEX/EXRESCODE)
  bool query_only = false;  // a reader opened read-write: PRAGMA query_only after opening
};

// A writer (`write`) gets the path itself, read-write, no symbolic link at the path or at its
// -wal or -shm, and a store it may write (kStore "read-only" otherwise). A reader of a store
// it may write (the file, and its directory or both -wal and -shm) opens it read-write with
// query_only, so that the last connection to close folds the write-ahead log back and removes -wal
// and -shm as any writer does. A reader of a store it may not write (write-protected file,
// directory or medium) creates nothing: with both -wal and -shm present it reads them as they are
// (mode=ro); with neither, or an empty -wal and no -shm, the file alone is the store's state and is
// read as immutable; a non-empty -wal without -shm cannot be read there, and is refused (kStore)
// rather than ignored.
Result<OpenPlan> PlanOpen(const std::string& path, bool write);

}  // namespace vigil::store
