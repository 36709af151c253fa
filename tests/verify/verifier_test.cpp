// Every way of tampering that the store issue lists, done with the plain sqlite3 API as an
// attacker with write access would, and the exact answer `vigil verify` must give.
#include "verify/verifier.h"

#include <sqlite3.h>

#include <thread>

#include "core/file_io.h"
#include "core/time.h"
#include "crypto/signed_note.h"
#include "store/canonical.h"
#include "store/store.h"
#include "support/populate.h"
#include "support/test_support.h"
#include "verify/checkpoint.h"

using namespace vigil;
using verify::ProblemKind;
using vigil::testing::RawQueryInt;
using vigil::testing::RawSql;
using vigil::testing::TempDir;

namespace {

struct Fixture {
  TempDir dir;
  std::string path = dir.File("store.db");
  crypto::NoteSigner key = *crypto::GenerateSigner("soc-test");

  Fixture() {
    testing::PopulateOptions o;
    o.events = 200;
    o.incidents = 3;
    REQUIRE(testing::Populate(path, o).ok());
  }
  long long SeqOf(const std::string& table, long long row) const {
    return RawQueryInt(path, "SELECT seq FROM chain WHERE tbl = '" + table +
                                 "' AND row_id = " + std::to_string(row));
  }
  long long Head() const { return RawQueryInt(path, "SELECT max(seq) FROM chain"); }
  verify::SealSummary Seal(const crypto::NoteSigner& signer) const {
    auto db = store::OpenStore(path, store::StoreAccess::kWrite);
    REQUIRE(db.has_value());
    auto s = verify::Seal(*db, signer, 1795000000000000);
    REQUIRE(s.has_value());
    return *s;
  }
  verify::Summary Verify(std::vector<crypto::NoteVerifier> keys = {},
                         std::vector<std::string> detached = {}, unsigned jobs = 2) const {
    verify::Options o;
    o.db_path = path;
    o.jobs = jobs;
    o.trusted_keys = std::move(keys);
    for (const std::string& d : detached) o.detached_checkpoints.emplace_back("detached", d);
    auto r = verify::Run(o);
    REQUIRE(r.has_value());
    // Rows are read from the file's pages unless the page reader gives up; through SQL they
    // must give the very same answer, problem for problem.
    o.reader = verify::Reader::kSql;
    auto sql = verify::Run(o);
    REQUIRE(sql.has_value());
    CHECK(sql->reader != "pages");
    CHECK(Describe(*r) == Describe(*sql));
    return *r;
  }
  static std::string Describe(const verify::Summary& s) {
    std::string out = std::string(s.verified ? "VERIFIED" : "TAMPERED") + " records " +
                      std::to_string(s.records) + " rows " + std::to_string(s.rows) + " head " +
                      crypto::DigestHex(s.head) + " first " +
                      std::to_string(s.first_broken_seq.value_or(-1)) + " problems " +
                      std::to_string(s.problems_total) + "\n";
    for (const verify::Problem& p : s.problems) {
      out += std::string(verify::ProblemKindName(p.kind)) + " " +
             std::to_string(p.seq.value_or(-1)) + " " + p.table + " " +
             std::to_string(p.row_id.value_or(-1)) + " " + p.expected + " " + p.actual + " " +
             p.detail + "\n";
    }
    return out;
  }
};

// The attacker's tool: recompute every record hash and chain link from the spec, so the
// chain is consistent again after an edit. Only a signed checkpoint can tell.
void RecomputeChain(const std::string& path) {
  auto db = store::Database::Open(path, store::Database::Mode::kReadWrite);
  REQUIRE(db.has_value());
  auto sha = crypto::Sha256::Create();
  REQUIRE(sha.has_value());
  std::vector<std::tuple<int64_t, std::string, int64_t>> entries;
  {
    auto e = db->Prepare("SELECT seq, tbl, row_id FROM chain ORDER BY seq", "attack");
    REQUIRE(e.has_value());
    while (*e->Step()) {
      entries.emplace_back(e->ColumnInteger(0), std::string(e->ColumnText(1)), e->ColumnInteger(2));
    }
  }
  REQUIRE(db->Exec("BEGIN", "attack").ok());
  crypto::Digest prev{};
  std::string scratch;
  for (auto& [seq, table, row_id] : entries) {
    auto row = db->Prepare("SELECT * FROM " + table + " WHERE id = ?1", "attack");
    REQUIRE(row.has_value());
    REQUIRE(row->BindInteger(1, row_id).ok());
    REQUIRE(*row->Step());
    store::CanonicalRow c;
    for (int i = 1; i < row->ColumnCount(); ++i) c.Add(row->ColumnValue(i));
    crypto::Digest record = sha->Hash(c.Bytes());
    crypto::Digest link = store::ChainLinkHash(*sha, scratch, prev, seq, table, row_id, record);
    auto upd =
        db->Prepare("UPDATE chain SET record_hash = ?1, chain_hash = ?2 WHERE seq = ?3", "attack");
    REQUIRE(upd.has_value());
    REQUIRE(upd->BindBlob(1, crypto::DigestBytes(record)).ok());
    REQUIRE(upd->BindBlob(2, crypto::DigestBytes(link)).ok());
    REQUIRE(upd->BindInteger(3, seq).ok());
    REQUIRE_FALSE(*upd->Step());
    prev = link;
  }
  REQUIRE(db->Exec("COMMIT", "attack").ok());
}

// The attacker's finer tool: reseal one entry only (its record hash from the row as it is
// now, its chain hash from the stored hash before it), leaving every later entry as it was.
void ResealOneEntry(const std::string& path, long long seq) {
  auto db = store::Database::Open(path, store::Database::Mode::kReadWrite);
  REQUIRE(db.has_value());
  auto sha = crypto::Sha256::Create();
  REQUIRE(sha.has_value());
  auto e = db->Prepare(
      "SELECT tbl, row_id, (SELECT chain_hash FROM chain WHERE seq = ?1 - 1) "
      "FROM chain WHERE seq = ?1",
      "attack");
  REQUIRE(e.has_value());
  REQUIRE(e->BindInteger(1, seq).ok());
  REQUIRE(*e->Step());
  const std::string table(e->ColumnText(0));
  const int64_t row_id = e->ColumnInteger(1);
  auto prev = crypto::DigestFromBytes(e->ColumnBlob(2));
  REQUIRE(prev.has_value());
  auto row = db->Prepare("SELECT * FROM " + table + " WHERE id = ?1", "attack");
  REQUIRE(row.has_value());
  REQUIRE(row->BindInteger(1, row_id).ok());
  REQUIRE(*row->Step());
  store::CanonicalRow c;
  for (int i = 1; i < row->ColumnCount(); ++i) c.Add(row->ColumnValue(i));
  crypto::Digest record = sha->Hash(c.Bytes());
  std::string scratch;
  crypto::Digest link = store::ChainLinkHash(*sha, scratch, *prev, seq, table, row_id, record);
  auto upd =
      db->Prepare("UPDATE chain SET record_hash = ?1, chain_hash = ?2 WHERE seq = ?3", "attack");
  REQUIRE(upd.has_value());
  REQUIRE(upd->BindBlob(1, crypto::DigestBytes(record)).ok());
  REQUIRE(upd->BindBlob(2, crypto::DigestBytes(link)).ok());
  REQUIRE(upd->BindInteger(3, seq).ok());
  REQUIRE_FALSE(*upd->Step());
}

// Deletes every chain entry after `keep` and the rows they seal, and lowers the counters, as a
// forger who cuts the tail does.
void CutAfter(const std::string& path, long long keep) {
  const std::string after = " seq > " + std::to_string(keep);
  for (const std::string& table :
       vigil::testing::RawRows(path, "SELECT DISTINCT tbl FROM chain WHERE" + after)) {
    RawSql(path, "DELETE FROM " + table + " WHERE id IN (SELECT row_id FROM chain WHERE tbl = '" +
                     table + "' AND" + after + ")");
  }
  RawSql(path, "DELETE FROM chain WHERE" + after + "; UPDATE sqlite_sequence SET seq = " +
                   std::to_string(keep) + " WHERE name = 'chain'");
}

void CheckFirst(const verify::Summary& s, ProblemKind kind, long long seq) {
  INFO("problems: " << s.problems_total);
  for (const auto& p : s.problems) {
    INFO(verify::ProblemKindName(p.kind)
         << " seq " << p.seq.value_or(-1) << " " << p.table << " " << p.detail);
  }
  CHECK_FALSE(s.verified);
  REQUIRE_FALSE(s.problems.empty());
  CHECK(s.first_broken_seq == seq);
  CHECK(s.problems.front().kind == kind);
  CHECK(s.problems.front().seq == seq);
}

}  // namespace

