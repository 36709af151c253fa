#include "store/schema.h"

#include <string>

namespace vigil::store {
namespace {

using T = ValueType;

// Schema version 1. Chained tables are STRICT (no type coercion, see store/value.h) and use
// AUTOINCREMENT so that sqlite_sequence remembers the highest id ever given: an id is never
// reused, and `vigil verify` compares the chain's counter with its head to spot a cut tail.
// Migrations are append-only: never edit a released step, add the next one.
constexpr std::string_view kMigrationV1 = R"sql(
CREATE TABLE meta(
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE chain(
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  tbl         TEXT NOT NULL,
  row_id      INTEGER NOT NULL,
  record_hash BLOB NOT NULL,
  chain_hash  BLOB NOT NULL
) STRICT;
CREATE UNIQUE INDEX chain_by_row ON chain(tbl, row_id);

CREATE TABLE batches(
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  started_us    INTEGER NOT NULL,
  command       TEXT NOT NULL,
  source        TEXT,
  vigil_version TEXT NOT NULL
) STRICT;

CREATE TABLE events(
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  batch_id         INTEGER NOT NULL REFERENCES batches(id),
  ts_us            INTEGER NOT NULL,
  source_format    TEXT NOT NULL,
  source_file      TEXT,
  source_line      INTEGER,
  source_offset    INTEGER,
  record_key       BLOB NOT NULL,
  event_kind       TEXT,
  event_category   TEXT,
  event_type       TEXT,
  event_outcome    TEXT,
  event_action     TEXT,
  event_severity   TEXT,
  user_name        TEXT,
  source_ip        TEXT,
  source_port      INTEGER,
  destination_ip   TEXT,
  destination_port INTEGER,
  network_protocol TEXT,
  host_name        TEXT,
  source_bytes     INTEGER,
  destination_bytes INTEGER,
  url              TEXT,
  domain           TEXT,
  email_from       TEXT,
  email_subject    TEXT,
  process_name     TEXT,
  message          TEXT,
  fields           TEXT,
  raw              BLOB NOT NULL
) STRICT;
CREATE UNIQUE INDEX events_by_key ON events(record_key);
CREATE INDEX events_by_time ON events(ts_us);

CREATE TABLE quarantine(
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  batch_id      INTEGER NOT NULL REFERENCES batches(id),
  received_us   INTEGER NOT NULL,
  source_format TEXT,
  source_file   TEXT,
  source_line   INTEGER,
  source_offset INTEGER,
  reason        TEXT NOT NULL,
  raw           BLOB NOT NULL
) STRICT;

CREATE TABLE incidents(
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  created_us  INTEGER NOT NULL,
  rule_id     TEXT NOT NULL,
  title       TEXT NOT NULL,
  first_ts_us INTEGER NOT NULL,
  last_ts_us  INTEGER NOT NULL,
  group_key   TEXT,
  details     TEXT
) STRICT;

CREATE TABLE incident_events(
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  event_id    INTEGER NOT NULL REFERENCES events(id),
  role        TEXT
) STRICT;
CREATE INDEX incident_events_by_incident ON incident_events(incident_id);

CREATE TABLE scores(
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  scored_us   INTEGER NOT NULL,
  severity    TEXT NOT NULL,
  risk        INTEGER NOT NULL,
  anomaly     REAL,
  components  TEXT,
  techniques  TEXT,
  model       TEXT
) STRICT;

CREATE TABLE reviews(
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  reviewed_us INTEGER NOT NULL,
  analyst     TEXT NOT NULL,
  decision    TEXT NOT NULL,
  note        TEXT
) STRICT;

CREATE TABLE alerts(
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER REFERENCES incidents(id),
  created_us  INTEGER NOT NULL,
  channel     TEXT NOT NULL,
  destination TEXT,
  payload     TEXT NOT NULL,
  status      TEXT NOT NULL
) STRICT;

CREATE TABLE reports(
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER REFERENCES incidents(id),
  created_us  INTEGER NOT NULL,
  format      TEXT NOT NULL,
  path        TEXT,
  sha256      BLOB NOT NULL
) STRICT;

CREATE TABLE checkpoints(
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  created_us INTEGER NOT NULL,
  size       INTEGER NOT NULL,
  head       BLOB NOT NULL,
  key        TEXT NOT NULL,
  note       TEXT NOT NULL
) STRICT;
)sql";

// Version 2: quarantined records get a key like events, so re-reading a file does not
// quarantine its bad records twice. A nullable column appended at the end leaves every
// existing row's hash valid (vigil-store(5): trailing NULLs are not encoded).
constexpr std::string_view kMigrationV2 = R"sql(
ALTER TABLE quarantine ADD COLUMN record_key BLOB;
CREATE UNIQUE INDEX quarantine_by_key ON quarantine(record_key);
)sql";

// Version 3: correlation (vigil-correlate(1)). Incidents are append-only evidence: an incident
// that grows in a later run gets new incident_events rows and an incident_updates row, never
// an UPDATE. correlate_runs records what each run read (its watermark for the next run);
// first_seen keeps what first_seen rules have seen (keyed hashes, one row per rule and run),
// so later runs need not re-read the whole history.
constexpr std::string_view kMigrationV3 = R"sql(
CREATE TABLE correlate_runs(
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  started_us        INTEGER NOT NULL,
  rules_digest      TEXT NOT NULL,
  last_event_id     INTEGER NOT NULL,
  last_ts_us        INTEGER NOT NULL,
  events_read       INTEGER NOT NULL,
  incidents_new     INTEGER NOT NULL,
  incidents_updated INTEGER NOT NULL
) STRICT;

CREATE TABLE incident_updates(
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  run_id      INTEGER NOT NULL REFERENCES correlate_runs(id),
  last_ts_us  INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  details     TEXT
) STRICT;
CREATE INDEX incident_updates_by_incident ON incident_updates(incident_id);

CREATE TABLE first_seen(
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id  INTEGER NOT NULL REFERENCES correlate_runs(id),
  rule_id TEXT NOT NULL,
  entries INTEGER NOT NULL,
  state   BLOB NOT NULL
) STRICT;

CREATE INDEX incidents_by_rule_group ON incidents(rule_id, group_key);
CREATE UNIQUE INDEX incident_events_unique ON incident_events(incident_id, event_id);
CREATE INDEX incident_events_by_event ON incident_events(event_id);
)sql";

