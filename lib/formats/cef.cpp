// cef: ArcSight Common Event Format lines (ingest/text_records.h turns the header and the
// extensions into JSON); numbers arrive as text, rt is milliseconds or ISO 8601.
#include <charconv>

#include "formats/format.h"
#include "formats/generic.h"
#include "formats/words.h"

namespace vigil::formats {
namespace {

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

constexpr std::string_view kTimeFields[] = {"rt", "end", "start", "deviceReceiptTime"};

void MapCef(Record& f, Event& ev, const MapContext&) {
  // rt / end / start: milliseconds since the epoch, or an ISO 8601 time.
  if (auto rt = f.Find({"rt", "end", "start", "deviceReceiptTime"})) {
    const std::string_view v = rt->string;
    if (rt->type == ValueType::kString && IsDigits(v) && v.size() <= 15) {
      int64_t ms = 0;
      std::from_chars(v.data(), v.data() + v.size(), ms);
      ev.ts_us = ms * 1000;
    } else if (auto t = f.Time({rt->name}, false)) {
      ev.ts_us = *t;
    }
  } else {
    f.Fail("time", "missing (expected rt, end or start)");
  }
  ev.event_kind = "alert";
  ev.event_action = f.Str({"act", "name"});
  ev.message = f.Str({"msg", "name"});
  ev.event_severity = f.Str({"severity"});
  ev.event_category = f.Str({"cat"});
  ev.source_ip = f.Str({"src", "shost"});
  ev.source_port = f.Port({"spt"});
  ev.destination_ip = f.Str({"dst", "dhost"});
  ev.destination_port = f.Port({"dpt"});
  ev.user_name = f.Str({"suser", "duser"});
  ev.network_protocol = f.Str({"proto", "app"});
  ev.host_name = f.Str({"dvchost", "dvc", "deviceProduct"});
  ev.url = f.Str({"request"});
  ev.domain = f.Str({"destinationDnsDomain", "sourceDnsDomain"});
  ev.process_name = f.Str({"sproc", "dproc"});
  ev.source_bytes = f.Bytes({"out"});
  ev.destination_bytes = f.Bytes({"in"});
  ev.event_outcome = f.Str({"outcome"});
  if (ev.event_outcome) {
    ev.event_outcome = OutcomeFromWords(ev.event_outcome).value_or(Lower(*ev.event_outcome));
  } else {
    ev.event_outcome = OutcomeFromWords(ev.event_action);
  }
}

}  // namespace

extern const FormatDescriptor kCefFormat = {
    .name = "cef",
    .reader = Reader::kCef,
    .map = MapCef,
    .time_fields = kTimeFields,
    .numbers_as_text = true,
    .sigma = &kVigilSigma,
};

}  // namespace vigil::formats
