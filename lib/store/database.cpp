#include "store/database.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <mutex>
#include <utility>

#include "store/open_plan.h"

namespace vigil::store {

const char* ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kNull:
      return "NULL";
    case ValueType::kInteger:
      return "INTEGER";
    case ValueType::kReal:
      return "REAL";
    case ValueType::kText:
      return "TEXT";
    case ValueType::kBlob:
      return "BLOB";
  }
  return "NULL";
}

void ConnectionDeleter::operator()(sqlite3* db) const {
  // Statements are owned elsewhere and must already be gone; close_v2 would defer otherwise.
  sqlite3_close_v2(db);
}
void StatementDeleter::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

// ---- Statement -------------------------------------------------------------------------

Statement::Statement(sqlite3_stmt* stmt, sqlite3* db, std::string purpose)
    : stmt_(stmt), db_(db), purpose_(std::move(purpose)) {}

Status Statement::BindResult(int rc, int index) {
  if (rc == SQLITE_OK) return {};
  return MakeError(
      ErrorCode::kStore,
      std::string("cannot bind parameter ") + std::to_string(index) + ": " + sqlite3_errstr(rc),
      purpose_);
}

Status Statement::Bind(int index, const Value& value) {
  switch (value.type) {
    case ValueType::kNull:
      return BindNull(index);
    case ValueType::kInteger:
      return BindInteger(index, value.integer);
    case ValueType::kReal:
      return BindResult(sqlite3_bind_double(stmt_.get(), index, value.real), index);
    case ValueType::kText:
      return BindText(index, value.bytes);
    case ValueType::kBlob:
      return BindBlob(index, value.bytes);
  }
  return BindNull(index);
}

Status Statement::BindNoCopy(int index, const Value& value) {
  static const char kEmpty = 0;
  const char* data = value.bytes.empty() ? &kEmpty : value.bytes.data();
  switch (value.type) {
    case ValueType::kText:
      return BindResult(sqlite3_bind_text64(stmt_.get(), index, data, value.bytes.size(),
                                            SQLITE_STATIC, SQLITE_UTF8),
                        index);
    case ValueType::kBlob:
      return BindResult(
          sqlite3_bind_blob64(stmt_.get(), index, data, value.bytes.size(), SQLITE_STATIC), index);
    default:
      return Bind(index, value);
  }
}

Status Statement::BindInteger(int index, int64_t v) {
  return BindResult(sqlite3_bind_int64(stmt_.get(), index, v), index);
}

Status Statement::BindText(int index, std::string_view v) {
  return BindResult(
      sqlite3_bind_text64(stmt_.get(), index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
}

Status Statement::BindBlob(int index, std::string_view v) {
  // A zero-length blob must still be a BLOB, not NULL: SQLite binds NULL for a null pointer.
  static const char kEmpty = 0;
  const char* data = v.empty() ? &kEmpty : v.data();
  return BindResult(sqlite3_bind_blob64(stmt_.get(), index, data, v.size(), SQLITE_TRANSIENT),
                    index);
}

Status Statement::BindNull(int index) {
  return BindResult(sqlite3_bind_null(stmt_.get(), index), index);
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return MakeError(ErrorCode::kStore, std::string(sqlite3_errmsg(db_)), purpose_);
}

void Statement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

int Statement::ColumnCount() const { return sqlite3_column_count(stmt_.get()); }

std::string_view Statement::ColumnName(int index) const {
  const char* name = sqlite3_column_name(stmt_.get(), index);
  return name != nullptr ? std::string_view(name) : std::string_view();
}

ValueType Statement::ColumnType(int index) const {
  switch (sqlite3_column_type(stmt_.get(), index)) {
    case SQLITE_INTEGER:
      return ValueType::kInteger;
    case SQLITE_FLOAT:
      return ValueType::kReal;
    case SQLITE_TEXT:
      return ValueType::kText;
    case SQLITE_BLOB:
      return ValueType::kBlob;
    default:
      return ValueType::kNull;
  }
}

int64_t Statement::ColumnInteger(int index) const {
  return sqlite3_column_int64(stmt_.get(), index);
}

double Statement::ColumnReal(int index) const { return sqlite3_column_double(stmt_.get(), index); }

std::string_view Statement::ColumnText(int index) const {
  const unsigned char* p = sqlite3_column_text(stmt_.get(), index);
  int n = sqlite3_column_bytes(stmt_.get(), index);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p), static_cast<size_t>(n)};
}

