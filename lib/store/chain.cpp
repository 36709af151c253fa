#include "store/chain.h"

#include <sqlite3.h>

#include <cmath>

#include "store/schema.h"

namespace vigil::store {

Result<ChainHead> ReadHead(Database& db) {
  auto stmt =
      db.Prepare("SELECT seq, chain_hash FROM chain ORDER BY seq DESC LIMIT 1", "read chain head");
  if (!stmt) return stmt.error();
  auto row = stmt->Step();
  if (!row) return row.error();
  ChainHead head;
  if (!*row) return head;
  head.seq = stmt->ColumnInteger(0);
  auto digest = crypto::DigestFromBytes(stmt->ColumnBlob(1));
  if (!digest) {
    return MakeError(ErrorCode::kStore,
                     "chain head (seq " + std::to_string(head.seq) +
                         ") has a malformed hash; "
                         "run vigil verify",
                     db.path());
  }
  head.hash = *digest;
  return head;
}

namespace {

// Checks one row against its table (column count, types, NOT NULL, no NaN).
Status CheckRow(const TableDef& def, const std::vector<Value>& values) {
  if (values.size() != def.columns.size()) {
    return MakeError(ErrorCode::kInternal, std::string(def.name) + " takes " +
                                               std::to_string(def.columns.size()) +
                                               " values, not " + std::to_string(values.size()));
  }
  for (size_t i = 0; i < values.size(); ++i) {
    const ColumnDef& col = def.columns[i];
    const Value& v = values[i];
    if (v.type != col.type && !(v.type == ValueType::kNull && !col.not_null)) {
      return MakeError(ErrorCode::kInternal, std::string(def.name) + "." + col.name + " is " +
                                                 ValueTypeName(col.type) + ", not " +
                                                 ValueTypeName(v.type));
    }
    if (v.type == ValueType::kReal && std::isnan(v.real)) {
      // SQLite stores NaN as NULL: the hash of what was bound would never verify.
      return MakeError(ErrorCode::kInternal,
                       std::string(def.name) + "." + col.name + " cannot be NaN");
    }
  }
  return {};
}

// SQLite may keep an integral REAL as an integer and read -0.0 back as 0.0: bind and hash 0.0.
bool IsNegativeZero(const Value& v) {
  return v.type == ValueType::kReal && v.real == 0.0 && std::signbit(v.real);
}

void Encode(const std::vector<Value>& values, CanonicalRow& out) {
  out.Clear();
  for (const Value& v : values) {
    if (IsNegativeZero(v)) {
      out.AddReal(0.0);
    } else {
      out.Add(v);
    }
  }
}

}  // namespace

Result<crypto::Digest> RecordHashOf(std::string_view table, const std::vector<Value>& values,
                                    crypto::Sha256& sha, CanonicalRow& scratch) {
  const TableDef* def = FindChainedTable(table);
  if (def == nullptr) {
    return MakeError(ErrorCode::kInternal, "not a chained table: " + std::string(table));
  }
  Status s = CheckRow(*def, values);
  if (!s.ok()) return s.error();
  Encode(values, scratch);
  crypto::Digest d = sha.Hash(scratch.Bytes());
  if (!sha.ok()) return MakeError(ErrorCode::kCrypto, "SHA-256 failed while sealing a record");
  return d;
}

Result<ChainWriter> ChainWriter::Begin(Database& db) {
  auto head = ReadHead(db);
  if (!head) return head.error();
  auto sha = crypto::Sha256::Create();
  if (!sha) return sha.error();
  auto insert = db.Prepare(
      "INSERT INTO chain(seq, tbl, row_id, record_hash, chain_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
      "append chain entry");
  if (!insert) return insert.error();
  return ChainWriter(db, std::move(*sha), std::move(*insert), *head);
}

ChainWriter::ChainWriter(Database& db, crypto::Sha256 sha, Statement chain_insert, ChainHead head)
    : db_(&db), sha_(std::move(sha)), chain_insert_(std::move(chain_insert)), head_(head) {}

Result<Statement*> ChainWriter::InsertFor(std::string_view table, bool or_ignore) {
  auto& inserts = inserts_[or_ignore ? 1 : 0];
  auto it = inserts.find(table);
  if (it != inserts.end()) return &it->second;
  const TableDef* def = FindChainedTable(table);
  if (def == nullptr) {
    return MakeError(ErrorCode::kInternal, "not a chained table: " + std::string(table));
  }
  // Identifiers come from our own TableDef, never from input; values are bound.
  std::string sql =
      std::string(or_ignore ? "INSERT OR IGNORE INTO " : "INSERT INTO ") + def->name + "(";
  std::string params;
  for (size_t i = 0; i < def->columns.size(); ++i) {
    if (i > 0) {
      sql += ", ";
      params += ", ";
    }
    sql += def->columns[i].name;
    params += "?" + std::to_string(i + 1);
  }
  sql += ") VALUES (" + params + ")";
  auto stmt = db_->Prepare(sql, std::string("insert into ") + def->name);
  if (!stmt) return stmt.error();
  auto [pos, inserted] = inserts.emplace(std::string(table), std::move(*stmt));
  return &pos->second;
}

// Each insert must write exactly the one row it names: anything else means the store has a
// trigger or other object vigil did not create (OpenStore refuses such stores; this is the
// last line, for one altered while it was open).
Error ChainWriter::NotOneRow(std::string_view table, int64_t changes) const {
  return MakeError(ErrorCode::kStore,
                   "insert into " + std::string(table) + " wrote " + std::to_string(changes) +
                       " rows, not 1: the store's schema was altered (run vigil verify)",
                   db_->path());
}

Status ChainWriter::CheckRepeat(std::string_view table, const std::vector<Value>& values) {
  auto stmt = InsertFor(table, /*or_ignore=*/false);
  if (!stmt) return stmt.error();
  Statement& insert = **stmt;
  insert.Reset();
  for (size_t i = 0; i < values.size(); ++i) {
    Status s = insert.BindNoCopy(static_cast<int>(i + 1), values[i]);
    if (!s.ok()) return s;
  }
  auto done = insert.Step();
  const int rc = sqlite3_extended_errcode(db_->handle());
  insert.Reset();
  if (!done && (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)) return {};
  if (!done) return done.error();
  return NotOneRow(table, 0);
}

Result<int64_t> ChainWriter::Append(std::string_view table, const std::vector<Value>& values) {
  auto id = Insert(table, values, /*or_ignore=*/false, nullptr);
  if (!id) return id.error();
  if (!*id) return MakeError(ErrorCode::kInternal, "row was not inserted");
  return **id;
}

Result<std::optional<int64_t>> ChainWriter::AppendIfNew(std::string_view table,
                                                        const std::vector<Value>& values,
                                                        const crypto::Digest* record_hash) {
  return Insert(table, values, /*or_ignore=*/true, record_hash);
}

Result<std::optional<int64_t>> ChainWriter::Insert(std::string_view table,
                                                   const std::vector<Value>& values, bool or_ignore,
                                                   const crypto::Digest* record_hash) {
  const TableDef* def = FindChainedTable(table);
  if (def == nullptr) {
    return MakeError(ErrorCode::kInternal, "not a chained table: " + std::string(table));
  }
  Status checked = CheckRow(*def, values);
  if (!checked.ok()) return checked.error();
  auto stmt = InsertFor(table, or_ignore);
  if (!stmt) return stmt.error();
  Statement& insert = **stmt;
  insert.Reset();
  static const Value kZero = Value::Real(0.0);
  for (size_t i = 0; i < values.size(); ++i) {
    // The values outlive the Step below: no need for SQLite to copy them.
    const Value& bound = IsNegativeZero(values[i]) ? kZero : values[i];
    Status s = insert.BindNoCopy(static_cast<int>(i + 1), bound);
    if (!s.ok()) return s.error();
  }
  auto done = insert.Step();
  if (!done) return done.error();
  if (or_ignore && db_->Changes() == 0) {
    // NOT NULL and types were checked above, so this should be a UNIQUE repeat; a trigger's
    // RAISE(IGNORE) drops a row the same way. Only a repeat makes the plain insert fail.
    Status repeat = CheckRepeat(table, values);
    if (!repeat.ok()) return repeat.error();
    return std::optional<int64_t>();
  }
  if (db_->Changes() != 1) return NotOneRow(def->name, db_->Changes());
  int64_t row_id = db_->LastInsertRowid();

  crypto::Digest record{};
  if (record_hash != nullptr) {
    record = *record_hash;
  } else {
    Encode(values, canonical_);
    record = sha_.Hash(canonical_.Bytes());
  }
  int64_t seq = head_.seq + 1;
  crypto::Digest link = ChainLinkHash(sha_, scratch_, head_.hash, seq, def->name, row_id, record);
  if (!sha_.ok()) return MakeError(ErrorCode::kCrypto, "SHA-256 failed while sealing a record");

  chain_insert_.Reset();
  Status s = chain_insert_.BindInteger(1, seq);
  if (s.ok()) s = chain_insert_.BindText(2, def->name);
  if (s.ok()) s = chain_insert_.BindInteger(3, row_id);
  if (s.ok()) s = chain_insert_.BindBlob(4, crypto::DigestBytes(record));
  if (s.ok()) s = chain_insert_.BindBlob(5, crypto::DigestBytes(link));
  if (!s.ok()) return s.error();
  auto appended = chain_insert_.Step();
  if (!appended) return appended.error();
  if (db_->Changes() != 1) return NotOneRow("chain", db_->Changes());
  head_.seq = seq;
  head_.hash = link;
  return std::optional<int64_t>(row_id);
}

}  // namespace vigil::store
