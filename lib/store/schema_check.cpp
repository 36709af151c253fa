#include "store/schema_check.h"

#include <cctype>
#include <map>
#include <tuple>

#include "store/schema.h"

namespace vigil::store {
namespace {

struct Object {
  std::string type;
  std::string table;
  std::string sql;
};

// White space runs become one space: SQLite keeps a CREATE statement's text as written.
std::string Normalise(std::string_view sql) {
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

Result<std::map<std::string, Object>> ReadSchema(Database& db) {
  auto stmt = db.Prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema", "read schema");
  if (!stmt) return stmt.error();
  std::map<std::string, Object> out;
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    std::string name(stmt->ColumnText(1));
    if (name.rfind("sqlite_stat", 0) == 0 && stmt->ColumnText(0) == "table") continue;
    out[name] = Object{std::string(stmt->ColumnText(0)), std::string(stmt->ColumnText(2)),
                       Normalise(stmt->ColumnText(3))};
  }
  return out;
}

// Keeps only printable ASCII and shortens: the text comes from a store that may be forged.
std::string Show(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (out.size() == 160) return out + "...";
    out += c >= 0x20 && c < 0x7F ? c : '?';
  }
  return out;
}

}  // namespace

Result<std::vector<SchemaDifference>> SchemaDifferences(Database& db) {
  auto version = SchemaVersionOf(db);
  if (!version) return version.error();
  auto reference_db = Database::OpenMemory();
  if (!reference_db) return reference_db.error();
  Status s = MigrateTo(*reference_db, *version);
  if (!s.ok()) return s.error();
  auto expected = ReadSchema(*reference_db);
  if (!expected) return expected.error();
  auto actual = ReadSchema(db);
  if (!actual) return actual.error();

  std::vector<SchemaDifference> out;
  for (const auto& [name, have] : *actual) {
    auto it = expected->find(name);
    if (it == expected->end()) {
      out.push_back({have.type, name, have.table,
                     "unexpected " + Show(have.type) + " " + Show(name) + " on " +
                         Show(have.table) + ": " + Show(have.sql)});
    } else if (std::tie(have.type, have.table, have.sql) !=
               std::tie(it->second.type, it->second.table, it->second.sql)) {
      out.push_back({have.type, name, have.table,
                     Show(it->second.type) + " " + Show(name) +
                         " differs from what vigil creates: " + Show(have.type) + " on " +
                         Show(have.table) + ": " + Show(have.sql)});
    }
  }
  for (const auto& [name, want] : *expected) {
    if (actual->count(name) == 0) {
      out.push_back({want.type, name, want.table, want.type + " " + name + " is missing"});
    }
  }
  return out;
}

Status CheckSchema(Database& db) {
  auto differences = SchemaDifferences(db);
  if (!differences) return differences.error();
  if (differences->empty()) return {};
  std::string message = "store schema differs from what vigil creates: ";
  for (size_t i = 0; i < differences->size() && i < 3; ++i) {
    if (i > 0) message += "; ";
    message += (*differences)[i].what;
  }
  if (differences->size() > 3) {
    message += "; and " + std::to_string(differences->size() - 3) + " more";
  }
  return MakeError(ErrorCode::kStore, message + " (vigil verify lists every difference)",
                   db.path());
}

}  // namespace vigil::store
