// Issue 19, what vigil writes: every file written or appended to by a command, checked through
// the command itself (a planted link is never followed, its target never truncated, modes do
// not depend on the umask), and exports on record (the row before the file; verify --file).
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "support/populate.h"
#include "support/test_support.h"

using vigil::testing::ModeOf;
using vigil::testing::RawQueryInt;
using vigil::testing::ReadText;
using vigil::testing::RunCli;
using vigil::testing::SourcePath;
using vigil::testing::TempDir;
using vigil::testing::Umask;
using vigil::testing::WriteText;

namespace {

std::string MakeStore(const TempDir& dir) {
  const std::string path = dir.File("s.db");
  vigil::testing::PopulateOptions o;
  o.events = 40;
  o.incidents = 2;
  REQUIRE(vigil::testing::Populate(path, o).ok());
  return path;
}

vigil::testing::CliRun Run(const std::vector<std::string>& args) {
  auto r = RunCli(args);
  INFO(fmt::format("vigil {}\n{}{}", fmt::join(args, " "), r.out, r.err));
  return r;
}

// A victim file and a link to it at `name` in `dir`: the link a local attacker plants.
std::string PlantLink(const TempDir& dir, const std::string& name, const std::string& content) {
  const std::string victim = dir.File(name + ".victim");
  WriteText(victim, content);
  REQUIRE(::symlink(victim.c_str(), dir.File(name).c_str()) == 0);
  return victim;
}

bool IsLink(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

}  // namespace

TEST_CASE("issue 19: ingest --errors never truncates through a link; its file is 0600",
          "[outputs]") {
  TempDir dir;
  Umask open_umask(0);
  const std::string victim = PlantLink(dir, "errors.ndjson", "precious\n");
  const std::string sample = SourcePath("samples/events.ndjson");
  auto linked = Run({"--db", dir.File("a.db"), "ingest", "--quiet", "--errors",
                     dir.File("errors.ndjson"), sample});
  CHECK(linked.code == 4);
  CHECK(linked.err.find("symbolic link") != std::string::npos);
  CHECK(ReadText(victim) == "precious\n");
  CHECK(IsLink(dir.File("errors.ndjson")));

  auto plain = Run({"--db", dir.File("a.db"), "ingest", "--quiet", "--errors",
                    dir.File("rejected.ndjson"), sample});
  CHECK(plain.code == 3);  // the sample's malformed lines, on purpose
  CHECK(ModeOf(dir.File("rejected.ndjson")) == 0600);
  CHECK(ReadText(dir.File("rejected.ndjson")).find("\"reason\"") != std::string::npos);
  CHECK(ModeOf(dir.File("a.db")) == 0600);
}

TEST_CASE("issue 19: alert --output never appends through a link", "[outputs]") {
  TempDir dir;
  const std::string db = dir.File("a.db");
  std::string events;
  for (int i = 0; i < 5; ++i) {
    events += fmt::format(
        R"({{"ts":"2024-03-04T10:00:0{}Z","source":"auth","event_type":"login_failure",)"
        R"("user":"mallory","src_ip":"192.0.2.20","host":"gw"}})"
        "\n",
        i);
  }
  WriteText(dir.File("in.ndjson"), events);
  REQUIRE(Run({"--db", db, "ingest", "--quiet", dir.File("in.ndjson")}).code == 0);
  const std::string script = PlantLink(dir, "alerts.ndjson", "#!/bin/sh\necho backup done\n");
  auto linked = Run({"--db", db, "alert", "--output", dir.File("alerts.ndjson")});
  CHECK(linked.code == 4);
  CHECK(ReadText(script) == "#!/bin/sh\necho backup done\n");
  // The failed delivery is on record with its reason, and the alert stays pending.
  CHECK(RawQueryInt(db,
                    "SELECT count(*) FROM alert_deliveries WHERE ok = 0 AND detail LIKE "
                    "'%symbolic link%'") == 1);
  ::unlink(dir.File("alerts.ndjson").c_str());
  Umask open_umask(0);
  REQUIRE(Run({"--db", db, "alert", "--output", dir.File("alerts.ndjson")}).code == 0);
  CHECK(ModeOf(dir.File("alerts.ndjson")) == 0600);
  CHECK(ReadText(dir.File("alerts.ndjson")).find("192.0.2.20") != std::string::npos);
}

TEST_CASE("issue 19: export, seal and keygen never write through a link; modes are exact",
          "[outputs]") {
  TempDir dir;
  const std::string db = MakeStore(dir);
  Umask open_umask(0);
  const std::string victim = PlantLink(dir, "out.json", "precious\n");
  auto exported = Run({"--db", db, "export", "--format", "json", "-o", dir.File("out.json")});
  CHECK(exported.code == 4);
  CHECK(ReadText(victim) == "precious\n");
  CHECK(RawQueryInt(db, "SELECT count(*) FROM reports WHERE path LIKE '%out.json'") == 0);
  REQUIRE(Run({"--db", db, "export", "--format", "csv", "-o", dir.File("out.csv")}).code == 0);
  CHECK(ModeOf(dir.File("out.csv")) == 0640);

  REQUIRE(Run({"keygen", "--quiet", "--out", dir.File("k")}).code == 0);
  CHECK(ModeOf(dir.File("k.key")) == 0600);
  CHECK(ModeOf(dir.File("k.pub")) == 0644);  // a public key, meant to be handed out
  const std::string key_victim = PlantLink(dir, "j.key", "precious\n");
  CHECK(Run({"keygen", "--quiet", "--force", "--out", dir.File("j")}).code == 4);
  CHECK(ReadText(key_victim) == "precious\n");

  const std::string seal_victim = PlantLink(dir, "cp", "precious\n");
  CHECK(Run({"--db", db, "seal", "--key", dir.File("k.key"), "-o", dir.File("cp")}).code == 4);
  CHECK(ReadText(seal_victim) == "precious\n");
  CHECK(RawQueryInt(db, "SELECT count(*) FROM checkpoints") == 0);  // refused before sealing
  REQUIRE(Run({"--db", db, "seal", "--quiet", "--key", dir.File("k.key"), "-o", dir.File("cp2")})
              .code == 0);
  CHECK(ModeOf(dir.File("cp2")) == 0640);
}

TEST_CASE("issue 19: the store is never opened through a link, nor its -wal or -shm", "[outputs]") {
  TempDir dir;
  const std::string victim = PlantLink(dir, "s.db", "");  // an empty file: a store-to-be
  auto init = Run({"--db", dir.File("s.db"), "init"});
  CHECK(init.code == 4);
  CHECK(init.err.find("symbolic link") != std::string::npos);
  CHECK(std::filesystem::file_size(victim) == 0);

  const std::string shm_victim = PlantLink(dir, "t.db-shm", "precious\n");
  const std::string wal_victim = PlantLink(dir, "t.db-wal", "precious\n");
  CHECK(Run({"--db", dir.File("t.db"), "init"}).code == 4);
  CHECK(ReadText(shm_victim) == "precious\n");
  CHECK(ReadText(wal_victim) == "precious\n");
}

TEST_CASE("issue 19: an export whose record fails leaves no file without a record", "[outputs]") {
  TempDir dir;
  const std::string db = MakeStore(dir);
  const std::string out = dir.File("out.json");
  // The record cannot be written (as if vigil were killed, or the disk filled, between the
  // file and its row): before the fix the file was already in place by then.
  vigil::testing::RawSql(db,
                         "CREATE TRIGGER no_reports BEFORE INSERT ON reports "
                         "BEGIN SELECT RAISE(ABORT, 'no record today'); END");
  auto r = Run({"--db", db, "export", "--format", "json", "-o", out});
  CHECK(r.code == 4);
  CHECK(r.err.find("no record today") != std::string::npos);
  CHECK(!std::filesystem::exists(out));  // nothing delivered without a record
  size_t entries = 0;                    // and no temporary file left behind
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) {
    ++entries;
  }
  CHECK(entries == 1);  // the store alone
}