TEST_CASE("verify says VERIFIED for an untouched store, with its head", "[verify]") {
  Fixture f;
  auto s = f.Verify();
  CHECK(s.verified);
  CHECK(s.problems_total == 0);
  CHECK(s.records == f.Head());
  CHECK(s.records == 1 + 200 + 3 + 3 * 8);  // batch, events, an alert run, incidents
  CHECK(s.rows == s.records);
  CHECK(s.reader == "pages");
  CHECK_FALSE(s.first_broken_seq.has_value());
  auto db = store::OpenStore(f.path, store::StoreAccess::kRead);
  REQUIRE(db.has_value());
  auto head = db->Prepare("SELECT chain_hash FROM chain ORDER BY seq DESC LIMIT 1", "test");
  REQUIRE(head.has_value());
  REQUIRE(*head->Step());
  CHECK(std::string(crypto::DigestBytes(s.head)) == head->ColumnBlob(0));
}

TEST_CASE("verify reports progress, last with every entry checked", "[verify]") {
  Fixture f;
  for (unsigned jobs : {1u, 3u}) {
    INFO(jobs << " workers");
    auto run = [&](std::chrono::milliseconds every) {
      std::vector<std::pair<int64_t, int64_t>> calls;
      verify::Options o;
      o.db_path = f.path;
      o.jobs = jobs;
      o.progress = [&](int64_t done, int64_t total) { calls.emplace_back(done, total); };
      o.progress_every = every;
      auto s = verify::Run(o);
      REQUIRE(s.has_value());
      CHECK(s->verified);
      REQUIRE_FALSE(calls.empty());
      for (size_t i = 0; i < calls.size(); ++i) {
        CHECK(calls[i].second == f.Head());
        if (i > 0) CHECK(calls[i].first >= calls[i - 1].first);
      }
      CHECK(calls.back().first == s->records);
      return calls.size();
    };
    // As often as it can while the workers run (how often depends on the scheduler); then
    // never before the end: one call.
    CHECK(run(std::chrono::milliseconds(0)) >= 1);
    CHECK(run(std::chrono::hours(1)) == 1);
  }
}

