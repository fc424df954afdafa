#!/usr/bin/env bash
# The CLI's key log holds every session's master secret: it is created
# mode 0600 whatever the umask, and an existing one that others can read is
# refused. usage: tools_keylog_test.sh TERN_CLI
set -euo pipefail
tern=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# A server configured with a key log creates it before it listens.
umask 000
"$tern" server --bind 127.0.0.1:0 --psk client1:0102030405060708090a0b0c0d0e0f10 \
  --keylog "$dir/keys.log" 2>"$dir/server.err" &
pid=$!
for _ in $(seq 1 100); do
  grep -q "listening" "$dir/server.err" 2>/dev/null && break
  sleep 0.05
done
grep -q "listening" "$dir/server.err" || fail "the server did not start: $(cat "$dir/server.err")"
mode=$(stat -c %a "$dir/keys.log")
[ "$mode" = 600 ] || fail "key log created with mode $mode under umask 000, want 600"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
echo "created with mode 600 under umask 000"

# An existing key log readable by others is refused, with the reason.
touch "$dir/open.log"; chmod 644 "$dir/open.log"
if "$tern" server --bind 127.0.0.1:0 --psk client1:0102030405060708090a0b0c0d0e0f10 \
    --keylog "$dir/open.log" 2>"$dir/refused.err"; then
  fail "a key log of mode 644 was accepted"
fi
grep -q "open to other users" "$dir/refused.err" || fail "no reason given: $(cat "$dir/refused.err")"
[ ! -s "$dir/open.log" ] || fail "something was written to the refused key log"
echo "mode 644 refused: $(cat "$dir/refused.err")"
echo PASS
