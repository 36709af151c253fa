#!/usr/bin/env bash
# Issue 19: auditors read write-protected copies. On a store in a read-only directory, or a
# read-only store file, the reading commands (verify, report, stats, export to stdout) work,
# leave no -wal or -shm behind, and read the store's real state: a write-ahead log beside it
# is read when its -shm is there too, and refused with a clear message when it cannot be read.
# export -o refuses (exit 4): it must record the file in the store, and cannot.
#
# Root ignores permission bits, so as root the commands under test run as nobody (setpriv) on
# files root owns; otherwise the files are made read-only with chmod. What this covers is the
# permission check the kernel makes for an ordinary user, the same answer a read-only mount
# gives (EROFS); it does not mount anything.
# Usage: readonly_store_test.sh VIGIL MAKE_STORE
set -u
vigil=$1 make_store=$2
work=$(mktemp -d /tmp/vigil-readonly-XXXXXX) || exit 1
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
chmod 755 "$work"
if [ "$(id -u)" = 0 ]; then
  reader() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
  protect() { chmod go=rX "$@"; }           # root's files: nobody may read, not write
  open_dir() { chmod 1777 "$1"; }           # a directory the reader may create files in
  if ! reader test -x "$vigil"; then echo "SKIP: nobody cannot run $vigil"; exit 77; fi
else
  reader() { "$@"; }
  protect() { chmod a-w "$@"; }
  open_dir() { chmod u+w "$1"; }
fi
passed=0 failed=0
check() {  # check NAME EXPECTED_EXIT COMMAND...
  local name=$1 want=$2; shift 2
  "$@" >"$work/out.txt" 2>"$work/err.txt"
  local got=$?
  if [ "$got" = "$want" ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL $name: exit $got, wanted $want"; cat "$work/out.txt" "$work/err.txt"
  fi
}
expect() {  # expect NAME TEXT FILE: FILE contains TEXT
  if grep -qF -- "$2" "$3"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL $1: no '$2' in:"; cat "$3"; fi
}
same() {  # same NAME GOT WANT
  if [ "$2" = "$3" ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL $1: '$2', wanted '$3'"; fi
}
listing() { (cd "$1" && ls -A | tr '\n' ' '); }
records() { sed -n 's/^VERIFIED \([0-9]*\) records.*/\1/p' "$work/out.txt"; }

outdir="$work/out"; mkdir "$outdir"; open_dir "$outdir"
printf '{"ts":"2024-03-04T10:00:0%sZ","source":"auth","event_type":"login_failure","user":"u","src_ip":"192.0.2.9","host":"gw"}\n' 1 2 3 >"$work/in.ndjson"
chmod 644 "$work/in.ndjson"

# 1. A read-only directory (and file): every reading command, nothing left behind.
d="$work/rodir"; mkdir "$d"; "$make_store" "$d/s.db" 60 2 || exit 1
protect "$d/s.db" "$d"
check rodir-verify 0 reader "$vigil" --db "$d/s.db" verify
expect rodir-verified "VERIFIED" "$work/out.txt"
check rodir-stats 0 reader "$vigil" --db "$d/s.db" stats
check rodir-report 0 reader "$vigil" --db "$d/s.db" report
check rodir-export-stdout 0 reader "$vigil" --db "$d/s.db" export --format json
check rodir-export-file 4 reader "$vigil" --db "$d/s.db" export --format json -o "$outdir/x.json"
expect rodir-export-says "store is read-only here" "$work/err.txt"
same rodir-export-no-file "$(listing "$outdir")" ""
check rodir-ingest 4 reader "$vigil" --db "$d/s.db" ingest "$work/in.ndjson"
same rodir-nothing-left "$(listing "$d")" "s.db "

# 2. A read-only file in a directory the reader may write: still nothing left behind.
d="$work/rofile"; mkdir "$d"; "$make_store" "$d/s.db" 60 2 || exit 1
protect "$d/s.db"; open_dir "$d"
check rofile-verify 0 reader "$vigil" --db "$d/s.db" verify
check rofile-report 0 reader "$vigil" --db "$d/s.db" report
same rofile-nothing-left "$(listing "$d")" "s.db "

# 3. A copy taken while a writer had the store open: committed records only in the -wal.
# A reader holds a snapshot so that no checkpoint moves the new records into the file, and
# exits without closing, as a crash or a copy would leave it.
make_wal_store() {
  mkdir "$1"; "$make_store" "$1/s.db" 60 2 || exit 1
  check "$1-verify-before" 0 "$vigil" --db "$1/s.db" verify
  before=$(records)
  python3 - "$1/s.db" "$work/ready" "$work/done" <<'PY' &
import os, sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN")
con.execute("SELECT count(*) FROM chain").fetchall()
open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[3]):
    time.sleep(0.02)
os._exit(0)
PY
  local holder=$!
  while [ ! -e "$work/ready" ]; do sleep 0.02; done
  check "$1-ingest" 0 "$vigil" --db "$1/s.db" ingest --quiet "$work/in.ndjson"
  touch "$work/done"; wait "$holder"; rm -f "$work/ready" "$work/done"
}
d="$work/wal"; make_wal_store "$d"
[ -s "$d/s.db-wal" ] && [ -e "$d/s.db-shm" ] && passed=$((passed + 1)) ||
  { failed=$((failed + 1)); echo "FAIL wal: no -wal with frames and -shm: $(listing "$d")"; }
protect "$d"/s.db* "$d"
check wal-verify 0 reader "$vigil" --db "$d/s.db" verify
after=$(records)
[ -n "$after" ] && [ "$after" -gt "$before" ] && passed=$((passed + 1)) ||
  { failed=$((failed + 1)); echo "FAIL wal-read: $after records, not more than $before"; }
check wal-report 0 reader "$vigil" --db "$d/s.db" stats
same wal-nothing-left "$(listing "$d")" "s.db s.db-shm s.db-wal "

# 4. The same without its -shm: the log cannot be read here, and is not silently ignored.
d="$work/walnoshm"; make_wal_store "$d"
rm "$d/s.db-shm"; protect "$d"/s.db* "$d"
check walnoshm-verify 4 reader "$vigil" --db "$d/s.db" verify
expect walnoshm-says "write-ahead log" "$work/err.txt"
check walnoshm-report 4 reader "$vigil" --db "$d/s.db" report
same walnoshm-nothing-left "$(listing "$d")" "s.db s.db-wal "

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
