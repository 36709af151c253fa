#pragma once
// The one table of field-name variants (vigil-ingest(1), FIELD NAMES): for each meaning of the
// event model, the names records with common field names (ndjson, json-array, bundle, single,
// csv) spell it by, tried in order, and which values are accepted. Every mapping that reads
// such records reads these lists; no format keeps a copy of its own.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "formats/record.h"

namespace vigil::formats::variants {

inline constexpr std::string_view kTime[] = {"@timestamp",      "ts",
                                             "timestamp",       "time",
                                             "event_time",      "eventTime",
                                             "datetime",        "date",
                                             "created_at",      "event_datetime",
                                             "eventtime",       "EventTime",
                                             "event_timestamp", "TimeGenerated",
                                             "timeGenerated",   "time_generated",
                                             "logged_at",       "occurred_at"};
// A record with no time but an hour of day (0 to 23) is dated on the day of ingest (UTC).
inline constexpr std::string_view kHour[] = {"hour", "hour_of_day"};
inline constexpr std::string_view kUser[] = {
    "user.name", "user",         "user_id",     "username", "user_name",         "userName",
    "account",   "account_name", "accountName", "src_user", "userPrincipalName", "upn"};
// A mail's recipient: the user when no user field is present (the local part of an address).
inline constexpr std::string_view kRecipient[] = {
    "email.to.address", "recipient", "recipient_address", "recipient_email", "rcpt",
    "rcpt_to",          "mail_to"};
inline constexpr std::string_view kSender[] = {
    "email.from.address", "sender",       "email_from",     "from",
    "mail_from",          "from_address", "sender_address", "sender_email"};
inline constexpr std::string_view kSourceIp[] = {
    "source.ip",     "src_ip",         "source_ip", "src",
    "client_ip",     "srcip",          "ip",        "ip_address",
    "client.ip",     "srcaddr",        "src_addr",  "source_address",
    "sourceAddress", "client_address", "remote_ip", "remote_addr",
    "c-ip",          "IpAddress"};
inline constexpr std::string_view kDestinationIp[] = {"destination.ip",
                                                      "dst_ip",
                                                      "destination_ip",
                                                      "dest_ip",
                                                      "dst",
                                                      "dstip",
                                                      "server_ip",
                                                      "server.ip",
                                                      "dstaddr",
                                                      "dst_addr",
                                                      "destination_address",
                                                      "destinationAddress",
                                                      "dest",
                                                      "server_address",
                                                      "s-ip"};
inline constexpr std::string_view kUrl[] = {"url.full",     "url",  "uri",         "request_url",
                                            "url.original", "link", "clicked_url", "full_url"};
// Bytes the source sent (out); "bytes" alone counts as out.
inline constexpr std::string_view kBytesOut[] = {
    "source.bytes", "bytes_out",      "bytes_sent", "sent_bytes",   "out_bytes", "tx_bytes",
    "upload_bytes", "bytes_uploaded", "sentbyte",   "client.bytes", "bytes"};
inline constexpr std::string_view kBytesIn[] = {
    "destination.bytes", "bytes_in",       "bytes_received",   "received_bytes", "in_bytes",
    "rx_bytes",          "download_bytes", "bytes_downloaded", "rcvdbyte",       "server.bytes"};
// Outcome as a word (any case): success/failure/unknown per OutcomeWord.
inline constexpr std::string_view kOutcomeWord[] = {"event.outcome", "outcome",     "result",
                                                    "status",        "auth_result", "login_result"};
// Outcome as a flag: true/false, 1/0, "yes"/"no" (any case).
inline constexpr std::string_view kOutcomeFlag[] = {"success", "succeeded", "successful",
                                                    "authenticated", "login_success"};

// One meaning of the table, for the man page and the tests.
struct Meaning {
  std::string_view meaning;  // the event field ("user.name", "event.outcome", ...)
  std::span<const std::string_view> names;
  std::string_view values;  // what is accepted, in words
};
std::span<const Meaning> Table();

// "success", "failure" or "unknown" for an outcome word: success, successful, succeeded, ok,
// pass, passed, allowed, accepted, granted / failure, failed, fail, denied, rejected, blocked,
// error, invalid, unauthorized, locked / unknown; any case. Anything else: nullopt.
std::optional<std::string> OutcomeWord(std::string_view word);
// "success" or "failure" for a flag's text (true/false, 1/0, yes/no); else nullopt.
std::optional<std::string> OutcomeFlag(std::string_view text);

// The record's outcome from kOutcomeWord and kOutcomeFlag: the first field present whose value
// is recognised. A number in a word field (an HTTP status 200, an exit code 0) is not an
// outcome; an unrecognised value is left unset, never guessed. `present` tells whether any
// outcome field was present.
std::optional<std::string> Outcome(Record& f, bool& present);

// The user a recipient address names: its local part ("alice@corp.example" -> "alice").
std::string MailboxUser(std::string_view recipient);

}  // namespace vigil::formats::variants
