#!/usr/bin/env bash
# PDF speed against ReportLab (issue 6), run by hand: the same 50-page content (a title with
# paragraphs, a 500-row table with a repeated header, zebra rows and a grid, 103 sections, a
# footer) from vigil's PDF layer (tests/bench/pdf_bench.cpp, built as vigil_pdf_bench) and from
# ReportLab (../shared/bench/bench_py.py pdf; apt-get install python3-reportlab), alternated in
# the same run. Then, when given a vigil binary and a store, a full `vigil export --format pdf`.
# usage: tests/bench/pdf_bench.sh BENCH_BINARY [ROUNDS=5] [VIGIL STORE]
set -euo pipefail
bench=$1 rounds=${2:-5} vigil=${3:-} store=${4:-}
peer=$(cd "$(dirname "$0")/../../../shared/bench" && pwd)/bench_py.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$rounds"); do
  echo "vigil     $("$bench" "$work/vigil.pdf") pages $(pdfinfo "$work/vigil.pdf" | awk '/^Pages/{print $2}')"
  echo "reportlab $(/usr/bin/python3 "$peer" pdf --out "$work/rl.pdf" | tail -1)"
done
if [ -n "$vigil" ]; then
  cp "$store" "$work/store.db"
  for i in $(seq "$rounds"); do
    /usr/bin/time -f "vigil export --format pdf: %e s, max RSS %M kB" \
      "$vigil" -q --db "$work/store.db" export --format pdf -o "$work/export.pdf"
  done
  echo "export: $(pdfinfo "$work/export.pdf" | awk '/^Pages/{print $2}') pages, $(stat -c %s "$work/export.pdf") bytes"
fi
