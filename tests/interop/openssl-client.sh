#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions are called indirectly, through run_case
# interop/openssl-client: OpenSSL's `s_client -dtls1_2` against
# `tern server --echo` over 127.0.0.1.
#
# Every case sends a unique line and expects it echoed back, and checks the
# suite both sides report and that s_client's close_notify ends tern's
# session. Cases: each PSK suite OpenSSL implements (cookie exchange on);
# --no-cookie; tern choosing its one allowed suite from all of OpenSSL's; a
# ClientHello that OpenSSL fragments at a 256-byte MTU, tern at --mtu 256
# (seen on the wire through udp_trace.py); a wrong PSK, which must fail
# without stopping the server, then a right one on the same server.
#
# usage: openssl-client.sh /path/to/tern
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require openssl stdbuf
openssl_suites
OSSL_VERSION=$(timeout 10 openssl version | cut -d' ' -f1-2)

# s_client NAME PORT LINE ID KEY ARGS...: runs s_client as process NAME
# with LINE on stdin; its input ends once LINE has come back (or after
# 7 s), and it then sends close_notify and exits. Sets RC.
s_client() {
  local name=$1 port=$2 line=$3 id=$4 key=$5
  shift 5
  spawn_fed "$name" 10 "$line" "$CASE_DIR/$name.out" "$line" \
    stdbuf -oL -eL openssl s_client -dtls1_2 -connect "127.0.0.1:$port" \
    -psk_identity "$id" -psk "$key" "$@"
  finish "$name"
}

# expect_s_client NAME LINE CIPHER: s_client exited 0, got LINE back and
# negotiated CIPHER (OpenSSL's name).
expect_s_client() {
  check "s_client exits 0 (status $RC)" test "$RC" -eq 0
  check "s_client got its line echoed" has "$CASE_DIR/$1.out" "$2"
  check "s_client negotiated $3" has "$CASE_DIR/$1.out" "Cipher is $3"
}

need_suite() {
  [[ -n ${OSSL_NAME[$1]:-} ]] || skip "$OSSL_VERSION does not implement $1"
}

# One suite, cookie exchange on (tern server's default), tern offering all.
case_suite() {
  local suite=$1
  need_suite "$suite"
  local name=${OSSL_NAME[$suite]} line
  line=$(unique_line "$name")
  start_tern_server --psk "$PSK_ID:$PSK_KEY" --echo
  s_client client "$PORT" "$line" "$PSK_ID" "$PSK_KEY" -cipher "$name"
  expect_s_client client "$line" "$name"
  expect_tern_session "$suite"
}

# --no-cookie: no HelloVerifyRequest on the wire (when the relay can show it).
case_no_cookie() {
  local suite=TLS_PSK_WITH_AES_128_CCM_8
  need_suite "$suite"
  local name=${OSSL_NAME[$suite]} line port
  line=$(unique_line no-cookie)
  start_tern_server --psk "$PSK_ID:$PSK_KEY" --echo --no-cookie
  port=$PORT
  if have_python; then
    start_trace "$PORT"
    port=$TRACE_PORT
  fi
  s_client client "$port" "$line" "$PSK_ID" "$PSK_KEY" -cipher "$name"
  expect_s_client client "$line" "$name"
  expect_tern_session "$suite"
  if have_python; then
    check "no HelloVerifyRequest from tern with --no-cookie" not trace_has_msg "S>C" 3
  fi
}

# s_client offers every suite; tern allows one (--ciphers) and must pick it.
case_tern_picks() {
  local suite=TLS_PSK_WITH_AES_256_GCM_SHA384
  need_suite "$suite"
  local line
  line=$(unique_line picks)
  start_tern_server --psk "$PSK_ID:$PSK_KEY" --echo --ciphers "$suite"
  s_client client "$PORT" "$line" "$PSK_ID" "$PSK_KEY" -cipher 'ALL:PSK:@SECLEVEL=0'
  expect_s_client client "$line" "${OSSL_NAME[$suite]}"
  expect_tern_session "$suite"
}

# OpenSSL at a 256-byte link MTU (228-byte datagrams) offering all of its
# suites: its ClientHello (about 420 bytes) goes out in fragments, which
# tern reassembles. tern's cookie gate answers only unfragmented
# ClientHellos (include/tern/cookie.h: it keeps no state, so it cannot
# reassemble), hence --no-cookie. tern runs at --mtu 256 with a 128-byte
# identity; PSK handshake messages stay below 256 bytes, so tern itself has
# nothing to fragment, but every datagram it sends must fit.
case_fragmented_client_hello() {
  local suite=TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256
  [[ -n ${OSSL_NAME[$suite]:-} ]] || suite=TLS_PSK_WITH_AES_128_CCM_8
  need_suite "$suite"
  local line port
  line=$(unique_line mtu)
  start_tern_server --psk "$LONG_ID:$PSK_KEY" --echo --no-cookie --mtu 256 --ciphers "$suite"
  port=$PORT
  if have_python; then
    start_trace "$PORT"
    port=$TRACE_PORT
  else
    echo "    ($PY missing: fragmentation is not checked on the wire)"
  fi
  s_client client "$port" "$line" "$LONG_ID" "$PSK_KEY" -mtu 256 -cipher 'ALL:PSK:@SECLEVEL=0'
  expect_s_client client "$line" "${OSSL_NAME[$suite]}"
  expect_tern_session "$suite" "$LONG_ID"
  if have_python; then
    local n max rep
    n=$(trace_fragments "C>S")
    max=$(trace_max "S>C")
    rep=$(trace_repeated_seq "S>C")
    check "s_client's handshake came in fragments ($n partial)" test "$n" -gt 0
    check "tern's datagrams fit --mtu 256 (largest $max)" test "$max" -le 256
    check "tern never reused a record sequence number (${rep:-none})" test -z "$rep"
  fi
}

# A wrong key: tern cannot decrypt s_client's Finished and drops it, as
# DTLS drops every record that fails authentication (RFC 6347 section
# 4.1.2.7), so s_client hears nothing and retransmits until it is stopped
# here after 6 s. The server must survive it and then serve a right key.
case_wrong_psk() {
  local suite=TLS_PSK_WITH_AES_128_CCM_8
  need_suite "$suite"
  local name=${OSSL_NAME[$suite]} bad line
  bad=$(unique_line bad)
  line=$(unique_line good)
  start_tern_server --psk "$PSK_ID:$PSK_KEY" --echo
  spawn_fed bad 6 "$bad" "" "" \
    stdbuf -oL -eL openssl s_client -dtls1_2 -connect "127.0.0.1:$PORT" \
    -psk_identity "$PSK_ID" -psk "$BAD_KEY" -cipher "$name"
  finish bad
  check "s_client with a wrong key fails (status $RC)" test "$RC" -ne 0
  check "s_client with a wrong key got no data back" lacks "$CASE_DIR/bad.out" "$bad"
  check "tern server reported no session" lacks "$CASE_DIR/tern.err" "tern: session with"
  check "tern server still runs" running tern
  s_client client "$PORT" "$line" "$PSK_ID" "$PSK_KEY" -cipher "$name"
  expect_s_client client "$line" "$name"
  expect_tern_session "$suite"
}

echo "$TEST_NAME: $OSSL_VERSION s_client against $TERN server"
for row in "${SUITES[@]}"; do
  read -r suite _ <<<"$row"
  run_case "$suite" case_suite "$suite"
done
run_case no-cookie case_no_cookie
run_case tern-picks-its-suite case_tern_picks
run_case fragmented-clienthello-mtu256 case_fragmented_client_hello
run_case wrong-psk-then-right-psk case_wrong_psk
summary
