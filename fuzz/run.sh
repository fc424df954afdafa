#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time on a scratch copy of its seed
# corpus (the committed corpus is never written to). Fails on any crash.
# usage: run.sh FUZZER CORPUS_DIR SECONDS
#
# Environment:
#   TERN_FUZZ_ARTIFACTS  where crash inputs are kept (default: next to the binary)
#   TERN_FUZZ_WORK       a directory whose corpus/ is kept and grown across runs
#                        (default: a scratch directory removed afterwards)
#   TERN_FUZZ_REPORT     a file to which one summary line is appended:
#                        target seconds executions exec/s edges features corpus crashes
set -euo pipefail
fuzzer=$1 corpus=$2 seconds=$3
[ -x "$fuzzer" ] || { echo "no fuzzer binary at $fuzzer" >&2; exit 1; }
name=$(basename "$corpus")
if [ -n "${TERN_FUZZ_WORK:-}" ]; then
  work=$TERN_FUZZ_WORK
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
# Crash inputs are kept (outside the source tree) so they can become regressions.
artifacts=${TERN_FUZZ_ARTIFACTS:-$(dirname "$fuzzer")/artifacts/$(basename "$fuzzer")}
mkdir -p "$work/corpus" "$artifacts"
cp -r "$corpus"/. "$work/corpus/"
dict=$(dirname "$corpus")/../$(basename "$corpus").dict
dict_arg=()
[ -f "$dict" ] && dict_arg=(-dict="$dict")
log="$work/fuzz.log"
set +e
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "${dict_arg[@]}" "$work/corpus" >"$log" 2>&1
status=$?
set -e
tail -n 25 "$log"

# The summary: libFuzzer's final statistics and its last status line.
stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
edges=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
features=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$last")
crashes=$(find "$artifacts" -type f | wc -l)
line=$(printf '%-12s %6ss %12s execs %8s/s  cov %6s  ft %7s  corpus %-10s crashes %s' \
  "$name" "$seconds" "$(stat number_of_executed_units)" "$(stat average_exec_per_sec)" \
  "${edges:-?}" "${features:-?}" "${corp:-?}" "$crashes")
echo "summary: $line"
if [ -n "${TERN_FUZZ_REPORT:-}" ]; then
  echo "$line" >>"$TERN_FUZZ_REPORT"
fi
if [ "$status" -ne 0 ]; then
  echo "fuzzer failed (status $status); inputs kept in $artifacts:" >&2
  ls -l "$artifacts" >&2
fi
exit "$status"
