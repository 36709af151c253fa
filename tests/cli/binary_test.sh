#!/usr/bin/env bash
# The real vigil binary as shells, pipes and cron meet it: exit codes, stdin for "-", and
# silence on success with --quiet. Usage: binary_test.sh VIGIL MAKE_STORE WORKDIR
set -u
vigil=$1 make_store=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
passed=0 failed=0
check() {  # check NAME EXPECTED_EXIT COMMAND...
  local name=$1 want=$2; shift 2
  "$@" >out.txt 2>err.txt
  local got=$?
  if [ "$got" = "$want" ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL $name: exit $got, wanted $want"; cat out.txt err.txt
  fi
}
expect_empty() {  # expect_empty NAME FILE
  if [ -s "$2" ]; then failed=$((failed + 1)); echo "FAIL $1: $2 not empty:"; cat "$2";
  else passed=$((passed + 1)); fi
}

"$make_store" s.db 50 1 || exit 1
check version 0 "$vigil" --version
check usage 2 "$vigil" --db s.db verify --jobs 0
check unknown-command 2 "$vigil" frobnicate
check missing-store 4 "$vigil" --db nowhere.db verify
check keygen 0 "$vigil" keygen --quiet --out soc
expect_empty keygen-quiet out.txt
check quiet-verified 0 "$vigil" --db s.db verify --quiet
expect_empty quiet-stdout out.txt
expect_empty quiet-stderr err.txt
# seal prints the checkpoint on stdout; verify reads it back from stdin with "-".
check seal-to-pipe 0 sh -c "'$vigil' --db s.db seal --key soc.key | '$vigil' --db s.db verify --pubkey soc.pub --checkpoint - --quiet"
check json 0 "$vigil" verify --db s.db --format json
grep -q '"status":"VERIFIED"' out.txt && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL json"; }
python3 - s.db <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("UPDATE events SET host_name = 'evil' WHERE id = 7")
con.commit()
PY
check tampered 1 "$vigil" --db s.db verify --quiet
grep -q '^TAMPERED first broken seq 8' out.txt && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL tampered text"; cat out.txt; }
check export-missing-store 4 "$vigil" --db nowhere/x.db export --format pdf
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
