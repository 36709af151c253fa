#!/usr/bin/env bash
# Correlation benchmark (run by hand on an idle machine, never in CI):
#   - all built-in rules over the gen_events.py workload, dry run (read + engine) and a real run
#     (read + engine + incidents written under the chain), wall time and peak RSS;
#   - SEC with its single brute-force rule on the same file, in the same run (the issue's
#     reference: ../shared/bench/peers.sh --only g);
#   - recall and precision per scenario kind against the truth file (correlate_quality.py).
#
# usage: tests/bench/correlate_bench.sh VIGIL [EVENTS=1000000] [WORK=/tmp/vigil-bench] [RUNS=3]
# needs: python3, /usr/bin/time; sec (apt-get install sec) for the SEC rows.
set -euo pipefail
vigil=$(realpath "$1")
events=${2:-1000000}
work=${3:-/tmp/vigil-bench}
runs=${4:-3}
here=$(cd "$(dirname "$0")" && pwd)
shared=$(realpath "$here/../../../shared/bench")
mkdir -p "$work"
file=$work/events_${events}.ndjson
truth=$work/events_${events}.truth.json
base=$work/correlate_${events}.db

if [ ! -s "$file" ] || [ ! -s "$truth" ]; then
  python3 "$shared/gen_events.py" --events "$events" --seed 42 --out "$file" --truth "$truth" --quiet
fi
if [ ! -s "$base" ]; then
  rm -f "$base"*
  "$vigil" --db "$base" ingest --quiet "$file" || [ $? -eq 3 ]
fi
cat "$file" > /dev/null  # page cache, as peers.sh does

measure() {  # label, command...: prints "label wall_s rss_kb"
  local label=$1
  shift
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" > /dev/null 2> "$work/stderr.txt"
  echo "$label $(cat "$work/time.txt")"
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $events events"
echo "# label wall_s peak_rss_kb  (interleaved: each round runs every contender once)"
for i in $(seq "$runs"); do
  measure "vigil_dry_run_$i" "$vigil" --db "$base" correlate --dry-run --quiet
  cp "$base" "$work/run.db"
  rm -f "$work/run.db-wal" "$work/run.db-shm"
  measure "vigil_real_run_$i" "$vigil" --db "$work/run.db" correlate --quiet
  if command -v sec > /dev/null; then
    for v in wallclock eventtime; do
      measure "sec_${v}_$i" sec --conf="$shared/sec/bruteforce_$v.sec" --input="$file" --notail \
        --nointevents --debug=3
    done
  fi
done
command -v sec > /dev/null || echo "# sec not installed: no SEC rows (apt-get install sec)"
echo "# quality of the last real run"
python3 "$here/correlate_quality.py" "$work/run.db" "$truth"
