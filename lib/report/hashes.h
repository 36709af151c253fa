#pragma once
// File hashes named in a raw log record, as indicators of compromise: a hex digest of MD5,
// SHA-1, SHA-256 or SHA-512 length that a field name says is a hash ("md5": "...",
// "sha256": "...", resp_certificate_sha1, Sysmon's Hashes "SHA1=...,MD5=..."). A bare hex run
// with no such name (a certificate subject, a request id) is not reported.

#include <string>
#include <string_view>
#include <vector>

namespace vigil::report {

struct FileHash {
  std::string algorithm;  // md5, sha1, sha256, sha512
  std::string value;      // lower-case hex
};

// At most `limit` hashes of `raw`, in order of appearance, without repeats.
std::vector<FileHash> FindHashes(std::string_view raw, size_t limit = 16);

}  // namespace vigil::report
