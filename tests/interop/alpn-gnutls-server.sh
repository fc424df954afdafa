#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions are called indirectly, through run_case
# interop/alpn-gnutls-server: ALPN (RFC 7301) between `tern client
# --alpn` and GnuTLS's `gnutls-serv --udp --echo --alpn` (which listens on
# 0.0.0.0 and ::; tern connects over 127.0.0.1).
#
# Cases: one protocol in common, not first on either list; both lists in
# opposite orders (GnuTLS picks by the client's order, not the server's as
# tern does: either answer is on tern's list, and tern must report the one
# it got); ALPN on one side only; no protocol in common, where gnutls-serv
# goes on without a protocol, or with --alpn-fatal refuses the handshake
# and tern must fail within its --timeout, saying why. gnutls-serv prints
# no protocol, so tern's report is checked, and that the session works:
# every completed case sends a unique line and expects it echoed.
#
# usage: alpn-gnutls-server.sh /path/to/tern
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require gnutls-serv stdbuf
GNUTLS_VERSION=$(timeout 10 gnutls-serv --version | sed -n '1s/^gnutls-serv /GnuTLS /p')
SUITE=TLS_PSK_WITH_AES_128_CCM_8

need_suite() {
  suite_fields "$SUITE"
  PRIO=$(gnutls_priority "$KX" "$CIPHER")
  gnutls_has "$CP" "$PRIO" || skip "$GNUTLS_VERSION does not implement $SUITE ($CP)"
}

# gnutls_serv PROTOCOLS ARGS...: gnutls-serv as process "server" with the
# comma-separated PROTOCOLS ("" none); sets PORT.
gnutls_serv() {
  local p
  local -a alpn=()
  if [[ -n $1 ]]; then
    for p in ${1//,/ }; do
      alpn+=("--alpn=$p")
    done
  fi
  shift
  printf '%s:%s\n' "$PSK_ID" "$PSK_KEY" >"$CASE_DIR/psk.txt"
  start_server server "IPv4 0.0.0.0 port @PORT@...done" "" \
    stdbuf -oL -eL gnutls-serv --udp -p @PORT@ --pskpasswd "$CASE_DIR/psk.txt" \
    --priority "$PRIO" --echo "${alpn[@]}" "$@"
}

# session SERVER_ALPN TERN_ALPN NOTE_RE [ARGS]: one handshake with those
# lists ("" for none), gnutls-serv getting ARGS too; the line tern reports
# ends in what the extended regular expression NOTE_RE matches.
session() {
  local server_alpn=$1 tern_alpn=$2 note_re=$3 line secs=5
  shift 3
  need_suite
  gnutls_serv "$server_alpn" "$@"
  line="tern-$$-$RANDOM$RANDOM"
  tern_client "$PORT" "$line" "$line" --psk "$PSK_ID:$PSK_KEY" ${tern_alpn:+--alpn "$tern_alpn"}
  check "tern client exits 0 (status $RC)" test "$RC" -eq 0
  check "tern client reports $SUITE${note_re:+ and /$note_re/}" \
    grep -qxE "tern: connected to 127\.0\.0\.1:$PORT, DTLS 1\.2, $SUITE$note_re" \
    "$CASE_DIR/client.err"
  check "tern client got its line echoed" has_line "$CASE_DIR/client.out" "$line"
  check "gnutls-serv received tern's line" has "$CASE_DIR/server.out" "]: $line"
  [[ -e $CASE_DIR/failed ]] && secs=0
  check "gnutls-serv ends the session on tern's close_notify" \
    wait_line "$CASE_DIR/server.out" "EOF" "$secs"
}

case_one_in_common() {
  session mqtt,coap x-unknown,coap,h2 ", ALPN coap"
}

case_opposite_orders() {
  session coap,h2 h2,coap ", ALPN (h2|coap)"
}

case_only_tern() {
  session "" coap,h2 ", no ALPN protocol"
}

case_only_gnutls_serv() {
  session coap,h2 "" ""
}

# Without --alpn-fatal gnutls-serv ignores an offer it has nothing for.
case_no_overlap_ignored() {
  session coap,h2 http/1.1,spdy/3 ", no ALPN protocol"
}

# With --alpn-fatal gnutls-serv refuses the handshake (RFC 7301 section
# 3.2). GnuTLS 3.7's server sends no alert over UDP then, so tern must give
# up within its --timeout; were the alert to come, tern must name it.
case_no_overlap_fatal() {
  need_suite
  local line start took
  gnutls_serv coap,h2 --alpn-fatal
  line="tern-$$-$RANDOM$RANDOM"
  start=$(now_ms)
  spawn_fed client 10 "$line" "" "" \
    "$TERN" client "127.0.0.1:$PORT" --timeout 3 --psk "$PSK_ID:$PSK_KEY" --alpn http/1.1,spdy/3
  finish client
  took=$(($(now_ms) - start))
  check "tern client fails (status $RC, not killed by timeout)" \
    test "$RC" -ne 0 -a "$RC" -ne 124 -a "$RC" -ne 137
  check "tern client gives up within --timeout 3 (took $took ms)" test "$took" -le 5000
  check "tern client says why (no answer, or alert 120)" \
    grep -qxE 'tern: handshake: (no answer within 3\.0 s|the server sent fatal alert 120)' \
    "$CASE_DIR/client.err"
  check "tern client reports no connection" lacks "$CASE_DIR/client.err" "tern: connected to"
  check "gnutls-serv refused for want of a protocol" \
    has "$CASE_DIR/server.err" "No common application protocol could be negotiated"
  check "gnutls-serv got no data" lacks "$CASE_DIR/server.out" "$line"
}

echo "$TEST_NAME: $TERN client against $GNUTLS_VERSION gnutls-serv, ALPN"
run_case one-in-common case_one_in_common
run_case opposite-orders case_opposite_orders
run_case only-tern-client case_only_tern
run_case only-gnutls-serv case_only_gnutls_serv
run_case no-overlap-ignored case_no_overlap_ignored
run_case no-overlap-alpn-fatal case_no_overlap_fatal
summary
