#pragma once
// The store's schema must be exactly the one this vigil creates (vigil-store(5), SCHEMA): a
// trigger, view, index or column that vigil did not create could drop, hide or alter rows
// behind the chain's back. The reference is a fresh in-memory store migrated to the same
// user_version, so a store of an older version is compared with what that version was.

#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace vigil::store {

struct SchemaDifference {
  std::string type;   // table, index, trigger or view
  std::string name;   // the object's name
  std::string table;  // the table it belongs to
  std::string what;   // one sentence: "unexpected trigger t on events: CREATE TRIGGER ..."
};

// How the store's sqlite_schema differs from a fresh store's of the same user_version
// (ignoring root pages, white space inside the SQL text, and the statistics tables sqlite_stat1
// to sqlite_stat4 that ANALYZE keeps). Empty when they are equal.
Result<std::vector<SchemaDifference>> SchemaDifferences(Database& db);

// kStore naming what differs (the first few differences), for writing commands.
Status CheckSchema(Database& db);

}  // namespace vigil::store
