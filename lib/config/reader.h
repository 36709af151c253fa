#pragma once
// Walks one YAML document of a configuration map by map, each with the list of keys it may
// hold, so an unknown key is refused where it is (with the nearest known key as a hint)
// instead of being ignored. Every error it makes is kUsage with message "what: why" (what =
// the key path, e.g. score.weights) at "name:line". Internal to config/.

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "yaml/document.h"

namespace vigil::config {

// "'text'" for a scalar, else "a list", "a map" or "nothing": what a message says was found.
std::string Describe(yaml::Node node);

class Reader {
 public:
  using Visit =
      std::function<Status(std::string_view key, yaml::Node value, const std::string& key_path)>;

  explicit Reader(std::string_view name) : name_(name) {}

  // "name:line" of `node`, or "name".
  std::string Where(yaml::Node node) const;
  Error Fail(yaml::Node node, std::string_view what, std::string_view why) const;

  // Calls `visit` for each key of the map `node` (a null node is an empty map: a section whose
  // keys are all commented out). Refuses other nodes, unknown keys and keys given twice.
  Status ForEachKey(yaml::Node node, const std::string& path,
                    std::initializer_list<std::string_view> known, const Visit& visit) const;
  // A whole number in [lo, hi].
  Result<int> Int(yaml::Node node, const std::string& what, int lo, int hi) const;
  // A finite number in [lo, hi].
  Result<double> Number(yaml::Node node, const std::string& what, double lo, double hi) const;
  // A list of strings (null: empty), each passed by `check`, which says why one is refused.
  Result<std::vector<std::string>> Strings(
      yaml::Node node, const std::string& what,
      const std::function<std::optional<std::string>(std::string_view)>& check) const;

 private:
  std::string_view name_;
};

}  // namespace vigil::config
