#!/usr/bin/env bash
# Builds the libFuzzer targets (ingest parsers, rule loader, other inputs, the store's page
# reader) with clang, ASan
# and UBSan, and runs each for SECONDS (default 60; CI runs a short smoke, the long campaign of
# issue 8 runs hours). Seeds: samples/, the real datasets of ../shared/data/real and malformed
# lines from ../shared/bench/gen_events.py, the built-in rules, ../shared/data/sigma when it is
# there, and hand-made seeds.
#   tests/fuzz/run_fuzz.sh [SECONDS] [BUILD_DIR] [RUNS] [TARGETS]
# With RUNS, each target runs that many inputs instead (the issue's campaign: 10000000), and
# TARGETS (a space-separated list, default all four) picks which run. MAX_LEN overrides each
# target's largest input (the campaign uses 4096: two to three times the executions per second,
# and the deep-nesting and multi-MB cases are unit tests). Each target's full libFuzzer output
# is kept in BUILD_DIR/fuzz_TARGET.log. TIMEOUT (seconds, default 10) is how long one input may
# run before it counts as a hang; it is wall-clock time, so a campaign that is paused now and
# then (kill -STOP, to free a core for a benchmark) needs a longer one than the pauses.
# FUZZ_FLAGS adds libFuzzer flags to every target: -entropic=0 doubles the rule loader's
# executions per second (entropic scheduling spends 40% of its time counting features).
# JOBS (default 1) runs that many processes per target on one corpus (libFuzzer reloads it, so
# they share what each finds); with RUNS each runs RUNS/JOBS inputs, and every one must end
# cleanly. Their logs are BUILD_DIR/fuzz_TARGET.log, fuzz_TARGET_2.log, ...
# Anything a target finds (crash-*, leak-*, timeout-*, slow-unit-*) is kept in
# BUILD_DIR/artifacts; a slow unit seen while the campaign was paused is not a finding.
# With RUNS, ASAN_OPTIONS has malloc_context_size=0: ASan then records no stack for
# each allocation (a sixth of the rule loader's time went to its stack depot, whose memory
# also grew all run long). A heap report then shows where the bad access happened but not
# where the block was allocated or freed: replay the artifact without it for those stacks.
# A campaign that shares the machine can run under `nice -n 19` instead of being paused (where
# the kernel groups processes by session, set the group's nice too: /proc/PID/autogroup).
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${2:-$root/build-fuzz}
runs=${3:-}
targets=${4:-"ingest_parsers rule_loader other_inputs store_pages"}
limit=(-max_total_time="$seconds")
if [ -n "$runs" ]; then limit=(-runs="$runs"); fi
max_len=${MAX_LEN:-}
timeout=${TIMEOUT:-10}
read -r -a extra <<<"${FUZZ_FLAGS:-}"
# Crash, leak, timeout and slow-unit files go to BUILD_DIR/artifacts, not the current folder.
mkdir -p "$build/artifacts"
extra+=(-artifact_prefix="$build/artifacts/")
len() { echo "-max_len=${max_len:-$1}"; }
jobs_n=${JOBS:-1}
# fuzz NAME MAX_LEN CORPUS: JOBS processes of fuzz_NAME on CORPUS; the first one's log tail is
# printed; fails if any process fails.
fuzz() {
  local name=$1 corpus=$3 each=("${limit[@]}") pids=() rc=0 j
  if [ -n "$runs" ]; then each=(-runs=$(((runs + jobs_n - 1) / jobs_n))); fi
  local args=("${each[@]}" "$(len "$2")" ${extra[@]+"${extra[@]}"} -timeout="$timeout"
              -rss_limit_mb=2048 -print_final_stats=1 "$corpus")
  for j in $(seq 2 "$jobs_n"); do
    "$build/tests/fuzz/fuzz_$name" "${args[@]}" > "$build/fuzz_${name}_$j.log" 2>&1 &
    pids+=($!)
  done
  "$build/tests/fuzz/fuzz_$name" "${args[@]}" 2>&1 | tee "$build/fuzz_$name.log" | tail -15 ||
    rc=1
  for j in ${pids[@]+"${pids[@]}"}; do wait "$j" || rc=1; done
  return "$rc"
}
want() { [[ " $targets " == *" $1 "* ]]; }
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DVIGIL_FUZZ=ON -DVIGIL_SANITIZE=address,undefined -DVIGIL_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_ingest_parsers fuzz_rule_loader \
  fuzz_other_inputs fuzz_store_pages
