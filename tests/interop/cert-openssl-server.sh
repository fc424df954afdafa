#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions are called indirectly, through run_case
# interop/cert-openssl-server: `tern client` against OpenSSL's
# `s_server -dtls1_2 -naccept 1` with certificates, over 127.0.0.1 (s_server
# always makes clients go through its cookie exchange).
#
# Every session sends a unique line each way (tern's stdin line is printed
# by s_server; s_server's stdin line is printed by tern), and checks the
# suite both sides report and that tern's close_notify ends s_server's
# session. tern verifies s_server's certificate against ca.pem and the name
# it connects to (127.0.0.1, an IP address in the certificate) or, with
# --servername, localhost. Cases:
#  - each certificate suite OpenSSL implements, s_server allowing only that
#    one with server-ec (ECDSA suites) or server-rsa (RSA suites), tern
#    offering all; no client certificate;
#  - the same with s_server requiring a client certificate (-Verify,
#    -verify_return_error) and tern presenting client.pem, which s_server
#    must have verified;
#  - s_server requiring a client certificate and tern having none: tern
#    fails with s_server's handshake_failure alert, within its --timeout;
#  - s_server serving an expired, a wrong-host, an untrusted-issuer and a
#    self-signed certificate: tern fails within its --timeout with the
#    reason, and s_server gets the fatal alert that fits it (BAD_CERTS in
#    cert-lib.sh);
#  - --insecure against the self-signed certificate: the session works;
#  - --no-name-check against the wrong-host certificate: the session works
#    (the chain is verified, the name is not).
#
# usage: cert-openssl-server.sh /path/to/tern
# shellcheck source=cert-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/cert-lib.sh"

require openssl stdbuf
openssl_suites
OSSL_VERSION=$(timeout 10 openssl version | cut -d' ' -f1-2)

need_suite() {
  cert_suite_fields "$1"
  [[ -n ${OSSL_NAME[$1]:-} ]] || skip "$OSSL_VERSION does not implement $1"
}

# s_server LINE ARGS...: starts s_server as process "server"; LINE goes to
# its stdin once the handshake is done (s_server prints "CIPHER is" then),
# and s_server sends it to the client. Its stdin stays open until then, so
# that it does not take end of input for a request to quit. Sets PORT.
s_server() {
  local line=$1
  shift
  FEED_AFTER_FILE=$CASE_DIR/server.out
  FEED_AFTER_TEXT="CIPHER is"
  start_server server "ACCEPT" "$line" \
    stdbuf -oL -eL openssl s_server -dtls1_2 -accept "127.0.0.1:@PORT@" -naccept 1 "$@"
}

# expect_s_server CLIENT_LINE CIPHER: s_server printed the client's line,
# negotiated CIPHER, and, on tern's close_notify, ended the connection
# ("DONE") and exited (-naccept 1).
expect_s_server() {
  local secs=5 i
  [[ -e $CASE_DIR/failed ]] && secs=0
  check "s_server got tern's line" has "$CASE_DIR/server.out" "$1"
  check "s_server negotiated $2" has_line "$CASE_DIR/server.out" "CIPHER is $2"
  check "s_server ends the connection on tern's close_notify" \
    wait_text "$CASE_DIR/server.out" "DONE" "$secs"
  for ((i = 0; i < secs * 10; i++)); do
    running server || break
    sleep 0.1
  done
  check "s_server exits after its one connection" not running server
}

# One suite; with "yes", s_server requires a client certificate and tern
# presents client.pem (and checks the name localhost instead of 127.0.0.1).
case_suite() {
  local suite=$1 cc=$2 name cline sline
  need_suite "$suite"
  name=${OSSL_NAME[$suite]}
  cline=$(unique_line "c-$name")
  sline=$(unique_line "s-$name")
  local -a server_args=(-cert "$PKI/$SRV.pem" -key "$PKI/$SRV.key" -cipher "$name")
  local -a tern_args=(--ca "$PKI/ca.pem")
  if [[ $cc == yes ]]; then
    server_args+=(-Verify 2 -CAfile "$PKI/ca.pem" -verify_return_error)
    tern_args+=(--servername localhost --cert "$PKI/client.pem" --key "$PKI/client.key")
  fi
  s_server "$sline" "${server_args[@]}"
  tern_client "$PORT" "$cline" "$sline" "${tern_args[@]}"
  expect_tern_client "$PORT" "$suite"
  check "tern client printed s_server's line" has_line "$CASE_DIR/client.out" "$sline"
  expect_s_server "$cline" "$name"
  if [[ $cc == yes ]]; then
    check "s_server verified tern's client certificate (CN client.test)" \
      has_re "$CASE_DIR/server.out" '^subject= ?CN ?= ?client\.test$'
    check "s_server's verification of it succeeded" \
      not has_re "$CASE_DIR/server.out" '^verify error:'
  else
    check "s_server asked for no client certificate" lacks "$CASE_DIR/server.out" "Client certificate"
  fi
}