TEST_CASE("verify finds one changed field of an event", "[verify]") {
  Fixture f;
  RawSql(f.path, "UPDATE events SET user_name = 'mallory' WHERE id = 17");
  auto s = f.Verify();
  CheckFirst(s, ProblemKind::kModified, f.SeqOf("events", 17));
  CHECK(s.problems_total == 1);
  const auto& p = s.problems.front();
  CHECK(p.table == "events");
  CHECK(p.row_id == 17);
  CHECK(p.expected.size() == 64);
  CHECK(p.actual.size() == 64);
  CHECK(p.expected != p.actual);
}

TEST_CASE("verify reads a column a forger added, whatever its name", "[verify]") {
  // Rows are encoded from the columns the table has now, named in SQL by the verifier: a
  // name with a quote or a keyword in it must neither break the query nor hide the column.
  Fixture f;
  RawSql(f.path, "ALTER TABLE events ADD COLUMN \"a\"\"b; DROP TABLE chain\" TEXT");
  // A nullable column added empty changes no encoding; the table's schema differs (issue 19).
  auto added = f.Verify();
  REQUIRE(added.problems_total == 1);
  CHECK(added.problems.front().kind == ProblemKind::kSchema);
  CHECK(added.problems.front().detail.find("table events differs") == 0);
  RawSql(f.path, "UPDATE events SET \"a\"\"b; DROP TABLE chain\" = 'x' WHERE id = 9");
  auto s = f.Verify();
  CheckFirst(s, ProblemKind::kModified, f.SeqOf("events", 9));
  CHECK(s.problems_total == 2);
  CHECK(s.problems.front().row_id == 9);
}

