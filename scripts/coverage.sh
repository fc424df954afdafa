#!/usr/bin/env bash
# make coverage: builds tern with gcc's coverage instrumentation (no
# sanitizers, no optimisation), runs the whole test suite, and reports the
# line and branch coverage of src/ with gcovr: an HTML report with every
# file annotated, and the totals printed at the end. Fails when the totals
# are below the targets (90% of lines, 80% of branches).
#
# Branches are counted as gcc emits them, with the ones it marks
# unreachable left out (gcovr --exclude-unreachable-branches).
#
# usage: scripts/coverage.sh BUILD_DIR [JOBS]
set -euo pipefail
build=$1
jobs=${2:-2}
src=$(cd "$(dirname "$0")/.." && pwd)
line_target=90
branch_target=80

cmake -S "$src" -B "$build" -G Ninja -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS="--coverage -O0" -DCMAKE_EXE_LINKER_FLAGS=--coverage \
  -DCMAKE_SHARED_LINKER_FLAGS=--coverage -DTERN_LTO=OFF -DTERN_SANITIZE=OFF \
  -DTERN_BUILD_BENCH=OFF -DTERN_FUZZ_DIR= >/dev/null
cmake --build "$build" -j "$jobs"
# Counters from an earlier run would add up with this one.
find "$build" -name '*.gcda' -delete
# Everything but the static checks, which run no tern code.
(cd "$build" && ctest -j "$jobs" -E '^lint/' --output-on-failure) || {
  echo "coverage: the test suite failed; coverage not reported" >&2
  exit 1
}
report="$build/coverage"
mkdir -p "$report"
common=(--root "$src" --filter "$src/src/" --exclude-unreachable-branches "$build")
gcovr "${common[@]}" --html-details "$report/index.html" --html-title "tern coverage" \
  --print-summary --txt "$report/files.txt" | tee "$report/summary.txt"
echo "coverage: per-file table in $report/files.txt, annotated sources in $report/index.html"

pct() { sed -n "s/^$1: *\([0-9.]*\)%.*/\1/p" "$report/summary.txt"; }
lines=$(pct lines)
branches=$(pct branches)
status=0
awk -v v="$lines" -v t="$line_target" 'BEGIN { exit !(v >= t) }' ||
  { echo "coverage: lines ${lines}% below the ${line_target}% target" >&2; status=1; }
awk -v v="$branches" -v t="$branch_target" 'BEGIN { exit !(v >= t) }' ||
  { echo "coverage: branches ${branches}% below the ${branch_target}% target" >&2; status=1; }
[ "$status" -eq 0 ] && echo "coverage: src/ lines ${lines}% (target ${line_target}%), branches ${branches}% (target ${branch_target}%)"
exit "$status"
