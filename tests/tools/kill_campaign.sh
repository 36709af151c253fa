#!/usr/bin/env bash
# The long crash campaign of issue 8 (run by hand; CI runs 5 short rounds in
# ingest.crash_and_concurrency). Each round starts from an empty store, kills `vigil ingest`
# of FILE with SIGKILL at a random moment, runs the same ingest again to the end, and checks
# that `vigil verify` says VERIFIED and that every good record of FILE is stored exactly once
# (as many events as a clean ingest stores, no record key twice).
#
# usage: tests/tools/kill_campaign.sh VIGIL FILE WORKDIR [ROUNDS=100] [SEED=1] [MAX_KILL_S=20]
set -uo pipefail
vigil=$(realpath "$1")
file=$(realpath "$2")
work=$3
rounds=${4:-100}
seed=${5:-1}
max_kill=${6:-20}
mkdir -p "$work" && cd "$work" || exit 2
RANDOM=$seed

count() { sqlite3 "$1" "SELECT count(*), count(DISTINCT record_key) FROM events"; }

# The reference: one clean ingest.
rm -f clean.db*
"$vigil" --db clean.db ingest --quiet "$file" > /dev/null 2>&1
want=$(count clean.db)
echo "reference: $want (events, distinct keys) from one clean ingest of $(basename "$file")"

passed=0 failed=0
for round in $(seq "$rounds"); do
  rm -f r.db r.db-wal r.db-shm
  # A random moment between 0.05 s and MAX_KILL_S s, in milliseconds.
  ms=$(( (RANDOM * 32768 + RANDOM) % (max_kill * 1000 - 50) + 50 ))
  "$vigil" --db r.db ingest --quiet "$file" > /dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  kill -9 "$pid" 2> /dev/null
  wait "$pid" 2> /dev/null
  before=$( [ -f r.db ] && sqlite3 r.db "SELECT count(*) FROM events" 2>/dev/null || echo 0)
  "$vigil" --db r.db ingest --quiet "$file" > /dev/null 2>&1
  rc=$?
  verdict=$("$vigil" --db r.db verify --quiet > /dev/null 2>&1 && echo VERIFIED || echo TAMPERED)
  got=$(count r.db)
  if [ "$verdict" = VERIFIED ] && [ "$got" = "$want" ] && { [ "$rc" = 0 ] || [ "$rc" = 3 ]; }; then
    passed=$((passed + 1))
    echo "round $round: killed at ${ms} ms with $before events stored; re-run exit $rc; $verdict; $got"
  else
    failed=$((failed + 1))
    echo "round $round: FAIL killed at ${ms} ms ($before stored); re-run exit $rc; $verdict; $got, wanted $want"
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
