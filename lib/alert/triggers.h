#pragma once
// The trigger rules of vigil alert, each reading what is new above the previous run's
// watermarks (and the older events a time window reaches back to). They return every
// condition met; the cooldown and the "already alerted" checks are applied by alert.cpp.

#include <cstdint>
#include <vector>

#include "alert/alert.h"
#include "config/config.h"
#include "store/alert_state.h"
#include "store/database.h"

namespace vigil::alert {

using Watermarks = store::AlertWatermarks;

// severity and risk: the newest new score of each incident that meets either.
Result<std::vector<Alert>> IncidentTriggers(store::Database& db, const Watermarks& from,
                                            const config::AlertOptions& o);
// anomaly: new event scores at least o.anomaly anomalous and Medium or worse.
Result<std::vector<Alert>> AnomalyTriggers(store::Database& db, const Watermarks& from,
                                           const config::AlertOptions& o);
// burst: o.burst_events events from one source IP within o.burst_window_s, at least one new.
Result<std::vector<Alert>> BurstTriggers(store::Database& db, const Watermarks& from,
                                         const config::AlertOptions& o);
// user_high: o.user_high_events High/Critical events of one user within the window, at least
// one newly scored.
Result<std::vector<Alert>> UserHighTriggers(store::Database& db, const Watermarks& from,
                                            const config::AlertOptions& o);

}  // namespace vigil::alert