TEST_CASE("verify reads a table rebuilt without its rowid key in id order", "[verify]") {
  // CREATE TABLE AS makes `id` an ordinary column, so SQLite sorts to answer ORDER BY id and
  // evaluates every row's encoding before returning the first: the verifier must not pair a
  // row with another row's encoding (the in-place path would; it reads such tables by copy).
  Fixture f;
  RawSql(f.path,
         "CREATE TABLE t2 AS SELECT * FROM events; DROP TABLE events; "
         "ALTER TABLE t2 RENAME TO events");
  // Every row still verifies; the table and its two lost indexes differ from vigil's schema.
  auto clean = f.Verify();
  CHECK(clean.problems_total == 3);
  for (const auto& p : clean.problems) CHECK(p.kind == ProblemKind::kSchema);
  RawSql(f.path, "UPDATE events SET user_name = 'mallory' WHERE id = 40");
  auto s = f.Verify();
  CheckFirst(s, ProblemKind::kModified, f.SeqOf("events", 40));
  CHECK(s.problems_total == 4);
  CHECK(s.problems.front().row_id == 40);
}

TEST_CASE("verify finds a changed incident and a changed REAL score", "[verify]") {
  Fixture f;
  RawSql(f.path, "UPDATE incidents SET title = 'nothing to see' WHERE id = 2");
  RawSql(f.path, "UPDATE scores SET anomaly = anomaly + 1e-12 WHERE id = 3");
  auto s = f.Verify();
  CheckFirst(s, ProblemKind::kModified, f.SeqOf("incidents", 2));
  REQUIRE(s.problems_total == 2);
  CHECK(s.problems[1].table == "scores");
  CHECK(s.problems[1].seq == f.SeqOf("scores", 3));
}

TEST_CASE("verify sees a value's type change even when it prints the same", "[verify]") {
  Fixture f;
  // Drop STRICT's protection the way an attacker could: rewrite the schema is overkill; a
  // NULL in a nullable column changed to an empty string is enough.
  RawSql(f.path, "UPDATE events SET event_severity = '' WHERE id = 5");
  CheckFirst(f.Verify(), ProblemKind::kModified, f.SeqOf("events", 5));
}

TEST_CASE("verify finds a deleted row", "[verify]") {
  Fixture f;
  const long long seq = f.SeqOf("events", 50);
  RawSql(f.path, "DELETE FROM events WHERE id = 50");
  auto s = f.Verify();
  CheckFirst(s, ProblemKind::kDeleted, seq);
  CHECK(s.problems.front().row_id == 50);
  CHECK(s.problems_total == 1);
}

TEST_CASE("verify finds a deleted row together with its chain entry", "[verify]") {
  Fixture f;
  const long long seq = f.SeqOf("events", 60);
  RawSql(f.path,
         "DELETE FROM events WHERE id = 60; DELETE FROM chain WHERE seq = " + std::to_string(seq));
  auto s = f.Verify();
  CheckFirst(s, ProblemKind::kDeleted, seq);
  CHECK(s.problems_total == 1);
}

TEST_CASE("verify finds an inserted row", "[verify]") {
  Fixture f;
  RawSql(f.path,
         "INSERT INTO events SELECT 1000, batch_id, ts_us, source_format, source_file, "
         "source_line, source_offset, x'00', event_kind, event_category, event_type, "
         "event_outcome, event_action, event_severity, 'ghost', source_ip, source_port, "
         "destination_ip, destination_port, network_protocol, host_name, source_bytes, "
         "destination_bytes, url, domain, email_from, email_subject, process_name, message, "
         "fields, raw, product, service, source_country, details FROM events WHERE id = 10");
  auto s = f.Verify();
  CheckFirst(s, ProblemKind::kInserted, f.Head() + 1);
  CHECK(s.problems.front().row_id == 1000);
}

