#pragma once
// The `ingest` section of a configuration (vigil-config(5)): the time zone of zone-less times
// per source. Internal to config/.

#include <string>

#include "config/config.h"
#include "config/reader.h"
#include "yaml/document.h"

namespace vigil::config {

// ingest: {timezone: ZONE, sources: [{path: GLOB, timezone: ZONE}, ...]}. Every zone is looked
// up in the tz database now, so a configuration that loads names only zones that exist.
Status ParseIngest(const Reader& r, yaml::Node node, const std::string& path, IngestSettings& out);

}  // namespace vigil::config
