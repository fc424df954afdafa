#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions are called indirectly, through run_case
# interop/gnutls-server: `tern client` against GnuTLS's
# `gnutls-serv --udp --echo` (which makes clients go through its cookie
# exchange). gnutls-serv has no option to bind one address: it listens on
# the port on 0.0.0.0 and ::, and tern connects to it over 127.0.0.1.
#
# Every case sends a unique line and expects it echoed back, checks that
# gnutls-serv received it, the suite tern reports, and that tern's
# close_notify ends gnutls-serv's session. Cases: each PSK suite GnuTLS
# implements (gnutls-serv allowing only that one, tern offering all); tern
# allowing one suite (--ciphers) while gnutls-serv allows all; gnutls-serv
# at --mtu 100 with a 128-byte identity hint, so that its ServerHello and
# ServerKeyExchange arrive in fragments, tern at --mtu 256 with a 128-byte
# identity (checked on the wire through udp_trace.py); a wrong PSK, for
# which tern must give up within its --timeout with a reason.
#
# usage: gnutls-server.sh /path/to/tern
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require gnutls-cli gnutls-serv stdbuf
GNUTLS_VERSION=$(timeout 10 gnutls-serv --version | sed -n '1s/^gnutls-serv /GnuTLS /p')
ALL_PSK=$(gnutls_priority "PSK ECDHE-PSK" \
  "AES-128-CCM-8 AES-128-CCM AES-128-GCM AES-256-GCM CHACHA20-POLY1305")

need_suite() {
  suite_fields "$1"
  PRIO=$(gnutls_priority "$KX" "$CIPHER")
  gnutls_has "$CP" "$PRIO" || skip "$GNUTLS_VERSION does not implement $1 ($CP)"
}

# gnutls_serv PRIORITY ARGS...: starts gnutls-serv as process "server",
# knowing both identities with the right key; sets PORT.
gnutls_serv() {
  local prio=$1
  shift
  printf '%s:%s\n%s:%s\n' "$PSK_ID" "$PSK_KEY" "$LONG_ID" "$PSK_KEY" >"$CASE_DIR/psk.txt"
  start_server server "IPv4 0.0.0.0 port @PORT@...done" "" \
    stdbuf -oL -eL gnutls-serv --udp -p @PORT@ --pskpasswd "$CASE_DIR/psk.txt" \
    --priority "$prio" --echo "$@"
}

# exchange PORT SUITE OPTIONS...: one tern client session through PORT;
# checks tern's view and gnutls-serv's. The line is short enough for an
# application data record to fit gnutls-serv's --mtu 100.
exchange() {
  local port=$1 suite=$2 line
  shift 2
  line="tern-$$-$RANDOM$RANDOM"
  tern_client "$port" "$line" "$line" "$@"
  expect_tern_client "$port" "$suite"
  check "tern client got its line echoed" has_line "$CASE_DIR/client.out" "$line"
  check "gnutls-serv received tern's line" has "$CASE_DIR/server.out" "]: $line"
  # gnutls-serv prints "EOF" when a client's close_notify arrives.
  local secs=5
  [[ -e $CASE_DIR/failed ]] && secs=0
  check "gnutls-serv ends the session on tern's close_notify" \
    wait_line "$CASE_DIR/server.out" "EOF" "$secs"
  check "gnutls-serv saw the client on 127.0.0.1" \
    has "$CASE_DIR/server.out" "Accepted connection from IPv4 127.0.0.1 port"
}

case_suite() {
  local suite=$1
  need_suite "$suite"
  gnutls_serv "$PRIO"
  exchange "$PORT" "$suite" --psk "$PSK_ID:$PSK_KEY"
}

case_tern_restricts() {
  local suite=TLS_PSK_WITH_AES_256_GCM_SHA384
  need_suite "$suite"
  gnutls_serv "$ALL_PSK"
  exchange "$PORT" "$suite" --psk "$PSK_ID:$PSK_KEY" --ciphers "$suite"
}

# gnutls-serv at --mtu 100 splits its ServerHello and its
# ServerKeyExchange (a 128-byte hint, plus an ECDHE key for an ECDHE-PSK
# suite) across datagrams: tern reassembles them. tern runs at --mtu 256
# with a 128-byte identity: its handshake messages stay below 256 bytes, so
# it has nothing to fragment, but every datagram it sends must fit.
case_fragments_mtu() {
  local suite=TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256 port
  suite_fields "$suite"
  gnutls_has "$CP" "$(gnutls_priority "$KX" "$CIPHER")" || suite=TLS_PSK_WITH_AES_128_CCM_8
  need_suite "$suite"
  gnutls_serv "$PRIO" --mtu 100 --pskhint "$LONG_HINT"
  port=$PORT
  if have_python; then
    start_trace "$PORT"
    port=$TRACE_PORT
  else
    echo "    ($PY missing: fragmentation is not checked on the wire)"
  fi
  exchange "$port" "$suite" --psk "$LONG_ID:$PSK_KEY" --mtu 256
  if have_python; then
    local n max rep
    n=$(trace_fragments "S>C")
    max=$(trace_max "C>S")
    rep=$(trace_repeated_seq "C>S")
    check "gnutls-serv's handshake came in fragments ($n partial)" test "$n" -gt 0
    check "tern went through gnutls-serv's HelloVerifyRequest" trace_has_msg "S>C" 3
    check "tern's datagrams fit --mtu 256 (largest $max)" test "$max" -le 256
    check "tern never reused a record sequence number (${rep:-none})" test -z "$rep"
  fi
}

# A wrong key: gnutls-serv cannot decrypt tern's Finished and drops it
# (RFC 6347 section 4.1.2.7), so tern hears nothing back and must give up
# within its --timeout, non-zero with a reason, rather than hang.
case_wrong_psk() {
  local suite=TLS_PSK_WITH_AES_128_CCM_8 line start took
  need_suite "$suite"
  gnutls_serv "$PRIO"
  line=$(unique_line bad)
  start=$(now_ms)
  spawn_fed client 10 "$line" "" "" \
    "$TERN" client "127.0.0.1:$PORT" --psk "$PSK_ID:$BAD_KEY" --timeout 4
  finish client
  took=$(($(now_ms) - start))
  check "tern client fails (status $RC, not killed by timeout)" \
    test "$RC" -ne 0 -a "$RC" -ne 124 -a "$RC" -ne 137
  check "tern client gives up within --timeout 4 (took $took ms)" test "$took" -le 6000
  check "tern client says why on stderr" grep -q '^tern: handshake: ' "$CASE_DIR/client.err"
  check "tern client reports no connection" lacks "$CASE_DIR/client.err" "tern: connected to"
  check "tern client printed no data" not test -s "$CASE_DIR/client.out"
  check "gnutls-serv got no data" lacks "$CASE_DIR/server.out" "$line"
}

echo "$TEST_NAME: $TERN client against $GNUTLS_VERSION gnutls-serv"
for row in "${SUITES[@]}"; do
  read -r suite _ <<<"$row"
  run_case "$suite" case_suite "$suite"
done
run_case tern-restricts-suites case_tern_restricts
run_case fragments-mtu100 case_fragments_mtu
run_case wrong-psk case_wrong_psk
summary
