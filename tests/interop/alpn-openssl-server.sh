#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions are called indirectly, through run_case
# interop/alpn-openssl-server: ALPN (RFC 7301) between `tern client
# --alpn` and OpenSSL's `s_server -dtls1_2 -nocert -naccept 1 -alpn` over
# 127.0.0.1.
#
# Cases: both sides with lists in opposite orders (s_server, like tern,
# picks by its own preference) and both must report the same protocol;
# no protocol in common, where s_server refuses the handshake and tern must
# fail, naming the alert it got (120); ALPN on one side only, where the
# handshake completes without a protocol. Every completed case sends a
# unique line each way.
#
# usage: alpn-openssl-server.sh /path/to/tern
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require openssl stdbuf
openssl_suites
OSSL_VERSION=$(timeout 10 openssl version | cut -d' ' -f1-2)
SUITE=TLS_PSK_WITH_AES_128_CCM_8

need_suite() {
  [[ -n ${OSSL_NAME[$SUITE]:-} ]] || skip "$OSSL_VERSION does not implement $SUITE"
}

# s_server LINE ARGS...: s_server as process "server"; LINE goes to its
# stdin (and on to the client) once the handshake is done. Sets PORT.
s_server() {
  local line=$1
  shift
  FEED_AFTER_FILE=$CASE_DIR/server.out
  FEED_AFTER_TEXT="CIPHER is"
  start_server server "ACCEPT" "$line" \
    stdbuf -oL -eL openssl s_server -dtls1_2 -accept "127.0.0.1:@PORT@" -nocert -naccept 1 \
    -psk_identity "$PSK_ID" -psk "$PSK_KEY" -cipher "${OSSL_NAME[$SUITE]}" "$@"
}

# session SERVER_ALPN TERN_ALPN SELECTED NOTE: one handshake with those
# lists ("" for none); s_server reports SELECTED (or, when "", selects
# nothing) and tern NOTE after the suite.
session() {
  local server_alpn=$1 tern_alpn=$2 selected=$3 note=$4 cline sline
  need_suite
  cline=$(unique_line c-alpn)
  sline=$(unique_line s-alpn)
  s_server "$sline" ${server_alpn:+-alpn "$server_alpn"}
  tern_client "$PORT" "$cline" "$sline" --psk "$PSK_ID:$PSK_KEY" \
    ${tern_alpn:+--alpn "$tern_alpn"}
  expect_tern_client "$PORT" "$SUITE" "$note"
  check "tern client printed s_server's line" has_line "$CASE_DIR/client.out" "$sline"
  check "s_server got tern's line" has "$CASE_DIR/server.out" "$cline"
  if [[ -n $selected ]]; then
    check "s_server selected $selected" \
      has_line "$CASE_DIR/server.out" "ALPN protocols selected: $selected"
  else
    check "s_server selected no protocol" \
      lacks "$CASE_DIR/server.out" "ALPN protocols selected"
  fi
}

# RFC 7301 section 3.2: the server's preference wins, and tern takes it.
case_server_preference() {
  session coap,h2 h2,coap coap ", ALPN coap"
}

case_one_in_common() {
  session mqtt,coap x-unknown,coap,h2 coap ", ALPN coap"
}

# A server without ALPN leaves the offer unanswered: tern goes on without
# a protocol (include/tern/config.h) and says so.
case_only_tern() {
  session "" coap,h2 "" ", no ALPN protocol"
}

case_only_s_server() {
  session coap,h2 "" "" ""
}

# RFC 7301 section 3.2: no protocol in common; s_server sends the fatal
# no_application_protocol alert, and tern must stop at once, saying so.
case_no_overlap() {
  need_suite
  local cline sline start took
  cline=$(unique_line c-none)
  sline=$(unique_line s-none)
  s_server "$sline" -alpn coap,h2
  start=$(now_ms)
  tern_client "$PORT" "$cline" "" --psk "$PSK_ID:$PSK_KEY" --alpn http/1.1,spdy/3
  took=$(($(now_ms) - start))
  check "tern client fails (status $RC, not killed by timeout)" \
    test "$RC" -ne 0 -a "$RC" -ne 124 -a "$RC" -ne 137
  check "tern client names the alert, 120" \
    has_line "$CASE_DIR/client.err" "tern: handshake: the server sent fatal alert 120"
  check "tern client stops on the alert, not its --timeout 5 (took $took ms)" \
    test "$took" -lt 4000
  check "tern client reports no connection" lacks "$CASE_DIR/client.err" "tern: connected to"
  check "s_server saw tern's offer" \
    has_line "$CASE_DIR/server.out" "ALPN protocols advertised by the client: http/1.1, spdy/3"
  check "s_server refused for want of a protocol" \
    has "$CASE_DIR/server.err" "no application protocol"
  check "s_server got no data" lacks "$CASE_DIR/server.out" "$cline"
}

echo "$TEST_NAME: $TERN client against $OSSL_VERSION s_server, ALPN"
run_case server-preference case_server_preference
run_case one-in-common case_one_in_common
run_case only-tern-client case_only_tern
run_case only-s_server case_only_s_server
run_case no-overlap-alert-120 case_no_overlap
summary
