#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions are called indirectly, through run_case
# interop/openssl-server: `tern client` against OpenSSL's
# `s_server -dtls1_2 -nocert -naccept 1` over 127.0.0.1 (s_server always
# makes clients go through its cookie exchange).
#
# Every case sends a unique line each way (tern's stdin line is printed by
# s_server; s_server's stdin line is printed by tern), and checks the suite
# both sides report and that tern's close_notify ends s_server's session.
# Cases: each PSK suite OpenSSL implements (s_server allowing only that
# one, tern offering all); tern allowing one suite (--ciphers) while
# s_server allows all; s_server at a 256-byte MTU with a 128-byte identity
# hint, so that its ServerKeyExchange arrives in fragments, tern at
# --mtu 256 with a 128-byte identity (checked on the wire through
# udp_trace.py); a wrong PSK, for which tern must give up within its
# --timeout with a reason.
#
# usage: openssl-server.sh /path/to/tern
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require openssl stdbuf
openssl_suites
OSSL_VERSION=$(timeout 10 openssl version | cut -d' ' -f1-2)

need_suite() {
  [[ -n ${OSSL_NAME[$1]:-} ]] || skip "$OSSL_VERSION does not implement $1"
}

# s_server LINE ARGS...: starts s_server as process "server"; LINE goes to
# its stdin once the handshake is done (s_server prints the session, "CIPHER
# is", only when the client's first datagram comes before any input), and
# s_server sends it to the client. Sets PORT.
s_server() {
  local line=$1
  shift
  FEED_AFTER_FILE=$CASE_DIR/server.out
  FEED_AFTER_TEXT="CIPHER is"
  start_server server "ACCEPT" "$line" \
    stdbuf -oL -eL openssl s_server -dtls1_2 -accept "127.0.0.1:@PORT@" -nocert -naccept 1 "$@"
}

# expect_s_server CLIENT_LINE CIPHER: s_server printed the client's line,
# negotiated CIPHER, and, on tern's close_notify, ended the connection
# ("DONE") and exited (-naccept 1).
expect_s_server() {
  local secs=5 i
  [[ -e $CASE_DIR/failed ]] && secs=0
  check "s_server got tern's line" has "$CASE_DIR/server.out" "$1"
  check "s_server negotiated $2" has "$CASE_DIR/server.out" "CIPHER is $2"
  check "s_server ends the connection on tern's close_notify" \
    wait_text "$CASE_DIR/server.out" "DONE" "$secs"
  for ((i = 0; i < secs * 10; i++)); do
    running server || break
    sleep 0.1
  done
  check "s_server exits after its one connection" not running server
}

# exchange PORT SUITE CIPHER OPTIONS...: one tern client session; checks both
# directions and both sides' view.
exchange() {
  local port=$1 suite=$2 cipher=$3
  shift 3
  tern_client "$port" "$CLINE" "$SLINE" "$@"
  expect_tern_client "$port" "$suite"
  check "tern client printed s_server's line" has_line "$CASE_DIR/client.out" "$SLINE"
  expect_s_server "$CLINE" "$cipher"
}

case_suite() {
  local suite=$1
  need_suite "$suite"
  local name=${OSSL_NAME[$suite]}
  CLINE=$(unique_line "c-$name")
  SLINE=$(unique_line "s-$name")
  s_server "$SLINE" -psk "$PSK_KEY" -psk_identity "$PSK_ID" -cipher "$name"
  exchange "$PORT" "$suite" "$name" --psk "$PSK_ID:$PSK_KEY"
}

# s_server allows all of its suites, tern only one.
case_tern_restricts() {
  local suite=TLS_PSK_WITH_AES_128_GCM_SHA256
  need_suite "$suite"
  CLINE=$(unique_line c-restrict)
  SLINE=$(unique_line s-restrict)
  s_server "$SLINE" -psk "$PSK_KEY" -psk_identity "$PSK_ID" -cipher 'ALL:PSK:@SECLEVEL=0'
  exchange "$PORT" "$suite" "${OSSL_NAME[$suite]}" --psk "$PSK_ID:$PSK_KEY" --ciphers "$suite"
}