TEST_CASE("issue 19: verify --file names the export on record, and exits 1 for any other file",
          "[outputs]") {
  TempDir dir;
  const std::string db = MakeStore(dir);
  const std::string out = dir.File("case.md");
  REQUIRE(Run({"--db", db, "export", "--format", "markdown", "-o", out}).code == 0);
  const long long id = RawQueryInt(db, "SELECT max(id) FROM reports");
  auto ok = Run({"--db", db, "verify", "--file", out});
  CHECK(ok.code == 0);
  CHECK(ok.out.find(fmt::format("{}: export on record, report {} (markdown to {}, ", out, id,
                                out)) != std::string::npos);
  auto json = Run({"--db", db, "--format", "json", "verify", "--file", out});
  CHECK(json.code == 0);
  CHECK(json.out.find(fmt::format(R"("on_record":true,"exports":[{{"report":{},)", id)) !=
        std::string::npos);

  WriteText(out, ReadText(out) + " ");  // one byte more
  auto changed = Run({"--db", db, "verify", "--file", out});
  CHECK(changed.code == 1);
  CHECK(changed.out.find(out + ": NOT an export on record (sha256 ") != std::string::npos);
  CHECK(changed.err.find("1 of 1 files match no export on record") != std::string::npos);
  CHECK(Run({"--db", db, "verify", "--file", dir.File("missing")}).code == 4);
}

TEST_CASE("issue 19: reading commands leave no -wal or -shm beside the store", "[outputs]") {
  TempDir dir;
  const std::string db = MakeStore(dir);
  const auto only_store = [&] {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
      names.push_back(e.path().filename().string());
    }
    return names == std::vector<std::string>{"s.db"};
  };
  REQUIRE(only_store());
  for (const mode_t mode :
       {mode_t{0600}, mode_t{0400}}) {  // root may still write 0400; others read it only
    INFO("store mode " << mode);
    REQUIRE(::chmod(db.c_str(), mode) == 0);
    CHECK(Run({"--db", db, "verify"}).code == 0);
    CHECK(only_store());
    CHECK(Run({"--db", db, "report"}).code == 0);
    CHECK(Run({"--db", db, "stats"}).code == 0);
    CHECK(Run({"--db", db, "export", "--format", "csv"}).code == 0);
    CHECK(only_store());
  }
}
