#!/usr/bin/env bash
# Records handshakes between tern's command-line tool and OpenSSL's and
# GnuTLS's, on 127.0.0.1 through tests/interop/udp_trace.py, and turns each
# into a seed for a whole-engine fuzz target (fuzz/gen_interop_seeds.c):
#
#   corpus/client/interop-{openssl,gnutls}-*        their servers' PSK flights
#   corpus/server/interop-{openssl,gnutls}-*        their clients' PSK flights
#   corpus/client_cert/interop-gnutls               Ed25519 server, client cert asked
#   corpus/server_cert/interop-{openssl,gnutls}     Ed25519 client certificate
#
# The peers use the targets' own credentials (fuzz/engine.h: PSK identity
# client1 and its key; the Ed25519 PKI of fuzz/engine_pki.h). The seeds are
# committed; run this again when the framing or the credentials change.
#
# usage: fuzz/record_interop.sh BUILD_DIR [CORPUS_DIR]
#        (BUILD_DIR: a non-fuzz build, with tern and fuzz/gen-interop-seeds)
set -euo pipefail

build=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
corpus=${2:-$here/corpus}
tern=$build/tern
gen=$build/fuzz/gen-interop-seeds
relay=$here/../tests/interop/udp_trace.py
for tool in "$tern" "$gen"; do
  [ -x "$tool" ] || { echo "missing $tool: build BUILD_DIR first" >&2; exit 1; }
done
for tool in openssl gnutls-serv gnutls-cli /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

PSK_ID=client1
PSK_KEY=7e726e2d66757a7a2d70736b2d6b6579 # engine_psk_key
NAME=fuzz.tern.test                      # ENGINE_SERVER_NAME

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
"$gen" pki "$work"
printf '%s:%s\n' "$PSK_ID" "$PSK_KEY" >"$work/psk.txt"

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# relay TARGET_PORT CAPTURE: starts the relay; sets RELAY_PORT.
relay() {
  local out=$work/relay.out
  : >"$out"
  /usr/bin/python3 "$relay" "$1" "$work/trace.log" 30 "$2" >"$out" &
  pids+=($!)
  local i
  for ((i = 0; i < 50; i++)); do
    RELAY_PORT=$(sed -n 's/^port //p' "$out")
    [ -n "$RELAY_PORT" ] && return 0
    sleep 0.1
  done
  echo "relay did not start" >&2
  exit 1
}

stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
}

# record SEED_TARGET SEED_NAME SERVER_KIND SERVER_CMD... -- CLIENT_CMD...
# The commands see @PORT@ (the server's port) and @RELAY@ (the relay's).
record() {
  local target=$1 seed=$2 kind=$3
  shift 3
  local server=() client=() port cap=$work/$target-$seed.cap
  while [ "$1" != -- ]; do server+=("$1"); shift; done
  shift
  client=("$@")
  port=$(free_port)
  : >"$cap"
  # stdin stays open a while: s_server quits at its end.
  sleep 8 | "${server[@]//@PORT@/$port}" >"$work/server.log" 2>&1 &
  pids+=($!)
  sleep 0.5
  relay "$port" "$cap"
  local cmd=("${client[@]//@RELAY@/$RELAY_PORT}")
  (echo ping; sleep 1.5) | timeout 10 "${cmd[@]}" >"$work/client.log" 2>&1 || true
  sleep 0.3
  stop_all
  case $target in
    client | client_cert) "$gen" client "$cap" "$corpus/$target/interop-$seed" ;;
    server | server_cert) "$gen" server "$kind" "$cap" "$corpus/$target/interop-$seed" ;;
  esac
}

prio() { # gnutls priority for DTLS 1.2 with the given key exchanges
  echo "NORMAL:-VERS-ALL:+VERS-DTLS1.2:-KX-ALL:+${1// /:+}"
}

tern_client_psk=("$tern" client 127.0.0.1:@RELAY@ --psk "$PSK_ID:$PSK_KEY" --timeout 5)
tern_client_cert=("$tern" client 127.0.0.1:@RELAY@ --ca "$work/ca.pem" --servername "$NAME"
  --cert "$work/client.pem" --key "$work/client.key" --timeout 5)