# OpenSSL at a 256-byte link MTU (228-byte datagrams) packs its ServerHello
# and ServerKeyExchange (a 128-byte hint, and an ECDHE key for an ECDHE-PSK
# suite) into datagrams and splits the ServerKeyExchange across them: tern
# reassembles it. tern runs at --mtu 256 with a 128-byte identity: its
# handshake messages stay below 256 bytes, so it has nothing to fragment,
# but every datagram it sends must fit.
case_fragments_mtu() {
  local suite=TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256
  [[ -n ${OSSL_NAME[$suite]:-} ]] || suite=TLS_PSK_WITH_AES_128_CCM_8
  need_suite "$suite"
  local name=${OSSL_NAME[$suite]} port
  CLINE=$(unique_line c-mtu)
  SLINE=$(unique_line s-mtu)
  s_server "$SLINE" -psk "$PSK_KEY" -psk_identity "$LONG_ID" -psk_hint "$LONG_HINT" \
    -cipher "$name" -mtu 256
  port=$PORT
  if have_python; then
    start_trace "$PORT"
    port=$TRACE_PORT
  else
    echo "    ($PY missing: fragmentation is not checked on the wire)"
  fi
  exchange "$port" "$suite" "$name" --psk "$LONG_ID:$PSK_KEY" --mtu 256
  if have_python; then
    local n max rep
    n=$(trace_fragments "S>C")
    max=$(trace_max "C>S")
    rep=$(trace_repeated_seq "C>S")
    check "s_server's handshake came in fragments ($n partial)" test "$n" -gt 0
    check "tern went through s_server's HelloVerifyRequest" trace_has_msg "S>C" 3
    check "tern's datagrams fit --mtu 256 (largest $max)" test "$max" -le 256
    check "tern never reused a record sequence number (${rep:-none})" test -z "$rep"
  fi
}

# A wrong key: s_server cannot decrypt tern's Finished and drops it (RFC
# 6347 section 4.1.2.7), so tern hears nothing back and must give up
# within its --timeout, non-zero with a reason, rather than hang.
case_wrong_psk() {
  local suite=TLS_PSK_WITH_AES_128_CCM_8
  need_suite "$suite"
  CLINE=$(unique_line c-bad)
  SLINE=$(unique_line s-bad)
  s_server "$SLINE" -psk "$PSK_KEY" -psk_identity "$PSK_ID" -cipher "${OSSL_NAME[$suite]}"
  local start took
  start=$(now_ms)
  spawn_fed client 10 "$CLINE" "" "" \
    "$TERN" client "127.0.0.1:$PORT" --psk "$PSK_ID:$BAD_KEY" --timeout 4
  finish client
  took=$(($(now_ms) - start))
  check "tern client fails (status $RC, not killed by timeout)" \
    test "$RC" -ne 0 -a "$RC" -ne 124 -a "$RC" -ne 137
  check "tern client gives up within --timeout 4 (took $took ms)" test "$took" -le 6000
  check "tern client says why on stderr" grep -q '^tern: handshake: ' "$CASE_DIR/client.err"
  check "tern client reports no connection" lacks "$CASE_DIR/client.err" "tern: connected to"
  check "tern client printed no data" not test -s "$CASE_DIR/client.out"
  check "s_server got no data" lacks "$CASE_DIR/server.out" "$CLINE"
}

echo "$TEST_NAME: $TERN client against $OSSL_VERSION s_server"
for row in "${SUITES[@]}"; do
  read -r suite _ <<<"$row"
  run_case "$suite" case_suite "$suite"
done
run_case tern-restricts-suites case_tern_restricts
run_case fragments-mtu256 case_fragments_mtu
run_case wrong-psk case_wrong_psk
summary