corpus=$build/corpus/ingest_parsers
mkdir -p "$corpus"
# Seeds from the logs of samples/ and of the real datasets (../shared/data/real, when they are
# there): the first 4 KB of each file under selectors 1 to 5 (syslog, CEF, CSV, Zeek TSV, whole
# documents), and each file's first JSON record under every JSON flavour (selector 0, then the
# flavour byte).
python3 - "$corpus" "$root/samples" "$root/../shared/data/real" <<'PY'
import hashlib, os, sys
corpus, roots = sys.argv[1], sys.argv[2:]
FLAVOURS = 12  # the formats in lib/formats/registry.cpp, one selector byte each
def put(name, data):
    with open(os.path.join(corpus, name), 'wb') as f:
        f.write(data)
for root in roots:
    if not os.path.isdir(root):
        continue
    for folder, _, names in sorted(os.walk(root)):
        for name in sorted(names):
            if name.endswith(('.md', '.yml')):
                continue
            path = os.path.join(folder, name)
            with open(path, 'rb') as f:
                head = f.read(1 << 20)
            tag = hashlib.md5(os.path.relpath(path, os.path.dirname(root)).encode()).hexdigest()[:12]
            for sel in range(1, 6):
                put(f'head_{tag}_{sel}', bytes([sel]) + head[:4096])
            lines = (l.strip() for l in head.split(b'\n'))
            record = next((l for l in lines
                           if l.startswith(b'{') and l.endswith(b'}') and len(l) < 4000), None)
            if record:
                for flavour in range(FLAVOURS):
                    put(f'record_{tag}_{flavour}', bytes([0, flavour]) + record)
PY
gen=$root/../shared/bench/gen_events.py
if [ -f "$gen" ]; then
  python3 "$gen" --events 300 --no-attacks --bad-rate 0.3 --huge-max 0 --quiet \
    --out "$build/bad.ndjson"
  split -l 20 "$build/bad.ndjson" "$build/badpart_"
  for p in "$build"/badpart_*; do
    { printf '\x00'; cat "$p"; } > "$corpus/gen_$(basename "$p")"
    { printf '\x05'; cat "$p"; } > "$corpus/gendoc_$(basename "$p")"
  done
  rm -f "$build"/badpart_*
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
if [ -n "$runs" ]; then ASAN_OPTIONS+=:malloc_context_size=0; fi
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
want ingest_parsers && echo "== fuzz_ingest_parsers"
want ingest_parsers && fuzz ingest_parsers 65536 "$corpus"

