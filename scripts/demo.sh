#!/usr/bin/env bash
# The demonstration `make demo` runs: tern's self test, then a DTLS 1.2 PSK
# server and client talking over 127.0.0.1 (cookie exchange, handshake,
# a few lines echoed, close_notify).
set -euo pipefail
build=$1
tern=$build/tern
psk=demo-client:000102030405060708090a0b0c0d0e0f

echo "== tern $("$tern" --version | cut -d' ' -f2): self test"
"$tern" selftest
echo

log=$(mktemp)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -f "$log"' EXIT

# Port 0: the system picks a free port, and the server prints it.
echo "== tern server --bind 127.0.0.1:0 --psk $psk --echo"
"$tern" server --bind 127.0.0.1:0 --psk "$psk" --echo 2>"$log" &
server=$!
port=
for _ in $(seq 50); do
  port=$(sed -n 's/^tern: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "the server did not start:" >&2; cat "$log" >&2; exit 1; }

echo "== tern client 127.0.0.1:$port --psk $psk   (three lines on stdin)"
printf 'hello, tern\nDTLS over UDP\nthird line\n' |
  timeout 20 "$tern" client "127.0.0.1:$port" --psk "$psk" --timeout 10 |
  sed 's/^/   echoed back: /'
sleep 0.2
echo
echo "== what the server saw"
sed 's/^/   /' "$log"
