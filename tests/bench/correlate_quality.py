#!/usr/bin/env python3
"""Recall and precision of `vigil correlate` against gen_events.py's ground truth.

usage: correlate_quality.py STORE TRUTH.json [--json]

STORE must hold exactly one ingest of the generator's NDJSON file (events.source_line is the
1-based line number, the truth file's `lines` are 0-based) and a correlate run over it.

For every incident the script collects the scenarios its events belong to:
  - an incident with an event of a malicious scenario is a true positive for that scenario;
  - an incident whose events belong only to benign look-alikes is a benign hit (allowed at
    Low/Medium, a failure at High/Critical);
  - an incident with no scenario event at all is background noise (a false positive).
A scenario is found when at least one incident holds one of its events.
"""
import collections
import json
import sqlite3
import sys

HIGH = {"high", "critical"}


def main():
    store, truth_path = sys.argv[1], sys.argv[2]
    truth = json.load(open(truth_path))
    line_to_sid = {}
    for sc in truth:
        if sc["kind"] == "malformed_lines":
            continue
        for ln in sc["lines"]:
            line_to_sid[ln + 1] = sc["id"]
    by_id = {sc["id"]: sc for sc in truth}
    con = sqlite3.connect(store)
    incidents = {}
    for iid, title, details in con.execute("SELECT id, title, details FROM incidents"):
        d = json.loads(details)
        incidents[iid] = {"title": title, "level": d["rule"]["level"], "sids": set(), "n": 0}
    for iid, line in con.execute(
            "SELECT ie.incident_id, e.source_line FROM incident_events ie "
            "JOIN events e ON e.id = ie.event_id"):
        inc = incidents[iid]
        inc["n"] += 1
        sid = line_to_sid.get(line)
        if sid is not None:
            inc["sids"].add(sid)

    found = collections.defaultdict(set)
    per_kind = collections.Counter(sc["kind"] for sc in truth if sc["kind"] != "malformed_lines")
    tp = fp_background = benign_low = benign_high = 0
    noise = collections.Counter()
    benign_high_list = []
    for iid, inc in sorted(incidents.items()):
        mal = [s for s in inc["sids"] if by_id[s]["malicious"]]
        for s in inc["sids"]:
            found[by_id[s]["kind"]].add(s)
        if mal:
            tp += 1
        elif inc["sids"]:
            if inc["level"] in HIGH:
                benign_high += 1
                benign_high_list.append((iid, inc["title"], sorted(by_id[s]["kind"] for s in inc["sids"])))
            else:
                benign_low += 1
        else:
            fp_background += 1
            noise[(inc["title"], inc["level"])] += 1

    total = len(incidents)
    rows = []
    for kind in sorted(per_kind):
        malicious = any(sc["malicious"] for sc in truth if sc["kind"] == kind)
        rows.append({"kind": kind, "malicious": malicious, "instances": per_kind[kind],
                     "found": len(found[kind])})
    result = {
        "incidents": total, "true_positive": tp, "benign_lookalike_low_medium": benign_low,
        "benign_lookalike_high_critical": benign_high, "background": fp_background,
        "precision": round(tp / total, 4) if total else None,
        "recall_instances": round(sum(r["found"] for r in rows if r["malicious"]) /
                                  max(1, sum(r["instances"] for r in rows if r["malicious"])), 4),
        "kinds": rows, "noise": [{"rule": t, "level": l, "count": c} for (t, l), c in noise.most_common()],
        "benign_high": benign_high_list,
    }
    result["score"] = score_quality(con, incidents, by_id, line_to_sid)
    if "--json" in sys.argv:
        print(json.dumps(result, indent=1))
        return 0 if benign_high == 0 else 1
    print(f"{'kind':32} {'malicious':9} {'found':>9}")
    for r in rows:
        print(f"{r['kind']:32} {str(r['malicious']):9} {r['found']:>4}/{r['instances']:<4}")
    print(f"incidents {total}: {tp} on malicious scenarios, {benign_low} benign look-alikes at "
          f"Low/Medium, {benign_high} benign look-alikes at High/Critical, {fp_background} on "
          f"background traffic")
    print(f"precision {result['precision']}  recall (instances) {result['recall_instances']}")
    for n in result["noise"][:15]:
        print(f"  noise: {n['count']:5}  {n['level']:8} {n['rule']}")
    for b in benign_high_list[:10]:
        print(f"  BENIGN AT HIGH: #{b[0]} {b[1]} {b[2]}")
    sq = result["score"]
    if sq:
        print(f"score: malicious incidents by severity {sq['malicious_severity']}, benign "
              f"{sq['benign_severity']}, background {sq['background_severity']}")
        print(f"score: mean risk malicious {sq['malicious_mean_risk']} benign "
              f"{sq['benign_mean_risk']}; event risk ROC AUC {sq['event_risk_auc']}; threat "
              f"labels: precision {sq['label_precision']} recall {sq['label_recall']}")
    return 0 if benign_high == 0 else 1


