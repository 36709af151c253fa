#pragma once
// The labels of an event stored before schema version 7 (vigil-store(5): its product, service
// and source_country columns are NULL): derived from the stored row's source_format, columns
// and record exactly as ingest sets them now (formats/labels.h), so an old store correlates and
// scores as a new one does. The one place that re-reads a stored record for them; correlate's
// log source matching and score's behaviour profiles both call it for such rows.

#include <string>

#include "core/event.h"

namespace vigil::formats {

struct LegacyLabels {
  std::string product, service, country;  // empty: none
};

// What to derive: product and service (from the event's columns and, for the formats whose
// service reads it, the record: `fields` when set, else raw), and the source country (from raw
// when it is a JSON object that may name one).
struct LegacyWant {
  bool logsource = false;
  bool country = false;
};

LegacyLabels DeriveLegacyLabels(const StoredEvent& stored, LegacyWant want);

}  // namespace vigil::formats
