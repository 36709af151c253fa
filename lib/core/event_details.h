#pragma once
// The decisive fields of an event (issue 21 item 9): what an analyst decides an event of its
// kind by, beyond the normalised columns. A format's mapping (formats/) sets those its records
// carry; ingest stores them as events.details, a JSON object keyed by DetailNames()' keys
// (vigil-store(5)); reports print them (vigil-report(1)) without knowing any format.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil {

enum class Detail : uint8_t {
  kSignature,         // IDS: the rule's signature text
  kCategory,          // IDS: the rule's category
  kSignatureId,       // IDS: the signature id
  kKerberosService,   // Kerberos: the service the ticket is for
  kTicketEncryption,  // Kerberos: the ticket's encryption type (0x17 is RC4)
  kApiService,        // cloud: the service called (s3.amazonaws.com)
  kApi,               // cloud: the API called (GetObject)
  kResource,          // cloud: the target resource (bucket, ARN)
  kAccount,           // cloud: the account
  kHttpMethod,        // HTTP: the method (the URI is Event::url)
  kHttpStatus,        // HTTP: the response status
  kHttpBytes,         // HTTP: the response body's size
  kUserAgent,         // HTTP and cloud: the client's user agent
  kImage,             // process: the executable's path
  kCommandLine,       // process: its command line
  kParent,            // process: the parent's executable (or command line)
  kServiceName,       // service installed: its name
  kServiceBinary,     // service installed: the binary it runs
};

struct DetailName {
  Detail detail;
  std::string_view key;    // in events.details
  std::string_view label;  // in reports
};

// Every detail, in the order reports print them.
std::span<const DetailName> DetailNames();
// The entry of a key, or nullptr.
const DetailName* FindDetail(std::string_view key);

// Collects a mapping's details into the events.details JSON.
class DetailsBuilder {
 public:
  void Set(Detail detail, const std::optional<std::string>& value);
  void Set(Detail detail, const std::optional<int64_t>& value);
  // The JSON object in DetailNames() order; nullopt when nothing was set.
  std::optional<std::string> Json() const;

 private:
  std::vector<std::pair<Detail, std::string>> items_;  // detail, its JSON value
};

}  // namespace vigil
