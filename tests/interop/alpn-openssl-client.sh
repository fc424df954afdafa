#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions are called indirectly, through run_case
# interop/alpn-openssl-client: ALPN (RFC 7301) between OpenSSL's
# `s_client -dtls1_2 -alpn` and `tern server --echo --alpn` over 127.0.0.1.
#
# Cases: both sides with lists in opposite orders, where the server's
# preference must win and both must report it; no protocol in common, where
# tern must refuse the handshake and s_client must see the fatal alert
# no_application_protocol (120), and the server must go on serving; ALPN on
# one side only, where the handshake completes without a protocol. Every
# completed case sends a unique line and expects it echoed.
#
# usage: alpn-openssl-client.sh /path/to/tern
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require openssl stdbuf
openssl_suites
OSSL_VERSION=$(timeout 10 openssl version | cut -d' ' -f1-2)
SUITE=TLS_PSK_WITH_AES_128_CCM_8

# s_client NAME LINE ARGS...: s_client as process NAME through PORT with
# LINE on stdin, ended once LINE has come back (or after 7 s). Sets RC.
s_client() {
  local name=$1 line=$2
  shift 2
  spawn_fed "$name" 10 "$line" "$CASE_DIR/$name.out" "$line" \
    stdbuf -oL -eL openssl s_client -dtls1_2 -connect "127.0.0.1:$PORT" \
    -psk_identity "$PSK_ID" -psk "$PSK_KEY" -cipher "${OSSL_NAME[$SUITE]}" "$@"
  finish "$name"
}

need_suite() {
  [[ -n ${OSSL_NAME[$SUITE]:-} ]] || skip "$OSSL_VERSION does not implement $SUITE"
}

# session TERN_ALPN CLIENT_ALPN SEEN NOTE: one handshake with those lists
# ("" for none), after which s_client reports SEEN ("ALPN protocol: coap",
# "No ALPN negotiated") and tern NOTE after the suite.
session() {
  local tern_alpn=$1 client_alpn=$2 seen=$3 note=$4 line
  need_suite
  line=$(unique_line "alpn")
  start_tern_server --psk "$PSK_ID:$PSK_KEY" --echo ${tern_alpn:+--alpn "$tern_alpn"}
  s_client client "$line" ${client_alpn:+-alpn "$client_alpn"}
  check "s_client exits 0 (status $RC)" test "$RC" -eq 0
  check "s_client got its line echoed" has "$CASE_DIR/client.out" "$line"
  check "s_client reports '$seen'" has_line "$CASE_DIR/client.out" "$seen"
  expect_tern_session "$SUITE" "$PSK_ID" "$note"
}

# RFC 7301 section 3.2: the server's most preferred protocol that the
# client offers, whatever the client's order.
case_server_preference() {
  session coap,h2 h2,coap "ALPN protocol: coap" ", ALPN coap"
}

case_one_in_common() {
  session mqtt,coap x-unknown,coap,h2 "ALPN protocol: coap" ", ALPN coap"
}

case_only_tern() {
  session coap,h2 "" "No ALPN negotiated" ", no ALPN protocol"
}

# tern without ALPN ignores the offer.
case_only_s_client() {
  session "" h2,coap "No ALPN negotiated" ""
}

# RFC 7301 section 3.2: no protocol in common is a fatal
# no_application_protocol alert from the server.
case_no_overlap() {
  need_suite
  local line secs=5
  line=$(unique_line "none")
  start_tern_server --psk "$PSK_ID:$PSK_KEY" --echo --alpn coap,h2
  s_client client "$line" -alpn http/1.1,spdy/3
  check "s_client fails (status $RC, not killed by timeout)" \
    test "$RC" -ne 0 -a "$RC" -ne 124 -a "$RC" -ne 137
  check "s_client saw alert 120" has "$CASE_DIR/client.err" "SSL alert number 120"
  check "s_client names it no_application_protocol" \
    has "$CASE_DIR/client.err" "alert no application protocol"
  check "s_client got no data back" lacks "$CASE_DIR/client.out" "$line"
  [[ -e $CASE_DIR/failed ]] && secs=0
  check "tern server reports no protocol in common" \
    wait_line "$CASE_DIR/tern.err" \
    "tern: session ended: no application protocol (ALPN) in common with the peer" \
    "$secs"
  check "tern server reported no session" lacks "$CASE_DIR/tern.err" "tern: session with"
  check "tern server still runs" running tern
  # The same server then serves a client with a protocol in common.
  line=$(unique_line "after")
  s_client again "$line" -alpn h2
  check "the next s_client exits 0 (status $RC)" test "$RC" -eq 0
  check "the next s_client got its line echoed" has "$CASE_DIR/again.out" "$line"
  check "the next s_client reports h2" has_line "$CASE_DIR/again.out" "ALPN protocol: h2"
  expect_tern_session "$SUITE" "$PSK_ID" ", ALPN h2"
}

echo "$TEST_NAME: $OSSL_VERSION s_client against $TERN server, ALPN"
run_case server-preference case_server_preference
run_case one-in-common case_one_in_common
run_case only-tern-server case_only_tern
run_case only-s_client case_only_s_client
run_case no-overlap-alert-120 case_no_overlap
summary
