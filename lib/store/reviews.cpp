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

Result<std::vector<IncidentReview>> ReadAllReviews(Database& db) {
  auto st = db.Prepare(
      "SELECT incident_id, id, reviewed_us, analyst, decision, note FROM reviews ORDER BY id",
      "read the reviews");
  if (!st) return st.error();
  std::vector<IncidentReview> out;
  for (;;) {
    auto row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back({st->ColumnInteger(0),
                   ReviewRecord{st->ColumnInteger(1), st->ColumnInteger(2), Text(*st, 3),
                                Text(*st, 4), Text(*st, 5), std::nullopt}});
  }
  return out;
}

Result<std::optional<std::string>> SeverityAsOf(Database& db, int64_t incident_id, int64_t at_us) {
  auto st = db.Prepare(
      "SELECT severity FROM scores WHERE incident_id = ? AND scored_us <= ? ORDER BY id DESC "
      "LIMIT 1",
      "read an incident's severity when it was reviewed");
  if (!st) return st.error();
  if (Status s = st->BindInteger(1, incident_id); !s.ok()) return s.error();
  if (Status s = st->BindInteger(2, at_us); !s.ok()) return s.error();
  auto row = st->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(std::string(st->ColumnText(0)));
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
