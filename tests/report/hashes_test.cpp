// File hashes as indicators: found where a field name says "hash", never in other hex.
#include "report/hashes.h"

#include <catch2/catch.hpp>

using vigil::report::FindHashes;

TEST_CASE("hashes: Zeek files.log names md5 and sha1", "[report]") {
  const auto h = FindHashes(
      R"({"fuid":"FZ7E9x2gD5KHc8KoDg","mime_type":"text/ini","md5":"cc85d7649546d3c0b1607f761b73fec2",)"
      R"("sha1":"1a1a10b819f321b91b47d7dd73668406a15992db"})");
  REQUIRE(h.size() == 2);
  CHECK(h[0].algorithm == "md5");
  CHECK(h[0].value == "cc85d7649546d3c0b1607f761b73fec2");
  CHECK(h[1].algorithm == "sha1");
}

TEST_CASE("hashes: Sysmon's Hashes list, upper case, without the import hash", "[report]") {
  const auto h =
      FindHashes(R"({"Image":"C:\\x.exe","Hashes":"SHA1=1A1A10B819F321B91B47D7DD73668406A15992DB,)"
                 R"(MD5=CC85D7649546D3C0B1607F761B73FEC2,SHA256=)"
                 R"(0ED5EC94A00F5C03CD779AF8BAFD670A73F40AB1597AC69FFA6A6B7AF7E4E099,)"
                 R"(IMPHASH=11111111111111111111111111111111"})");
  REQUIRE(h.size() == 3);
  CHECK(h[0].algorithm == "sha1");
  CHECK(h[0].value == "1a1a10b819f321b91b47d7dd73668406a15992db");
  CHECK(h[1].algorithm == "md5");
  CHECK(h[2].algorithm == "sha256");
  CHECK(h[2].value == "0ed5ec94a00f5c03cd779af8bafd670a73f40ab1597ac69ffa6a6b7af7e4e099");
}

TEST_CASE("hashes: hex that is not named a hash, or of another length, is not one", "[report]") {
  // A certificate subject, a request id, a GUID, a too-short and a too-long digest.
  CHECK(
      FindHashes(R"({"sub":"CN=0ed5ec94a00f5c03cd779af8bafd670a73f40ab1597ac69ffa6a6b7af7e4e099"})")
          .empty());
  CHECK(FindHashes(R"({"requestID":"9E67F4B1EA896060CC85D7649546D3C0"})").empty());
  CHECK(FindHashes(R"({"LogonGuid":"{31B2F340-016D-11D2-945F-00C04FB984F9}"})").empty());
  CHECK(FindHashes(R"({"md5":"cc85d7649546d3c0b1607f761b73fec"})").empty());
  CHECK(FindHashes(R"({"md5":"cc85d7649546d3c0b1607f761b73fec2a"})").empty());
  CHECK(FindHashes(R"({"md5":"xcc85d7649546d3c0b1607f761b73fec2"})").empty());
  CHECK(FindHashes("").empty());
  CHECK(FindHashes("md5=").empty());
}

TEST_CASE("hashes: repeats are reported once, and at most `limit`", "[report]") {
  const std::string one =
      R"("sha256":"0ed5ec94a00f5c03cd779af8bafd670a73f40ab1597ac69ffa6a6b7af7e4e099")";
  CHECK(FindHashes("{" + one + "," + one + "}").size() == 1);
  std::string many = "{";
  for (int i = 0; i < 20; ++i) {
    many += "\"md5_" + std::to_string(i) + "\":\"" + std::string(30, 'a') + std::to_string(10 + i) +
            "\",";
  }
  CHECK(FindHashes(many + "}", 5).size() == 5);
  CHECK(FindHashes(many + "}").size() == 16);
}
