#pragma once
// The store's tables (specified in vigil-store(5)) and its explicit migrations. The schema
// version lives in PRAGMA user_version; a store newer than this build is refused.

#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/database.h"
#include "store/value.h"

namespace vigil::store {

constexpr int kSchemaVersion = 8;

struct ColumnDef {
  const char* name;
  ValueType type;
  bool not_null;
};

// A table whose every row is sealed by a chain entry. `columns` are all columns after the
// INTEGER PRIMARY KEY `id`, in declaration order: the order of the canonical encoding.
struct TableDef {
  const char* name;
  std::vector<ColumnDef> columns;
};

// Every chained table, in the order vigil-store(5) lists them.
const std::vector<TableDef>& ChainedTables();
// nullptr if `name` is not a chained table.
const TableDef* FindChainedTable(std::string_view name);

// Creates the schema in an empty store or upgrades an older one, each step in its own
// transaction. kStore if the store's version is newer than kSchemaVersion.
Status Migrate(Database& db);

// Migrates to the current version inside the caller's transaction (a new store is created
// whole, with its identity, in one transaction: vigil-store(5)).
Status MigrateWithin(Database& db);
// Migrates only up to `version` (for tests of the migration path).
Status MigrateTo(Database& db, int version);

// PRAGMA user_version.
Result<int> SchemaVersionOf(Database& db);

}  // namespace vigil::store
