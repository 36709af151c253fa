// The command line as scripts and cron jobs meet it: exit codes, global options before or
// after the subcommand, JSON output, and messages on the right stream.
#include <simdjson.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "support/populate.h"
#include "support/test_support.h"

using vigil::testing::ParseJson;
using vigil::testing::RawSql;
using vigil::testing::RunCli;
using vigil::testing::TempDir;

namespace {

std::string MakeStore(const TempDir& dir) {
  const std::string path = dir.File("cli.db");
  vigil::testing::PopulateOptions o;
  o.events = 30;
  o.incidents = 1;
  REQUIRE(vigil::testing::Populate(path, o).ok());
  return path;
}

}  // namespace

TEST_CASE("vigil --version and --help print to stdout and exit 0", "[cli]") {
  auto v = RunCli({"--version"});
  CHECK(v.code == 0);
  CHECK(v.out.rfind("vigil ", 0) == 0);
  auto h = RunCli({"--help"});
  CHECK(h.code == 0);
  CHECK(h.out.find("Subcommands:") != std::string::npos);
  CHECK(h.out.find("Exit status: 0 success, 1 the check answered no") != std::string::npos);
  auto sub = RunCli({"verify", "--help"});
  CHECK(sub.code == 0);
  CHECK(sub.out.find("--pubkey") != std::string::npos);
  CHECK(sub.err.empty());
}

TEST_CASE("vigil exits 2 on usage errors and suggests a command for a typo", "[cli]") {
  auto none = RunCli({});
  CHECK(none.code == 2);
  auto typo = RunCli({"verfy"});
  CHECK(typo.code == 2);
  CHECK(typo.err == "vigil: unknown command 'verfy'; did you mean 'verify'?\n");
  auto bad_format = RunCli({"--format", "xml", "verify"});
  CHECK(bad_format.code == 2);
  auto bad_option = RunCli({"verify", "--no-such-option"});
  CHECK(bad_option.code == 2);
  TempDir dir;
  auto no_key = RunCli({"--db", dir.File("x.db"), "seal"});
  CHECK(no_key.code == 2);
  CHECK(no_key.err.find("--key is required") != std::string::npos);
}

TEST_CASE("vigil accepts global options before or after the subcommand", "[cli]") {
  TempDir dir;
  const std::string db = MakeStore(dir);
  auto before = RunCli({"--db", db, "--format", "json", "verify"});
  auto after = RunCli({"verify", "--db", db, "--format", "json"});
  CHECK(before.code == 0);
  CHECK(after.code == 0);
  CHECK(before.out == after.out);
  CHECK(before.out.find("\"status\":\"VERIFIED\"") != std::string::npos);
}

TEST_CASE("vigil takes the store from $VIGIL_DB when --db is absent", "[cli]") {
  TempDir dir;
  const std::string db = MakeStore(dir);
  ::setenv("VIGIL_DB", db.c_str(), 1);
  auto r = RunCli({"verify"});
  ::unsetenv("VIGIL_DB");
  CHECK(r.code == 0);
  CHECK(r.out.rfind("VERIFIED 42 records, head ", 0) == 0);
}

