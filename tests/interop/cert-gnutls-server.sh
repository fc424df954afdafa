#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions are called indirectly, through run_case
# interop/cert-gnutls-server: `tern client` against GnuTLS's
# `gnutls-serv --udp --echo` with certificates (gnutls-serv makes clients
# go through its cookie exchange; it has no option to bind one address: it
# listens on 0.0.0.0 and ::, and tern connects to it over 127.0.0.1).
#
# Every session sends a unique line and expects it echoed back, checks that
# gnutls-serv received it, the suite tern reports, and that tern's
# close_notify ends gnutls-serv's session. tern verifies gnutls-serv's
# certificate against ca.pem and the name it connects to (127.0.0.1, an IP
# address in the certificate) or, with --servername, localhost. Cases:
#  - each certificate suite GnuTLS implements, gnutls-serv allowing only
#    that one with server-ec (ECDSA suites) or server-rsa (RSA suites) and
#    asking for no client certificate, tern offering all;
#  - the same with gnutls-serv requiring and verifying a client certificate
#    (--require-client-cert --verify-client-cert) and tern presenting
#    client.pem;
#  - gnutls-serv requiring a client certificate and tern having none:
#    gnutls-serv fails the handshake (without an alert), and tern gives up
#    at its --timeout with a reason;
#  - gnutls-serv serving an expired, a wrong-host, an untrusted-issuer and
#    a self-signed certificate: tern fails within its --timeout with the
#    reason, and gnutls-serv's handshake ends on tern's fatal alert;
#  - --insecure against the self-signed certificate: the session works.
#
# usage: cert-gnutls-server.sh /path/to/tern
# shellcheck source=cert-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/cert-lib.sh"

require gnutls-cli gnutls-serv stdbuf
GNUTLS_VERSION=$(timeout 10 gnutls-serv --version | sed -n '1s/^gnutls-serv /GnuTLS /p')

need_suite() {
  cert_suite_fields "$1"
  PRIO=$(gnutls_priority "$KX" "$CIPHER")
  gnutls_has "$CP" "$PRIO" || skip "$GNUTLS_VERSION does not implement $1 ($CP)"
}

# gnutls_serv CERT PRIORITY ARGS...: starts gnutls-serv as process "server"
# with the PKI's CERT.pem and CERT.key; sets PORT.
gnutls_serv() {
  local cert=$1 prio=$2
  shift 2
  start_server server "IPv4 0.0.0.0 port @PORT@...done" "" \
    stdbuf -oL -eL gnutls-serv --udp -p @PORT@ --echo --priority "$prio" \
    --x509certfile "$PKI/$cert.pem" --x509keyfile "$PKI/$cert.key" "$@"
}

# exchange PORT SUITE OPTIONS...: one tern client session; checks tern's
# view and gnutls-serv's.
exchange() {
  local port=$1 suite=$2 line
  shift 2
  line=$(unique_line "$suite")
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

# One suite; with "yes", gnutls-serv requires and verifies a client
# certificate and tern presents client.pem (and checks the name localhost
# instead of 127.0.0.1).
case_suite() {
  local suite=$1 cc=$2
  need_suite "$suite"
  if [[ $cc == yes ]]; then
    gnutls_serv "$SRV" "$PRIO" --require-client-cert --verify-client-cert \
      --x509cafile "$PKI/ca.pem"
    exchange "$PORT" "$suite" --ca "$PKI/ca.pem" --servername localhost \
      --cert "$PKI/client.pem" --key "$PKI/client.key"
    check "gnutls-serv verified tern's client certificate" \
      has "$CASE_DIR/server.out" "- Status: The certificate is trusted."
  else
    gnutls_serv "$SRV" "$PRIO" --disable-client-cert
    exchange "$PORT" "$suite" --ca "$PKI/ca.pem"
  fi
}

# gnutls-serv requires a client certificate; tern has none. RFC 5246
# section 7.4.6 lets the server "respond with a fatal handshake_failure
# alert"; gnutls-serv 3.7 fails its handshake ("No certificate was found")
# without sending one, so tern hears nothing more and must give up when its
# --timeout runs out, with a reason. (gnutls-serv then spins on its socket,
# printing "Waiting for connection..." some 100000 times a second: it is
# stopped as soon as its handshake has failed.)
case_client_cert_missing() {
  local suite=TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 start took line
  need_suite "$suite"
  gnutls_serv server-ec "$PRIO" --require-client-cert --verify-client-cert \
    --x509cafile "$PKI/ca.pem"
  line=$(unique_line nocc)
  start=$(now_ms)
  spawn_fed client 10 "$line" "" "" "$TERN" client "127.0.0.1:$PORT" --ca "$PKI/ca.pem" --timeout 4
  check "gnutls-serv's handshake fails: no client certificate" \
    wait_text "$CASE_DIR/server.err" "Error in handshake(): No certificate was found." 4
  stop server
  finish client
  took=$(($(now_ms) - start))
  check "tern client fails (status $RC, not killed by timeout)" \
    test "$RC" -ne 0 -a "$RC" -ne 124 -a "$RC" -ne 137
  # The bound counts starting the client, stopping gnutls-serv and reaping
  # both as well as the 4 s: over 4.5 s in all on a two-core machine with both
  # cores busy; a client that never gave up would be killed at 10 s (status
  # 124 or 137, refused above).
  check "tern client gives up at its --timeout 4 (took $took ms)" test "$took" -le 6000
  check "tern client says why: $(grep -m1 '^tern: handshake: ' "$CASE_DIR/client.err" ||
    echo 'no "tern: handshake:" line')" grep -q '^tern: handshake: ' "$CASE_DIR/client.err"
  check "tern client reports no connection" lacks "$CASE_DIR/client.err" "tern: connected to"
  check "gnutls-serv got no data" lacks "$CASE_DIR/server.out" "$line"
}

# gnutls-serv serves a certificate tern must refuse (BAD_CERTS).
case_bad_cert() {
  local cert=$1
  need_suite TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
  bad_cert "$cert"
  gnutls_serv "$cert" "$PRIO"
  tern_client_refuses "$PORT" "$BAD_REASON" --ca "$PKI/ca.pem" --servername localhost
  # gnutls-serv does not say which alert it received, only that one came.
  check "gnutls-serv's handshake ended on tern's fatal alert" \
    wait_text "$CASE_DIR/server.err" "Error in handshake(): A TLS fatal alert has been received." 2
}

# --insecure turns verification off: tern accepts the self-signed
# certificate (and needs no --ca).
case_insecure() {
  local suite=TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
  need_suite "$suite"
  gnutls_serv selfsigned "$PRIO"
  exchange "$PORT" "$suite" --insecure --servername localhost
}

echo "$TEST_NAME: $TERN client against $GNUTLS_VERSION gnutls-serv"
for row in "${CERT_SUITES[@]}"; do
  read -r suite _ <<<"$row"
  run_case "$suite" case_suite "$suite" no
done
for row in "${CERT_SUITES[@]}"; do
  read -r suite _ <<<"$row"
  run_case "$suite-client-cert" case_suite "$suite" yes
done
run_case client-cert-required-tern-has-none case_client_cert_missing
for row in "${BAD_CERTS[@]}"; do
  read -r cert _ <<<"$row"
  run_case "refuses-$cert" case_bad_cert "$cert"
done
run_case insecure-accepts-selfsigned case_insecure
summary
