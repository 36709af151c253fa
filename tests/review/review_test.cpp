// Issue 19, item 11: an approval is bound to what was approved. A review records the content
// digest of the report as the analyst read it; when the report changes later (here: a re-score
// with other weights), report and export say "approved on an earlier version, changed since"
// instead of APPROVED, and the PDF's cover tells approved reports from drafts.
#include <simdjson.h>

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "crypto/sha256.h"
#include "report/facts.h"
#include "report/render.h"
#include "report/review_status.h"
#include "store/chain.h"
#include "store/database.h"
#include "store/schema.h"
#include "store/store.h"
#include "support/populate.h"
#include "support/test_support.h"

using vigil::testing::ParseJson;
using vigil::testing::RawQueryInt;
using vigil::testing::RawRows;
using vigil::testing::RawSql;
using vigil::testing::ReadText;
using vigil::testing::RunCli;
using vigil::testing::SampleStore;
using vigil::testing::TempDir;
using vigil::testing::WriteText;

namespace {

std::string Run(const std::string& db, std::vector<std::string> args, int code = 0) {
  return vigil::testing::RunOn(db, args, code);
}

// Incident `id`'s object in `vigil --format json report ID`, as its JSON text.
std::string IncidentOf(const std::string& db, int64_t id) {
  simdjson::dom::parser parser;
  const std::string json = Run(db, {"--format", "json", "report", std::to_string(id)});
  simdjson::dom::element doc = ParseJson(parser, json);
  simdjson::dom::array incidents = doc["incidents"];
  REQUIRE(incidents.size() == 1);
  return simdjson::to_string(incidents.at(0));
}

std::set<int64_t> Ids(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = ParseJson(parser, json);
  std::set<int64_t> ids;
  for (simdjson::dom::element i : simdjson::dom::array(doc["incidents"])) {
    ids.insert(int64_t(i["id"]));
  }
  return ids;
}

bool Has(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// Other weights than samples/vigil.yml (vigil-config(5)): the same incident scores otherwise.
constexpr const char* kOtherWeights = R"(score:
  weights:
    rule: 0.05
    intensity: 0.05
    outcome: 0.05
    anomaly: 0.05
    behaviour: 0.05
    context: 0.75
)";

std::string PdfText(const std::string& db, const TempDir& dir, const std::string& name) {
  const std::string pdf = dir.File(name + ".pdf"), txt = dir.File(name + ".txt");
  Run(db, {"export", "--format", "pdf", "-o", pdf});
  REQUIRE(std::system(("pdftotext -enc UTF-8 '" + pdf + "' '" + txt + "'").c_str()) == 0);
  // Lines wrap where the page ends them: runs of white space read as one space.
  std::string text;
  for (char c : ReadText(txt)) {
    const bool space = c == ' ' || c == '\n' || c == '\f';
    if (!space || (!text.empty() && text.back() != ' ')) text += space ? ' ' : c;
  }
  return text;
}

}  // namespace

