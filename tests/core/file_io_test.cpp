// core/file_io: the only ways vigil writes files. Issue 19: no write or append goes through a
// symbolic link, no file is truncated in place, and modes do not depend on the umask.
#include "core/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "support/test_support.h"

using vigil::AtomicFile;
using vigil::OpenForAppend;
using vigil::WriteFileAtomic;
using vigil::testing::ModeOf;
using vigil::testing::ReadText;
using vigil::testing::TempDir;
using vigil::testing::Umask;
using vigil::testing::WriteText;

namespace {

size_t EntriesIn(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST_CASE("issue 19: an atomic write refuses a link at the destination and keeps its target",
          "[file_io]") {
  TempDir dir;
  const std::string victim = dir.File("victim"), link = dir.File("out");
  WriteText(victim, "precious\n");
  REQUIRE(::symlink(victim.c_str(), link.c_str()) == 0);
  vigil::Status s = WriteFileAtomic(link, "data", 0640, true);
  REQUIRE(!s.ok());
  CHECK(s.error().code == vigil::ErrorCode::kIo);
  CHECK(s.error().message.find("symbolic link") != std::string::npos);
  CHECK(ReadText(victim) == "precious\n");
  CHECK(EntriesIn(dir.path()) == 2);  // no temporary file left behind
}

TEST_CASE("issue 19: a link planted after the check is replaced by the rename, not followed",
          "[file_io]") {
  TempDir dir;
  const std::string victim = dir.File("victim"), out = dir.File("out");
  WriteText(victim, "precious\n");
  auto file = AtomicFile::Create(out, 0600);
  REQUIRE(file.has_value());
  REQUIRE(file->Write("new bytes").ok());
  REQUIRE(::symlink(victim.c_str(), out.c_str()) == 0);  // the race a check cannot close
  REQUIRE(file->Commit().ok());
  struct stat st {};
  REQUIRE(::lstat(out.c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
  CHECK(ReadText(out) == "new bytes");
  CHECK(ReadText(victim) == "precious\n");
}

TEST_CASE("issue 19: written files get exactly their mode under umask 000", "[file_io]") {
  TempDir dir;
  Umask open_umask(0);
  REQUIRE(WriteFileAtomic(dir.File("report"), "r", 0640, true).ok());
  CHECK(ModeOf(dir.File("report")) == 0640);
  REQUIRE(WriteFileAtomic(dir.File("key"), "k", 0600, false).ok());
  CHECK(ModeOf(dir.File("key")) == 0600);
  auto fd = OpenForAppend(dir.File("log"), 0600);
  REQUIRE(fd.has_value());
  CHECK(ModeOf(dir.File("log")) == 0600);
  // Replacing keeps no trace of the old file's mode or bytes.
  WriteText(dir.File("old"), "old");
  REQUIRE(::chmod(dir.File("old").c_str(), 0666) == 0);
  REQUIRE(WriteFileAtomic(dir.File("old"), "new", 0640, true).ok());
  CHECK(ModeOf(dir.File("old")) == 0640);
  CHECK(ReadText(dir.File("old")) == "new");
  // overwrite=false refuses anything at the path, a dangling link included.
  REQUIRE(::symlink(dir.File("nowhere").c_str(), dir.File("dangling").c_str()) == 0);
  vigil::Status s = WriteFileAtomic(dir.File("dangling"), "k", 0600, false);
  CHECK(!s.ok());
  CHECK(!std::filesystem::exists(dir.File("nowhere")));
}

TEST_CASE("issue 19: appends go only to a regular file of one's own with one name", "[file_io]") {
  TempDir dir;
  const std::string script = dir.File("script.sh");
  WriteText(script, "#!/bin/sh\necho hi\n");
  REQUIRE(::symlink(script.c_str(), dir.File("link").c_str()) == 0);
  auto via_link = OpenForAppend(dir.File("link"), 0600);
  REQUIRE(!via_link.has_value());
  CHECK(via_link.error().message.find("symbolic link") != std::string::npos);
  CHECK(ReadText(script) == "#!/bin/sh\necho hi\n");

  REQUIRE(::link(script.c_str(), dir.File("hard").c_str()) == 0);
  auto via_hard = OpenForAppend(dir.File("hard"), 0600);
  REQUIRE(!via_hard.has_value());
  CHECK(via_hard.error().message.find("hard links") != std::string::npos);

  REQUIRE(::mkfifo(dir.File("fifo").c_str(), 0600) == 0);
  auto fifo = OpenForAppend(dir.File("fifo"), 0600);  // at once, not waiting for a reader
  REQUIRE(!fifo.has_value());
  CHECK(fifo.error().message.find("not a regular file") != std::string::npos);

  if (::geteuid() == 0) {  // a file of another user (root can make one to test with)
    WriteText(dir.File("theirs"), "theirs\n");
    REQUIRE(::chown(dir.File("theirs").c_str(), 65534, 65534) == 0);
    auto theirs = OpenForAppend(dir.File("theirs"), 0600);
    REQUIRE(!theirs.has_value());
    CHECK(theirs.error().message.find("belongs to uid 65534") != std::string::npos);
  }

  WriteText(dir.File("mine"), "one\n");
  auto mine = OpenForAppend(dir.File("mine"), 0600);
  REQUIRE(mine.has_value());
  REQUIRE(vigil::WriteAll(mine->get(), "two\n", dir.File("mine")).ok());
  CHECK(ReadText(dir.File("mine")) == "one\ntwo\n");
}
