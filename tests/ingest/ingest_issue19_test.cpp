// Issue 19, ingest's part: nothing merged or dropped silently. Identical records stay distinct
// (item 5), one bad first line does not decide the format of the whole file (6), a damaged
// gzip stream and an oversized record are quarantined and reported (7), each input stands alone
// and a directory is read as its files (8), and a pipe's lines are committed while it is still
// open (9).
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "crypto/sha256.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "support/test_support.h"
#include "verify/verifier.h"

using vigil::testing::RawQueryInt;
using vigil::testing::RawRows;
using vigil::testing::ReadText;
using vigil::testing::RunCli;
using vigil::testing::TempDir;
using vigil::testing::WriteText;
namespace ingest = vigil::ingest;

namespace {

constexpr int64_t kNow = 1795275000000000;  // 2026-11-21T15:30:00Z

ingest::Summary Ingest(const std::string& db_path, const std::vector<std::string>& inputs,
                       size_t max_record = 4u << 20) {
  auto db = vigil::store::OpenStore(db_path, vigil::store::StoreAccess::kCreate);
  REQUIRE(db.has_value());
  ingest::Options options;
  options.inputs = inputs;
  options.now_us = kNow;
  options.max_record = max_record;
  auto summary = ingest::Run(options, *db, nullptr);
  if (!summary) FAIL(summary.error().ToString());
  return *summary;
}

std::string Event(int second, const std::string& user) {
  return R"({"ts":"2026-11-14T00:00:)" + std::string(second < 10 ? "0" : "") +
         std::to_string(second) + R"(Z","source":"auth","event_type":"login_failure","user":")" +
         user + R"(","src_ip":"198.51.100.23","action":"failure"})";
}

std::string Events(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += Event(i % 60, "u" + std::to_string(i)) + "\n";
  return out;
}

std::string Repeated(const std::string& line, int n) {
  std::string out;
  out.reserve((line.size() + 1) * static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) out += line + "\n";
  return out;
}

std::string Gzip(const std::string& content) {
  uLongf size = compressBound(static_cast<uLong>(content.size())) + 64;
  std::string out(size, '\0');
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(content.data()));
  z.avail_in = static_cast<uInt>(content.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

void CheckVerifies(const std::string& db_path) {
  vigil::verify::Options o;
  o.db_path = db_path;
  o.jobs = 1;
  auto s = vigil::verify::Run(o);
  REQUIRE(s.has_value());
  CHECK(s->verified);
  CHECK(s->problems_total == 0);
}

void CheckIdenticalLines(int n) {
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("flood.ndjson");
  WriteText(file, Repeated(Event(7, "root"), n));
  const ingest::Summary first = Ingest(db, {file});
  CHECK(first.read == n);
  CHECK(first.stored == n);
  CHECK(first.duplicates == 0);
  CHECK(RawQueryInt(db, "SELECT count(DISTINCT record_key) FROM events") == n);
  const ingest::Summary again = Ingest(db, {file});
  CHECK(again.stored == 0);
  CHECK(again.duplicates == n);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM events") == n);
}

}  // namespace

// Item 5. Before: the occurrence counter was capped at 65,536, so 100,000 identical lines stored
// 65,537 events and called the rest "already in the store".
TEST_CASE("issue 19: 70,000 identical lines are 70,000 events; a re-read adds none", "[ingest]") {
  CheckIdenticalLines(70000);
}

TEST_CASE("issue 19: 1M identical lines are 1M events; a re-read adds none", "[ingest][slow]") {
  CheckIdenticalLines(1000000);
}

TEST_CASE("issue 19: identical lines far apart stay distinct; a grown file adds only its new ones",
          "[ingest]") {
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("grows.ndjson");
  // The same record before and after 70,000 others: two events.
  const std::string same = Event(1, "root");
  std::string content = same + "\n" + Events(70000) + same + "\n";
  WriteText(file, content);
  CHECK(Ingest(db, {file}).stored == 70002);
  // The file grows by the same record twice and one other: three more, nothing else.
  content += same + "\n" + same + "\n" + Event(3, "new") + "\n";
  WriteText(file, content);
  const ingest::Summary grown = Ingest(db, {file});
  CHECK(grown.stored == 3);
  CHECK(grown.duplicates == 70002);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM events WHERE raw = CAST('" + same + "' AS BLOB)") ==
        4);
  CheckVerifies(db);
}

