#include "report/review_status.h"

#include <fmt/format.h>

#include "core/time.h"
#include "report/render.h"

namespace vigil::report {
namespace {

constexpr std::string_view kDigestPrefix{"vigil-review-v1\0", 16};

}  // namespace

Result<crypto::Digest> ContentDigest(const Incident& incident, crypto::Sha256& sha) {
  std::string message(kDigestPrefix);
  message += ReviewedJson(incident);
  const crypto::Digest d = sha.Hash(message);
  if (!sha.ok()) return MakeError(ErrorCode::kCrypto, "SHA-256 failed on a report's content");
  return d;
}

std::string ReviewMarking(const Incident& inc) {
  const char* base = inc.status == "approved"   ? "APPROVED"
                     : inc.status == "rejected" ? "REJECTED"
                                                : "DRAFT";
  if (inc.currency == Currency::kChanged)
    return std::string(base) + " (earlier version, changed since)";
  return base;
}

std::string ReviewStatus(const Incident& inc) {
  if (inc.decided_by < 0 || size_t(inc.decided_by) >= inc.reviews.size()) return inc.status;
  const Review& r = inc.reviews[size_t(inc.decided_by)];
  std::string out = fmt::format("{} by {} at {}", inc.status, r.analyst, FormatUtc(r.ts_us));
  if (inc.currency == Currency::kChanged) {
    out += "; on an earlier version, changed since (review it again)";
  } else if (inc.currency == Currency::kUnrecorded) {
    out += "; version not recorded (reviewed before vigil recorded what was reviewed)";
  }
  return out;
}

std::string ReviewVersion(const Incident& inc, const Review& r) {
  if (r.digest.empty()) return "version not recorded";
  return r.digest == inc.digest ? "this version" : "an earlier version";
}

}  // namespace vigil::report