TEST_CASE("issue 19: an approval covers the version approved; a re-score reads changed since",
          "[report][review]") {
  TempDir dir;
  const std::string db = SampleStore(dir);
  const std::string before = IncidentOf(db, 4);
  CHECK(Has(before, R"("status":"draft","draft":true,"review":{"state":"draft","current":null)"));
  Run(db, {"review", "4", "--comment", "--analyst", "bob", "--note", "asked the owner"});
  const std::string reviewed =
      Run(db, {"--format", "json", "review", "4", "--approve", "--analyst", "alice"});
  const auto digest_at = reviewed.find(R"("digest":")");
  REQUIRE(digest_at != std::string::npos);
  const std::string digest = reviewed.substr(digest_at + 10, 64);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM reviews WHERE length(digest) = 32") == 2);
  CHECK(RawRows(db, "SELECT lower(hex(digest)) FROM reviews WHERE decision = 'approve'") ==
        std::vector<std::string>{digest});

  // Approved, on this version: in every output.
  const std::string approved = Run(db, {"report", "4"});
  CHECK(approved.rfind("== APPROVED  Incident #4: Brute force against one source's targets", 0) ==
        0);
  CHECK(Has(approved, "Status    approved by alice at "));
  CHECK(Has(approved, "alice  approve  [this version]"));
  CHECK(Has(approved, "bob  comment: asked the owner  [this version]"));
  const std::string json = IncidentOf(db, 4);
  CHECK(Has(
      json,
      R"("status":"approved","draft":false,"review":{"state":"approved","current":true,"by":"alice")"));
  CHECK(Has(json, R"("digest":")" + digest + R"(","report_digest":")" + digest + "\""));
  // The digest is the same whether the incident is read alone or among all.
  CHECK(Has(Run(db, {"--format", "json", "report"}), R"("report_digest":")" + digest));
  CHECK(Ids(Run(db, {"--format", "json", "report", "--status", "approved"})) ==
        std::set<int64_t>{4});
  // Scoring again with the same weights changes nothing: still approved on this version.
  Run(db, {"--config", vigil::testing::SourcePath("samples/vigil.yml"), "score", "--quiet"});
  CHECK(Run(db, {"report", "4"}).rfind("== APPROVED  Incident #4", 0) == 0);

  // A re-score with other weights changes the severity and risk the analyst approved.
  WriteText(dir.File("other.yml"), kOtherWeights);
  Run(db, {"--config", dir.File("other.yml"), "score", "--quiet"});
  const std::string changed = Run(db, {"report", "4"});
  INFO(changed);
  CHECK(changed.rfind("== APPROVED (earlier version, changed since)  Incident #4", 0) == 0);
  CHECK(Has(changed, "; on an earlier version, changed since (review it again)"));
  CHECK(Has(changed, "alice  approve  [an earlier version]"));
  CHECK(Has(changed, "an analyst approved an earlier version of the report; it changed since"));
  CHECK_FALSE(Has(changed, "an analyst approved the report"));
  const std::string stale = IncidentOf(db, 4);
  CHECK(Has(
      stale,
      R"("status":"approved","draft":true,"review":{"state":"approved","current":false,"by":"alice")"));
  CHECK(Has(stale, R"("digest":")" + digest + "\""));
  CHECK_FALSE(Has(stale, R"("report_digest":")" + digest));
  const std::string md = Run(db, {"--format", "markdown", "report", "4"});
  CHECK(Has(md,
            "## Incident 4: Brute force against one source's targets (APPROVED (earlier version, "
            "changed since))"));
  CHECK(Has(md, "on an earlier version, changed since"));
  // Filters: it is no longer among the approved ones, but among the changed ones.
  CHECK(Ids(Run(db, {"--format", "json", "report", "--status", "approved"})).empty());
  CHECK(Ids(Run(db, {"--format", "json", "report", "--status", "changed"})) ==
        std::set<int64_t>{4});
  // Export: JSON, NDJSON and CSV say so too.
  CHECK(Has(Run(db, {"export", "4", "--format", "ndjson"}), R"("current":false)"));
  const std::string csv = Run(db, {"export", "4", "--format", "csv"});
  CHECK(Has(csv, ",attack,summary,review\r\n"));
  CHECK(Has(csv, ",changed since\r\n"));

  if (std::system("command -v pdftotext > /dev/null 2>&1") != 0) {
    WARN("pdftotext is not installed (poppler-utils): the PDF's text is not checked");
  } else {
    const std::string text = PdfText(db, dir, "changed");
    INFO(text);
    CHECK(Has(text, "Approved (0): none"));
    CHECK(Has(text, "Approved or rejected on an earlier version, changed since (1): #4"));
    CHECK(Has(text, "[APPROVED (earlier version, changed since)]"));
    CHECK(Has(text, "Status: approved by alice at "));
    // (a page may end inside the line: the footer then stands between its halves)
    CHECK(Has(text, "; on an earlier version,"));
    CHECK(Has(text, "changed since (review it again)"));
    CHECK(Has(text, "alice approve [an earlier version]"));
    CHECK_FALSE(Has(text, "every incident report here is a draft"));
  }

  // Approving the new version makes it approved again; the PDF's cover lists it.
  Run(db, {"review", "4", "--approve", "--analyst", "alice", "--note", "re-read after re-score"});
  CHECK(Run(db, {"report", "4"}).rfind("== APPROVED  Incident #4", 0) == 0);
  if (std::system("command -v pdftotext > /dev/null 2>&1") == 0) {
    const std::string text = PdfText(db, dir, "again");
    INFO(text);
    CHECK(Has(text, "Approved (1): #4"));
    const long long drafts = RawQueryInt(db, "SELECT count(*) FROM incidents") - 1;
    CHECK(Has(text, "Drafts (" + std::to_string(drafts) + "): "));
    CHECK(Has(text, "[APPROVED]"));
  }
  CHECK(RunCli({"--db", db, "verify"}).code == 0);
}

TEST_CASE("issue 19: a rejection on an earlier version reads changed since as well",
          "[report][review]") {
  TempDir dir;
  const std::string db = SampleStore(dir);
  Run(db, {"review", "4", "--reject", "--analyst", "bob", "--note", "lab test"});
  CHECK(Run(db, {"report", "4"}).rfind("== REJECTED  Incident #4", 0) == 0);
  WriteText(dir.File("other.yml"), kOtherWeights);
  Run(db, {"--config", dir.File("other.yml"), "score", "--quiet"});
  const std::string text = Run(db, {"report", "4"});
  CHECK(text.rfind("== REJECTED (earlier version, changed since)  Incident #4", 0) == 0);
  CHECK(Has(text, "Status    rejected by bob at "));
  CHECK(Ids(Run(db, {"--format", "json", "report", "--status", "rejected"})).empty());
  CHECK(Ids(Run(db, {"--format", "json", "report", "--status", "changed"})) ==
        std::set<int64_t>{4});
}

