#!/usr/bin/env bash
# make bench: runs every benchmark (release build in BUILD_DIR), each
# writing its figures as CSV, then assembles OUT_DIR/REPORT.md and the
# plots from them with scripts/bench_report.py.
#
# usage: scripts/bench.sh BUILD_DIR OUT_DIR
set -euo pipefail
build=$1 out=$2
src=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/bench
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/tern-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Each benchmark prints its table as it goes and keeps its CSV and the
# seconds it took.
run() {
  local name=$1; shift
  echo "== bench-$name $*"
  local t0=$SECONDS
  "$bin/bench-$name" --csv "$work/$name.csv" "$@" | tee "$work/$name.txt"
  echo "$name,$((SECONDS - t0))" >> "$work/durations.csv"
  echo
}

uptime_load() { cut -d' ' -f1-3 /proc/loadavg; }
# The commit measured, read before any result is written.
commit=$(git -C "$src" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$src" status --porcelain --untracked-files=no -- . ":(exclude)$out" 2>/dev/null)" ]; then
  commit="$commit (with uncommitted changes)"
fi
load_start=$(uptime_load)
t_start=$SECONDS
run record
run handshake
run throughput
run sessions
run loss
load_end=$(uptime_load)

for f in record handshake throughput sessions loss; do
  cp "$work/$f.csv" "$out/$f.csv"
done
cp "$work/durations.csv" "$out/durations.csv"
/usr/bin/python3 "$src/scripts/bench_report.py" --results "$out" --build "$build" \
  --source "$src" --load-start "$load_start" --load-end "$load_end" \
  --seconds $((SECONDS - t_start)) --commit "$commit"
echo "wrote $out/REPORT.md and its plots ($((SECONDS - t_start)) s in all)"