# Foreign servers, tern's client.
record client openssl-psk-gcm psk \
  openssl s_server -dtls1_2 -accept 127.0.0.1:@PORT@ -nocert -naccept 1 \
  -psk "$PSK_KEY" -psk_hint fuzz-hint -cipher PSK-AES128-GCM-SHA256 -- "${tern_client_psk[@]}"
record client openssl-ecdhe-psk psk \
  openssl s_server -dtls1_2 -accept 127.0.0.1:@PORT@ -nocert -naccept 1 \
  -psk "$PSK_KEY" -cipher ECDHE-PSK-CHACHA20-POLY1305 -- "${tern_client_psk[@]}"
record client gnutls-psk psk \
  gnutls-serv --udp -p @PORT@ --echo --pskpasswd "$work/psk.txt" --priority "$(prio PSK)" -- \
  "${tern_client_psk[@]}"
record client gnutls-ecdhe-psk psk \
  gnutls-serv --udp -p @PORT@ --echo --pskpasswd "$work/psk.txt" --priority "$(prio ECDHE-PSK)" -- \
  "${tern_client_psk[@]}"
# No OpenSSL server here: OpenSSL 3.0 does not sign with Ed25519 in DTLS
# (its s_server answers handshake_failure, "no shared cipher").
record client_cert gnutls psk \
  gnutls-serv --udp -p @PORT@ --echo --priority "$(prio ECDHE-ECDSA)" \
  --x509certfile "$work/server.pem" --x509keyfile "$work/server.key" \
  --x509cafile "$work/ca.pem" --require-client-cert -- "${tern_client_cert[@]}"

# Foreign clients, tern's server.
tern_server_psk=("$tern" server --bind 127.0.0.1:@PORT@ --psk "$PSK_ID:$PSK_KEY" --echo)
tern_server_cert=("$tern" server --bind 127.0.0.1:@PORT@ --cert "$work/server.pem"
  --key "$work/server.key" --ca "$work/ca.pem" --verify-client require --echo)
record server openssl-psk psk "${tern_server_psk[@]}" -- \
  openssl s_client -dtls1_2 -connect 127.0.0.1:@RELAY@ -psk "$PSK_KEY" -psk_identity "$PSK_ID" \
  -cipher PSK-AES128-GCM-SHA256
record server openssl-ecdhe-psk psk "${tern_server_psk[@]}" -- \
  openssl s_client -dtls1_2 -connect 127.0.0.1:@RELAY@ -psk "$PSK_KEY" -psk_identity "$PSK_ID" \
  -cipher ECDHE-PSK-CHACHA20-POLY1305
record server gnutls-psk psk "${tern_server_psk[@]}" -- \
  gnutls-cli --udp --port @RELAY@ 127.0.0.1 --pskusername "$PSK_ID" --pskkey "$PSK_KEY" \
  --priority "$(prio PSK)"
# GnuTLS 3.7's gnutls-cli dies after an ECDHE-PSK handshake (even with
# gnutls-serv); what it sent until then is the seed.
record server gnutls-ecdhe-psk psk "${tern_server_psk[@]}" -- \
  gnutls-cli --udp --port @RELAY@ 127.0.0.1 --pskusername "$PSK_ID" --pskkey "$PSK_KEY" \
  --priority "$(prio ECDHE-PSK)"
record server_cert openssl cert "${tern_server_cert[@]}" -- \
  openssl s_client -dtls1_2 -connect 127.0.0.1:@RELAY@ -CAfile "$work/ca.pem" \
  -verify_hostname "$NAME" -cert "$work/client.pem" -key "$work/client.key"
record server_cert gnutls cert "${tern_server_cert[@]}" -- \
  gnutls-cli --udp --port @RELAY@ 127.0.0.1 --x509cafile "$work/ca.pem" --verify-hostname "$NAME" \
  --x509certfile "$work/client.pem" --x509keyfile "$work/client.key" --priority "$(prio ECDHE-ECDSA)"