TEST_CASE("vigil verify prints the documented JSON and exits 1 when tampered", "[cli]") {
  TempDir dir;
  const std::string db = MakeStore(dir);
  simdjson::dom::parser parser;
  auto clean = RunCli({"--db", db, "verify", "--format", "json"});
  REQUIRE(clean.code == 0);
  auto doc = ParseJson(parser, clean.out);
  CHECK(std::string_view(doc["status"]) == "VERIFIED");
  CHECK(int64_t(doc["records"]) == 42);
  CHECK(std::string_view(doc["head"]).size() == 64);
  CHECK(doc["first_broken_seq"].is_null());
  CHECK(simdjson::dom::array(doc["problems"]).size() == 0);
  CHECK(std::string_view(doc["reader"]) == "pages");
  ::setenv("VIGIL_VERIFY_READER", "sql", 1);
  auto sql = RunCli({"--db", db, "verify", "--format", "json"});
  ::setenv("VIGIL_VERIFY_READER", "disk", 1);
  auto usage = RunCli({"--db", db, "verify"});
  ::unsetenv("VIGIL_VERIFY_READER");
  CHECK(std::string_view(ParseJson(parser, sql.out)["reader"]) == "sql");
  CHECK(usage.code == 2);
  CHECK(usage.err == "vigil verify: error: VIGIL_VERIFY_READER must be auto or sql, not 'disk'\n");

  RawSql(db, "UPDATE events SET message = 'edited' WHERE id = 9");
  auto bad = RunCli({"--db", db, "verify", "--format", "json"});
  CHECK(bad.code == 1);
  CHECK(bad.err == "vigil verify: " + db + ": store is TAMPERED (1 problems)\n");
  auto tampered = ParseJson(parser, bad.out);
  CHECK(std::string_view(tampered["status"]) == "TAMPERED");
  CHECK(int64_t(tampered["first_broken_seq"]) == 10);
  auto problem = tampered["problems"].at(0);
  CHECK(std::string_view(problem["kind"]) == "modified");
  CHECK(std::string_view(problem["table"]) == "events");
  CHECK(int64_t(problem["row_id"]) == 9);
  CHECK(int64_t(problem["seq"]) == 10);

  auto text = RunCli({"--db", db, "verify"});
  CHECK(text.code == 1);
  CHECK(text.out.rfind("TAMPERED first broken seq 10, 1 problem\n"
                       "  seq 10  modified  events row 9: row differs from what was sealed\n",
                       0) == 0);
}

TEST_CASE("vigil verify --max-problems lists that many, in text and JSON, and counts all",
          "[cli]") {
  TempDir dir;
  const std::string db = MakeStore(dir);
  RawSql(db, "UPDATE events SET message = 'edited' WHERE id IN (3, 5, 7)");
  auto text = RunCli({"--db", db, "verify", "--max-problems", "1"});
  CHECK(text.code == 1);
  CHECK(text.out.rfind("TAMPERED first broken seq 4, 3 problems\n"
                       "  seq 4  modified  events row 3: row differs from what was sealed\n",
                       0) == 0);
  CHECK(text.out.find("  ... 2 more (raise --max-problems to list them)\n") != std::string::npos);
  simdjson::dom::parser parser;
  auto json = RunCli({"--db", db, "verify", "--max-problems", "2", "--format", "json"});
  CHECK(json.code == 1);
  auto doc = ParseJson(parser, json.out);
  CHECK(int64_t(doc["problems_total"]) == 3);
  CHECK(simdjson::dom::array(doc["problems"]).size() == 2);
}

TEST_CASE("vigil verify --quiet is silent when verified and speaks when tampered", "[cli]") {
  TempDir dir;
  const std::string db = MakeStore(dir);
  auto quiet = RunCli({"--db", db, "verify", "--quiet"});
  CHECK(quiet.code == 0);
  CHECK(quiet.out.empty());
  CHECK(quiet.err.empty());
  RawSql(db, "DELETE FROM events WHERE id = 4");
  auto loud = RunCli({"--db", db, "verify", "--quiet"});
  CHECK(loud.code == 1);
  CHECK(loud.out.rfind("TAMPERED first broken seq 5, 1 problem\n", 0) == 0);
  CHECK(loud.out.find("store ") == std::string::npos);  // no chatter after the findings
}

TEST_CASE("vigil verify exits 4 for a missing or foreign store", "[cli]") {
  TempDir dir;
  auto missing = RunCli({"--db", dir.File("none.db"), "verify"});
  CHECK(missing.code == 4);
  CHECK(missing.err == "vigil verify: error: " + dir.File("none.db") + ": no store here\n");
  CHECK(missing.out.empty());
  vigil::testing::WriteText(dir.File("junk.db"), std::string(4096, 'x'));
  auto junk = RunCli({"--db", dir.File("junk.db"), "verify"});
  CHECK(junk.code == 4);
  CHECK(junk.err.find("not a vigil store") != std::string::npos);
}

