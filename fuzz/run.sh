#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time on a scratch copy of its seed
# corpus (the committed corpus is never written to). Fails on any crash.
# usage: run.sh FUZZER CORPUS_DIR SECONDS
set -euo pipefail
fuzzer=$1 corpus=$2 seconds=$3
[ -x "$fuzzer" ] || { echo "no fuzzer binary at $fuzzer" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Crash inputs are kept (outside the source tree) so they can become regressions.
artifacts=${TERN_FUZZ_ARTIFACTS:-$(dirname "$fuzzer")/artifacts/$(basename "$fuzzer")}
mkdir -p "$work/corpus" "$artifacts"
cp -r "$corpus"/. "$work/corpus/"
dict=$(dirname "$corpus")/../$(basename "$corpus").dict
dict_arg=()
[ -f "$dict" ] && dict_arg=(-dict="$dict")
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "${dict_arg[@]}" "$work/corpus" 2>&1 | tail -n 25
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  echo "fuzzer failed (status $status); inputs kept in $artifacts:" >&2
  ls -l "$artifacts" >&2
fi
exit "$status"