# The rule loader: seeded with the built-in pack and the real Sigma rules when they are there.
rules=$build/corpus/rule_loader
mkdir -p "$rules"
cp "$root"/lib/correlate/rules/*.yml "$rules/"
sigma=$root/../shared/data/sigma
if [ -d "$sigma" ]; then
  find "$sigma" -name '*.yml' | while read -r f; do
    cp "$f" "$rules/sigma_$(echo "$f" | md5sum | cut -c1-12).yml"
  done
fi
want rule_loader && echo "== fuzz_rule_loader"
want rule_loader && fuzz rule_loader 16384 "$rules"

# Every other input: the configuration file, checkpoints and keys, a stored model, times and
# addresses, the report's escaping. Seeds: the sample config, a checkpoint body, a one-tree
# model in the stored format (vigil-store(5), models.model), a few times and addresses.
other=$build/corpus/other_inputs
mkdir -p "$other"
{ printf '\x00'; cat "$root/samples/vigil.yml"; } > "$other/config"
printf '\x00alert:\n  burst: {events: 5, window: 60}\n  min_severity: High\n' > "$other/config_alert"
printf '\x01vigil/store/0123456789abcdef\n42\nq83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=\n\n\xe2\x80\x94 soc AAAAAAAA\n' \
  > "$other/checkpoint"
printf '\x01soc+0a1b2c3d+AeVj3Nv3aJXuO9nLx9M0hZpYgcTqNdPVT6sLk5AHo3Ke\n' > "$other/pubkey"
python3 - "$other/model" <<'PY'
import struct, sys
u = lambda v: struct.pack('<Q', v & 0xffffffffffffffff)
m32 = lambda v: u(v & 0xffffffff)
node = lambda f, split, l, r, n: m32(f) + struct.pack('<d', split) + m32(l) + m32(r) + m32(n)
body = b'vigil-iforest-v1' + u(2) + u(4) + u(1) + u(0) + u(3)
body += node(0, 0.5, 1, 2, 0) + node(-1, 0, -1, -1, 2) + node(-1, 0, -1, -1, 2)
open(sys.argv[1], 'wb').write(b'\x02' + body)
PY
printf '\x032026-11-14T01:02:03.5+01:00' > "$other/time"
printf '\x03::ffff:10.0.0.1%%eth0' > "$other/ip"
printf '\x04{"Hashes":"SHA1=1A1A10B819F321B91B47D7DD73668406A15992DB,MD5=CC85D7649546D3C0B1607F761B73FEC2"}' \
  > "$other/hashes"
want other_inputs && echo "== fuzz_other_inputs"
want other_inputs && fuzz other_inputs 16384 "$other"

# The page reader verify uses on a store file: small SQLite files (512-byte pages, so a few
# hundred rows make b-trees of two and three levels) with every serial type, overflowing rows,
# deleted rows and a chain-like table, each under two REAL-affinity masks.
pages=$build/corpus/store_pages
mkdir -p "$pages"
python3 - "$pages" <<'PY'
import os, sqlite3, sys, tempfile
out = sys.argv[1]
def make(name, script):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'f.db')
        con = sqlite3.connect(path)
        con.executescript('PRAGMA page_size = 512;' + script)
        con.close()
        data = open(path, 'rb').read()
    for mask in (0, 6):
        open(os.path.join(out, f'{name}_{mask}'), 'wb').write(bytes([mask]) + data)
make('types', """CREATE TABLE t(id INTEGER PRIMARY KEY, i INTEGER, r REAL, f FLOAT, x TEXT,
  b BLOB, n NUMERIC, a);
  INSERT INTO t VALUES (1, 0, 0.0, 1, '', x'', 0, NULL), (2, 1, 1.0, -3, 'h', x'00ff', 12.5, 7),
  (3, -1, 2.5, 1e300, NULL, NULL, NULL, 'm'), (4, 127, -128, 32767, 'a', x'01', 1, 1.5),
  (5, 2147483647, -2147483648, 140737488355327, NULL, NULL, NULL, NULL),
  (6, 9223372036854775807, NULL, -9223372036854775808, NULL, NULL, NULL, NULL);""")
make('overflow', """CREATE TABLE t(id INTEGER PRIMARY KEY, x TEXT, b BLOB);
  INSERT INTO t VALUES (1, 'short', NULL), (2, replace(hex(zeroblob(600)), '00', 'y'), NULL),
  (3, NULL, zeroblob(2000)), (4, 'after', x'00');""")
make('deep', """CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, w INTEGER);
  WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 600)
  INSERT INTO t SELECT v, printf('row %d', v), v * v FROM n;
  DELETE FROM t WHERE id % 5 = 0 OR id BETWEEN 200 AND 260;""")
make('chain', """CREATE TABLE chain(seq INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL,
  row_id INTEGER NOT NULL, record_hash BLOB NOT NULL, chain_hash BLOB NOT NULL) STRICT;
  WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 40)
  INSERT INTO chain(tbl, row_id, record_hash, chain_hash)
  SELECT 'events', v, randomblob(32), randomblob(32) FROM n;""")
PY
want store_pages && echo "== fuzz_store_pages"
want store_pages && fuzz store_pages 65536 "$pages"
exit 0  # a target left out by TARGETS is not a failure
