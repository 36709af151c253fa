#pragma once
// RAII owners for SQLite (the only folder that includes sqlite3.h): Database owns the connection,
// Statement owns a prepared statement and must be destroyed before its Database, Transaction rolls
// back in its destructor unless Commit() succeeded. Every value reaches SQL through a bound
// parameter. A Database and its Statements belong to one thread at a time.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/value.h"

struct sqlite3;
struct sqlite3_stmt;

namespace vigil::store {

struct ConnectionDeleter {
  void operator()(sqlite3* db) const;
};
struct StatementDeleter {
  void operator()(sqlite3_stmt* stmt) const;
};

class Statement {
 public:
  Statement() = default;

  Status Bind(int index, const Value& value);  // 1-based, as in SQLite
  // As Bind, but SQLite keeps a pointer to the bytes instead of copying them: `value` must
  // outlive the next Step (and Reset). For hot loops.
  Status BindNoCopy(int index, const Value& value);
  Status BindInteger(int index, int64_t v);
  Status BindText(int index, std::string_view v);
  Status BindBlob(int index, std::string_view v);
  Status BindNull(int index);

  // true: a row is ready; false: done. kStore on failure (kVerifyFailed never).
  Result<bool> Step();
  // Ready to run again with new bindings.
  void Reset();

  int ColumnCount() const;
  // The name of result column `index` (0-based): for `SELECT *`, the table's column name.
  std::string_view ColumnName(int index) const;
  ValueType ColumnType(int index) const;  // 0-based, as in SQLite
  int64_t ColumnInteger(int index) const;
  double ColumnReal(int index) const;
  // Views stay valid until the next Step/Reset or destruction.
  std::string_view ColumnText(int index) const;
  std::string_view ColumnBlob(int index) const;
  Value ColumnValue(int index) const;

  sqlite3_stmt* handle() const { return stmt_.get(); }

 private:
  friend class Database;
  Statement(sqlite3_stmt* stmt, sqlite3* db, std::string purpose);
  Status BindResult(int rc, int index);

  std::unique_ptr<sqlite3_stmt, StatementDeleter> stmt_;
  sqlite3* db_ = nullptr;
  std::string purpose_;
};

class Database {
 public:
  enum class Mode { kReadOnly, kReadWrite };

  // Opens an existing SQLite file (never creates one; see store/store.h for that).
  // kNotFound if the file is missing, kStore if SQLite refuses it. How it is opened (links,
  // write-protected stores, -wal and -shm): store/open_plan.h.
  static Result<Database> Open(const std::string& path, Mode mode);
  // A private in-memory database (to build reference schemas, for instance).
  static Result<Database> OpenMemory();

  // Runs SQL without parameters (DDL and pragmas only: never with input data in it).
  Status Exec(std::string_view sql, std::string_view purpose);
  Result<Statement> Prepare(std::string_view sql, std::string_view purpose);
  // Runs a parameterless query returning one integer (NULL or no row -> `fallback`).
  Result<int64_t> QueryInteger(std::string_view sql, std::string_view purpose,
                               int64_t fallback = 0);

  int64_t LastInsertRowid() const;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_.get(); }

  // A kStore error carrying SQLite's message for `rc` and the statement's purpose.
  Error StoreError(int rc, std::string_view purpose) const;

 private:
  Database(sqlite3* db, std::string path);
  std::unique_ptr<sqlite3, ConnectionDeleter> db_;
  std::string path_;
};

class Transaction {
 public:
  // kImmediate takes the write lock at once, so a transaction that reads the chain head and
  // appends to it cannot interleave with another writer (busy_timeout waits for it).
  enum class Kind { kDeferred, kImmediate };
  static Result<Transaction> Begin(Database& db, Kind kind);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace vigil::store