TEST_CASE("verify finds a forged chain entry inserted for a forged row", "[verify]") {
  Fixture f;
  const long long head = f.Head();
  RawSql(f.path,
         "INSERT INTO incidents VALUES (99, 1, 'forged', 'x', 1, 2, NULL, NULL);"
         "INSERT INTO chain VALUES (" +
             std::to_string(head + 1) + ", 'incidents', 99, zeroblob(32), zeroblob(32))");
  auto s = f.Verify();
  CheckFirst(s, ProblemKind::kModified, head + 1);
}

TEST_CASE("verify reports a second chain entry for one row as inserted", "[verify]") {
  // A copy of an existing entry appended after the head (the forger drops the UNIQUE index
  // that refuses it). Its link fails too; that is the same insertion, not a modified or
  // reordered entry. The first entry of the store (its batch) and an early event are claimed
  // again by an entry another worker reads; on one thread the same entry is found by the
  // worker's own merge.
  for (const std::string& claimed : {std::string("batches"), std::string("events")}) {
    for (unsigned jobs : {1u, 2u}) {
      Fixture f;
      const long long head = f.Head();
      const long long original = f.SeqOf(claimed, claimed == "events" ? 4 : 1);
      RawSql(f.path, "DROP INDEX chain_by_row; INSERT INTO chain SELECT " +
                         std::to_string(head + 1) +
                         ", tbl, row_id, record_hash, chain_hash FROM chain WHERE seq = " +
                         std::to_string(original));
      INFO(claimed << " on " << jobs << " thread(s)");
      auto s = f.Verify({}, {}, jobs);
      CheckFirst(s, ProblemKind::kInserted, head + 1);
      CHECK(s.problems_total == 3);  // the second entry, its link, and the dropped index
      for (const auto& p : s.problems) {
        CHECK(p.kind == (p.seq ? ProblemKind::kInserted : ProblemKind::kSchema));
      }
    }
  }
}

TEST_CASE("verify reports two swapped rows as reordered", "[verify]") {
  Fixture f;
  RawSql(f.path,
         "UPDATE events SET id = -20 WHERE id = 20; UPDATE events SET id = 20 WHERE id = 21;"
         "UPDATE events SET id = 21 WHERE id = -20");
  auto s = f.Verify();
  CheckFirst(s, ProblemKind::kReordered, f.SeqOf("events", 20));
  REQUIRE(s.problems_total == 2);
  CHECK(s.problems[1].kind == ProblemKind::kReordered);
  CHECK(s.problems[1].seq == f.SeqOf("events", 21));
}

TEST_CASE("verify reports two swapped chain entries as reordered", "[verify]") {
  Fixture f;
  const long long a = f.SeqOf("events", 30);
  RawSql(f.path, "UPDATE chain SET seq = -1 WHERE seq = " + std::to_string(a) +
                     "; UPDATE chain SET seq = " + std::to_string(a) +
                     " WHERE seq = " + std::to_string(a + 1) +
                     "; UPDATE chain SET seq = " + std::to_string(a + 1) + " WHERE seq = -1");
  auto s = f.Verify();
  CheckFirst(s, ProblemKind::kReordered, a);
}

TEST_CASE("verify reports an altered chain hash once, not for the entry after it", "[verify]") {
  Fixture f;
  const long long a = f.SeqOf("events", 40);
  RawSql(f.path, "UPDATE chain SET chain_hash = zeroblob(32) WHERE seq = " + std::to_string(a));
  auto s = f.Verify();
  CheckFirst(s, ProblemKind::kModified, a);
  CHECK(s.problems_total == 1);
}

TEST_CASE("verify finds a cut tail from SQLite's own counter", "[verify]") {
  Fixture f;
  const long long head = f.Head();
  // Remove the last five entries and the rows they seal (incident 3's report, alert, ...).
  RawSql(
      f.path,
      "DELETE FROM reports WHERE id IN (SELECT row_id FROM chain WHERE tbl='reports' AND seq > " +
          std::to_string(head - 5) + ");" +
          "DELETE FROM alerts WHERE id IN (SELECT row_id FROM chain WHERE tbl='alerts' AND seq > " +
          std::to_string(head - 5) + ");" +
          "DELETE FROM reviews WHERE id IN (SELECT row_id FROM chain WHERE tbl='reviews' AND seq "
          "> " +
          std::to_string(head - 5) + ");" +
          "DELETE FROM scores WHERE id IN (SELECT row_id FROM chain WHERE tbl='scores' AND seq > " +
          std::to_string(head - 5) + ");" +
          "DELETE FROM incident_events WHERE id IN (SELECT row_id FROM chain WHERE "
          "tbl='incident_events' AND seq > " +
          std::to_string(head - 5) + ");" + "DELETE FROM chain WHERE seq > " +
          std::to_string(head - 5));
  auto s = f.Verify();
  CheckFirst(s, ProblemKind::kTruncated, head - 4);
  CHECK(s.problems.front().expected == std::to_string(head));
}