// Item 6: one bad first line used to decide the format of the whole file.
TEST_CASE("issue 19: a bad first line is quarantined and the records after it are read",
          "[ingest]") {
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string events = Events(20);
  struct Case {
    std::string name;
    std::string first;
  };
  const std::vector<Case> cases = {
      {"a JSON tail", R"(ce","src_ip":"10.0.0.1","action":"failure"})"},  // was CSV: 0 stored
      {"an opening bracket", "["},  // was one document: the rest as one quarantined record
      {"a 2 MB garbage line", std::string(2u << 20, 'x')},
      {"a 10 MB garbage line", std::string(10u << 20, 'x')},  // was refused: nothing quarantined
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const std::string file = dir.File("bad-first.ndjson");
    WriteText(file, c.first + "\n" + events);
    const std::string store = dir.File(std::to_string(c.first.size()) + ".db");
    const ingest::Summary s = Ingest(store, {file});
    CHECK(s.inputs.at(0).format == "ndjson");
    CHECK(s.inputs.at(0).error.empty());
    CHECK(s.stored == 20);
    CHECK(s.rejected == 1);
    CHECK(RawQueryInt(store, "SELECT source_line FROM quarantine") == 1);
    // Over the 4 MiB limit, quarantine keeps the first KiB (and the length and hash).
    const size_t kept = c.first.size() > (4u << 20) ? 1024 : c.first.size();
    CHECK(RawQueryInt(store, "SELECT length(raw) FROM quarantine") == static_cast<long long>(kept));
  }
}

// Item 7: a gzip stream cut short was read as whole, its cut last line stored as an event.
TEST_CASE("issue 19: a truncated gzip stream is reported and its cut record quarantined",
          "[ingest][cli]") {
  TempDir dir;
  const std::string content = Events(200);
  const std::string gz = Gzip(content);
  SECTION("cut by its 8-byte trailer") {
    const std::string file = dir.File("trailer.ndjson.gz");
    WriteText(file, gz.substr(0, gz.size() - 8));
    const std::string db = dir.File("store.db");
    auto r = RunCli({"ingest", "--db", db, file});
    CHECK(r.code == 3);
    CHECK(r.err.find(file + ": truncated: the gzip stream ends at uncompressed offset " +
                     std::to_string(content.size())) != std::string::npos);
    CHECK(RawQueryInt(db, "SELECT count(*) FROM events") == 200);
  }
  SECTION("cut in the middle") {
    const std::string file = dir.File("cut.ndjson.gz");
    // Flushed at a point inside a line: the stream holds whole data up to there.
    const size_t cut_at = content.size() / 2 + 7;
    std::string part(gz.size() + 1024, '\0');
    z_stream z{};
    REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(content.data()));
    z.avail_in = static_cast<uInt>(cut_at);
    z.next_out = reinterpret_cast<Bytef*>(part.data());
    z.avail_out = static_cast<uInt>(part.size());
    REQUIRE(deflate(&z, Z_SYNC_FLUSH) == Z_OK);
    part.resize(z.total_out);
    deflateEnd(&z);
    WriteText(file, part);
    const std::string db = dir.File("store.db");
    auto r = RunCli({"ingest", "--db", db, file});
    CHECK(r.code == 3);
    CHECK(r.err.find(file + ": truncated: the gzip stream ends at uncompressed offset " +
                     std::to_string(cut_at)) != std::string::npos);
    const size_t line_start = content.rfind('\n', cut_at - 1) + 1;
    const long long whole = std::count(
        content.begin(), content.begin() + static_cast<std::ptrdiff_t>(line_start), '\n');
    CHECK(RawQueryInt(db, "SELECT count(*) FROM events") == whole);
    const auto q =
        RawRows(db, "SELECT source_line || ' ' || source_offset || ' ' || raw FROM quarantine");
    REQUIRE(q.size() == 1);
    CHECK(q[0] == std::to_string(whole + 1) + " " + std::to_string(line_start) + " " +
                      content.substr(line_start, cut_at - line_start));
  }
}

TEST_CASE("issue 19: a record over --max-record-size is kept as its first KiB, length and hash",
          "[ingest][cli]") {
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string file = dir.File("zeros.gz");
  // Like a gzip bomb: 64 MiB of zeros, no newline, read with a forced format.
  const std::string zeros(64u << 20, '\0');
  WriteText(file, Gzip(Event(1, "a") + "\n" + zeros + "\n" + Event(2, "b") + "\n"));
  auto r =
      RunCli({"ingest", "--db", db, "--input-format", "ndjson", "--max-record-size", "1M", file});
  CHECK(r.code == 3);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM events") == 2);
  auto digest = vigil::crypto::Sha256Of(zeros);
  REQUIRE(digest.has_value());
  const auto q =
      RawRows(db, "SELECT length(raw) || ' ' || source_line || ' ' || reason FROM quarantine");
  REQUIRE(q.size() == 1);
  CHECK(q[0] ==
        "1024 2 record of 67108864 bytes is over --max-record-size (1048576 bytes); "
        "kept: its first 1024 bytes; SHA-256 of the whole record " +
            vigil::crypto::DigestHex(*digest));
  CHECK(RunCli({"ingest", "--db", db, "--max-record-size", "100", file}).code == 2);
}

