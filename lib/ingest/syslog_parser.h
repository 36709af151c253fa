#pragma once
// Syslog (RFC 3164 and RFC 5424) lines into events, with sshd and pam_unix messages parsed
// into authentication events (vigil-ingest(1), "syslog").

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/result.h"

namespace vigil::ingest {

struct SyslogOptions {
  // RFC 3164 timestamps have no year. The year of the first line; a later line whose month is
  // more than six months before the previous line's (December -> January) starts the next
  // year, while a shorter step back is taken as lines slightly out of order.
  int year = 1970;
};

// Stateful across the lines of one input (it tracks the year roll-over).
class SyslogParser {
 public:
  explicit SyslogParser(SyslogOptions options) : options_(options), year_(options.year) {}

  // Parses one line (without its newline). Appends 1 event, or N for "message repeated N
  // times: [ ... ]". kBadInput, with a reason such as "not a syslog line: no timestamp", when
  // the line is not syslog; nothing is appended then.
  Status Parse(std::string_view line, std::vector<Event>& out);

 private:
  SyslogOptions options_;
  int year_;
  int last_month_ = 0;  // 1-12 of the previous RFC 3164 line, 0 before the first
};

}  // namespace vigil::ingest