TEST_CASE("verify with a detached checkpoint finds a cut tail even when the counter is reset",
          "[verify]") {
  Fixture f;
  auto sealed = f.Seal(f.key);
  const long long head = f.Head();  // the checkpoint row itself is the head now
  REQUIRE(head == sealed.size + 1);
  RawSql(f.path,
         "DELETE FROM checkpoints; DELETE FROM reports WHERE id = 3;"
         "DELETE FROM chain WHERE seq >= " +
             std::to_string(head - 1) + "; UPDATE sqlite_sequence SET seq = " +
             std::to_string(head - 2) + " WHERE name = 'chain'");
  // Without the checkpoint kept elsewhere the cut is invisible ...
  CHECK(f.Verify().verified);
  // ... with it, it is found. No valid checkpoint is left to vouch for the entries kept: a
  // chain recomputed and cut would look the same, so the first entry that may be broken is 1
  // (issue 19).
  auto s = f.Verify({crypto::VerifierOf(f.key)}, {sealed.note});
  CheckFirst(s, ProblemKind::kTruncated, 1);
  CHECK(s.problems.front().detail == "detached: signed checkpoint covers " +
                                         std::to_string(sealed.size) + " entries, the chain has " +
                                         std::to_string(head - 2) +
                                         "; no valid checkpoint vouches for any entry");
}

TEST_CASE("issue 19: verify names the row changed together with its own chain entry", "[verify]") {
  Fixture f;
  const long long seq = f.SeqOf("events", 40);
  RawSql(f.path, "UPDATE events SET source_ip = '203.0.113.66' WHERE id = 40");
  ResealOneEntry(f.path, seq);
  auto s = f.Verify();
  CheckFirst(s, ProblemKind::kModified, seq);
  CHECK(s.problems.front().table == "events");
  CHECK(s.problems.front().row_id == 40);
  CHECK(s.problems_total == 1);
}

TEST_CASE("issue 19: a recomputed chain with a cut tail breaks after the last good checkpoint",
          "[verify]") {
  Fixture f;
  auto first = f.Seal(f.key);
  testing::PopulateOptions more;
  more.events = 50;
  more.incidents = 0;
  more.seed = 7;
  REQUIRE(testing::Populate(f.path, more).ok());
  auto second = f.Seal(f.key);                                            // kept off the machine
  RawSql(f.path, "UPDATE events SET message = 'edited' WHERE id = 230");  // after first seal
  CutAfter(f.path, f.SeqOf("events", 240));
  RecomputeChain(f.path);
  auto s = f.Verify({crypto::VerifierOf(f.key)}, {second.note});
  // The first checkpoint (in the store) still vouches for 1..first.size; its own entry, the
  // next one, is the first that nothing vouches for.
  CheckFirst(s, ProblemKind::kTruncated, first.size + 1);
  CHECK(s.checkpoints_valid == 1);
  CHECK(s.problems_total == 1);
}

