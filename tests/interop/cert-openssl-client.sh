#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions are called indirectly, through run_case
# interop/cert-openssl-client: OpenSSL's `s_client -dtls1_2` against
# `tern server --echo` with certificates, over 127.0.0.1.
#
# Every session sends a unique line and expects it echoed back, and checks
# the suite both sides report, that s_client verified tern's certificate
# (-CAfile ca.pem -verify_return_error -verify_hostname localhost) and that
# s_client's close_notify ends tern's session. Cases:
#  - each certificate suite OpenSSL implements, s_client allowing only that
#    one, tern serving server-ec (ECDSA suites) or server-rsa (RSA suites);
#    tern asks for no client certificate;
#  - the same with tern requiring one (--verify-client require) and
#    s_client presenting client.pem;
#  - tern requiring a client certificate, s_client presenting none: the
#    handshake fails (handshake_failure alert, RFC 5246 section 7.4.6), tern
#    says why and keeps running, and serves the next client (with
#    client.pem) on the same server;
#  - the same with s_client presenting a certificate of another CA;
#  - tern with --verify-client optional and s_client presenting none: the
#    session works, without a client certificate;
#  - tern requiring a client certificate with a --ca file of the system's
#    ~150 roots plus ca.pem: its CertificateRequest names every one of them
#    (about 15 KB, fragmented across datagrams), and s_client presenting
#    client.pem is served.
#
# usage: cert-openssl-client.sh /path/to/tern
# shellcheck source=cert-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/cert-lib.sh"

require openssl stdbuf
openssl_suites
OSSL_VERSION=$(timeout 10 openssl version | cut -d' ' -f1-2)

need_suite() {
  cert_suite_fields "$1"
  [[ -n ${OSSL_NAME[$1]:-} ]] || skip "$OSSL_VERSION does not implement $1"
}

# s_client NAME PORT LINE ARGS...: runs s_client as process NAME with LINE
# on stdin, verifying tern's certificate for localhost, for at most 6 s; its
# input ends once LINE has come back, and it then sends close_notify and
# exits. Sets RC.
s_client() {
  local name=$1 port=$2 line=$3
  shift 3
  spawn_fed "$name" 6 "$line" "$CASE_DIR/$name.out" "$line" \
    stdbuf -oL -eL openssl s_client -dtls1_2 -connect "127.0.0.1:$port" \
    -CAfile "$PKI/ca.pem" -verify_return_error -verify_hostname localhost "$@"
  finish "$name"
}

# expect_s_client NAME LINE CIPHER: s_client exited 0, verified tern's
# certificate, got LINE back and negotiated CIPHER (OpenSSL's name).
expect_s_client() {
  check "s_client exits 0 (status $RC)" test "$RC" -eq 0
  check "s_client verified tern's certificate" \
    has_re "$CASE_DIR/$1.out" '^ *Verify return code: 0 \(ok\)'
  check "s_client got its line echoed" has "$CASE_DIR/$1.out" "$2"
  check "s_client negotiated $3" has "$CASE_DIR/$1.out" "Cipher is $3"
}

# expect_s_client_refused NAME LINE: s_client failed, got no data back and
# received tern's handshake_failure alert.
expect_s_client_refused() {
  check "s_client fails (status $RC)" test "$RC" -ne 0 -a "$RC" -ne 124 -a "$RC" -ne 137
  check "s_client got no data back" lacks "$CASE_DIR/$1.out" "$2"
  check "s_client received a fatal alert from tern" \
    has_re "$CASE_DIR/$1.err" 'SSL alert number [0-9]+'
}

# One suite; with "yes", tern requires a client certificate and s_client
# presents client.pem.
case_suite() {
  local suite=$1 cc=$2 name line
  need_suite "$suite"
  name=${OSSL_NAME[$suite]}
  line=$(unique_line "$name")
  local -a tern_args=(--cert "$PKI/$SRV.pem" --key "$PKI/$SRV.key" --echo)
  local -a client_args=(-cipher "$name")
  if [[ $cc == yes ]]; then
    tern_args+=(--ca "$PKI/ca.pem" --verify-client require)
    client_args+=(-cert "$PKI/client.pem" -key "$PKI/client.key")
  fi
  start_tern_server "${tern_args[@]}"
  s_client client "$PORT" "$line" "${client_args[@]}"
  expect_s_client client "$line" "$name"
  expect_tern_cert_session "$suite" "$cc"
}

