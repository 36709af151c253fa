#include "support/populate.h"

#include <cstdio>
#include <vector>

#include "core/time.h"
#include "store/canonical.h"
#include "store/chain.h"
#include "store/store.h"

namespace vigil::testing {
namespace {

using store::Value;

// splitmix64: small, seedable, and the same on every platform.
struct Rng {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int64_t Below(int64_t n) { return static_cast<int64_t>(Next() % static_cast<uint64_t>(n)); }
};

std::string Ip(Rng& rng, bool internal) {
  char buf[32];
  if (internal) {
    std::snprintf(buf, sizeof buf, "10.%d.%d.%d", static_cast<int>(rng.Below(8)),
                  static_cast<int>(rng.Below(256)), static_cast<int>(1 + rng.Below(254)));
  } else {
    std::snprintf(buf, sizeof buf, "%d.%d.%d.%d", static_cast<int>(20 + rng.Below(180)),
                  static_cast<int>(rng.Below(256)), static_cast<int>(rng.Below(256)),
                  static_cast<int>(1 + rng.Below(254)));
  }
  return buf;
}

Status AppendEvents(store::Database& db, const PopulateOptions& o, int64_t batch_id, int64_t first,
                    int64_t count, Rng& rng) {
  static const char* kActions[] = {"login_success",      "login_failure", "connection_allowed",
                                   "connection_blocked", "http_request",  "email_delivered"};
  static const char* kSources[] = {"auth", "firewall", "proxy", "email"};
  auto tx = store::Transaction::Begin(db, store::Transaction::Kind::kImmediate);
  if (!tx) return tx.error();
  auto writer = store::ChainWriter::Begin(db);
  if (!writer) return writer.error();
  std::vector<Value> row;
  for (int64_t i = first; i < first + count; ++i) {
    const int64_t ts = 1794700800000000 + i * 600000 + rng.Below(600000);  // 2026-11-14 on
    const char* action = kActions[rng.Below(6)];
    const char* source = kSources[rng.Below(4)];
    const std::string user = "user" + std::to_string(rng.Below(2000));
    const std::string src = Ip(rng, rng.Below(4) != 0);
    const std::string dst = Ip(rng, rng.Below(3) == 0);
    const int64_t port = rng.Below(4) == 0 ? 22 : 443;
    const int64_t bytes_out = rng.Below(200000);
    const std::string message = std::string(action) + " for " + user + " from " + src + " to " +
                                dst + ":" + std::to_string(port) + " via " + source;
    char raw[768];
    std::snprintf(raw, sizeof raw,
                  "{\"ts\":\"%s\",\"source\":\"%s\",\"event_type\":\"%s\",\"user\":\"%s\","
                  "\"src_ip\":\"%s\",\"dst_ip\":\"%s\",\"dst_port\":%lld,\"bytes_out\":%lld,"
                  "\"host\":\"ws-%04lld\",\"message\":\"%s\"}",
                  FormatUtc(ts).c_str(), source, action, user.c_str(), src.c_str(), dst.c_str(),
                  static_cast<long long>(port), static_cast<long long>(bytes_out),
                  static_cast<long long>(rng.Below(3000)), message.c_str());
    std::string key(16, '\0');
    uint64_t a = rng.Next(), b = static_cast<uint64_t>(i) ^ o.seed;
    for (int k = 0; k < 8; ++k) {
      key[static_cast<size_t>(k)] = static_cast<char>(a >> (8 * k));
      key[static_cast<size_t>(8 + k)] = static_cast<char>(b >> (8 * k));
    }
    row = {Value::Integer(batch_id),
           Value::Integer(ts),
           Value::Text("ndjson"),
           Value::Text("synthetic.ndjson"),
           Value::Integer(i + 1),
           Value::Null(),
           Value::Blob(key),
           Value::Text("event"),
           Value::Text(port == 22 ? "authentication" : "network"),
           Value::Text("info"),
           Value::Text(action[6] == 'f' ? "failure" : "success"),
           Value::Text(action),
           Value::Null(),
           Value::Text(user),
           Value::Text(src),
           Value::Integer(1024 + rng.Below(60000)),
           Value::Text(dst),
           Value::Integer(port),
           Value::Text("tcp"),
           Value::Text("ws-" + std::to_string(rng.Below(3000))),
           Value::Null(),
           Value::Integer(bytes_out),
           Value::Null(),
           Value::Null(),
           Value::Null(),
           Value::Null(),
           Value::Null(),
           Value::Text(message),
           Value::Null(),
           Value::Blob(raw),
           Value::Null(),  // product, service, source_country: as a row of schema 6
           Value::Null(),
           Value::Null(),
           Value::Null()};  // details (schema 8)
    auto id = writer->Append("events", row);
    if (!id) return id.error();
  }
  return tx->Commit();
}

// An alert run that raised one alert (not tied to an incident) and its delivery, so that every
// chained table has a row to tamper with. Written before the incidents: the store's tail stays
// the last incident's rows, which the verifier's tests cut.
Status AppendAlertRun(store::Database& db, int64_t events) {
  auto tx = store::Transaction::Begin(db, store::Transaction::Kind::kImmediate);
  if (!tx) return tx.error();
  auto writer = store::ChainWriter::Begin(db);
  if (!writer) return writer.error();
  const int64_t t = 1794790000000000;
  auto alert = writer->Append(
      "alerts", {Value::Null(), Value::Integer(t), Value::Text("vigil-alert"), Value::Null(),
                 Value::Text("{\"triggers\":[\"burst\"]}"), Value::Text("raised")});
  if (!alert) return alert.error();
  auto delivery = writer->Append(
      "alert_deliveries", {Value::Integer(*alert), Value::Integer(t + 1), Value::Text("exec"),
                           Value::Text("notify-team"), Value::Integer(1), Value::Text("exit 0")});
  if (!delivery) return delivery.error();
  auto run = writer->Append(
      "alert_runs", {Value::Integer(t), Value::Text("00"), Value::Integer(events),
                     Value::Integer(0), Value::Integer(0), Value::Integer(1), Value::Integer(0)});
  if (!run) return run.error();
  return tx->Commit();
}

Status AppendIncidents(store::Database& db, int64_t count, int64_t events, Rng& rng) {
  auto tx = store::Transaction::Begin(db, store::Transaction::Kind::kImmediate);
  if (!tx) return tx.error();
  auto writer = store::ChainWriter::Begin(db);
  if (!writer) return writer.error();
  for (int64_t i = 0; i < count; ++i) {
    const int64_t t = 1794800000000000 + i * 1000000;
    auto incident =
        writer->Append("incidents", {Value::Integer(t), Value::Text("brute_force"),
                                     Value::Text("Brute force against user" + std::to_string(i)),
                                     Value::Integer(t - 300000000), Value::Integer(t),
                                     Value::Text("10.0.0.9"), Value::Text("{\"failures\":12}")});
    if (!incident) return incident.error();
    // Three distinct events (incident_events is unique per incident and event).
    const int64_t base = events > 0 ? rng.Below(events) : 0;
    for (int64_t k = 0; k < 3 && k < events; ++k) {
      auto link = writer->Append(
          "incident_events", {Value::Integer(*incident), Value::Integer(1 + (base + k) % events),
                              Value::Text("evidence")});
      if (!link) return link.error();
    }
    auto score = writer->Append(
        "scores",
        {Value::Integer(*incident), Value::Integer(t + 1), Value::Text("High"),
         Value::Integer(70 + rng.Below(30)), Value::Real(0.61 + 0.01 * static_cast<double>(i)),
         Value::Text("{\"volume\":30}"), Value::Text("[\"T1110\"]"), Value::Null(), Value::Null()});
    if (!score) return score.error();
    auto review = writer->Append(
        "reviews", {Value::Integer(*incident), Value::Integer(t + 2), Value::Text("analyst1"),
                    Value::Text("approved"), Value::Text("confirmed with the user"),
                    Value::Null()});  // no digest: encoded as a row of schema 5 was
    if (!review) return review.error();
    auto alert = writer->Append("alerts", {Value::Integer(*incident), Value::Integer(t + 3),
                                           Value::Text("file"), Value::Text("alerts.ndjson"),
                                           Value::Text("{\"incident\":1}"), Value::Text("sent")});
    if (!alert) return alert.error();
    auto report = writer->Append(
        "reports", {Value::Integer(*incident), Value::Integer(t + 4), Value::Text("pdf"),
                    Value::Text("report.pdf"), Value::Blob(std::string(32, '\x5a'))});
    if (!report) return report.error();
  }
  return tx->Commit();
}

}  // namespace

Status Populate(const std::string& db_path, const PopulateOptions& o) {
  auto db = store::OpenStore(db_path, store::StoreAccess::kCreate);
  if (!db) return db.error();
  Rng rng{o.seed};
  int64_t batch_id = 0;
  {
    auto tx = store::Transaction::Begin(*db, store::Transaction::Kind::kImmediate);
    if (!tx) return tx.error();
    auto writer = store::ChainWriter::Begin(*db);
    if (!writer) return writer.error();
    auto id = writer->Append("batches",
                             {Value::Integer(1794700800000000), Value::Text("populate"),
                              Value::Text("synthetic.ndjson"), Value::Text("test"), Value::Null()});
    if (!id) return id.error();
    batch_id = *id;
    Status s = tx->Commit();
    if (!s.ok()) return s;
  }
  for (int64_t first = 0; first < o.events; first += o.batch_size) {
    Status s = AppendEvents(*db, o, batch_id, first, std::min(o.batch_size, o.events - first), rng);
    if (!s.ok()) return s;
  }
  if (o.incidents > 0) {
    Status s = AppendAlertRun(*db, o.events);
    if (!s.ok()) return s;
  }
  return AppendIncidents(*db, o.incidents, o.events, rng);
}

Status EventsAsSchema6(const std::string& db_path) {
  auto db = store::OpenStore(db_path, store::StoreAccess::kWrite);
  if (!db) return db.error();
  auto tx = store::Transaction::Begin(*db, store::Transaction::Kind::kImmediate);
  if (!tx) return tx.error();
  Status s = db->Exec(
      "UPDATE events SET product = NULL, service = NULL, source_country = NULL, details = NULL; "
      "UPDATE batches SET timezone = NULL",
      "unlabel events");
  if (!s.ok()) return s;
  auto made = crypto::Sha256::Create();
  if (!made) return made.error();
  crypto::Sha256& sha = *made;
  store::CanonicalRow scratch;
  for (const std::string table : {"events", "batches"}) {
    auto rows = db->Prepare("SELECT * FROM " + table + " ORDER BY id", "read rows");
    auto seal = db->Prepare(
        "UPDATE chain SET record_hash = ?1 WHERE tbl = '" + table + "' AND row_id = ?2", "seal");
    if (!rows || !seal) return MakeError(ErrorCode::kStore, "prepare");
    for (;;) {
      auto more = rows->Step();
      if (!more) return more.error();
      if (!*more) break;
      std::vector<Value> values;
      for (int c = 1; c < rows->ColumnCount(); ++c) values.push_back(rows->ColumnValue(c));
      auto hash = store::RecordHashOf(table, values, sha, scratch);
      if (!hash) return hash.error();
      seal->Reset();
      if (!(s = seal->BindBlob(1, crypto::DigestBytes(*hash))).ok()) return s;
      if (!(s = seal->BindInteger(2, rows->ColumnInteger(0))).ok()) return s;
      if (auto done = seal->Step(); !done) return done.error();
    }
  }
  auto links = db->Prepare("SELECT seq, tbl, row_id, record_hash FROM chain ORDER BY seq", "read");
  auto relink = db->Prepare("UPDATE chain SET chain_hash = ?1 WHERE seq = ?2", "relink");
  if (!links || !relink) return MakeError(ErrorCode::kStore, "prepare");
  crypto::Digest prev{};
  std::string link_scratch;
  std::vector<std::pair<int64_t, crypto::Digest>> hashes;
  for (;;) {
    auto more = links->Step();
    if (!more) return more.error();
    if (!*more) break;
    crypto::Digest record{};
    const std::string_view bytes = links->ColumnBlob(3);
    std::copy(bytes.begin(), bytes.end(), record.begin());
    prev = store::ChainLinkHash(sha, link_scratch, prev, links->ColumnInteger(0),
                                links->ColumnText(1), links->ColumnInteger(2), record);
    hashes.emplace_back(links->ColumnInteger(0), prev);
  }
  for (const auto& [seq, hash] : hashes) {
    relink->Reset();
    if (!(s = relink->BindBlob(1, crypto::DigestBytes(hash))).ok()) return s;
    if (!(s = relink->BindInteger(2, seq)).ok()) return s;
    if (auto done = relink->Step(); !done) return done.error();
  }
  s = db->Exec(
      "ALTER TABLE events DROP COLUMN details; ALTER TABLE batches DROP COLUMN timezone; "
      "ALTER TABLE events DROP COLUMN source_country; ALTER TABLE events DROP COLUMN service; "
      "ALTER TABLE events DROP COLUMN product; PRAGMA user_version = 6;",
      "drop the columns of schema 7");
  if (!s.ok()) return s;
  return tx->Commit();
}

}  // namespace vigil::testing