TEST_CASE("keygen, seal and verify --pubkey --checkpoint work together", "[cli]") {
  TempDir dir;
  const std::string db = MakeStore(dir);
  const std::string key = dir.File("soc");
  auto k = RunCli({"keygen", "--name", "soc-acme", "--out", key});
  REQUIRE(k.code == 0);
  struct stat st {};
  REQUIRE(::stat((key + ".key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto again = RunCli({"keygen", "--out", key});
  CHECK(again.code == 2);  // never overwrites a key without --force
  CHECK(again.err.find("refusing to overwrite") != std::string::npos);

  auto seal = RunCli({"--db", db, "seal", "--key", key + ".key"});
  REQUIRE(seal.code == 0);
  CHECK(seal.err.empty());                              // keygen's 0600 key: no warning
  CHECK(seal.out.find("\n42\n") != std::string::npos);  // size line of the checkpoint
  const std::string checkpoint = dir.File("cp.txt");
  vigil::testing::WriteText(checkpoint, seal.out);
  auto ok = RunCli({"--db", db, "verify", "--pubkey", key + ".pub", "--checkpoint", checkpoint});
  CHECK(ok.code == 0);
  CHECK(ok.out.find("checkpoints: 2 of 2 valid against the trusted key; sealed up to seq 42, 1 "
                    "entries since") != std::string::npos);

  auto other = RunCli({"keygen", "--name", "mallory", "--out", dir.File("m")});
  REQUIRE(other.code == 0);
  auto wrong_key = RunCli({"--db", db, "verify", "--pubkey", dir.File("m.pub")});
  CHECK(wrong_key.code == 1);

  auto private_as_public = RunCli({"--db", db, "verify", "--pubkey", key + ".key"});
  CHECK(private_as_public.code == 3);
  CHECK(private_as_public.err.find("give the public (.pub) key") != std::string::npos);

  auto lonely = RunCli({"--db", db, "verify", "--checkpoint", checkpoint});
  CHECK(lonely.code == 2);

  // A key others can read still signs, with a warning that --quiet does not hide.
  REQUIRE(::chmod((key + ".key").c_str(), 0640) == 0);
  auto exposed =
      RunCli({"--quiet", "--db", db, "seal", "--key", key + ".key", "--out", dir.File("cp2.txt")});
  CHECK(exposed.code == 0);
  CHECK(exposed.err == "vigil seal: warning: " + key +
                           ".key: private key is open to other users (mode 0640); chmod 600 it, "
                           "and make a new key pair if others may have read it\n");
}

TEST_CASE("vigil init creates a store and reports its id as JSON", "[cli]") {
  TempDir dir;
  simdjson::dom::parser parser;
  auto r = RunCli({"init", "--db", dir.File("new.db"), "--format", "json"});
  REQUIRE(r.code == 0);
  auto doc = ParseJson(parser, r.out);
  CHECK(std::string_view(doc["store_id"]).size() == 32);
  CHECK(int64_t(doc["schema_version"]) == 8);
}

TEST_CASE("issue 19: verify exits 3 for a checkpoint file that is not a checkpoint", "[cli]") {
  TempDir dir;
  const std::string db = MakeStore(dir);
  const std::string key = dir.File("soc");
  REQUIRE(RunCli({"keygen", "--name", "soc-acme", "--out", key}).code == 0);
  auto seal = RunCli({"--db", db, "seal", "--key", key + ".key"});
  REQUIRE(seal.code == 0);
  const std::string garbage = dir.File("garbage.txt");
  vigil::testing::WriteText(garbage, "not a checkpoint\n");
  auto bad = RunCli({"--db", db, "verify", "--pubkey", key + ".pub", "--checkpoint", garbage});
  CHECK(bad.code == 3);
  CHECK(bad.err.find(garbage + ": not a checkpoint: malformed signed note") != std::string::npos);
  // A signed note whose body is not a checkpoint is malformed too.
  std::string body = seal.out;
  body.replace(body.find("\n42\n"), 4, "\nforty-two\n");
  const std::string edited = dir.File("edited.txt");
  vigil::testing::WriteText(edited, body);
  auto no_size = RunCli({"--db", db, "verify", "--pubkey", key + ".pub", "--checkpoint", edited});
  CHECK(no_size.code == 3);
  CHECK(no_size.err.find("malformed checkpoint: size is not a decimal") != std::string::npos);
  // A well-formed checkpoint whose signature fails is a finding, not bad input.
  body = seal.out;
  body.replace(body.find("\n42\n"), 4, "\n41\n");
  vigil::testing::WriteText(edited, body);
  auto forged = RunCli({"--db", db, "verify", "--pubkey", key + ".pub", "--checkpoint", edited});
  CHECK(forged.code == 1);
  CHECK(forged.out.find("bad_signature") != std::string::npos);
}
