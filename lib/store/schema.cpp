#include "store/schema.h"

#include <string>

namespace vigil::store {
namespace {

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

// Version 8: a batch records the time zone its zone-less times were read in (vigil-ingest(1)
// --timezone), and an event the fields an analyst decides its kind by (core/event_details.h),
// which reports read instead of re-parsing the raw record. Nullable columns appended at the
// end, so the encoding of rows written before is unchanged; in those rows they are NULL (their
// zone-less times were read as UTC; their reports show no such fields).
constexpr std::string_view kMigrationV8 = R"sql(
ALTER TABLE batches ADD COLUMN timezone TEXT;
ALTER TABLE events ADD COLUMN details TEXT;
)sql";

struct Migration {
  int to_version;
  std::string_view sql;
};

constexpr Migration kMigrations[] = {{1, kMigrationV1}, {2, kMigrationV2}, {3, kMigrationV3},
                                     {4, kMigrationV4}, {5, kMigrationV5}, {6, kMigrationV6},
                                     {7, kMigrationV7}, {8, kMigrationV8}};

}  // namespace

Result<int> SchemaVersionOf(Database& db) {
  auto v = db.QueryInteger("PRAGMA user_version", "read schema version");
  if (!v) return v.error();
  return static_cast<int>(*v);
}

Status Migrate(Database& db) { return MigrateTo(db, kSchemaVersion); }

namespace {

// Applies the one migration from `version` to the next, in the caller's transaction.
Status MigrateOneStep(Database& db, int version) {
  const Migration* step = nullptr;
  for (const Migration& m : kMigrations) {
    if (m.to_version == version + 1) step = &m;
  }
  if (step == nullptr) {
    return MakeError(ErrorCode::kInternal,
                     "no migration from schema version " + std::to_string(version));
  }
  Status s = db.Exec(step->sql, "migrate schema to version " + std::to_string(step->to_version));
  if (!s.ok()) return s;
  return db.Exec("PRAGMA user_version = " + std::to_string(step->to_version), "set schema version");
}

}  // namespace

Status MigrateWithin(Database& db) {
  for (;;) {
    auto version = SchemaVersionOf(db);
    if (!version) return version.error();
    if (*version >= kSchemaVersion) return {};
    if (Status s = MigrateOneStep(db, *version); !s.ok()) return s;
  }
}

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
    Status s = MigrateOneStep(db, *version);
    if (s.ok()) s = tx->Commit();
    if (!s.ok()) return s;
  }
}

}  // namespace vigil::store
