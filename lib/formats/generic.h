#pragma once
// The mapping of records with common field names, shared by several formats.

#include <optional>
#include <string>

#include "core/event.h"
#include "formats/format.h"

namespace vigil::formats {

// Fills `ev` from ECS names (source.ip, event.category, ...) and the usual short ones (src_ip,
// user, action, ...). `category` is the event.category when the record names none (a bundle's
// array); else a string "source" ("auth", "firewall", ...) decides it. Leaves ts_us alone.
void MapGeneric(Record& f, Event& ev, std::optional<std::string> category);

// The time fields of records with common names, in the order tried.
inline constexpr std::string_view kCommonTimeFields[] = {
    "@timestamp", "ts",   "timestamp",  "time",           "event_time", "eventTime",
    "datetime",   "date", "created_at", "event_datetime", "eventtime"};

// A record with common names: its time from kCommonTimeFields, then MapGeneric; an exported
// audit trail's "Event Name" (ListObjects) says more than its "Event Type" (ndjson, csv).
void MapCommon(Record& f, Event& ev, const MapContext& context);

// The Sigma data of every source vigil reads with MapGeneric: product "vigil", service the
// source_format ("ndjson", "csv", ...). Also what an unknown source_format gets.
extern const Sigma kVigilSigma;

}  // namespace vigil::formats
