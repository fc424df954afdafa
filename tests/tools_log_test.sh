#!/usr/bin/env bash
# The CLI's --log: the library's log lines on stderr, filtered by level,
# and a clear refusal of an unknown level. usage: tools_log_test.sh TERN_CLI
set -euo pipefail
tern=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true' EXIT
fail() { echo "FAIL: $*"; exit 1; }
psk=client1:0102030405060708090a0b0c0d0e0f10

# An unknown level is refused before anything starts.
if "$tern" client 127.0.0.1:9 --psk "$psk" --log loud 2>"$dir/bad.err"; then
  fail "--log loud was accepted"
fi
grep -q -- "--log wants error, warning, info or debug" "$dir/bad.err" \
  || fail "no reason given: $(cat "$dir/bad.err")"
echo "unknown level refused: $(cat "$dir/bad.err")"

# A server at debug, a client at info.
"$tern" server --bind 127.0.0.1:0 --psk "$psk" --no-cookie --echo --log debug \
  2>"$dir/server.err" &
pid=$!
for _ in $(seq 1 100); do
  grep -q "listening" "$dir/server.err" 2>/dev/null && break
  sleep 0.05
done
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$dir/server.err" | head -1)
[ -n "$port" ] || fail "the server did not start: $(cat "$dir/server.err")"
echo ping | timeout 20 "$tern" client "127.0.0.1:$port" --psk "$psk" --log info \
  >"$dir/client.out" 2>"$dir/client.err" || fail "client failed: $(cat "$dir/client.err")"
sleep 0.3
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=

grep -q "^ping$" "$dir/client.out" || fail "no echo: $(cat "$dir/client.out")"
for f in client server; do
  grep -q "^tern: info: handshake running" "$dir/$f.err" || fail "$f: no handshake line"
  grep -q "^tern: info: established: DTLS 1.2, TLS_" "$dir/$f.err" || fail "$f: no established line"
done
grep -q "^tern: info: close_notify received" "$dir/server.err" || fail "server: no close_notify line"
grep -q "^tern: info: closed" "$dir/client.err" || fail "client: no closed line"
! grep -q "^tern: debug:" "$dir/client.err" || fail "client at info printed debug lines"
# No secret in any line: the PSK's hex key never appears.
! grep -q "0102030405060708090a0b0c0d0e0f10" "$dir/client.err" "$dir/server.err" \
  || fail "the key was logged"
echo "client: $(grep -c '^tern: info:' "$dir/client.err") info lines; server: $(grep -c '^tern: ' "$dir/server.err") lines"
echo PASS
