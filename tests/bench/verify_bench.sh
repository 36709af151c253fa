#!/usr/bin/env bash
# Benchmark for `vigil verify` (issue 2). Not a test: run by hand on an idle machine, and put
# the figures in the issue note. Fills a store with N synthetic events (about 300-byte raw
# JSON plus normalised fields, as ingest will store them), then times verify with 1 thread and
# with one per core, warm page cache, median of R runs; and once more with one per core and
# OpenSSL's one-message-at-a-time SHA-256 (VIGIL_SHA256=openssl), to show what the SIMD lanes
# of crypto/sha256_many.h bring.
#   tests/bench/verify_bench.sh [--events 1000000] [--runs 5] [--work /tmp/vigil-bench]
set -euo pipefail
events=1000000 runs=5 work=/tmp/vigil-bench
while [ $# -gt 0 ]; do
  case $1 in
    --events) events=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "usage: $0 [--events N] [--runs R] [--work DIR]" >&2; exit 2 ;;
  esac
done
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$work/build
mkdir -p "$work"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target vigil vigil_make_store >/dev/null
vigil=$build/apps/vigil

db=$work/verify_$events.db
if [ ! -f "$db" ]; then
  rm -f "$db"*
  start=$(date +%s.%N)
  "$build/tests/vigil_make_store" "$db" "$events" 1000
  echo "filled $db with $events events in $(echo "$(date +%s.%N) - $start" | bc) s"
fi
records=$("$vigil" --db "$db" verify --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')
echo "store: $(du -h "$db" | cut -f1), $records chain entries; $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
backend=$("$vigil" --db "$db" verify --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sha256"])')
for run in "1 $backend" "$(nproc) $backend" "$(nproc) openssl"; do
  read -r jobs sha <<<"$run"
  export VIGIL_SHA256=$sha
  "$vigil" --db "$db" verify --quiet --jobs "$jobs"  # warm the page cache
  times=()
  for _ in $(seq "$runs"); do
    s=$(date +%s.%N)
    "$vigil" --db "$db" verify --quiet --jobs "$jobs"
    times+=("$(echo "$(date +%s.%N) - $s" | bc)")
  done
  m=$(printf '%s\n' "${times[@]}" | median)
  rate=$(echo "$records / $m" | bc)
  echo "verify --jobs $jobs, $sha SHA-256: median ${m} s over $runs runs (all: ${times[*]}) = $rate records/s"
done
unset VIGIL_SHA256
if command -v /usr/bin/time >/dev/null; then
  /usr/bin/time -f "peak RSS %M KiB" "$vigil" --db "$db" verify --quiet 2>&1 | tail -1
fi