TEST_CASE("issue 19: the content digest covers facts, score and drafted text, not reviews",
          "[report][review]") {
  using namespace vigil::report;
  auto sha = vigil::crypto::Sha256::Create();
  REQUIRE(sha.has_value());
  Incident inc;
  inc.id = 7;
  inc.title = "Brute force";
  inc.rule_id = "r1";
  inc.first_us = 1'700'000'000'000'000;
  inc.last_us = inc.first_us + 60'000'000;
  inc.event_count = 12;
  inc.scored = true;
  inc.severity = "Medium";
  inc.risk = 49;
  inc.parts = {{"rule", "level high", 0.35, 0.7}};
  inc.sources = {{"203.0.113.9", 12}};
  auto digest = [&](const Incident& i) {
    return vigil::crypto::DigestHex(*ContentDigest(i, *sha));
  };
  const std::string base = digest(inc);
  CHECK(base.size() == 64);
  CHECK(digest(inc) == base);  // deterministic
  // What reviews add, and a narrator's text, are not what was reviewed.
  Incident reviewed = inc;
  reviewed.reviews = {{1, 5, "alice", "approve", "", base}};
  reviewed.status = "approved";
  reviewed.currency = Currency::kCurrent;
  reviewed.decided_by = 0;
  reviewed.machine_narrative = "a local model's words";
  reviewed.narrator = "llm";
  reviewed.digest = base;
  CHECK(digest(reviewed) == base);
  CHECK(ReviewedJson(reviewed) == ReviewedJson(inc));
  CHECK_FALSE(Has(ReviewedJson(inc), "\"status\""));
  CHECK_FALSE(Has(ReviewedJson(inc), "\"reviews\""));
  // Facts, score, sub-scores and the drafted text are.
  for (auto change : std::vector<void (*)(Incident&)>{
           [](Incident& i) { i.risk = 9; },
           [](Incident& i) { i.severity = "Low"; },
           [](Incident& i) { i.parts[0].weight = 0.05; },
           [](Incident& i) { i.event_count = 13; },
           [](Incident& i) { i.sources[0].first = "198.51.100.1"; },
           [](Incident& i) { i.title = "Brute force!"; },
       }) {
    Incident changed = inc;
    change(changed);
    CHECK(digest(changed) != base);
  }
}

TEST_CASE("issue 19: reviews of a schema 5 store read 'version not recorded' and migrate",
          "[report][review]") {
  TempDir dir;
  const std::string db = SampleStore(dir);
  {
    // A review as vigil with schema 5 sealed it: no digest. Its encoding equals that of a row
    // whose digest is NULL (trailing NULLs are not encoded), so the store is then made the
    // schema 5 store it would be by dropping the column again.
    auto store = vigil::store::OpenStore(db, vigil::store::StoreAccess::kWrite);
    REQUIRE(store.has_value());
    auto tx = vigil::store::Transaction::Begin(*store, vigil::store::Transaction::Kind::kImmediate);
    REQUIRE(tx.has_value());
    auto chain = vigil::store::ChainWriter::Begin(*store);
    REQUIRE(chain.has_value());
    using vigil::store::Value;
    REQUIRE(chain
                ->Append("reviews", {Value::Integer(4), Value::Integer(1'790'000'000'000'000),
                                     Value::Text("carol"), Value::Text("approve"), Value::Null(),
                                     Value::Null()})
                .has_value());
    REQUIRE(tx->Commit().ok());
  }
  // Its events as well, as that vigil wrote them (issue 20: no product, service, country).
  REQUIRE(vigil::testing::EventsAsSchema6(db).ok());
  RawSql(db, "ALTER TABLE reviews DROP COLUMN digest; PRAGMA user_version = 5;");
  CHECK(RunCli({"--db", db, "verify", "--quiet"}).code == 0);
  // vigil report reads it without migrating it.
  const std::string text = Run(db, {"report", "4"});
  CHECK(text.rfind("== APPROVED  Incident #4", 0) == 0);
  CHECK(Has(text, "approved by carol at 2026-09-21T"));
  CHECK(Has(text, "; version not recorded (reviewed before vigil recorded what was reviewed)"));
  CHECK(Has(text, "carol  approve  [version not recorded]"));
  CHECK(Has(IncidentOf(db, 4), R"("review":{"state":"approved","current":null,"by":"carol")"));
  CHECK(RawQueryInt(db, "PRAGMA user_version") == 5);
  // A review migrates the store; the old review keeps reading as not recorded, the new one is
  // bound to its version, and the chain still verifies.
  Run(db, {"review", "2", "--approve", "--analyst", "alice"});
  CHECK(RawQueryInt(db, "PRAGMA user_version") == vigil::store::kSchemaVersion);
  CHECK(RawRows(db, "SELECT incident_id, digest IS NULL FROM reviews ORDER BY id") ==
        std::vector<std::string>{"4|1", "2|0"});
  CHECK(Has(Run(db, {"report", "4"}), "version not recorded"));
  CHECK(Run(db, {"report", "2"}).find("== APPROVED  Incident #2") == 0);
  CHECK(Ids(Run(db, {"--format", "json", "report", "--status", "approved"})) ==
        std::set<int64_t>{2, 4});
  CHECK(RunCli({"--db", db, "verify", "--quiet"}).code == 0);
}
