#!/usr/bin/env bash
# CTest (issue 21): the generator's network attacks (data_exfiltration, beaconing, port_scan)
# are found at 100k events on three seeds no rule was tuned on (7, 13, 19; the network rules
# were tuned on seeds 1 and 11 and on the real development sets), and no benign look-alike
# (nightly backup, status poll, scheduled vulnerability scan) is High or Critical.
# usage: network_seeds_test.sh VIGIL WORKDIR
set -euo pipefail
vigil=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
gen=$here/../../../shared/bench/gen_events.py
if [ ! -f "$gen" ]; then
  echo "SKIP: $gen not found (../shared beside the checkout)"
  exit 0
fi
rm -rf "$work" && mkdir -p "$work"
status=0
for seed in 7 13 19; do
  d=$work/seed$seed
  mkdir -p "$d"
  python3 "$gen" --events 100000 --seed $seed --out "$d/events.ndjson" --truth "$d/truth.json" \
    --quiet
  "$vigil" --db "$d/s.db" ingest --quiet "$d/events.ndjson" || [ $? -eq 3 ]
  "$vigil" --db "$d/s.db" correlate --quiet > /dev/null
  python3 "$here/../bench/correlate_quality.py" "$d/s.db" "$d/truth.json" --json \
    > "$d/quality.json" || true
  python3 - "$d/quality.json" "$seed" <<'PY' || status=1
import json, sys
q = json.load(open(sys.argv[1]))
seed = sys.argv[2]
kinds = {k["kind"]: k for k in q["kinds"]}
failed = []
for kind in ["data_exfiltration", "beaconing", "port_scan"]:
    k = kinds[kind]
    print(f"seed {seed}: {kind} {k['found']}/{k['instances']}")
    if k["found"] != k["instances"]:
        failed.append(f"{kind}: found {k['found']} of {k['instances']}")
if q["benign_lookalike_high_critical"]:
    failed.append(f"benign look-alikes at High/Critical: {q['benign_high']}")
if failed:
    print(f"FAIL seed {seed}: " + "; ".join(failed))
    sys.exit(1)
PY
done
exit $status