// Version 4: scoring (vigil-score(1)). score_runs records each run (its watermark, config
// digest and model); models holds the trained Isolation Forest; event_scores gives each event
// its risk, severity, anomaly and threat label (a later run appends a row only when an
// event's values change: the newest row per event is current); profiles are behaviour
// snapshots per user and source IP. scores gains the run that wrote it, a nullable column at
// the end, so the encoding of rows written before is unchanged.
constexpr std::string_view kMigrationV4 = R"sql(
CREATE TABLE score_runs(
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  started_us      INTEGER NOT NULL,
  config_digest   TEXT NOT NULL,
  model_id        INTEGER,
  last_event_id   INTEGER NOT NULL,
  events_scored   INTEGER NOT NULL,
  incidents_scored INTEGER NOT NULL,
  profiles_written INTEGER NOT NULL
) STRICT;

CREATE TABLE models(
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  created_us  INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  features    TEXT NOT NULL,
  trained_on  INTEGER NOT NULL,
  params      TEXT NOT NULL,
  model       BLOB NOT NULL
) STRICT;

CREATE TABLE event_scores(
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id  INTEGER NOT NULL REFERENCES events(id),
  run_id    INTEGER NOT NULL REFERENCES score_runs(id),
  risk      INTEGER NOT NULL,
  severity  TEXT NOT NULL,
  anomaly   REAL,
  label     TEXT NOT NULL,
  flags     TEXT
) STRICT;
CREATE INDEX event_scores_by_event ON event_scores(event_id);

CREATE TABLE profiles(
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id  INTEGER NOT NULL REFERENCES score_runs(id),
  kind    TEXT NOT NULL,
  entity  TEXT NOT NULL,
  data    TEXT NOT NULL
) STRICT;
CREATE INDEX profiles_by_entity ON profiles(kind, entity);

ALTER TABLE scores ADD COLUMN run_id INTEGER REFERENCES score_runs(id);
CREATE INDEX scores_by_incident ON scores(incident_id);
)sql";

// Version 5: alerting (vigil-alert(1)). alert_runs records what each run read (watermarks
// over events, scores and event_scores) and what it raised; alert_deliveries records every
// delivery attempt of an alert (alerts rows stay as written): an alert with no successful
// attempt is pending and retried by the next run.
constexpr std::string_view kMigrationV5 = R"sql(
CREATE TABLE alert_runs(
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  started_us          INTEGER NOT NULL,
  config_digest       TEXT NOT NULL,
  last_event_id       INTEGER NOT NULL,
  last_score_id       INTEGER NOT NULL,
  last_event_score_id INTEGER NOT NULL,
  alerts_raised       INTEGER NOT NULL,
  alerts_suppressed   INTEGER NOT NULL
) STRICT;

CREATE TABLE alert_deliveries(
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id     INTEGER NOT NULL REFERENCES alerts(id),
  attempted_us INTEGER NOT NULL,
  channel      TEXT NOT NULL,
  destination  TEXT,
  ok           INTEGER NOT NULL,
  detail       TEXT
) STRICT;
CREATE INDEX alert_deliveries_by_alert ON alert_deliveries(alert_id);
)sql";

