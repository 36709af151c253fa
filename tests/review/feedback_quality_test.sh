#!/usr/bin/env bash
# CTest (issue 21, item 10): analyst feedback on gen_events.py's ground truth, one 100k-event
# seed. Each incident holding only benign look-alike events is marked a false positive once;
# then correlate (dry run, every event) and score again on the same store: those incidents
# must be Low, no malicious incident's score may change, the recall of correlate_quality.py
# stays the same, and the store still verifies (tests/bench/feedback_quality.py).
# usage: feedback_quality_test.sh VIGIL WORKDIR
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
python3 "$gen" --events 100000 --seed 3 --out "$work/events.ndjson" --truth "$work/truth.json" \
  --quiet
"$vigil" --db "$work/s.db" ingest --quiet "$work/events.ndjson"
"$vigil" --db "$work/s.db" correlate --quiet > /dev/null
"$vigil" --db "$work/s.db" score --quiet > /dev/null
python3 "$here/../bench/feedback_quality.py" "$vigil" "$work/s.db" "$work/truth.json"
"$vigil" --db "$work/s.db" verify --quiet
