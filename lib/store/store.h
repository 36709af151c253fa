#pragma once
// Opening the audit store: the one place that creates the file (mode 0600), sets the pragmas
// every connection needs, runs migrations and gives the store its identity.

#include <string>

#include "core/result.h"
#include "store/database.h"

namespace vigil::store {

enum class StoreAccess {
  kRead,    // must exist; never written; schema must not be newer than this build
  kWrite,   // must exist; schema exactly vigil's (store/schema_check.h); migrated to current
  kCreate,  // created (0600) if missing, then as kWrite
};

// kNotFound when a store that must exist does not; kStore when it is not a vigil store, is
// newer than this build, has a schema vigil did not create (kWrite, kCreate) or SQLite fails.
Result<Database> OpenStore(const std::string& path, StoreAccess access);

// The random identity given to a store when it is created (32 hex digits, in table meta).
// Checkpoints name it, so a checkpoint of one store never vouches for another.
Result<std::string> StoreId(Database& db);

// Sets the per-connection pragmas (busy timeout, foreign keys, and for writers WAL and full
// synchronisation). Called by OpenStore; verify's worker connections call it too.
Status ConfigureConnection(Database& db, StoreAccess access);

}  // namespace vigil::store