TEST_CASE("issue 19: a foreign store carrying this store's id is broken from seq 1", "[verify]") {
  for (int64_t events : {150, 250}) {
    Fixture f;
    auto sealed = f.Seal(f.key);
    const std::string id =
        vigil::testing::RawRows(f.path, "SELECT value FROM meta WHERE key = 'store_id'").front();
    // Another store, sealed with the same key, given this store's id.
    const std::string other = f.dir.File("other-" + std::to_string(events) + ".db");
    testing::PopulateOptions o;
    o.events = events;
    o.seed = 9;
    REQUIRE(testing::Populate(other, o).ok());
    {
      auto db = store::OpenStore(other, store::StoreAccess::kWrite);
      REQUIRE(db.has_value());
      REQUIRE(verify::Seal(*db, f.key, 1795000000000000).has_value());
    }
    RawSql(other, "UPDATE meta SET value = '" + id + "' WHERE key = 'store_id'");
    verify::Options vo;
    vo.db_path = other;
    vo.trusted_keys = {crypto::VerifierOf(f.key)};
    vo.detached_checkpoints = {{"detached", sealed.note}};
    auto s = verify::Run(vo);
    REQUIRE(s.has_value());
    INFO("events " << events);
    // Shorter than the checkpoint: truncated; as long or longer: rewritten. From seq 1 either
    // way, since no checkpoint vouches for any of its entries.
    CheckFirst(*s, events < 200 ? ProblemKind::kTruncated : ProblemKind::kRewritten, 1);
  }
}

TEST_CASE("verify detects a chain recomputed without the key", "[verify]") {
  Fixture f;
  f.Seal(f.key);
  RawSql(f.path, "UPDATE events SET source_ip = '203.0.113.66' WHERE id = 17");
  RecomputeChain(f.path);
  auto s = f.Verify();  // even without --pubkey: the stored checkpoint no longer matches
  CheckFirst(s, ProblemKind::kRewritten, 1);
  s = f.Verify({crypto::VerifierOf(f.key)});
  CheckFirst(s, ProblemKind::kRewritten, 1);
}

TEST_CASE("verify narrows a recomputed chain down to after the last good checkpoint", "[verify]") {
  Fixture f;
  auto first = f.Seal(f.key);
  testing::PopulateOptions more;
  more.events = 50;
  more.incidents = 0;
  more.seed = 7;
  REQUIRE(testing::Populate(f.path, more).ok());
  f.Seal(f.key);
  RawSql(f.path, "UPDATE events SET message = 'edited' WHERE id = 230");  // after first seal
  RecomputeChain(f.path);
  auto s = f.Verify({crypto::VerifierOf(f.key)});
  CheckFirst(s, ProblemKind::kRewritten, first.size + 1);
  CHECK(s.checkpoints == 2);
  CHECK(s.checkpoints_valid == 1);
  CHECK(s.sealed_size == first.size);
}

TEST_CASE("verify with --pubkey rejects a checkpoint re-signed with another key", "[verify]") {
  Fixture f;
  f.Seal(f.key);
  RawSql(f.path, "UPDATE events SET user_name = 'mallory' WHERE id = 3");
  // The forger recomputes the chain and re-seals with a key of their own.
  RawSql(f.path,
         "DELETE FROM checkpoints; DELETE FROM chain WHERE tbl = 'checkpoints';"
         "UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM chain) WHERE name = 'chain'");
  RecomputeChain(f.path);
  auto forger = *crypto::GenerateSigner("soc-test");
  f.Seal(forger);
  CHECK(f.Verify().verified);  // own keys only: consistent, and that is all it can say
  auto s = f.Verify({crypto::VerifierOf(f.key)});
  CheckFirst(s, ProblemKind::kBadSignature, f.Head());
  CHECK_FALSE(s.trusted == false);
}

TEST_CASE("verify rejects an edited checkpoint and one from another store", "[verify]") {
  Fixture f;
  f.Seal(f.key);
  const long long cp_seq = f.Head();
  RawSql(f.path, "UPDATE checkpoints SET note = replace(note, 'time 2026', 'time 2025')");
  auto s = f.Verify({crypto::VerifierOf(f.key)});
  CheckFirst(s, ProblemKind::kModified, cp_seq);  // the row no longer matches its hash
  REQUIRE(s.problems_total == 2);
  CHECK(s.problems[1].kind == ProblemKind::kBadSignature);

  Fixture other;
  auto foreign = other.Seal(f.key);
  auto s2 = Fixture().Verify({crypto::VerifierOf(f.key)}, {foreign.note});
  REQUIRE(s2.problems_total >= 1);
  CHECK(s2.problems.front().kind == ProblemKind::kBadSignature);
  CHECK_FALSE(s2.first_broken_seq.has_value());
}

