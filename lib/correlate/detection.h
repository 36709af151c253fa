#pragma once
// The `detection:` section of a Sigma rule (specification v2), compiled once and evaluated
// against events seen through FieldSource. Value semantics are in correlate/sigma_value.h.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "correlate/field_source.h"
#include "yaml/document.h"

namespace vigil::correlate {

// Maps a Sigma field name to the name to look up in the event (log-source specific mapping
// done by the caller; identity when empty).
using FieldMapper = std::function<std::string(std::string_view sigma_name)>;

// Sigma placeholders for the `expand` modifier: a value written `%name%` stands for the list
// of values under `name` (vigil: `internal`, the site's declared internal networks).
using Placeholders = std::map<std::string, std::vector<std::string>, std::less<>>;

// A compiled detection: search identifiers plus the condition over them. Immutable after
// CompileDetection except for internal lookup scratch, so Matches may be called from one
// thread at a time per Detection (use one Detection per thread, or lock, to share). A
// moved-from Detection may only be assigned to or destroyed.
class Detection {
 public:
  Detection(Detection&&) noexcept;
  Detection& operator=(Detection&&) noexcept;
  ~Detection();

  // Whether `event` satisfies the condition. `and` / `or` short-circuit.
  bool Matches(const FieldSource& event) const;

  // The mapped field names the rule reads (including fieldref targets), sorted, unique.
  const std::vector<std::string>& fields() const;

  struct Impl;  // opaque: compiled searches and condition (detection.cpp)

 private:
  explicit Detection(std::unique_ptr<Impl> impl);
  friend Result<Detection> CompileDetection(yaml::Node, std::string_view, const FieldMapper&,
                                            const Placeholders*);
  std::unique_ptr<Impl> impl_;
};

// `detection` is the rule's detection map; `file` names the rule file for messages.
// Errors: ErrorCode::kBadInput, message "FILE:LINE: ..." (1-based line of the offending YAML
// node, as the node's document counts it; `where` is left empty), e.g.
//   "FILE:LINE: unknown placeholder '%NAME%' ..." (expand with a name not in `placeholders`)
//   "FILE:LINE: unsupported modifier 'NAME'"
//   "FILE:LINE: unsupported v1 aggregation in condition; write a Sigma correlation rule"
//   "FILE:LINE: unsupported v1 'timeframe'; write a Sigma correlation rule"
//   "FILE:LINE: unknown search identifier 'NAME' in condition"
//   "FILE:LINE: search identifier 'NAME' has an empty list"
// `placeholders` resolves `field|expand: '%name%'` (nullptr: none known).
Result<Detection> CompileDetection(yaml::Node detection, std::string_view file,
                                   const FieldMapper& mapper,
                                   const Placeholders* placeholders = nullptr);

}  // namespace vigil::correlate
