// The table of field-name variants (formats/variants.h).
#include "formats/variants.h"

#include "core/ascii.h"

namespace vigil::formats::variants {
namespace {

constexpr std::string_view kSuccessWords[] = {"success",  "successful", "succeeded", "succeed",
                                              "ok",       "pass",       "passed",    "allowed",
                                              "accepted", "granted"};
constexpr std::string_view kFailureWords[] = {"failure", "failed",       "fail",    "failures",
                                              "denied",  "rejected",     "blocked", "error",
                                              "invalid", "unauthorized", "locked"};

constexpr Meaning kTable[] = {
    {"@timestamp", kTime, "ISO 8601 text"},
    {"@timestamp (date of ingest)", kHour, "0 to 23, when no time field is present"},
    {"user.name", kUser, "text"},
    {"user.name (from a mail's recipient)", kRecipient,
     "an address: its local part, when no user field is present"},
    {"email.from.address", kSender, "text"},
    {"source.ip", kSourceIp, "text"},
    {"destination.ip", kDestinationIp, "text"},
    {"url.full", kUrl, "text"},
    {"source.bytes", kBytesOut, "an integer"},
    {"destination.bytes", kBytesIn, "an integer"},
    {"event.outcome", kOutcomeWord,
     "success, successful, succeeded, ok, pass, passed, allowed, accepted, granted; failure, "
     "failed, fail, denied, rejected, blocked, error, invalid, unauthorized, locked; unknown "
     "(any case)"},
    {"event.outcome (a flag)", kOutcomeFlag, "true, 1, yes: success; false, 0, no: failure"},
};

bool In(std::string_view word, std::span<const std::string_view> list) {
  for (std::string_view w : list) {
    if (w == word) return true;
  }
  return false;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::span<const Meaning> Table() { return kTable; }

std::optional<std::string> OutcomeWord(std::string_view word) {
  const std::string w = Lower(Trim(word));
  if (In(w, kSuccessWords)) return "success";
  if (In(w, kFailureWords)) return "failure";
  if (w == "unknown") return "unknown";
  return std::nullopt;
}

std::optional<std::string> OutcomeFlag(std::string_view text) {
  const std::string w = Lower(Trim(text));
  if (w == "true" || w == "1" || w == "yes") return "success";
  if (w == "false" || w == "0" || w == "no") return "failure";
  return std::nullopt;
}

std::optional<std::string> Outcome(Record& f, bool& present) {
  present = false;
  for (std::string_view name : kOutcomeWord) {
    auto found = f.Find({name});
    if (!found) continue;
    present = true;
    std::optional<std::string> outcome;
    if (found->type == ValueType::kString) outcome = OutcomeWord(found->string);
    if (found->type == ValueType::kBool) outcome = OutcomeFlag(f.Text({name}).value_or(""));
    if (outcome) return outcome;
  }
  for (std::string_view name : kOutcomeFlag) {
    auto found = f.Find({name});
    if (!found) continue;
    present = true;
    if (found->type != ValueType::kString && found->type != ValueType::kBool &&
        found->type != ValueType::kNumber) {
      continue;
    }
    if (auto outcome = OutcomeFlag(f.Text({name}).value_or(""))) return outcome;
  }
  return std::nullopt;
}

std::string MailboxUser(std::string_view recipient) {
  recipient = Trim(recipient);
  if (!recipient.empty() && recipient.front() == '<') recipient.remove_prefix(1);
  const size_t at = recipient.find('@');
  return std::string(at == std::string_view::npos ? recipient : recipient.substr(0, at));
}

}  // namespace vigil::formats::variants
