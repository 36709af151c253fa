#include "store/reviews.h"

namespace vigil::store {
namespace {

std::string Text(const Statement& st, int i) {
  return st.ColumnType(i) == ValueType::kNull ? std::string() : std::string(st.ColumnText(i));
}

}  // namespace

Result<ReviewReader> ReviewReader::Open(Database& db) {
  auto n =
      db.QueryInteger("SELECT count(*) FROM pragma_table_info('reviews') WHERE name = 'digest'",
                      "look for reviews.digest");
  if (!n) return n.error();
  auto st = db.Prepare(std::string("SELECT id, reviewed_us, analyst, decision, note, ") +
                           (*n != 0 ? "digest" : "NULL") +
                           " FROM reviews WHERE incident_id = ? ORDER BY id",
                       "read an incident's reviews");
  if (!st) return st.error();
  return ReviewReader(std::move(st).value());
}

Result<std::vector<ReviewRecord>> ReviewReader::Of(int64_t incident_id) {
  st_.Reset();
  if (Status s = st_.BindInteger(1, incident_id); !s.ok()) return s.error();
  std::vector<ReviewRecord> out;
  for (;;) {
    auto row = st_.Step();
    if (!row) return row.error();
    if (!*row) break;
    ReviewRecord r{st_.ColumnInteger(0), st_.ColumnInteger(1), Text(st_, 2),
                   Text(st_, 3),         Text(st_, 4),         std::nullopt};
    if (st_.ColumnType(5) != ValueType::kNull) r.digest.emplace(st_.ColumnBlob(5));
    out.push_back(std::move(r));
  }
  st_.Reset();
  return out;
}

Result<std::optional<std::string>> NewestCheckpointNote(Database& db) {
  auto st = db.Prepare("SELECT note FROM checkpoints ORDER BY id DESC LIMIT 1",
                       "read the newest checkpoint");
  if (!st) return st.error();
  auto row = st->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(std::string(st->ColumnText(0)));
}

}  // namespace vigil::store
