#!/usr/bin/env bash
# Isolation Forest against scikit-learn on the same events, in the same run (issue 5), run by
# hand: vigil's forest (tests/bench/iforest_bench.cpp, built as vigil_iforest_bench) on a
# store holding one ingest of FILE, then ../shared/bench/bench_py.py iforest on FILE
# (apt-get install python3-sklearn; it needs the system /usr/bin/python3). Each prints one
# JSON line with fit, score and ROC AUC against the truth file.
# usage: tests/bench/iforest_bench.sh BENCH_BINARY STORE FILE TRUTH [ROUNDS=3]
set -euo pipefail
bench=$1 store=$2 file=$3 truth=$4 rounds=${5:-3}
peer=$(cd "$(dirname "$0")/../../../shared/bench" && pwd)/bench_py.py
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$rounds"); do
  echo "vigil   $("$bench" "$store" "$truth" "$(nproc)")"
  echo "sklearn $(/usr/bin/python3 "$peer" iforest --file "$file" --truth "$truth" | tail -1)"
done
