#pragma once
// The mapping of records with common field names, shared by several formats.

#include <optional>
#include <string>

#include "core/event.h"
#include "formats/format.h"
#include "formats/variants.h"

namespace vigil::formats {

// Fills `ev` from ECS names (source.ip, event.category, ...) and the usual short ones (src_ip,
// user, action, ...). `category` is the event.category when the record names none (a bundle's
// array); else a string "source" ("auth", "firewall", ...) decides it. Leaves ts_us alone.
void MapGeneric(Record& f, Event& ev, std::optional<std::string> category);

// The time fields of records with common names, in the order tried (formats/variants.h).
inline constexpr std::span<const std::string_view> kCommonTimeFields = variants::kTime;

// The record's time from kCommonTimeFields; without one, an hour of day ("hour": 3) dates it
// on the day of ingest (context.received_us, UTC) at that hour, and ev.ts_from_record is
// false. A record with neither fails "time: missing (expected one of ...)". Whether it was set.
bool MapTime(Record& f, Event& ev, const MapContext& context);

// A record with common names: its time from kCommonTimeFields, then MapGeneric; an exported
// audit trail's "Event Name" (ListObjects) says more than its "Event Type" (ndjson, csv).
void MapCommon(Record& f, Event& ev, const MapContext& context);

// The Sigma data of every source vigil reads with MapGeneric: product "vigil", service the
// source_format ("ndjson", "csv", ...). Also what an unknown source_format gets.
extern const Sigma kVigilSigma;

}  // namespace vigil::formats