// Item 8: the first bad input used to end the run, skipping the later ones without a word.
TEST_CASE("issue 19: each input stands alone; a bad one is named and the others are read",
          "[ingest][cli]") {
  TempDir dir;
  const std::string db = dir.File("store.db");
  WriteText(dir.File("a.ndjson"), Event(1, "a") + "\n");
  WriteText(dir.File("README.md"), "# Samples\n\nThese files are examples.\n");
  WriteText(dir.File("b.ndjson"), Event(2, "b") + "\n");
  auto r = RunCli({"ingest", "--db", db, dir.File("a.ndjson"), dir.File("README.md"),
                   dir.File("missing.log"), dir.File("b.ndjson")});
  CHECK(r.code == 3);
  CHECK(r.err == "vigil ingest: " + dir.File("README.md") +
                     ": cannot tell the format (use --input-format)\n"
                     "vigil ingest: " +
                     dir.File("missing.log") +
                     ": cannot open: No such file or directory\n"
                     "vigil ingest: error: 2 inputs not read in full\n");
  CHECK(RawQueryInt(db, "SELECT count(*) FROM events") == 2);
  CheckVerifies(db);
}

TEST_CASE("issue 19: a directory is read as its files, sorted, recursively, hidden ones left out",
          "[ingest][cli]") {
  TempDir dir;
  const std::string root = dir.File("triage");
  REQUIRE(::mkdir(root.c_str(), 0700) == 0);
  REQUIRE(::mkdir((root + "/host2").c_str(), 0700) == 0);
  REQUIRE(::mkdir((root + "/.git").c_str(), 0700) == 0);
  WriteText(root + "/host2/events.ndjson", Event(2, "b") + "\n");
  WriteText(root + "/b.ndjson", Event(3, "c") + "\n");
  WriteText(root + "/a.ndjson", Event(1, "a") + "\n");
  WriteText(root + "/.hidden.ndjson", Event(4, "d") + "\n");
  WriteText(root + "/.git/config", "[core]\n");
  const std::string db = dir.File("store.db");
  auto r = RunCli({"ingest", "--db", db, "--verbose", root});
  CHECK(r.code == 0);
  CHECK(r.out ==
        root + "/a.ndjson: ndjson (medium), read 1, stored 1, duplicates 0, rejected 0\n" + root +
            "/b.ndjson: ndjson (medium), read 1, stored 1, duplicates 0, rejected 0\n" + root +
            "/host2/events.ndjson: ndjson (medium), read 1, stored 1, duplicates 0, "
            "rejected 0\n"
            "read 3 records: stored 3 events, 0 already in the store, 0 rejected "
            "(ndjson 3)\n");
}

// Item 9: a pipe's lines were committed only at the end of the input.
TEST_CASE("issue 19: lines from a pipe kept open are in the store within seconds", "[ingest]") {
  TempDir dir;
  const std::string db = dir.File("store.db");
  const std::string fifo = dir.File("pipe");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  {
    auto init = vigil::store::OpenStore(db, vigil::store::StoreAccess::kCreate);
    REQUIRE(init.has_value());
  }
  ingest::Summary summary;
  std::thread reader([&] { summary = Ingest(db, {fifo}); });
  FILE* w = std::fopen(fifo.c_str(), "w");
  REQUIRE(w != nullptr);
  const std::string lines = Events(3);
  std::fwrite(lines.data(), 1, lines.size(), w);
  std::fflush(w);
  // The writer stays open: the three events must be committed anyway.
  long long seen = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (seen < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    seen = RawQueryInt(db, "SELECT count(*) FROM events");
  }
  CHECK(seen == 3);
  const std::string more = Event(9, "late") + "\n";
  std::fwrite(more.data(), 1, more.size(), w);
  std::fclose(w);
  reader.join();
  CHECK(summary.stored == 4);
  CHECK(RawQueryInt(db, "SELECT count(*) FROM events") == 4);
}
