#include "config/reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/edit_distance.h"

namespace vigil::config {
namespace {

std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

}  // namespace

std::string Describe(yaml::Node node) {
  if (node.IsScalar()) return fmt::format("'{}'", node.Scalar());
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  return "nothing";
}

std::string Reader::Where(yaml::Node node) const {
  const int line = node.mark().line;
  return line >= 0 ? fmt::format("{}:{}", name_, line + 1) : std::string(name_);
}

Error Reader::Fail(yaml::Node node, std::string_view what, std::string_view why) const {
  return MakeError(ErrorCode::kUsage, fmt::format("{}: {}", what, why), Where(node));
}

Status Reader::ForEachKey(yaml::Node node, const std::string& path,
                          std::initializer_list<std::string_view> known, const Visit& visit) const {
  if (node.IsNull()) return {};
  if (!node.IsMap()) return Fail(node, path, "expected a map, got " + Describe(node));
  std::vector<std::pair<std::string, int>> seen;
  for (const yaml::Entry& entry : node.Entries()) {
    const yaml::Node key_node = entry.first;
    const std::string key = key_node.IsScalar() ? key_node.Scalar() : Describe(key_node);
    const std::string key_path = Join(path, key);
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string why = "unknown key";
      const auto nearest = std::min_element(known.begin(), known.end(), [&](auto a, auto b) {
        return EditDistance(key, a) < EditDistance(key, b);
      });
      if (EditDistance(key, *nearest) <= 2) why += fmt::format(" (did you mean '{}'?)", *nearest);
      return Fail(key_node, key_path, why);
    }
    for (const auto& [name, line] : seen) {
      if (name == key)
        return Fail(key_node, key_path, fmt::format("given twice (first at line {})", line));
    }
    seen.emplace_back(key, key_node.mark().line + 1);
    Status s = visit(key, entry.second, key_path);
    if (!s.ok() && entry.second.IsNull()) {
      // yaml-cpp marks an empty value where the next token starts: name the key's line.
      return MakeError(s.error().code, s.error().message, Where(key_node));
    }
    if (!s.ok()) return s;
  }
  return {};
}

Result<int> Reader::Int(yaml::Node node, const std::string& what, int lo, int hi) const {
  const std::string text = node.IsScalar() ? node.Scalar() : std::string();
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!node.IsScalar() || text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      value < lo || value > hi) {
    return Fail(
        node, what,
        fmt::format("expected a whole number from {} to {}, got {}", lo, hi, Describe(node)));
  }
  return value;
}

Result<double> Reader::Number(yaml::Node node, const std::string& what, double lo,
                              double hi) const {
  const std::string text = node.IsScalar() ? node.Scalar() : std::string();
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!node.IsScalar() || text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value) || value < lo || value > hi) {
    return Fail(node, what,
                fmt::format("expected a number from {} to {}, got {}", lo, hi, Describe(node)));
  }
  return value;
}

Result<std::vector<std::string>> Reader::Strings(
    yaml::Node node, const std::string& what,
    const std::function<std::optional<std::string>(std::string_view)>& check) const {
  std::vector<std::string> out;
  if (node.IsNull()) return out;
  if (!node.IsSequence()) {
    return Fail(node, what, fmt::format("expected a list ([a, b]), got {}", Describe(node)));
  }
  for (yaml::Node item : node.Items()) {
    if (!item.IsScalar()) return Fail(item, what, "expected a string, got " + Describe(item));
    if (std::optional<std::string> why = check(item.Scalar())) return Fail(item, what, *why);
    out.push_back(item.Scalar());
  }
  return out;
}

}  // namespace vigil::config