// Version 6: an approval is bound to what was approved (vigil-review(1), WHAT A REVIEW
// COVERS). reviews gains the digest of the report's content as the analyst saw it, a nullable
// column at the end, so the encoding of rows written before is unchanged; their NULL digest
// reads "version not recorded".
constexpr std::string_view kMigrationV6 = R"sql(
ALTER TABLE reviews ADD COLUMN digest BLOB;
)sql";

// Version 7: an event stores its Sigma product and service and its source's country
// (formats/labels.h), which correlate and score read instead of re-parsing the raw record.
// Nullable columns appended at the end, so the encoding of rows written before is unchanged;
// in those rows all three are NULL and readers derive them as ingest would
// (formats/legacy_labels.h).
constexpr std::string_view kMigrationV7 = R"sql(
ALTER TABLE events ADD COLUMN product TEXT;
ALTER TABLE events ADD COLUMN service TEXT;
ALTER TABLE events ADD COLUMN source_country TEXT;
)sql";

struct Migration {
  int to_version;
  std::string_view sql;
};

constexpr Migration kMigrations[] = {{1, kMigrationV1}, {2, kMigrationV2}, {3, kMigrationV3},
                                     {4, kMigrationV4}, {5, kMigrationV5}, {6, kMigrationV6},
                                     {7, kMigrationV7}};

}  // namespace

const std::vector<TableDef>& ChainedTables() {
  static const std::vector<TableDef> kTables = {
      {"batches",
       {{"started_us", T::kInteger, true},
        {"command", T::kText, true},
        {"source", T::kText, false},
        {"vigil_version", T::kText, true}}},
      {"events",
       {{"batch_id", T::kInteger, true},
        {"ts_us", T::kInteger, true},
        {"source_format", T::kText, true},
        {"source_file", T::kText, false},
        {"source_line", T::kInteger, false},
        {"source_offset", T::kInteger, false},
        {"record_key", T::kBlob, true},
        {"event_kind", T::kText, false},
        {"event_category", T::kText, false},
        {"event_type", T::kText, false},
        {"event_outcome", T::kText, false},
        {"event_action", T::kText, false},
        {"event_severity", T::kText, false},
        {"user_name", T::kText, false},
        {"source_ip", T::kText, false},
        {"source_port", T::kInteger, false},
        {"destination_ip", T::kText, false},
        {"destination_port", T::kInteger, false},
        {"network_protocol", T::kText, false},
        {"host_name", T::kText, false},
        {"source_bytes", T::kInteger, false},
        {"destination_bytes", T::kInteger, false},
        {"url", T::kText, false},
        {"domain", T::kText, false},
        {"email_from", T::kText, false},
        {"email_subject", T::kText, false},
        {"process_name", T::kText, false},
        {"message", T::kText, false},
        {"fields", T::kText, false},
        {"raw", T::kBlob, true},
        {"product", T::kText, false},
        {"service", T::kText, false},
        {"source_country", T::kText, false}}},
      {"quarantine",
       {{"batch_id", T::kInteger, true},
        {"received_us", T::kInteger, true},
        {"source_format", T::kText, false},
        {"source_file", T::kText, false},
        {"source_line", T::kInteger, false},
        {"source_offset", T::kInteger, false},
        {"reason", T::kText, true},
        {"raw", T::kBlob, true},
        {"record_key", T::kBlob, false}}},
      {"incidents",
       {{"created_us", T::kInteger, true},
        {"rule_id", T::kText, true},
        {"title", T::kText, true},
        {"first_ts_us", T::kInteger, true},
        {"last_ts_us", T::kInteger, true},
        {"group_key", T::kText, false},
        {"details", T::kText, false}}},
      {"incident_events",
       {{"incident_id", T::kInteger, true},
        {"event_id", T::kInteger, true},
        {"role", T::kText, false}}},
      {"scores",
       {{"incident_id", T::kInteger, true},
        {"scored_us", T::kInteger, true},
        {"severity", T::kText, true},
        {"risk", T::kInteger, true},
        {"anomaly", T::kReal, false},
        {"components", T::kText, false},
        {"techniques", T::kText, false},
        {"model", T::kText, false},
        {"run_id", T::kInteger, false}}},
      {"reviews",
       {{"incident_id", T::kInteger, true},
        {"reviewed_us", T::kInteger, true},
        {"analyst", T::kText, true},
        {"decision", T::kText, true},
        {"note", T::kText, false},
        {"digest", T::kBlob, false}}},
      {"alerts",
       {{"incident_id", T::kInteger, false},
        {"created_us", T::kInteger, true},
        {"channel", T::kText, true},
        {"destination", T::kText, false},
        {"payload", T::kText, true},
        {"status", T::kText, true}}},
      {"reports",
       {{"incident_id", T::kInteger, false},
        {"created_us", T::kInteger, true},
        {"format", T::kText, true},
        {"path", T::kText, false},
        {"sha256", T::kBlob, true}}},
      {"checkpoints",
       {{"created_us", T::kInteger, true},
        {"size", T::kInteger, true},
        {"head", T::kBlob, true},
        {"key", T::kText, true},
        {"note", T::kText, true}}},
      {"correlate_runs",
       {{"started_us", T::kInteger, true},
        {"rules_digest", T::kText, true},
        {"last_event_id", T::kInteger, true},
        {"last_ts_us", T::kInteger, true},
        {"events_read", T::kInteger, true},
        {"incidents_new", T::kInteger, true},
        {"incidents_updated", T::kInteger, true}}},
      {"incident_updates",
       {{"incident_id", T::kInteger, true},
        {"run_id", T::kInteger, true},
        {"last_ts_us", T::kInteger, true},
        {"event_count", T::kInteger, true},
        {"details", T::kText, false}}},
      {"first_seen",
       {{"run_id", T::kInteger, true},
        {"rule_id", T::kText, true},
        {"entries", T::kInteger, true},
        {"state", T::kBlob, true}}},
      {"score_runs",
       {{"started_us", T::kInteger, true},
        {"config_digest", T::kText, true},
        {"model_id", T::kInteger, false},
        {"last_event_id", T::kInteger, true},
        {"events_scored", T::kInteger, true},
        {"incidents_scored", T::kInteger, true},
        {"profiles_written", T::kInteger, true}}},
      {"models",
       {{"created_us", T::kInteger, true},
        {"kind", T::kText, true},
        {"features", T::kText, true},
        {"trained_on", T::kInteger, true},
        {"params", T::kText, true},
        {"model", T::kBlob, true}}},
      {"event_scores",
       {{"event_id", T::kInteger, true},
        {"run_id", T::kInteger, true},
        {"risk", T::kInteger, true},
        {"severity", T::kText, true},
        {"anomaly", T::kReal, false},
        {"label", T::kText, true},
        {"flags", T::kText, false}}},
      {"profiles",
       {{"run_id", T::kInteger, true},
        {"kind", T::kText, true},
        {"entity", T::kText, true},
        {"data", T::kText, true}}},
      {"alert_runs",
       {{"started_us", T::kInteger, true},
        {"config_digest", T::kText, true},
        {"last_event_id", T::kInteger, true},
        {"last_score_id", T::kInteger, true},
        {"last_event_score_id", T::kInteger, true},
        {"alerts_raised", T::kInteger, true},
        {"alerts_suppressed", T::kInteger, true}}},
      {"alert_deliveries",
       {{"alert_id", T::kInteger, true},
        {"attempted_us", T::kInteger, true},
        {"channel", T::kText, true},
        {"destination", T::kText, false},
        {"ok", T::kInteger, true},
        {"detail", T::kText, false}}},
  };
  return kTables;
}

