#!/usr/bin/env bash
# Benchmark for `vigil verify` (issue 2). Not a test: run by hand on an idle machine, and put
# the figures in the issue note. Fills a store with N synthetic events (about 300-byte raw
# JSON plus normalised fields, as ingest will store them), then times verify with 1 thread and
# with one per core, warm page cache, median of R runs; once more with one per core and
# OpenSSL's one-message-at-a-time SHA-256 (VIGIL_SHA256=openssl), to show what the SIMD lanes
# of crypto/sha256_many.h bring; and once with every row read through SQL
# (VIGIL_VERIFY_READER=sql) instead of from the file's pages (store/table_pages.h). Last, the
# SQL floor: SQLite alone reading every column of every chained row and chain entry, split over
# one sqlite3 process per core as verify splits it, with no encoding and no hashing. Reading
# through SQL cannot be faster than that; the page reader skips that work.
#   tests/bench/verify_bench.sh [--events 1000000] [--runs 5] [--work /tmp/vigil-bench]
#                               [--db STORE] [--build DIR]
# --db times an existing store (for example the one `vigil ingest` makes of the 1M
# gen_events.py file) instead of filling one; --build uses (and updates) that Release build
# directory instead of WORK/build.
set -euo pipefail
events=1000000 runs=5 work=/tmp/vigil-bench db= build=
while [ $# -gt 0 ]; do
  case $1 in
    --events) events=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --db) db=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    *) echo "usage: $0 [--events N] [--runs R] [--work DIR] [--db STORE] [--build DIR]" >&2
       exit 2 ;;
  esac
done
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${build:-$work/build}
mkdir -p "$work"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target vigil vigil_make_store >/dev/null
vigil=$build/apps/vigil

if [ -z "$db" ]; then db=$work/verify_$events.db; fi
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
for run in "1 $backend auto" "$(nproc) $backend auto" "$(nproc) openssl auto" \
           "$(nproc) $backend sql"; do
  read -r jobs sha reader <<<"$run"
  export VIGIL_SHA256=$sha VIGIL_VERIFY_READER=$reader
  "$vigil" --db "$db" verify --quiet --jobs "$jobs"  # warm the page cache
  times=()
  for _ in $(seq "$runs"); do
    s=$(date +%s.%N)
    "$vigil" --db "$db" verify --quiet --jobs "$jobs"
    times+=("$(echo "$(date +%s.%N) - $s" | bc)")
  done
  m=$(printf '%s\n' "${times[@]}" | median)
  rate=$(echo "$records / $m" | bc)
  used=$("$vigil" --db "$db" verify --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["reader"])')
  echo "verify --jobs $jobs, $sha SHA-256, rows read: $used: median ${m} s over $runs runs (all: ${times[*]}) = $rate records/s"
done
unset VIGIL_SHA256 VIGIL_VERIFY_READER
if command -v /usr/bin/time >/dev/null; then
  /usr/bin/time -f "peak RSS %M KiB" "$vigil" --db "$db" verify --quiet 2>&1 | tail -1
fi

# The floor. Each sqlite3 process reads its share of the chain (by seq) and of every chained
# table (by id), as verify's workers do; `c IS NOT x'ff00ff'` makes SQLite load each value
# (no stored value is that blob) and is true, so every column of every row is read.
parts=$(nproc)
python3 - "$db" "$parts" "$work" <<'PY'
import sqlite3, sys
db, parts, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
tables = [r[0] for r in con.execute("SELECT DISTINCT tbl FROM chain")] + ["chain"]
scripts = [["PRAGMA mmap_size = 68719476736;", "BEGIN;"] for _ in range(parts)]
for t in tables:
    if not con.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", (t,)).fetchone():
        continue
    key = "seq" if t == "chain" else "id"
    cols = [r[1] for r in con.execute("SELECT * FROM pragma_table_info(?)", (t,))]
    lo, hi = con.execute(f'SELECT min("{key}"), max("{key}") FROM "{t}"').fetchone()
    if lo is None:
        continue
    width = (hi - lo) // parts + 1
    touch = " AND ".join(f"\"{c}\" IS NOT x'ff00ff'" for c in cols)
    for j in range(parts):
        a, b = lo + j * width, min(hi, lo + (j + 1) * width - 1)
        scripts[j].append(f'SELECT count(*) FROM "{t}" WHERE "{key}" BETWEEN {a} AND {b} AND {touch};')
for j, lines in enumerate(scripts):
    with open(f"{work}/floor_{j}.sql", "w") as f:
        f.write("\n".join(lines + ["COMMIT;"]) + "\n")
PY
floor() {
  for j in $(seq 0 $((parts - 1))); do sqlite3 "$db" < "$work/floor_$j.sql" >/dev/null & done
  wait
}
floor  # warm
times=()
for _ in $(seq "$runs"); do
  s=$(date +%s.%N)
  floor
  times+=("$(echo "$(date +%s.%N) - $s" | bc)")
done
m=$(printf '%s\n' "${times[@]}" | median)
echo "SQL floor, SQLite alone reading every chained row and entry on $parts processes: median ${m} s over $runs runs (all: ${times[*]})"