def auc(scores, labels):
    """ROC AUC as the Mann-Whitney statistic, ties ranked by their average."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    rank_sum = pos = 0.0
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and scores[order[j]] == scores[order[i]]:
            j += 1
        rank = (i + j - 1) / 2 + 1
        for k in range(i, j):
            if labels[order[k]]:
                rank_sum += rank
                pos += 1
        i = j
    neg = len(scores) - pos
    return round((rank_sum - pos * (pos + 1) / 2) / (pos * neg), 4) if pos and neg else None


def score_quality(con, incidents, by_id, line_to_sid):
    """What `vigil score` made of it: severities of malicious, benign and background
    incidents, event risk against the truth, and threat labels. An event without an
    event_scores row has risk 0 and label normal (vigil-score(1))."""
    if not con.execute("SELECT name FROM sqlite_master WHERE name = 'scores'").fetchone():
        return None
    latest = {}
    for iid, sev, risk in con.execute("SELECT incident_id, severity, risk FROM scores ORDER BY id"):
        latest[iid] = (sev, risk)
    if not latest:
        return None
    groups = {"malicious": [], "benign": [], "background": []}
    for iid, inc in incidents.items():
        if iid not in latest:
            continue
        mal = any(by_id[s]["malicious"] for s in inc["sids"])
        groups["malicious" if mal else "benign" if inc["sids"] else "background"].append(latest[iid])
    def dist(g):
        return dict(collections.Counter(sev for sev, _ in g))
    def mean(g):
        return round(sum(r for _, r in g) / len(g), 1) if g else None
    risks, labels, labelled, truth = [], [], [], []
    for line, risk, label in con.execute(
            "SELECT e.source_line, coalesce(s.risk, 0), coalesce(s.label, 'normal') FROM events e "
            "LEFT JOIN event_scores s ON s.event_id = e.id AND s.id = "
            "(SELECT max(id) FROM event_scores WHERE event_id = e.id)"):
        sid = line_to_sid.get(line)
        bad = sid is not None and by_id[sid]["malicious"]
        risks.append(risk)
        labels.append(bad)
        labelled.append(label != "normal")
    tp = sum(1 for l, b in zip(labelled, labels) if l and b)
    return {
        "malicious_severity": dist(groups["malicious"]), "benign_severity": dist(groups["benign"]),
        "background_severity": dist(groups["background"]),
        "malicious_mean_risk": mean(groups["malicious"]), "benign_mean_risk": mean(groups["benign"]),
        "benign_high_critical": sum(1 for sev, _ in groups["benign"] + groups["background"]
                                    if sev in ("High", "Critical")),
        "event_risk_auc": auc(risks, labels),
        "label_precision": round(tp / max(1, sum(labelled)), 4),
        "label_recall": round(tp / max(1, sum(labels)), 4),
    }


if __name__ == "__main__":
    sys.exit(main())
