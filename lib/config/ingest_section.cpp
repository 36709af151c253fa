// The `ingest` section (ingest_section.h) and Config::TimeZoneFor.
#include "config/ingest_section.h"

#include "config/entries.h"
#include "core/time_zone.h"

namespace vigil::config {
namespace {

Result<std::string> Zone(const Reader& r, yaml::Node node, const std::string& what) {
  if (!node.IsScalar())
    return r.Fail(node, what, "expected an IANA zone name, got " + Describe(node));
  auto zone = TimeZone::Load(node.Scalar());
  if (!zone) return r.Fail(node, what, zone.error().message);
  return zone->name();
}

}  // namespace

Status ParseIngest(const Reader& r, yaml::Node node, const std::string& path, IngestSettings& out) {
  return r.ForEachKey(
      node, path, {"timezone", "sources"},
      [&](std::string_view key, yaml::Node value, const std::string& key_path) -> Status {
        if (key == "timezone") {
          auto zone = Zone(r, value, key_path);
          if (!zone) return zone.error();
          out.timezone = *zone;
          return {};
        }
        if (value.IsNull()) return {};
        if (!value.IsSequence()) {
          return r.Fail(value, key_path,
                        "expected a list of {path, timezone}, got " + Describe(value));
        }
        for (size_t i = 0; i < value.size(); ++i) {
          const std::string item_path = key_path + "[" + std::to_string(i) + "]";
          SourceSettings source;
          Status s = r.ForEachKey(
              value[i], item_path, {"path", "timezone"},
              [&](std::string_view k, yaml::Node v, const std::string& k_path) -> Status {
                if (k == "timezone") {
                  auto zone = Zone(r, v, k_path);
                  if (!zone) return zone.error();
                  source.timezone = *zone;
                  return {};
                }
                if (!v.IsScalar() || v.Scalar().empty()) {
                  return r.Fail(v, k_path, "expected a path or glob, got " + Describe(v));
                }
                source.path = v.Scalar();
                return {};
              });
          if (!s.ok()) return s;
          if (source.path.empty() || source.timezone.empty()) {
            return r.Fail(value[i], item_path, "give both path and timezone");
          }
          out.sources.push_back(std::move(source));
        }
        return {};
      });
}

const std::string& Config::TimeZoneFor(std::string_view input) const {
  for (const SourceSettings& s : ingest.sources) {
    if (GlobMatch(s.path, input)) return s.timezone;
  }
  return ingest.timezone;
}

}  // namespace vigil::config
