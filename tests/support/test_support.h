#pragma once
// Shared test helpers: a scoped temporary directory, raw SQL for tampering (deliberately
// bypassing vigil's API, as an attacker would), in-process CLI runs, and a Catch2
// StringMaker for Error so failed assertions show the message.

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace simdjson::dom {
class element;
class parser;
}  // namespace simdjson::dom

namespace vigil::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Runs SQL on the store with the plain sqlite3 API (no vigil code involved). REQUIREs success.
void RawSql(const std::string& db_path, const std::string& sql);
// Every row of a query, columns joined by '|' ("NULL" for NULL), via the plain sqlite3 API.
std::vector<std::string> RawRows(const std::string& db_path, const std::string& sql);
// One integer from a query, via the plain sqlite3 API.
long long RawQueryInt(const std::string& db_path, const std::string& sql);

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};
// vigil::cli::Main in-process with argv = {"vigil", args...}.
CliRun RunCli(const std::vector<std::string>& args);
// `vigil --db DB ARGS...`, required to exit with `code`; its standard output.
std::string RunOn(const std::string& db, const std::vector<std::string>& args, int code = 0);

std::string ReadText(const std::string& path);
void WriteText(const std::string& path, const std::string& text);

// Path to a file under the source tree (samples/, tests/data/...).
std::string SourcePath(const std::string& relative);

// A store "s.db" in `dir` holding samples/ ingested (its malformed lines rejected on purpose),
// correlated and scored with samples/vigil.yml, as the README's main job does. Its path.
std::string SampleStore(const TempDir& dir);

// `text` parsed as JSON by `parser`, REQUIREd to be valid (the text is shown when it is not).
// The element lives until the parser parses again: a parser holds one document at a time.
// Tests read it with simdjson's own API (include <simdjson.h>).
simdjson::dom::element ParseJson(simdjson::dom::parser& parser, std::string_view text);

// Permission bits of `path` itself (lstat: a link is not followed).
mode_t ModeOf(const std::string& path);

// Sets the umask for one scope (tests run in one process, one at a time).
class Umask {
 public:
  explicit Umask(mode_t mask) : old_(::umask(mask)) {}
  ~Umask() { ::umask(old_); }
  Umask(const Umask&) = delete;
  Umask& operator=(const Umask&) = delete;

 private:
  mode_t old_;
};

}  // namespace vigil::testing

namespace Catch {
template <>
struct StringMaker<vigil::Error> {
  static std::string convert(const vigil::Error& e) {
    return std::string(vigil::ErrorCodeName(e.code)) + ": " + e.ToString();
  }
};
}  // namespace Catch
