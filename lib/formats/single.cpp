// single: one event per line as {"user_id", "source_ip", "event_type", "description", "hour",
// ...}; a record with only an hour is dated on the day it is received.
#include <charconv>

#include "formats/format.h"
#include "formats/generic.h"
#include "formats/words.h"

namespace vigil::formats {
namespace {

constexpr std::string_view kTimeFields[] = {"ts", "timestamp", "@timestamp", "time"};

const char* JsonLine(std::string_view line) {
  return Contains(line, "\"user_id\"") && Contains(line, "\"hour\"") ? "keys user_id and hour"
                                                                     : nullptr;
}

void MapSingle(Record& f, Event& ev, const MapContext& context) {
  const int64_t received_us = context.received_us;
  if (f.Find({"ts", "timestamp", "@timestamp", "time"}).has_value()) {
    if (auto t = f.Time(kTimeFields, false)) ev.ts_us = *t;
  } else if (auto hour = f.Int({"hour"}, 0, 23)) {
    // Single events carry only an hour: date them on the day they are received.
    const int64_t day = received_us / 86400000000 * 86400000000;
    ev.ts_us = day + *hour * 3600000000;
    ev.ts_from_record = false;
  } else if (f.ok()) {
    f.Fail("time", "missing (expected ts, timestamp or hour)");
  }
  MapGeneric(f, ev, std::nullopt);
}

}  // namespace

extern const FormatDescriptor kSingleFormat = {
    .name = "single",
    .reader = Reader::kJsonLines,
    .json_line_rank = 5,
    .json_line = JsonLine,
    .map = MapSingle,
    .time_fields = kTimeFields,
    .sigma = &kVigilSigma,
};

}  // namespace vigil::formats
