#!/usr/bin/env bash
# vigil ingest under SIGKILL and with a second writer (issue 3): after each kill the store must
# verify, and running the same command again must leave every good record stored exactly once.
# Then two ingests and repeated correlate runs at once on one store (issue 8).
# Usage: crash_and_concurrency_test.sh VIGIL WORKDIR [ROUNDS]
set -u
vigil=$1 work=$2 rounds=${3:-5}
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

# 60,000 distinct NDJSON events plus 30 bad lines (generated here: no dependency on ../shared).
python3 - <<'PY'
import json, random
random.seed(5)
with open("events.ndjson", "w") as f:
    for i in range(60000):
        if i % 2000 == 1999:
            f.write('{"ts": "2026-11-14T00:00:00Z", "user": \n')  # truncated
            continue
        attack = 30000 <= i < 30020  # a brute force from one address, for correlate
        f.write(json.dumps({"ts": "2026-11-14T%02d:%02d:%02d.%06dZ" % (i // 3600 % 24, i // 60 % 60, i % 60, i),
                            "source": "auth",
                            "event_type": "login_failure" if attack else random.choice(["login_failure", "login_success"]),
                            "user": "u%d" % (i % 500),
                            "src_ip": "203.0.113.9" if attack else "10.0.%d.%d" % (i % 200, i % 250),
                            "n": i}) + "\n")
PY
good=$(grep -c '"n"' events.ndjson)

for round in $(seq "$rounds"); do
  "$vigil" --db crash.db ingest --quiet events.ndjson >/dev/null 2>&1 &
  pid=$!
  sleep "0.$((RANDOM % 9 + 1))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  # A kill before the store was created leaves no store, or an empty one (ingest creates it
  # on the next run); anything else must verify.
  if "$vigil" --db crash.db verify --quiet >verify.txt 2>&1; then
    ok
  elif grep -q -e "no store here" -e "not a vigil store (empty)" verify.txt; then
    ok
  else
    bad "round $round: store does not verify after kill"
    cat verify.txt
  fi
done
"$vigil" --db crash.db ingest --quiet events.ndjson >/dev/null 2>&1
rc=$?
[ "$rc" = 3 ] && ok || bad "final ingest exit $rc, wanted 3 (bad lines rejected)"
stored=$(python3 -c "import sqlite3; print(sqlite3.connect('crash.db').execute('SELECT count(*) FROM events').fetchone()[0])")
distinct=$(python3 -c "import sqlite3; print(sqlite3.connect('crash.db').execute(\"SELECT count(DISTINCT json_extract(raw, '\$.n')) FROM events\").fetchone()[0])")
[ "$stored" = "$good" ] && ok || bad "stored $stored events, wanted $good"
[ "$distinct" = "$good" ] && ok || bad "$distinct distinct records, wanted $good"
"$vigil" --db crash.db verify --quiet && ok || bad "final store does not verify"

# Two ingests at once on one store (a cron job and an analyst): both succeed, nothing lost.
head -30000 events.ndjson > a.ndjson
tail -n +30001 events.ndjson > b.ndjson
"$vigil" --db two.db ingest --quiet a.ndjson >/dev/null 2>&1 & pa=$!
"$vigil" --db two.db ingest --quiet b.ndjson >/dev/null 2>&1 & pb=$!
wait "$pa"; ra=$?
wait "$pb"; rb=$?
[ "$ra" = 3 ] && [ "$rb" = 3 ] && ok || bad "concurrent ingests exited $ra and $rb, wanted 3 and 3"
both=$(python3 -c "import sqlite3; print(sqlite3.connect('two.db').execute('SELECT count(*) FROM events').fetchone()[0])")
[ "$both" = "$good" ] && ok || bad "concurrent ingests stored $both, wanted $good"
"$vigil" --db two.db verify --quiet && ok || bad "store written by two ingests does not verify"

# Two ingests and correlate runs at once (issue 8): every run succeeds, the chain verifies,
# and the incidents built incrementally while events arrived equal those of one run over all
# of them: the brute force from 203.0.113.9 is one incident with its 20 events.
"$vigil" --db three.db init --quiet
"$vigil" --db three.db ingest --quiet a.ndjson >/dev/null 2>&1 & pa=$!
"$vigil" --db three.db ingest --quiet b.ndjson >/dev/null 2>&1 & pb=$!
correlate_failures=0
while kill -0 "$pa" 2>/dev/null || kill -0 "$pb" 2>/dev/null; do
  "$vigil" --db three.db correlate --quiet >/dev/null 2>correlate.err || correlate_failures=$((correlate_failures + 1))
done
wait "$pa"; ra=$?
wait "$pb"; rb=$?
"$vigil" --db three.db correlate --quiet >/dev/null 2>>correlate.err || correlate_failures=$((correlate_failures + 1))
[ "$ra" = 3 ] && [ "$rb" = 3 ] && ok || bad "ingests beside correlate exited $ra and $rb, wanted 3 and 3"
[ "$correlate_failures" = 0 ] && ok || bad "$correlate_failures correlate runs failed: $(cat correlate.err)"
"$vigil" --db three.db verify --quiet && ok || bad "store written by ingests and correlate does not verify"
"$vigil" --db three.db correlate --dry-run --format json > batch.json 2>/dev/null
python3 - <<'PY' && ok || bad "incremental incidents differ from one run over all events"
import json, sqlite3, sys
con = sqlite3.connect("three.db")
stored = sorted((rule, key, n) for rule, key, n in con.execute(
    "SELECT i.rule_id, i.group_key, count(ie.id) FROM incidents i "
    "JOIN incident_events ie ON ie.incident_id = i.id GROUP BY i.id"))
batch = sorted((i["rule_id"], json.dumps(i["group"], separators=(",", ":")), i["event_count"])
               for i in json.load(open("batch.json"))["incidents"])
attack = [s for s in stored if "203.0.113.9" in s[1]]
if stored != batch or len(attack) != 1 or attack[0][2] != 20:
    print("stored", stored, "\nbatch ", batch, file=sys.stderr)
    sys.exit(1)
PY

# Six vigil processes creating one new store at once, 40 times. One could read the schema
# version before another committed its first migration, then see that one's tables and refuse
# the file as another program's database (exit 4). Before the fix 2 of 600 inits failed so.
init_failures=0
for _ in $(seq 40); do
  rm -f new.db new.db-wal new.db-shm
  pids=()
  for _ in 1 2 3 4 5 6; do "$vigil" --db new.db init >/dev/null 2>>init.err & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || init_failures=$((init_failures + 1)); done
done
[ "$init_failures" = 0 ] && ok || bad "$init_failures of 240 concurrent inits failed: $(sort -u init.err)"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
