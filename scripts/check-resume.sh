#!/usr/bin/env bash
# A 1000-step run stopped after step 1, 317 and 999, then resumed, against the run never stopped:
# the step and sample records of --jsonl must be identical, bit for bit, on both engines.
# Slow-ish (about 8 runs of the default model per engine); tests/cli.test.ts does the same on 40 steps.
#   usage, from the project's root: bash scripts/check-resume.sh [extra train flags]
set -euo pipefail
cli=(node lib/bin/microgpt.js train --jsonl "$@")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
records() { grep -e '"step"' -e '"sample"' "$@" || true; }
status=0
for engine in value fast; do
  "${cli[@]}" --engine "$engine" > "$tmp/full.jsonl"
  for k in 1 317 999; do
    "${cli[@]}" --engine "$engine" --stop-after "$k" --save "$tmp/run.safetensors" > "$tmp/first.jsonl" 2>/dev/null
    node lib/bin/microgpt.js train --jsonl --engine "$engine" --resume "$tmp/run.safetensors" > "$tmp/rest.jsonl"
    if cmp -s <(records "$tmp/first.jsonl" "$tmp/rest.jsonl" -h) <(records "$tmp/full.jsonl"); then
      echo "$engine: stopped after step $k, resumed: identical ($(records "$tmp/full.jsonl" | wc -l) records)"
    else
      echo "$engine: stopped after step $k, resumed: DIFFERENT"; status=1
    fi
  done
done
exit $status
