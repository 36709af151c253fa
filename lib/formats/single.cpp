// single: one event per line as {"user_id", "source_ip", "event_type", "description", "hour",
// ...}; a record with only an hour is dated on the day it is received.
#include "formats/format.h"
#include "formats/generic.h"
#include "formats/words.h"

namespace vigil::formats {
namespace {

const char* JsonLine(std::string_view line) {
  return Contains(line, "\"user_id\"") && Contains(line, "\"hour\"") ? "keys user_id and hour"
                                                                     : nullptr;
}

void MapSingle(Record& f, Event& ev, const MapContext& context) {
  MapTime(f, ev, context);
  MapGeneric(f, ev, std::nullopt);
}

}  // namespace

extern const FormatDescriptor kSingleFormat = {
    .name = "single",
    .reader = Reader::kJsonLines,
    .json_line_rank = 5,
    .json_line = JsonLine,
    .map = MapSingle,
    .time_fields = kCommonTimeFields,
    .sigma = &kVigilSigma,
};

}  // namespace vigil::formats
