#include "alert/deliver.h"

#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ostream>

#include "core/file_io.h"
#include "core/subprocess.h"
#include "core/time.h"
#include "store/chain.h"

namespace vigil::alert {
namespace {

// Syslog priority from the alert's severity (its payload says it as "severity":"High").
int Priority(const std::string& payload) {
  if (payload.find("\"severity\":\"Critical\"") != std::string::npos) return LOG_CRIT;
  if (payload.find("\"severity\":\"High\"") != std::string::npos) return LOG_ERR;
  return LOG_WARNING;
}

// One line appended with one write(2) on an O_APPEND descriptor, then fsync(2): concurrent
// writers do not interleave within a line, and "delivered" means on disk. Only to a regular
// file of the caller's own, never through a symbolic link (core/file_io.h).
Status AppendLine(const std::string& path, const std::string& line) {
  auto fd = OpenForAppend(path, 0600);
  if (!fd) return fd.error();
  const ssize_t n = write(fd->get(), line.data(), line.size());
  const int write_errno = errno;
  const bool synced = fsync(fd->get()) == 0;
  if (n != ssize_t(line.size())) {
    return MakeError(
        ErrorCode::kIo,
        std::string("cannot write: ") + (n < 0 ? strerror(write_errno) : "short write"), path);
  }
  if (!synced) return MakeError(ErrorCode::kIo, "cannot sync", path);
  return {};
}

// Attempts one delivery: "" on success, else why not; `detail` gets what is recorded.
std::string Attempt(const StoredAlert& a, const DeliveryOptions& o, std::string& detail) {
  const std::string json = DeliveredJson(a);
  switch (o.channel) {
    case Channel::kStdout:
      *o.out << json << '\n';
      o.out->flush();
      if (!*o.out) return detail = "standard output: write failed";
      detail = "written";
      return {};
    case Channel::kFile: {
      Status s = AppendLine(o.target, json + "\n");
      if (!s.ok()) return detail = s.error().ToString();
      detail = "appended";
      return {};
    }
    case Channel::kSyslog:
      openlog("vigil", LOG_PID, LOG_USER);
      syslog(Priority(a.payload), "alert %s", json.c_str());
      closelog();
      detail = "logged";
      return {};
    case Channel::kExec: {
      auto run = RunCommand(o.target, json + "\n", o.timeout_s * 1000, 64 * 1024);
      if (!run) return detail = run.error().message;
      detail =
          run->exit_status < 0 ? "killed by a signal" : "exit " + std::to_string(run->exit_status);
      return run->exit_status == 0 ? std::string() : detail;
    }
  }
  return detail = "unknown channel";
}

}  // namespace

std::string ChannelName(Channel c) {
  switch (c) {
    case Channel::kStdout:
      return "stdout";
    case Channel::kFile:
      return "file";
    case Channel::kSyslog:
      return "syslog";
    case Channel::kExec:
      return "exec";
  }
  return "?";
}

Result<DeliveryReport> Deliver(store::Database& db, const std::vector<StoredAlert>& alerts,
                               const DeliveryOptions& o) {
  DeliveryReport report;
  for (const StoredAlert& a : alerts) {
    std::string detail;
    const std::string why = Attempt(a, o, detail);
    if (why.empty()) {
      ++report.delivered;
    } else {
      ++report.failed;
      report.failures.push_back("alert " + std::to_string(a.id) + ": " + why);
    }
    // Recorded per alert: a crash later on leaves earlier attempts on record.
    auto tx = store::Transaction::Begin(db, store::Transaction::Kind::kImmediate);
    if (!tx) return tx.error();
    auto chain = store::ChainWriter::Begin(db);
    if (!chain) return chain.error();
    using store::Value;
    auto id = chain->Append(
        "alert_deliveries",
        {Value::Integer(a.id), Value::Integer(NowMicros()), Value::Text(ChannelName(o.channel)),
         o.target.empty() ? Value::Null() : Value::Text(o.target),
         Value::Integer(why.empty() ? 1 : 0), Value::Text(detail)});
    if (!id) return id.error();
    if (Status s = tx->Commit(); !s.ok()) return s.error();
  }
  return report;
}

}  // namespace vigil::alert
