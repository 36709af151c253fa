#include "support/test_support.h"

#include <simdjson.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/cli.h"

namespace vigil::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "vigil-test-XXXXXX").string();
  char* made = ::mkdtemp(tmpl.data());
  REQUIRE(made != nullptr);
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

namespace {
struct RawDb {
  sqlite3* db = nullptr;
  explicit RawDb(const std::string& path) {
    int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    INFO(path);
    REQUIRE(rc == SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
  }
  ~RawDb() { sqlite3_close_v2(db); }
};
}  // namespace

void RawSql(const std::string& db_path, const std::string& sql) {
  RawDb raw(db_path);
  char* err = nullptr;
  int rc = sqlite3_exec(raw.db, sql.c_str(), nullptr, nullptr, &err);
  std::string message = err ? err : "";
  sqlite3_free(err);
  INFO(sql << " -> " << message);
  REQUIRE(rc == SQLITE_OK);
}

std::vector<std::string> RawRows(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  INFO(sql);
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  std::vector<std::string> rows;
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::string row;
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      if (i) row += '|';
      const unsigned char* text = sqlite3_column_text(st, i);
      row += text ? reinterpret_cast<const char*>(text) : "NULL";
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rows;
}

long long RawQueryInt(const std::string& db_path, const std::string& sql) {
  RawDb raw(db_path);
  sqlite3_stmt* stmt = nullptr;
  INFO(sql);
  REQUIRE(sqlite3_prepare_v2(raw.db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  long long v = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  return v;
}

CliRun RunCli(const std::vector<std::string>& args) {
  std::vector<const char*> argv = {"vigil"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  CliRun run;
  run.code = cli::Main(static_cast<int>(argv.size()), argv.data(), out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

std::string RunOn(const std::string& db, const std::vector<std::string>& args, int code) {
  std::vector<std::string> argv = {"--db", db};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = RunCli(argv);
  INFO(r.out << r.err);
  REQUIRE(r.code == code);
  return r.out;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  INFO(path);
  REQUIRE(in.good());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  REQUIRE(out.good());
}

std::string SourcePath(const std::string& relative) {
  return std::string(VIGIL_SOURCE_DIR) + "/" + relative;
}

std::string SampleStore(const TempDir& dir) {
  const std::string db = dir.File("s.db");
  auto in = RunCli({"--db", db, "ingest", "--quiet", SourcePath("samples/events.ndjson"),
                    SourcePath("samples/auth.log"), SourcePath("samples/windows-purplesharp.jsonl"),
                    SourcePath("samples/zeek-apt29-victim.log"),
                    SourcePath("samples/cloudtrail-s3-exfiltration.json")});
  REQUIRE(in.code == 3);  // the sample's malformed lines, on purpose
  REQUIRE(RunCli({"--db", db, "correlate", "--quiet"}).code == 0);
  REQUIRE(
      RunCli({"--db", db, "--config", SourcePath("samples/vigil.yml"), "score", "--quiet"}).code ==
      0);
  return db;
}

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

simdjson::dom::element ParseJson(simdjson::dom::parser& parser, std::string_view text) {
  simdjson::dom::element doc;
  INFO(text);
  REQUIRE(parser.parse(text.data(), text.size()).get(doc) == simdjson::SUCCESS);
  return doc;
}

}  // namespace vigil::testing