# s_server requires a client certificate; tern has none. RFC 5246 section
# 7.4.6: the server "MAY ... respond with a fatal handshake_failure alert";
# tern must report the alert and stop, within its --timeout.
case_client_cert_missing() {
  local suite=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 sline start took line
  need_suite "$suite"
  sline=$(unique_line s-nocc)
  line=$(unique_line c-nocc)
  s_server "$sline" -cert "$PKI/server-ec.pem" -key "$PKI/server-ec.key" \
    -Verify 2 -CAfile "$PKI/ca.pem" -verify_return_error
  start=$(now_ms)
  spawn_fed client 10 "$line" "" "" "$TERN" client "127.0.0.1:$PORT" --ca "$PKI/ca.pem" --timeout 4
  finish client
  took=$(($(now_ms) - start))
  check "tern client fails (status $RC, not killed by timeout)" \
    test "$RC" -ne 0 -a "$RC" -ne 124 -a "$RC" -ne 137
  check "tern client gives up within --timeout 4 (took $took ms)" test "$took" -lt 4000
  check "tern client reports s_server's fatal handshake_failure alert" \
    has_line "$CASE_DIR/client.err" "tern: handshake: the server sent fatal alert 40"
  check "tern client reports no connection" lacks "$CASE_DIR/client.err" "tern: connected to"
  check "s_server got no data" lacks "$CASE_DIR/server.out" "$line"
  check "s_server did not get a certificate" lacks "$CASE_DIR/server.out" "Client certificate"
}

# s_server serves a certificate tern must refuse (BAD_CERTS).
case_bad_cert() {
  local cert=$1 sline
  need_suite TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
  bad_cert "$cert"
  sline=$(unique_line "s-$cert")
  s_server "$sline" -cert "$PKI/$cert.pem" -key "$PKI/$cert.key"
  tern_client_refuses "$PORT" "$BAD_REASON" --ca "$PKI/ca.pem" --servername localhost
  # s_server prints the alert it received in its error line.
  check "s_server received tern's fatal alert $BAD_ALERT" \
    wait_text "$CASE_DIR/server.err" "SSL alert number $BAD_ALERT" 2
  check "s_server did not send its line" lacks "$CASE_DIR/client.out" "$sline"
}

# --insecure turns verification off: tern accepts the self-signed
# certificate (and still needs no --ca).
case_insecure() {
  local suite=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 name cline sline
  need_suite "$suite"
  name=${OSSL_NAME[$suite]}
  cline=$(unique_line c-insecure)
  sline=$(unique_line s-insecure)
  s_server "$sline" -cert "$PKI/selfsigned.pem" -key "$PKI/selfsigned.key" -cipher "$name"
  tern_client "$PORT" "$cline" "$sline" --insecure --servername localhost
  expect_tern_client "$PORT" "$suite"
  check "tern client printed s_server's line" has_line "$CASE_DIR/client.out" "$sline"
  expect_s_server "$cline" "$name"
}

# --no-name-check: tern verifies the certificate against ca.pem but not
# that it names the server, so wrong.example's certificate is accepted.
case_no_name_check() {
  local suite=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 name cline sline
  need_suite "$suite"
  name=${OSSL_NAME[$suite]}
  cline=$(unique_line c-no-name-check)
  sline=$(unique_line s-no-name-check)
  s_server "$sline" -cert "$PKI/wronghost.pem" -key "$PKI/wronghost.key" -cipher "$name"
  tern_client "$PORT" "$cline" "$sline" --ca "$PKI/ca.pem" --no-name-check
  expect_tern_client "$PORT" "$suite"
  check "tern client printed s_server's line" has_line "$CASE_DIR/client.out" "$sline"
  expect_s_server "$cline" "$name"
}

echo "$TEST_NAME: $TERN client against $OSSL_VERSION s_server"
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
run_case no-name-check-accepts-wronghost case_no_name_check
summary
