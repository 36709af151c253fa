#!/usr/bin/env bash
# CTest: the text, Markdown and JSON reports of samples/ against the reviewed copies in
# tests/report/golden/. The pipeline is the README's main job (ingest, correlate, score with
# samples/vigil.yml, report), with --year so that auth.log does not take its year from the
# checkout's file times. A change in wording, order or numbers fails here; when it is meant,
# regenerate with UPDATE=1, read the diff, and commit it with the change.
# usage: golden_test.sh VIGIL WORKDIR   (UPDATE=1 golden_test.sh ... rewrites the copies)
set -euo pipefail
vigil=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
samples=$here/../../samples
golden=$here/golden
rm -rf "$work" && mkdir -p "$work"
export VIGIL_DB=$work/samples.db
"$vigil" ingest --quiet --year 2026 "$samples/events.ndjson" "$samples/auth.log" \
  "$samples/windows-purplesharp.jsonl" "$samples/zeek-apt29-victim.log" \
  "$samples/cloudtrail-s3-exfiltration.json" 2> /dev/null || [ $? -eq 3 ]
"$vigil" correlate --quiet > /dev/null
"$vigil" --config "$samples/vigil.yml" score --quiet > /dev/null
"$vigil" report > "$work/report.txt"
"$vigil" --format markdown report > "$work/report.md"
"$vigil" --format json report > "$work/report.raw.json"
# Indented (keys in vigil's order) so that a difference reads as a diff of lines.
python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1])), indent=1, ensure_ascii=False))' \
  "$work/report.raw.json" > "$work/report.json"
status=0
for f in report.txt report.md report.json; do
  if [ "${UPDATE:-0}" = 1 ]; then
    cp "$work/$f" "$golden/$f"
  elif ! diff -u "$golden/$f" "$work/$f"; then
    echo "FAIL: $f differs from tests/report/golden/$f (UPDATE=1 to accept a meant change)" >&2
    status=1
  fi
done
exit $status
