#include "store/store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "core/c_handle.h"
#include "core/encoding.h"
#include "core/time.h"
#include "crypto/random.h"
#include "store/schema.h"
#include "store/schema_check.h"

namespace vigil::store {
namespace {

// Creates an empty file readable and writable by the owner only, unless it exists.
Status CreateEmptyPrivateFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) {
    if (errno == EEXIST) return {};
    return MakeError(ErrorCode::kIo, std::string("cannot create store: ") + std::strerror(errno),
                     path);
  }
  // The umask could only remove bits, but set them explicitly: the store holds evidence.
  if (::fchmod(fd.get(), 0600) != 0) {
    return MakeError(ErrorCode::kIo, std::string("cannot set permissions: ") + std::strerror(errno),
                     path);
  }
  return {};
}

// Writes the store id and creation time unless present, in the caller's transaction.
Status WriteIdentity(Database& db) {
  auto have = db.QueryInteger("SELECT count(*) FROM meta WHERE key = 'store_id'", "read store id");
  if (!have) return have.error();
  if (*have == 0) {
    uint8_t id[16];
    if (!crypto::RandomBytes(id).ok()) {
      return MakeError(ErrorCode::kCrypto, "cannot draw a random store id", db.path());
    }
    auto insert = db.Prepare("INSERT INTO meta(key, value) VALUES (?1, ?2)", "write store meta");
    if (!insert) return insert.error();
    const std::pair<std::string, std::string> rows[] = {
        {"store_id", ToHex(std::string_view(reinterpret_cast<const char*>(id), sizeof id))},
        {"created", FormatUtc(NowMicros())}};
    for (const auto& [key, value] : rows) {
      insert->Reset();
      Status s = insert->BindText(1, key);
      if (s.ok()) s = insert->BindText(2, value);
      if (!s.ok()) return s;
      auto step = insert->Step();
      if (!step) return step.error();
    }
  }
  return {};
}

Status EnsureIdentity(Database& db) {
  auto tx = Transaction::Begin(db, Transaction::Kind::kImmediate);
  if (!tx) return tx.error();
  Status s = WriteIdentity(db);
  if (!s.ok()) return s;
  return tx->Commit();
}

// A new store is created whole: its schema and its identity in one transaction, so a process
// killed while creating it leaves no schema at all, never a store without an id (issue 21: the
// eighth migration step widened that window). Another process may have created it meanwhile:
// then the version read under the write lock is not 0 and nothing is written here.
Status CreateWhole(Database& db) {
  auto tx = Transaction::Begin(db, Transaction::Kind::kImmediate);
  if (!tx) return tx.error();
  auto version = SchemaVersionOf(db);
  if (!version) return version.error();
  if (*version == 0) {
    Status s = MigrateWithin(db);
    if (s.ok()) s = WriteIdentity(db);
    if (!s.ok()) return s;
  }
  return tx->Commit();
}

}  // namespace

