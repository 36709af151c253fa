#pragma once
// Handing alerts to whatever the site uses (vigil-alert(1), DELIVERY): NDJSON on standard
// output, lines appended to a file, syslog(3), or a command run once per alert with the alert
// JSON on its standard input (how a site wires mail, chat or a pager; it gets a time limit,
// and its exit status is recorded). Every attempt is recorded under the chain in
// alert_deliveries; an alert without a successful attempt is pending and offered again by the
// next run. vigil itself opens no network connection.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "alert/alert.h"
#include "core/result.h"
#include "store/database.h"

namespace vigil::alert {

enum class Channel { kStdout, kFile, kSyslog, kExec };

struct DeliveryOptions {
  Channel channel = Channel::kStdout;
  std::string target;           // the file (kFile) or the command (kExec)
  int timeout_s = 10;           // kExec
  std::ostream* out = nullptr;  // kStdout
};

struct DeliveryReport {
  int64_t delivered = 0, failed = 0;
  std::vector<std::string> failures;  // "alert N: why"
};

// Delivers `alerts` in order and records each attempt. An error return is a store failure
// (the attempts before it are recorded); failed deliveries are in the report.
Result<DeliveryReport> Deliver(store::Database& db, const std::vector<StoredAlert>& alerts,
                               const DeliveryOptions& options);

std::string ChannelName(Channel c);

}  // namespace vigil::alert
