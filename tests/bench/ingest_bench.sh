#!/usr/bin/env bash
# Benchmark for `vigil ingest` (issue 3). Not a test: run by hand on an idle machine and put the
# figures in the issue note. Times vigil on gen_events.py's 1M-event file (311 MB) into a
# durable store with the chain, against the sqlite3 CLI's own load of the same file measured
# in the same run (the staging-table load of ../shared/bench/peers.sh, variant b), and reports
# peak RSS at two sizes (it should not grow with the input). It also times the floor: SQLite
# alone copying the rows vigil stored (events and chain, with the store's own schema, indexes,
# WAL and synchronous=FULL) into an empty store, with no parsing and no hashing. Ingest cannot
# be faster than that floor on this machine's disk and kernel.
#   tests/bench/ingest_bench.sh [--events 1000000] [--work /tmp/vigil-bench]
set -euo pipefail
events=1000000 work=/tmp/vigil-bench
while [ $# -gt 0 ]; do
  case $1 in
    --events) events=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "usage: $0 [--events N] [--work DIR]" >&2; exit 2 ;;
  esac
done
root=$(cd "$(dirname "$0")/../.." && pwd)
shared=$root/../shared
build=$work/build
mkdir -p "$work"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target vigil >/dev/null
vigil=$build/apps/vigil
file=$work/events_$events.ndjson
[ -f "$file" ] || python3 "$shared/bench/gen_events.py" --events "$events" --out "$file" --quiet
small=$work/events_small.ndjson
head -n $((events / 5)) "$file" > "$small"

secs() { local s; s=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $s" | bc; }

cols="ts,source,event_type,user,src_ip,dst_ip,dst_port,protocol,action,bytes_out,host,message"
extract=""
for c in ${cols//,/ }; do extract+="json_extract(line,'\$.$c'),"; done
cat > "$work/sqlite_load.sql" <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
CREATE TABLE events(id INTEGER PRIMARY KEY, ts TEXT, source TEXT, event_type TEXT,
  user TEXT, src_ip TEXT, dst_ip TEXT, dst_port INTEGER, protocol TEXT, action TEXT,
  bytes_out INTEGER, host TEXT, message TEXT);
PRAGMA temp_store=MEMORY;
BEGIN;
CREATE TEMP TABLE raw(line TEXT);
.mode ascii
.separator "\\037" "\\n"
.import "$file" raw
INSERT INTO events($cols) SELECT ${extract%,} FROM raw;
COMMIT;
SQL
rm -f "$work/sqlite.db"*
t_sqlite=$(secs sh -c "sqlite3 '$work/sqlite.db' < '$work/sqlite_load.sql'")
rm -f "$work/vigil.db"*
t_vigil=$(secs "$vigil" --db "$work/vigil.db" ingest --quiet "$file")
rss_big=$(/usr/bin/time -f %M "$vigil" --db "$work/rss1.db" ingest --quiet "$file" 2>&1 >/dev/null | tail -1)
rss_small=$(/usr/bin/time -f %M "$vigil" --db "$work/rss2.db" ingest --quiet "$small" 2>&1 >/dev/null | tail -1)
rm -f "$work/rss1.db"* "$work/rss2.db"*
"$vigil" --db "$work/vigil.db" verify --quiet
sqlite3 "$work/vigil.db" .schema | grep -v sqlite_sequence > "$work/schema.sql"
cat > "$work/floor.sql" <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
PRAGMA cache_size=-32768;
.read $work/schema.sql
ATTACH '$work/vigil.db' AS src;
BEGIN;
INSERT INTO batches SELECT * FROM src.batches;
INSERT INTO events SELECT * FROM src.events;
INSERT INTO chain SELECT * FROM src.chain;
COMMIT;
SQL
rm -f "$work/floor.db"*
t_floor=$(secs sh -c "sqlite3 '$work/floor.db' < '$work/floor.sql'")
floor_mb=$(( $(stat -c %s "$work/floor.db") / 1000000 ))
cli_mb=$(( $(stat -c %s "$work/sqlite.db") / 1000000 ))
rm -f "$work/floor.db"*
printf 'sqlite3 CLI load: %.1f s = %.0f rows/s\n' "$t_sqlite" "$(echo "$events / $t_sqlite" | bc -l)"
printf 'vigil ingest:     %.1f s = %.0f events/s (durable, chained, verified after)\n' \
  "$t_vigil" "$(echo "$events / $t_vigil" | bc -l)"
printf 'speed vigil/sqlite3: %.2f (target >= 2.5)\n' "$(echo "$t_sqlite / $t_vigil" | bc -l)"
printf 'floor, SQLite copying the stored rows: %.1f s (%d MB store; the sqlite3 CLI store: %d MB)\n' \
  "$t_floor" "$floor_mb" "$cli_mb"
echo "peak RSS: ${rss_small} KiB at $((events / 5)) events, ${rss_big} KiB at $events events"