std::string_view Statement::ColumnBlob(int index) const {
  const void* p = sqlite3_column_blob(stmt_.get(), index);
  int n = sqlite3_column_bytes(stmt_.get(), index);
  if (p == nullptr) return {};
  return {static_cast<const char*>(p), static_cast<size_t>(n)};
}

Value Statement::ColumnValue(int index) const {
  switch (ColumnType(index)) {
    case ValueType::kNull:
      return Value::Null();
    case ValueType::kInteger:
      return Value::Integer(ColumnInteger(index));
    case ValueType::kReal:
      return Value::Real(ColumnReal(index));
    case ValueType::kText:
      return Value::Text(std::string(ColumnText(index)));
    case ValueType::kBlob:
      return Value::Blob(std::string(ColumnBlob(index)));
  }
  return Value::Null();
}

// ---- Database --------------------------------------------------------------------------

Database::Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

namespace {
// Once per process, before SQLite initialises: no memory statistics, which otherwise take a
// global mutex on every allocation (measurable in bulk ingest). Later calls are harmless.
void ConfigureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}
}  // namespace

Result<Database> Database::OpenMemory() {
  ConfigureSqliteOnce();
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(
      ":memory:", &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
      nullptr);
  Database db(raw, ":memory:");
  if (rc != SQLITE_OK) {
    return MakeError(ErrorCode::kStore, std::string("cannot open an in-memory database: ") +
                                            (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  return db;
}

Result<Database> Database::Open(const std::string& path, Mode mode) {
  ConfigureSqliteOnce();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return MakeError(ErrorCode::kNotFound, "no store here", path);
    return MakeError(ErrorCode::kIo, std::string("cannot stat: ") + std::strerror(errno), path);
  }
  auto plan = PlanOpen(path, mode == Mode::kReadWrite);
  if (!plan) return plan.error();
  const int flags = plan->flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(plan->name.c_str(), &raw, flags, nullptr);
  // sqlite3_open_v2 hands back a handle even on failure: own it before checking.
  Database db(raw, path);
  if (rc != SQLITE_OK) {
    return MakeError(
        ErrorCode::kStore,
        std::string("cannot open store: ") + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)),
        path);
  }
  if (plan->query_only) {
    if (Status s = db.Exec("PRAGMA query_only = ON", "open the store for reading"); !s.ok()) {
      return s.error();
    }
  }
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Error Database::StoreError(int rc, std::string_view purpose) const {
  std::string msg = db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(rc);
  return MakeError(ErrorCode::kStore, msg, std::string(purpose) + " (" + path_ + ")");
}

Status Database::Exec(std::string_view sql, std::string_view purpose) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return MakeError(ErrorCode::kStore, msg, std::string(purpose) + " (" + path_ + ")");
  }
  return {};
}

Result<Statement> Database::Prepare(std::string_view sql, std::string_view purpose) {
  sqlite3_stmt* stmt = nullptr;
  if (sql.size() > static_cast<size_t>(INT_MAX)) {
    return MakeError(ErrorCode::kInternal, "SQL text too long", std::string(purpose));
  }
  int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  Statement owned(stmt, db_.get(), std::string(purpose) + " (" + path_ + ")");
  if (rc != SQLITE_OK) return StoreError(rc, purpose);
  return owned;
}

Result<int64_t> Database::QueryInteger(std::string_view sql, std::string_view purpose,
                                       int64_t fallback) {
  auto stmt = Prepare(sql, purpose);
  if (!stmt) return stmt.error();
  auto row = stmt->Step();
  if (!row) return row.error();
  if (!*row || stmt->ColumnType(0) == ValueType::kNull) return fallback;
  return stmt->ColumnInteger(0);
}

int64_t Database::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_.get()); }

int64_t Database::Changes() const { return sqlite3_changes64(db_.get()); }

// ---- Transaction -----------------------------------------------------------------------

Result<Transaction> Transaction::Begin(Database& db, Kind kind) {
  Status s =
      db.Exec(kind == Kind::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED", "begin transaction");
  if (!s.ok()) return s.error();
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->Exec("ROLLBACK", "roll back transaction");
}

Status Transaction::Commit() {
  if (db_ == nullptr) return MakeError(ErrorCode::kInternal, "commit of a finished transaction");
  Status s = db_->Exec("COMMIT", "commit transaction");
  if (s.ok()) db_ = nullptr;  // on failure the destructor still rolls back
  return s;
}

}  // namespace vigil::store
