#!/usr/bin/env python3
"""Analyst feedback against gen_events.py's ground truth (vigil-review(1), FALSE POSITIVES).

usage: feedback_quality.py VIGIL STORE TRUTH.json [--later FILE] [--json]

STORE must hold one ingest of the generator's NDJSON file, a correlate run and a score run
over it (as tests/bench/correlate_quality.py wants). The script then does what an analyst
would: it marks each incident whose events are all benign look-alikes a false positive, once
(`vigil review ID --false-positive`, scope entity), runs `vigil correlate --dry-run` (every
event again: the candidates of a marked pattern must read as suppressed) and `vigil score`,
and compares:
  - benign look-alike incidents above Low after the marks: must be 0;
  - malicious incidents whose severity or risk changed: must be 0 (no attack is hidden);
  - correlate candidates suppressed in the dry run, and how many of them hold attack events
    (correlate_quality.py's recall must not change: the incidents are all still there).
With --later FILE (the whole generator file, of which STORE holds the first lines: `head -n
N`), the marks are made on the first part, then FILE is ingested (the first N lines are the
same records, so ingest skips them and the rest keep their line numbers), correlated and
scored: the incidents that run creates or extends are the "later runs". Benign look-alike incidents among
them of a marked pattern must be suppressed and Low; no malicious one may be suppressed.
Exit 0 when all hold, 1 when not.
"""
import collections
import json
import os
import sqlite3
import subprocess
import sys


def scenarios(con, truth):
    line_to_sid = {}
    for sc in truth:
        if sc["kind"] == "malformed_lines":
            continue
        for ln in sc["lines"]:
            line_to_sid[ln + 1] = sc["id"]
    sids = collections.defaultdict(set)
    for iid, line in con.execute(
            "SELECT ie.incident_id, e.source_line FROM incident_events ie "
            "JOIN events e ON e.id = ie.event_id"):
        sid = line_to_sid.get(line)
        if sid is not None:
            sids[iid].add(sid)
    return sids


def latest_scores(con):
    out = {}
    for iid, sev, risk in con.execute("SELECT incident_id, severity, risk FROM scores ORDER BY id"):
        out[iid] = (sev, risk)
    return out


def recall(store, truth_path):
    here = os.path.dirname(os.path.abspath(__file__))
    run = subprocess.run([sys.executable, os.path.join(here, "correlate_quality.py"), store,
                          truth_path, "--json"], capture_output=True, text=True)
    return json.loads(run.stdout)["recall_instances"]


def vigil(binary, store, *args):
    run = subprocess.run([binary, "--db", store, *args], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"vigil {' '.join(args)}: exit {run.returncode}: {run.stderr.strip()}")
    return run.stdout


def main():
    binary, store, truth_path = sys.argv[1], sys.argv[2], sys.argv[3]
    truth = json.load(open(truth_path))
    by_id = {sc["id"]: sc for sc in truth}
    con = sqlite3.connect(store)
    sids = scenarios(con, truth)
    incidents = [iid for (iid,) in con.execute("SELECT id FROM incidents ORDER BY id")]
    malicious = {i for i in incidents if any(by_id[s]["malicious"] for s in sids[i])}
    benign = [i for i in incidents if sids[i] and i not in malicious]
    before = latest_scores(con)
    recall_before = recall(store, truth_path)
    con.close()

    for iid in benign:
        vigil(binary, store, "--format", "json", "review", str(iid), "--false-positive",
              "--analyst", "bench", "--note", "benign look-alike (feedback_quality.py)")
    dry = json.loads(vigil(binary, store, "--format", "json", "correlate", "--dry-run"))
    later = None
    if "--later" in sys.argv:
        vigil(binary, store, "--quiet", "ingest", sys.argv[sys.argv.index("--later") + 1])
        run = json.loads(vigil(binary, store, "--format", "json", "correlate"))
        later = {i["id"]: i for i in run["incidents"]}  # new or extended
    scored = json.loads(vigil(binary, store, "--format", "json", "score"))

    con = sqlite3.connect(store)
    after = latest_scores(con)
    con.close()
    recall_after = recall(store, truth_path)
    benign_above_low = [(i, after.get(i)) for i in benign if after.get(i, ("Low",))[0] != "Low"]
    # With --later an incident may grow and score otherwise: then only a suppression counts.
    suppressed_now = {i["id"] for i in scored["incidents"] if i["suppressed"]}
    malicious_changed = [(i, before.get(i), after.get(i)) for i in sorted(malicious)
                         if i in suppressed_now or
                         ("--later" not in sys.argv and before.get(i) != after.get(i))]
    before_dist = collections.Counter(before[i][0] for i in benign if i in before)
    after_dist = collections.Counter(after[i][0] for i in benign if i in after)
    result = {
        "incidents": len(incidents), "malicious": len(malicious), "benign_marked": len(benign),
        "benign_severity_before": dict(before_dist), "benign_severity_after": dict(after_dist),
        "benign_above_low_after": benign_above_low, "malicious_changed": malicious_changed,
        "dry_run_candidates": len(dry["incidents"]), "dry_run_suppressed": dry["suppressed"],
        "recall_before": recall_before, "recall_after": recall_after,
    }
    # With --later the store holds more events after the marks: recall is not comparable.
    ok = not benign_above_low and not malicious_changed and (
        recall_before == recall_after or "--later" in sys.argv)
    if later is not None:
        con = sqlite3.connect(store)
        sids = scenarios(con, truth)
        con.close()
        severity = {i["id"]: i["severity"] for i in scored["incidents"]}
        new_mal = [i for i in later if any(by_id[s]["malicious"] for s in sids[i])]
        new_benign = [i for i in later if sids[i] and i not in new_mal]
        mal_suppressed = [i for i in new_mal if later[i]["suppressed"]]
        benign_suppressed = [i for i in new_benign if later[i]["suppressed"]]
        result["later"] = {
            "incidents": len(later), "malicious": len(new_mal), "benign": len(new_benign),
            "benign_suppressed": len(benign_suppressed),
            "benign_suppressed_low": sum(1 for i in benign_suppressed if severity[i] == "Low"),
            "benign_unsuppressed": [(i, later[i]["rule"], later[i]["group"]) for i in new_benign
                                    if i not in benign_suppressed],
            "malicious_suppressed": mal_suppressed,
        }
        ok = ok and not mal_suppressed and all(severity[i] == "Low" for i in benign_suppressed)
    if "--json" in sys.argv:
        print(json.dumps(result))
    else:
        print(f"incidents {len(incidents)}: {len(malicious)} malicious, {len(benign)} benign "
              f"look-alikes marked; benign before {dict(before_dist)} after {dict(after_dist)}; "
              f"malicious changed {len(malicious_changed)}; dry run {dry['suppressed']} of "
              f"{len(dry['incidents'])} candidates suppressed; recall {recall_before} -> "
              f"{recall_after}")
        if later is not None:
            l = result["later"]
            print(f"  later run: {l['incidents']} new or extended incidents, {l['malicious']} malicious "
                  f"({len(l['malicious_suppressed'])} suppressed), {l['benign']} benign look-alikes "
                  f"({l['benign_suppressed']} suppressed, {l['benign_suppressed_low']} of them "
                  f"Low)")
            for b in l["benign_unsuppressed"][:10]:
                print(f"  later benign not suppressed (not a marked pattern): {b}")
        for b in benign_above_low[:10]:
            print(f"  BENIGN ABOVE LOW: {b}")
        for m in malicious_changed[:10]:
            print(f"  MALICIOUS CHANGED: {m}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
