#include "store/correlate_state.h"

#include "core/encoding.h"

namespace vigil::store {

Result<CorrelateRun> LastCorrelateRun(Database& db) {
  CorrelateRun prev;
  auto st = db.Prepare(
      "SELECT id, last_event_id, last_ts_us, rules_digest FROM correlate_runs "
      "ORDER BY id DESC LIMIT 1",
      "read the last correlate run");
  if (!st) return st.error();
  auto row = st->Step();
  if (!row) return row.error();
  if (*row) {
    prev.id = st->ColumnInteger(0);
    prev.last_event_id = st->ColumnInteger(1);
    prev.last_ts_us = st->ColumnInteger(2);
    prev.rules_digest = std::string(st->ColumnText(3));
  }
  return prev;
}

Result<int64_t> NewestEventId(Database& db) {
  return db.QueryInteger("SELECT max(id) FROM events", "find the newest event");
}

Result<EventSpan> EventsBetween(Database& db, int64_t after, int64_t upto) {
  auto st = db.Prepare("SELECT min(ts_us), count(*) FROM events WHERE id > ? AND id <= ?",
                       "find the new events");
  if (!st) return st.error();
  if (Status s = st->BindInteger(1, after); !s.ok()) return s.error();
  if (Status s = st->BindInteger(2, upto); !s.ok()) return s.error();
  if (auto row = st->Step(); !row) return row.error();
  return EventSpan{st->ColumnInteger(0), st->ColumnInteger(1)};
}

std::string EncodeSeen(const std::vector<SeenEntry>& entries) {
  std::string blob;
  blob.reserve(entries.size() * 17);
  for (const SeenEntry& e : entries) {
    blob.push_back(e.group ? 'g' : 'v');
    AppendU64Be(blob, e.hash);
    AppendU64Be(blob, static_cast<uint64_t>(e.first_us));
  }
  return blob;
}

Result<std::vector<SeenRow>> ReadFirstSeen(Database& db) {
  auto seen =
      db.Prepare("SELECT id, rule_id, state FROM first_seen ORDER BY id", "read first-seen state");
  if (!seen) return seen.error();
  std::vector<SeenRow> values;
  for (;;) {
    auto row = seen->Step();
    if (!row) return row.error();
    if (!*row) break;
    const std::string_view blob = seen->ColumnBlob(2);
    if (blob.size() % 17 != 0) {
      return MakeError(ErrorCode::kStore, "first-seen state has a bad length",
                       "first_seen row " + std::to_string(seen->ColumnInteger(0)));
    }
    SeenRow state{std::string(seen->ColumnText(1)), {}};
    state.entries.reserve(blob.size() / 17);
    for (size_t at = 0; at < blob.size(); at += 17) {
      uint64_t hash = 0, first_us = 0;
      for (size_t k = 0; k < 8; ++k) {
        hash = (hash << 8) | static_cast<uint8_t>(blob[at + 1 + k]);
        first_us = (first_us << 8) | static_cast<uint8_t>(blob[at + 9 + k]);
      }
      state.entries.push_back(SeenEntry{blob[at] == 'g', hash, static_cast<int64_t>(first_us)});
    }
    values.push_back(std::move(state));
  }
  return values;
}

Result<IncidentLookup> IncidentLookup::Open(Database& db) {
  auto find = db.Prepare(
      "SELECT i.id, max(i.last_ts_us, coalesce((SELECT max(u.last_ts_us) FROM "
      "incident_updates u WHERE u.incident_id = i.id), i.last_ts_us)) FROM incidents i "
      "WHERE i.rule_id = ? AND i.group_key = ? ORDER BY i.id DESC LIMIT 1",
      "find the incident to extend");
  if (!find) return find.error();
  auto count = db.Prepare("SELECT count(*) FROM incident_events WHERE incident_id = ?",
                          "count an incident's events");
  if (!count) return count.error();
  return IncidentLookup(std::move(find).value(), std::move(count).value());
}

Result<std::optional<IncidentLookup::Latest>> IncidentLookup::Find(std::string_view rule_id,
                                                                   std::string_view group_key) {
  find_.Reset();
  if (Status s = find_.BindText(1, rule_id); !s.ok()) return s.error();
  if (Status s = find_.BindText(2, group_key); !s.ok()) return s.error();
  auto row = find_.Step();
  if (!row) return row.error();
  std::optional<Latest> out;
  if (*row) out = Latest{find_.ColumnInteger(0), find_.ColumnInteger(1)};
  find_.Reset();
  return out;
}

Result<int64_t> IncidentLookup::EventCount(int64_t incident_id) {
  count_.Reset();
  if (Status s = count_.BindInteger(1, incident_id); !s.ok()) return s.error();
  auto counted = count_.Step();
  if (!counted) return counted.error();
  const int64_t n = count_.ColumnInteger(0);
  count_.Reset();
  return n;
}

}  // namespace vigil::store
