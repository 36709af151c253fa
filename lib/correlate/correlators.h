#pragma once
// Internal to the engine: one state machine per correlation type. Each keeps per-group state
// in event time and reports "fires" (the condition held) with the events that contributed.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/siphash.h"
#include "correlate/field_source.h"
#include "correlate/rule.h"

namespace vigil::correlate {

// Something a rule matched: an event (detection rules) or a firing (correlations).
struct Hit {
  int64_t ts = 0;        // when it happened (a firing: when the condition became true)
  int64_t first_ts = 0;  // earliest contributing event
  int64_t last_ts = 0;   // latest contributing event
  // Contributing event ids not reported before: one event (`id`), or a firing's list.
  int64_t id = 0;
  const std::vector<int64_t>* ids = nullptr;
  const FieldSource* fields = nullptr;   // event hits: the event
  const Logsource* logsource = nullptr;  // event hits: the rule's log source, for mapping
  const std::map<std::string, std::string>* group = nullptr;  // firings: their group values
  std::string detail;
};

// A correlation fired.
struct Fire {
  int64_t ts = 0, first_ts = 0, last_ts = 0;
  std::vector<int64_t> ids;
  std::string group_key;
  std::map<std::string, std::string> group;
  std::string detail;
};

inline size_t IdCount(const Hit& hit) { return hit.ids ? hit.ids->size() : (hit.id ? 1 : 0); }
inline void AppendIds(const Hit& hit, std::vector<int64_t>* out) {
  if (hit.ids) {
    out->insert(out->end(), hit.ids->begin(), hit.ids->end());
  } else if (hit.id) {
    out->push_back(hit.id);
  }
}

using GroupPairs = std::vector<std::pair<std::string, std::string>>;

// The group a hit falls in, computed by the engine from the rule's group-by and aliases.
// `key` is the group's canonical JSON ({"source.ip":"1.2.3.4"}).
// `hash` is the key's SipHash under the engine's key: the correlators index groups by it.
struct GroupRef {
  const std::string& key;
  uint64_t hash;
  const GroupPairs& pairs;
};

class Correlator {
 public:
  virtual ~Correlator() = default;
  // `pos` is the position of the hit's rule in this correlation's `rules` list; `value` the
  // hit's condition.field value (or nullptr when missing or not needed).
  virtual void Add(size_t pos, const Hit& hit, const GroupRef& group, const std::string* value,
                   std::vector<Fire>* out) = 0;
  // Event time moved to `now`: fire what expired, drop idle state.
  virtual void Advance(int64_t now, std::vector<Fire>* out) = 0;
  // End of input: report what is decided.
  virtual void Flush(std::vector<Fire>* out) = 0;
  virtual bool needs_value() const { return false; }
  // Needs Advance on every new event time (expiry); others only need an occasional sweep.
  virtual bool time_driven() const { return false; }
  // Set when the state cap was reached (the engine warns once).
  bool capped = false;
};

struct SeenEntry;
// `new_seen` receives what a first_seen rule sees for the first time.
std::unique_ptr<Correlator> MakeCorrelator(const Rule& rule, size_t max_groups,
                                           std::vector<SeenEntry>* new_seen, const SipKey& key);
// first_seen state from earlier runs.
void LoadSeenInto(Correlator* correlator, const std::vector<SeenEntry>& entries);

}  // namespace vigil::correlate