# tern requires a client certificate; the first s_client presents none (or,
# with "untrusted", one from another CA) and must be refused; the server
# keeps running and serves the next s_client, which presents client.pem.
case_refused_then_good() {
  local what=$1 suite=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 name bad line
  need_suite "$suite"
  name=${OSSL_NAME[$suite]}
  bad=$(unique_line bad)
  line=$(unique_line good)
  start_tern_server --cert "$PKI/server-ec.pem" --key "$PKI/server-ec.key" --echo \
    --ca "$PKI/ca.pem" --verify-client require
  local -a bad_args=(-cipher "$name")
  local -a reasons=("tern:   peer sent no certificate")
  if [[ $what == untrusted ]]; then
    bad_args+=(-cert "$PKI/untrusted.pem" -key "$PKI/untrusted.key")
    reasons=("tern:   certificate 0: issuer certificate is unknown")
  fi
  s_client bad "$PORT" "$bad" "${bad_args[@]}"
  expect_s_client_refused bad "$bad"
  if [[ $what == none ]]; then
    check "s_client got tern's handshake_failure alert (40)" \
      has "$CASE_DIR/bad.err" "SSL alert number 40"
  else
    check "s_client got tern's unknown_ca alert (48)" has "$CASE_DIR/bad.err" "SSL alert number 48"
  fi
  expect_tern_refused "${reasons[@]}"
  s_client client "$PORT" "$line" -cipher "$name" -cert "$PKI/client.pem" -key "$PKI/client.key"
  expect_s_client client "$line" "$name"
  expect_tern_cert_session "$suite" yes
}

# --verify-client optional: a client without a certificate is accepted.
case_optional() {
  local suite=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 name line
  need_suite "$suite"
  name=${OSSL_NAME[$suite]}
  line=$(unique_line optional)
  start_tern_server --cert "$PKI/server-rsa.pem" --key "$PKI/server-rsa.key" --echo \
    --ca "$PKI/ca.pem" --verify-client optional
  s_client client "$PORT" "$line" -cipher "$name"
  expect_s_client client "$line" "$name"
  expect_tern_cert_session "$suite" no
}

# RFC 5246 section 7.4.4: the CertificateRequest lists the distinguished
# names of the acceptable CAs, here every root of the --ca file, so the
# message is far larger than the first flight usually is.
case_large_ca() {
  local suite=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 bundle=/etc/ssl/certs/ca-certificates.crt
  local name line n
  need_suite "$suite"
  [[ -r $bundle ]] || skip "no system CA bundle at $bundle to build a large --ca file from"
  name=${OSSL_NAME[$suite]}
  line=$(unique_line large-ca)
  # Outside the case directory, whose files a failure prints.
  cat "$PKI/ca.pem" "$bundle" >"$WORK/many-ca.pem"
  n=$(grep -c -- '-----BEGIN CERTIFICATE-----' "$WORK/many-ca.pem")
  echo "    (--ca with $n certificates)"
  start_tern_server --cert "$PKI/server-ec.pem" --key "$PKI/server-ec.key" --echo \
    --ca "$WORK/many-ca.pem" --verify-client require
  s_client client "$PORT" "$line" -cipher "$name" -cert "$PKI/client.pem" -key "$PKI/client.key"
  expect_s_client client "$line" "$name"
  expect_tern_cert_session "$suite" yes
}

echo "$TEST_NAME: $OSSL_VERSION s_client against $TERN server"
for row in "${CERT_SUITES[@]}"; do
  read -r suite _ <<<"$row"
  run_case "$suite" case_suite "$suite" no
done
for row in "${CERT_SUITES[@]}"; do
  read -r suite _ <<<"$row"
  run_case "$suite-client-cert" case_suite "$suite" yes
done
run_case no-client-cert-refused-then-good case_refused_then_good none
run_case untrusted-client-cert-refused-then-good case_refused_then_good untrusted
run_case verify-client-optional-without-cert case_optional
run_case client-cert-with-large-ca-file case_large_ca
summary
