#!/usr/bin/env python3
"""Detection quality over many generator seeds and sizes: the figures of the README's
"Detection quality" table.

usage: seed_sweep.py VIGIL [--seeds 1-20] [--sizes 100000,200000] [--work DIR]
                     [--generator PATH] [--config FILE] [--json]

For every size and seed it generates the events with gen_events.py (kept in WORK and reused),
ingests them into a fresh store, runs correlate and score, and scores the result with
correlate_quality.py. It prints one row per run (recall over malicious instances, benign
look-alikes at High/Critical, incidents on background traffic, the kinds missed) and a total
per size. Exit status 1 when any run misses an attack or puts a benign look-alike at
High/Critical, so it can gate a release by hand; it is not a unit test (minutes per size).
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def seeds_of(spec):
    out = []
    for part in spec.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            out.extend(range(int(lo), int(hi) + 1))
        else:
            out.append(int(part))
    return out


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def one(args, size, seed):
    d = os.path.join(args.work, f"s{seed}_{size}")
    os.makedirs(d, exist_ok=True)
    events, truth = os.path.join(d, "ev.ndjson"), os.path.join(d, "truth.json")
    if not (os.path.exists(events) and os.path.exists(truth)):
        run([sys.executable, args.generator, "--events", str(size), "--seed", str(seed), "--out",
             events + ".tmp", "--truth", truth + ".tmp", "--quiet"])
        os.replace(truth + ".tmp", truth)
        os.replace(events + ".tmp", events)
    db = os.path.join(d, "sweep.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    config = ["--config", args.config] if args.config else []
    run([args.vigil, "--db", db, "ingest", "--quiet", events])
    run([args.vigil, "--db", db, "correlate", "--quiet"] + config)
    run([args.vigil, "--db", db, "score", "--quiet"] + config)
    out = subprocess.run([sys.executable, os.path.join(HERE, "correlate_quality.py"), db, truth,
                          "--json"], stdout=subprocess.PIPE, check=False)
    q = json.loads(out.stdout)
    missed = [f"{k['kind']} {k['found']}/{k['instances']}" for k in q["kinds"]
              if k["malicious"] and k["found"] != k["instances"]]
    malicious = sum(k["instances"] for k in q["kinds"] if k["malicious"])
    found = sum(k["found"] for k in q["kinds"] if k["malicious"])
    return {"size": size, "seed": seed, "incidents": q["incidents"], "found": found,
            "instances": malicious, "benign_high": q["benign_lookalike_high_critical"],
            "background": q["background"],
            "background_high": sum(n["count"] for n in q["noise"] if n["level"] in ("high", "critical")),
            "missed": missed}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("vigil")
    p.add_argument("--seeds", default="1-20")
    p.add_argument("--sizes", default="100000,200000")
    p.add_argument("--work", default="/tmp/vigil-seed-sweep")
    p.add_argument("--generator",
                   default=os.path.join(HERE, "..", "..", "..", "shared", "bench", "gen_events.py"))
    p.add_argument("--config")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        for seed in seeds_of(args.seeds):
            r = one(args, size, seed)
            rows.append(r)
            if not args.json:
                print(f"{size:>8} seed {seed:>3}: recall {r['found']:>3}/{r['instances']:<3} "
                      f"benign High/Critical {r['benign_high']}  background {r['background']} "
                      f"({r['background_high']} High/Critical)  "
                      f"{'missed: ' + ', '.join(r['missed']) if r['missed'] else ''}", flush=True)
    bad = False
    for size in sorted({r["size"] for r in rows}):
        rs = [r for r in rows if r["size"] == size]
        found, inst = sum(r["found"] for r in rs), sum(r["instances"] for r in rs)
        bh = sum(r["benign_high"] for r in rs)
        bad = bad or found != inst or bh
        if not args.json:
            print(f"{size:>8} total over {len(rs)} seeds: recall {found}/{inst} = "
                  f"{found / max(1, inst):.4f}, benign look-alikes at High/Critical {bh}, "
                  f"incidents on background traffic {sum(r['background'] for r in rs)} "
                  f"({sum(r['background_high'] for r in rs)} of them High/Critical by rule level)")
    if args.json:
        print(json.dumps(rows, indent=1))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