// Switching to WAL needs a moment alone with the file, and SQLite answers "database is locked"
// at once instead of calling the busy handler, so two vigil processes opening a new store
// together must retry here, for as long as the busy timeout would have waited.
Status EnableWal(Database& db) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    const int rc =
        sqlite3_exec(db.handle(), "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return {};
    const int primary = rc & 0xff;
    if ((primary != SQLITE_BUSY && primary != SQLITE_LOCKED) ||
        std::chrono::steady_clock::now() > deadline) {
      return db.StoreError(rc, "enable WAL");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Status ConfigureConnection(Database& db, StoreAccess access) {
  // Two writers (cron and an analyst) wait for each other instead of failing.
  Status s = db.Exec("PRAGMA busy_timeout = 30000", "set busy timeout");
  if (s.ok()) s = db.Exec("PRAGMA foreign_keys = ON", "enable foreign keys");
  if (s.ok() && access != StoreAccess::kRead) {
    s = EnableWal(db);
    // FULL: a committed batch survives power loss, not only a crash of vigil.
    if (s.ok()) s = db.Exec("PRAGMA synchronous = FULL", "set synchronous");
    // 32 MiB of page cache (the default is 2 MiB): batches touch the tails of four indexes
    // and the events table, and re-reads probe record_key all over.
    if (s.ok()) s = db.Exec("PRAGMA cache_size = -32768", "set cache size");
  }
  return s;
}

Result<Database> OpenStore(const std::string& path, StoreAccess access) {
  if (access == StoreAccess::kCreate) {
    Status created = CreateEmptyPrivateFile(path);
    if (!created.ok()) return created.error();
  }
  auto db = Database::Open(
      path, access == StoreAccess::kRead ? Database::Mode::kReadOnly : Database::Mode::kReadWrite);
  if (!db) return db.error();
  Status s = ConfigureConnection(*db, access);
  if (!s.ok()) {
    // A file that is not an SQLite database at all says so here; anything else (a lock held
    // too long, a read-only directory) is reported as it is.
    if ((sqlite3_errcode(db->handle()) & 0xff) == SQLITE_NOTADB) {
      return MakeError(ErrorCode::kStore, "not a vigil store: " + s.error().message, path);
    }
    return s.error();
  }
  // The version and, below, the table count of an unversioned file are read in one snapshot:
  // a second vigil creating the same store may commit its first migration between two separate
  // reads, and its new tables would then look like another program's database (seen in CTest
  // ingest.crash_and_concurrency: one of two concurrent ingests of a new store exited 4).
  auto snapshot = Transaction::Begin(*db, Transaction::Kind::kDeferred);
  if (!snapshot) return snapshot.error();
  auto version = SchemaVersionOf(*db);
  if (!version) {
    return MakeError(ErrorCode::kStore, "not a vigil store: " + version.error().message, path);
  }
  if (*version > kSchemaVersion) {
    return MakeError(ErrorCode::kStore,
                     "store schema version " + std::to_string(*version) +
                         " is newer than this vigil understands (" +
                         std::to_string(kSchemaVersion) + "); use a newer vigil",
                     path);
  }
  // The canonical encoding hashes TEXT as stored; vigil stores are always UTF-8.
  {
    auto enc = db->Prepare("PRAGMA encoding", "read text encoding");
    if (!enc) return enc.error();
    auto row = enc->Step();
    if (!row) return row.error();
    if (*row && enc->ColumnText(0) != "UTF-8") {
      return MakeError(
          ErrorCode::kStore,
          "not a vigil store (text encoding " + std::string(enc->ColumnText(0)) + ", not UTF-8)",
          path);
    }
  }
  if (access == StoreAccess::kRead) {
    if (*version == 0) return MakeError(ErrorCode::kStore, "not a vigil store (empty)", path);
    s = snapshot->Commit();
    if (!s.ok()) return s.error();
    return db;
  }
  if (*version > 0) {
    // A trigger, view or index vigil did not create could drop or alter what is written next
    // (vigil-store(5), SCHEMA): refuse before migrating or writing anything.
    s = CheckSchema(*db);
    if (!s.ok()) return s.error();
  }
  if (*version == 0) {
    // An existing non-empty SQLite file that is not ours must not be written into.
    auto tables =
        db->QueryInteger("SELECT count(*) FROM sqlite_schema", "inspect an unversioned store");
    if (!tables) return tables.error();
    if (*tables != 0) {
      return MakeError(ErrorCode::kStore,
                       "not a vigil store (an SQLite database with other tables)", path);
    }
  }
  s = snapshot->Commit();  // Migrate takes the write lock and reads the version again
  if (!s.ok()) return s.error();
  if (*version == 0) {
    s = CreateWhole(*db);
    if (!s.ok()) return s.error();
  }
  s = Migrate(*db);
  if (!s.ok()) return s.error();
  s = EnsureIdentity(*db);
  if (!s.ok()) return s.error();
  return db;
}

Result<std::string> StoreId(Database& db) {
  auto stmt = db.Prepare("SELECT value FROM meta WHERE key = 'store_id'", "read store id");
  if (!stmt) return stmt.error();
  auto row = stmt->Step();
  if (!row) return row.error();
  if (!*row) return MakeError(ErrorCode::kStore, "store has no id", db.path());
  return std::string(stmt->ColumnText(0));
}

}  // namespace vigil::store
