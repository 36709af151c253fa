#!/usr/bin/env python3
"""Severity by impact (issue 21, item 5), checked on a correlated and scored store.

usage: severity_ranking.py STORE [TRUTH.json] [--confirmed KEY=VALUE]... [--above A B]...
       [--json]

States, per store, the ranking property of vigil-score(1), SEVERITY BANDS:
  - every confirmed compromise ranks above every failed-only attack (a strictly higher risk);
  - no failed-only incident is High or Critical;
  - with TRUTH (gen_events.py's ground truth): no benign look-alike is High or Critical.

Which incidents are which is decided from the store's events and the truth, not from the
score's own explanation:
  - failed-only: at least one of its events failed and none succeeded (a network connection
    that "succeeded" only happened and does not count, as in vigil-score(1));
  - confirmed compromise, with TRUTH: it holds an event of a malicious scenario whose kind ends
    in a compromise (COMPROMISE below) and is not failed-only (an incident holding only the
    failures of such a scenario is a fragment: it counts as failed-only, and is listed);
  - confirmed compromise, without TRUTH: each --confirmed KEY=VALUE names incidents by their
    group (KEY=VALUE in the group, or a substring of the title with KEY "title"), as a
    dataset's README names its attacks.
--above A B: the riskiest incident whose group has the value A ranks above every incident
whose group has the value B (OpenSSH_2k: the 286-attempt brute force above the 26-attempt one).
Exit status 1 when a property fails, 0 otherwise.
"""
import json
import sqlite3
import sys

# gen_events.py scenario kinds whose actor gets in: a logon after failures, a privileged
# action, data leaving, a phishing click followed by a logon from a new address.
COMPROMISE = {"brute_force_success", "password_spray", "password_spray_slow", "phishing_chain",
              "privilege_escalation_offhours", "data_exfiltration"}
HIGH = {"High", "Critical"}


def parse_args(argv):
    opts = {"store": None, "truth": None, "confirmed": [], "above": [], "json": False}
    rest = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--confirmed":
            key, _, value = argv[i + 1].partition("=")
            opts["confirmed"].append((key, value))
            i += 2
        elif a == "--above":
            opts["above"].append((argv[i + 1], argv[i + 2]))
            i += 3
        elif a == "--json":
            opts["json"] = True
            i += 1
        else:
            rest.append(a)
            i += 1
    if not rest or len(rest) > 2:
        sys.exit(__doc__)
    opts["store"] = rest[0]
    opts["truth"] = rest[1] if len(rest) == 2 else None
    return opts


def load(store):
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    incidents = {}
    for iid, title, group in con.execute("SELECT id, title, group_key FROM incidents"):
        incidents[iid] = {"id": iid, "title": title, "group": json.loads(group or "{}"),
                          "failures": 0, "successes": 0, "lines": set()}
    for iid, sev, risk in con.execute("SELECT incident_id, severity, risk FROM scores ORDER BY id"):
        incidents[iid]["severity"], incidents[iid]["risk"] = sev, risk
    for iid, outcome, category, line in con.execute(
            "SELECT ie.incident_id, e.event_outcome, e.event_category, e.source_line "
            "FROM incident_events ie JOIN events e ON e.id = ie.event_id"):
        inc = incidents[iid]
        if outcome == "failure":
            inc["failures"] += 1
        elif outcome == "success" and category != "network":
            inc["successes"] += 1
        inc["lines"].add(line)
    return [i for i in incidents.values() if "risk" in i]


def matches(inc, key, value):
    if key == "title":
        return value in inc["title"]
    return str(inc["group"].get(key)) == value


def main():
    opts = parse_args(sys.argv[1:])
    incidents = load(opts["store"])
    by_id = {}
    line_to_sid = {}
    if opts["truth"]:
        truth = json.load(open(opts["truth"]))
        by_id = {sc["id"]: sc for sc in truth}
        for sc in truth:
            if sc["kind"] != "malformed_lines":
                for ln in sc["lines"]:
                    line_to_sid[ln + 1] = sc["id"]
    confirmed, failed_only, fragments, benign_high = [], [], [], []
    for inc in incidents:
        inc["failed_only"] = inc["failures"] > 0 and inc["successes"] == 0
        scenarios = {by_id[line_to_sid[ln]]["id"] for ln in inc["lines"] if ln in line_to_sid}
        kinds = {by_id[s]["kind"] for s in scenarios if by_id[s]["malicious"]}
        benign = scenarios and not kinds
        if opts["truth"]:
            is_confirmed = bool(kinds & COMPROMISE) and not inc["failed_only"]
            if kinds & COMPROMISE and inc["failed_only"]:
                fragments.append(inc)
            if benign and inc["severity"] in HIGH:
                benign_high.append(inc)
        else:
            is_confirmed = any(matches(inc, k, v) for k, v in opts["confirmed"])
        if is_confirmed:
            confirmed.append(inc)
        elif inc["failed_only"] and (kinds or not opts["truth"]):
            failed_only.append(inc)

    problems = []
    low_confirmed = min(confirmed, key=lambda i: i["risk"], default=None)
    high_failed = max(failed_only, key=lambda i: i["risk"], default=None)
    if low_confirmed and high_failed and low_confirmed["risk"] <= high_failed["risk"]:
        problems.append(f"confirmed #{low_confirmed['id']} {low_confirmed['title']} (risk "
                        f"{low_confirmed['risk']}) does not rank above failed-only "
                        f"#{high_failed['id']} {high_failed['title']} (risk {high_failed['risk']})")
    for inc in failed_only:
        if inc["severity"] in HIGH:
            problems.append(f"failed-only #{inc['id']} {inc['title']} is {inc['severity']}")
    for inc in benign_high:
        problems.append(f"benign look-alike #{inc['id']} {inc['title']} is {inc['severity']}")
    for a, b in opts["above"]:
        top_a = max((i["risk"] for i in incidents if a in map(str, i["group"].values())),
                    default=None)
        risks_b = [i["risk"] for i in incidents if b in map(str, i["group"].values())]
        if top_a is None or not risks_b or top_a <= max(risks_b):
            problems.append(f"{a} (risk {top_a}) does not rank above {b} (risks {risks_b})")

    def span(group):
        return f"{min(i['risk'] for i in group)}..{max(i['risk'] for i in group)}" if group else "-"
    result = {"store": opts["store"], "confirmed": len(confirmed),
              "confirmed_risk": span(confirmed), "failed_only": len(failed_only),
              "failed_only_risk": span(failed_only), "fragments": len(fragments),
              "benign_high_critical": len(benign_high), "holds": not problems,
              "problems": problems}
    if opts["json"]:
        print(json.dumps(result, indent=1))
    else:
        print(f"ranking: {len(confirmed)} confirmed (risk {span(confirmed)}) above "
              f"{len(failed_only)} failed-only (risk {span(failed_only)}; "
              f"{len(fragments)} of them hold only the failures of a compromise), "
              f"{len(benign_high)} benign at High/Critical: "
              f"{'holds' if not problems else 'FAILS'}")
        for p in problems:
            print(f"  FAIL: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
