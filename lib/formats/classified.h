#pragma once
// Events a source already classified (vigil-ingest(1), CLASSIFIED EVENTS): a record whose
// event type (event.action, event_type, action, ...) names a class such as failed_login,
// privilege_escalation, data_exfiltration, port_scan or malware_detected, or one of its usual
// synonyms, and whose log does not say otherwise (no event.category, no "source" naming a
// log, or an IDS/EDR source). The class sets ECS kind, category, type and outcome, and the
// action becomes the class's name, which the built-in rules (classified.yml) read.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/event.h"

namespace vigil::formats {

struct EventClass {
  std::string_view name;      // the canonical event.action
  std::string_view kind;      // ECS event.kind: "alert" for a finding, "event" for activity
  std::string_view category;  // ECS event.category
  std::string_view type;      // ECS event.type
  std::string_view outcome;   // ECS event.outcome, or empty
  std::string_view synonyms;  // other spellings, separated by spaces
};

// Every class, in the order the man page lists them.
std::span<const EventClass> EventClasses();
// The class an event type names: its name or a synonym, in any case, with '-' or ' ' for '_'.
const EventClass* FindEventClass(std::string_view type);

// Sets the class's fields on `ev` (the record's own type and outcome are kept; no outcome is
// set when the record has an outcome field whose value was not recognised), and for a
// data_exfiltration without bytes, the size its message states (ByteSizeIn).
void ApplyEventClass(const EventClass& cls, Event& ev, bool outcome_field_present);

// The first size written in words in `text` ("Large upload 2GB", "950 MB", "1.5 TiB"): a
// number, optional spaces, then B, KB, MB, GB, TB, PB (powers of 1000) or KiB, MiB, GiB, TiB,
// PiB (powers of 1024), any case, not followed by a letter. nullopt when none, or too large.
std::optional<int64_t> ByteSizeIn(std::string_view text);

}  // namespace vigil::formats
