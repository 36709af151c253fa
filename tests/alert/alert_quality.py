#!/usr/bin/env python3
"""vigil alert on gen_events.py's workload, checked against the store and the ground truth.

Every alert's condition is re-checked with plain SQL (a burst is N events of one source address
within the window, a user_high alert N High/Critical events of one user, an incident alert an
incident at or above the minimum severity or above the risk threshold); the cooldown holds
(no two alerts with the same entity and type within the cooldown, unless an incident
escalated); and the alerts point at the attacks: the share of alerts whose events belong to a
malicious scenario, and the number of scenarios alerted, are printed and checked against the
given minimums.

usage: alert_quality.py STORE ALERTS.ndjson TRUTH.json [MIN_PRECISION] [MIN_SCENARIOS]
"""
import json
import sqlite3
import sys
from datetime import datetime

SEVERITY = {"Low": 0, "Medium": 1, "High": 2, "Critical": 3}


def micros(text):
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1e6)


def main():
    store, alerts_path, truth_path = sys.argv[1:4]
    min_precision = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    min_scenarios = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    truth = json.load(open(truth_path))
    scenario_of = {}  # 1-based source line -> (malicious, id, kind)
    for s in truth:
        for line in s.get("lines", []):
            scenario_of[line + 1] = (s["malicious"], s["id"], s["kind"])
    db = sqlite3.connect(store)
    alerts = [json.loads(l) for l in open(alerts_path) if l.strip()]
    failed = []
    on_attacks = 0
    scenarios = set()
    last = {}  # (entity, type) -> event time
    for a in alerts:
        ids = a["events"]
        rows = db.execute(
            "SELECT id, ts_us, source_ip, user_name, source_line FROM events WHERE id IN (%s)"
            % ",".join("?" * len(ids)), ids).fetchall()
        lines = {r[4] for r in rows}
        hits = [scenario_of[l] for l in lines if l in scenario_of and scenario_of[l][0]]
        if hits:
            on_attacks += 1
            scenarios.update((h[1], h[2]) for h in hits)
        t = micros(a["time"])
        trig = a["triggers"]
        if trig == ["burst"]:
            if len(rows) != a["event_count"] or len({r[2] for r in rows}) != 1 or \
                    rows[0][2] != a["source_ip"]:
                failed.append(f"burst {a['alert_id']}: events are not one address's")
            span = max(r[1] for r in rows) - min(r[1] for r in rows)
            if a["event_count"] < 5 or span > 60e6:
                failed.append(f"burst {a['alert_id']}: {a['event_count']} events in {span/1e6} s")
        elif trig == ["user_high"]:
            high = db.execute(
                "SELECT count(DISTINCT event_id) FROM event_scores WHERE severity IN "
                "('High','Critical') AND event_id IN (%s)" % ",".join("?" * len(ids)),
                ids).fetchone()[0]
            span = max(r[1] for r in rows) - min(r[1] for r in rows)
            if high != len(ids) or len({r[3] for r in rows}) != 1 or span > 300e6 or \
                    len(ids) < 3:
                failed.append(f"user_high {a['alert_id']}: {high} High of {len(ids)} in "
                              f"{span/1e6} s")
        elif trig == ["anomaly"]:
            row = db.execute(
                "SELECT max(anomaly) FROM event_scores WHERE event_id = ? AND severity IN "
                "('Medium','High','Critical')", ids).fetchone()
            if row[0] is None or row[0] < 0.7:
                failed.append(f"anomaly {a['alert_id']}: anomaly {row[0]}")
        else:
            sev, risk = db.execute(
                "SELECT severity, risk FROM scores WHERE incident_id = ? ORDER BY id DESC "
                "LIMIT 1", (a["incident_id"],)).fetchone()
            ok = ("severity" in trig) == (SEVERITY[sev] >= 2) and ("risk" in trig) == (risk > 75)
            if not ok or sev != a["severity"] or risk != a["risk"]:
                failed.append(f"incident alert {a['alert_id']}: {trig} for {sev} {risk}")
        key = (a["entity"], a["type"])
        if key in last and abs(t - last[key]) < 600e6 and "incident_id" not in a:
            failed.append(f"cooldown broken for {key}: {abs(t - last[key]) / 1e6} s")
        last[key] = t
    malicious = {(s["id"], s["kind"]) for s in truth if s["malicious"]}
    precision = on_attacks / len(alerts) if alerts else 0.0
    missed = sorted({k for (_, k) in malicious - scenarios})
    print(json.dumps({"alerts": len(alerts), "on_attacks": on_attacks,
                      "precision": round(precision, 3), "scenarios_alerted": len(scenarios),
                      "scenarios": len(malicious), "kinds_not_alerted": missed}))
    if precision < min_precision:
        failed.append(f"only {precision:.3f} of alerts on attacks (< {min_precision})")
    if len(scenarios) < min_scenarios:
        failed.append(f"{len(scenarios)} scenarios alerted (< {min_scenarios})")
    if failed:
        print("FAIL: " + "; ".join(failed[:20]))
        sys.exit(1)


if __name__ == "__main__":
    main()