const TableDef* FindChainedTable(std::string_view name) {
  for (const TableDef& t : ChainedTables()) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

Result<int> SchemaVersionOf(Database& db) {
  auto v = db.QueryInteger("PRAGMA user_version", "read schema version");
  if (!v) return v.error();
  return static_cast<int>(*v);
}

Status Migrate(Database& db) { return MigrateTo(db, kSchemaVersion); }

Status MigrateTo(Database& db, int target) {
  for (;;) {
    auto tx = Transaction::Begin(db, Transaction::Kind::kImmediate);
    if (!tx) return tx.error();
    // Read the version inside the write lock: a concurrent vigil may have just migrated.
    auto version = SchemaVersionOf(db);
    if (!version) return version.error();
    if (*version > kSchemaVersion) {
      return MakeError(ErrorCode::kStore,
                       "store schema version " + std::to_string(*version) +
                           " is newer than this vigil understands (" +
                           std::to_string(kSchemaVersion) + "); use a newer vigil",
                       db.path());
    }
    if (*version >= target) return tx->Commit();
    const Migration* step = nullptr;
    for (const Migration& m : kMigrations) {
      if (m.to_version == *version + 1) step = &m;
    }
    if (step == nullptr) {
      return MakeError(ErrorCode::kInternal,
                       "no migration from schema version " + std::to_string(*version));
    }
    Status s = db.Exec(step->sql, "migrate schema to version " + std::to_string(step->to_version));
    if (!s.ok()) return s;
    s = db.Exec("PRAGMA user_version = " + std::to_string(step->to_version), "set schema version");
    if (!s.ok()) return s;
    s = tx->Commit();
    if (!s.ok()) return s;
  }
}

}  // namespace vigil::store