TEST_CASE("verify with --pubkey and no checkpoint at all says so", "[verify]") {
  Fixture f;
  auto s = f.Verify({crypto::VerifierOf(f.key)});
  CHECK_FALSE(s.verified);
  REQUIRE(s.problems_total == 1);
  CHECK(s.problems.front().kind == ProblemKind::kBadSignature);
  CHECK(s.problems.front().detail == "no checkpoint signed by a trusted key was found");
}

TEST_CASE("verify gives the same answer on 1, 2 and 5 threads", "[verify]") {
  Fixture f;
  RawSql(f.path,
         "UPDATE events SET user_name = 'x' WHERE id IN (3, 99, 150);"
         "DELETE FROM events WHERE id = 120;");
  auto one = f.Verify({}, {}, 1);
  for (unsigned jobs : {2u, 5u}) {
    auto many = f.Verify({}, {}, jobs);
    CHECK(many.records == one.records);
    CHECK(many.rows == one.rows);
    CHECK(many.first_broken_seq == one.first_broken_seq);
    REQUIRE(many.problems.size() == one.problems.size());
    for (size_t i = 0; i < one.problems.size(); ++i) {
      CHECK(many.problems[i].kind == one.problems[i].kind);
      CHECK(many.problems[i].seq == one.problems[i].seq);
      CHECK(many.problems[i].actual == one.problems[i].actual);
    }
  }
  CHECK(one.problems_total == 4);
}

TEST_CASE("verify reads one snapshot while another process appends", "[verify]") {
  Fixture f;
  std::atomic<bool> stop{false};
  Status writer_status;
  std::thread writer([&] {
    for (uint64_t seed = 100; !stop && writer_status.ok(); ++seed) {
      testing::PopulateOptions o;
      o.events = 40;
      o.incidents = 1;
      o.batch_size = 10;
      o.seed = seed;
      writer_status = testing::Populate(f.path, o);
    }
  });
  // Two runs see two snapshots here, so the readers cannot be compared; each is checked.
  for (int i = 0; i < 6; ++i) {
    verify::Options o;
    o.db_path = f.path;
    o.reader = i % 2 == 0 ? verify::Reader::kAuto : verify::Reader::kSql;
    auto s = verify::Run(o);
    REQUIRE(s.has_value());
    INFO("round " << i << ", records " << s->records << ", read: " << s->reader);
    CHECK(s->verified);
  }
  stop = true;
  writer.join();
  CHECK(writer_status.ok());
}

TEST_CASE("verify reads through SQL where the page reader gives up, with the same answer",
          "[verify]") {
  Fixture f;
  // Swap two cell pointers of a leaf of events: SQLite still reads the page, in another order,
  // which the page reader refuses to guess about.
  const auto page = RawQueryInt(f.path,
                                "SELECT pageno FROM dbstat WHERE name = 'events' AND "
                                "pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 3");
  const auto size = RawQueryInt(f.path, "PRAGMA page_size");
  std::string bytes = testing::ReadText(f.path);
  const size_t at = static_cast<size_t>((page - 1) * size + 8);
  std::swap(bytes[at], bytes[at + 2]);
  std::swap(bytes[at + 1], bytes[at + 3]);
  testing::WriteText(f.path, bytes);
  auto s = f.Verify();  // compares with a run through SQL alone
  CHECK(s.reader != "pages");
  CHECK(s.reader_note.find("page reader gave up on events: rows out of rowid order") !=
        std::string::npos);
}

TEST_CASE("verify reads through SQL while the write-ahead log holds frames", "[verify]") {
  Fixture f;
  sqlite3* writer = nullptr;
  REQUIRE(sqlite3_open(f.path.c_str(), &writer) == SQLITE_OK);
  REQUIRE(sqlite3_exec(writer,
                       "PRAGMA wal_autocheckpoint = 0; "
                       "INSERT INTO meta VALUES ('note', 'x'); DELETE FROM meta WHERE key = 'note'",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  auto s = f.Verify();
  CHECK(s.verified);
  CHECK(s.reader == "sql");
  CHECK(s.reader_note.find("write-ahead log") != std::string::npos);
  sqlite3_close(writer);
  CHECK(f.Verify().reader == "pages");
}
