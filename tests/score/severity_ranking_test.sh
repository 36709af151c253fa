#!/usr/bin/env bash
# CTest (issue 21, severity by impact): on a generator seed no weight was tuned on, every
# confirmed compromise ranks above every failed-only attack, no failed-only incident and no
# benign look-alike is High or Critical (tests/bench/severity_ranking.py states it).
# usage: severity_ranking_test.sh VIGIL WORKDIR SEED EVENTS
set -euo pipefail
vigil=$1
work=$2
seed=$3
events=$4
here=$(cd "$(dirname "$0")" && pwd)
gen=$here/../../../shared/bench/gen_events.py
if [ ! -f "$gen" ]; then
  echo "SKIP: $gen not found (../shared beside the checkout)"
  exit 0
fi
rm -rf "$work" && mkdir -p "$work"
python3 "$gen" --events "$events" --seed "$seed" --out "$work/ev.ndjson" --truth "$work/truth.json" \
  --quiet
"$vigil" --db "$work/s.db" ingest --quiet "$work/ev.ndjson" || [ $? -eq 3 ]
"$vigil" --db "$work/s.db" correlate --quiet > /dev/null
"$vigil" --db "$work/s.db" score --quiet > /dev/null
python3 "$here/../bench/severity_ranking.py" "$work/s.db" "$work/truth.json"
