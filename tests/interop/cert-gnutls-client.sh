#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions are called indirectly, through run_case
# interop/cert-gnutls-client: GnuTLS's `gnutls-cli --udp` against
# `tern server --echo` with certificates, over 127.0.0.1.
#
# Every session sends a unique line and expects it echoed back, and checks
# the suite both sides report, that gnutls-cli verified tern's certificate
# (--x509cafile ca.pem, for the address 127.0.0.1 it connects to) and that
# gnutls-cli's close_notify ends tern's session. Cases:
#  - each certificate suite GnuTLS implements, gnutls-cli allowing only
#    that one, tern serving server-ec (ECDSA suites) or server-rsa (RSA
#    suites), tern offering all; tern asks for no client certificate;
#  - the same with tern requiring one (--verify-client require) and
#    gnutls-cli presenting client.pem;
#  - tern requiring a client certificate, gnutls-cli presenting none: the
#    handshake fails (handshake_failure alert, RFC 5246 section 7.4.6), tern
#    says why and keeps running, and serves the next client (with
#    client.pem) on the same server;
#  - the same with gnutls-cli presenting a certificate of another CA.
#
# usage: cert-gnutls-client.sh /path/to/tern
# shellcheck source=cert-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/cert-lib.sh"

require gnutls-cli stdbuf
GNUTLS_VERSION=$(timeout 10 gnutls-cli --version | sed -n '1s/^gnutls-cli /GnuTLS /p')

need_suite() {
  cert_suite_fields "$1"
  PRIO=$(gnutls_priority "$KX" "$CIPHER")
  gnutls_has "$CP" "$PRIO" || skip "$GNUTLS_VERSION does not implement $1 ($CP)"
}

# gnutls_cli NAME PORT LINE ARGS...: runs gnutls-cli as process NAME with
# LINE on stdin, trusting ca.pem, for at most 5 s; its input ends once LINE
# has come back, and it then sends close_notify and exits after waiting 2 s
# for a close_notify in reply, which tern does not send (RFC 5246 section
# 7.2.1 says it MUST). Sets RC.
gnutls_cli() {
  local name=$1 port=$2 line=$3
  shift 3
  spawn_fed "$name" 5 "$line" "$CASE_DIR/$name.out" "$line" \
    stdbuf -oL -eL gnutls-cli --udp --port "$port" 127.0.0.1 \
    --x509cafile "$PKI/ca.pem" "$@"
  finish "$name"
}

# expect_gnutls_cli NAME LINE KX CIPHER: gnutls-cli exited 0, trusted
# tern's certificate, got LINE back and describes the session as DTLS 1.2
# with certificates, ECDHE, a signature that fits KX (ECDHE-ECDSA or
# ECDHE-RSA), and CIPHER.
expect_gnutls_cli() {
  local sig=${3#ECDHE-}
  check "gnutls-cli exits 0 (status $RC)" test "$RC" -eq 0
  check "gnutls-cli trusted tern's certificate" \
    has "$CASE_DIR/$1.out" "- Status: The certificate is trusted."
  check "gnutls-cli got its line echoed" has "$CASE_DIR/$1.out" "$2"
  check "gnutls-cli negotiated (DTLS1.2-X.509)-(ECDHE-*)-($sig*)-($4)" \
    has_re "$CASE_DIR/$1.out" "^- Description: \(DTLS1\.2-X\.509\)-\(ECDHE-[^)]*\)-\(${sig}[^)]*\)-\($4\)$"
}

# One suite; with "yes", tern requires a client certificate and gnutls-cli
# presents client.pem.
case_suite() {
  local suite=$1 cc=$2 line
  need_suite "$suite"
  line=$(unique_line "$CIPHER")
  local -a tern_args=(--cert "$PKI/$SRV.pem" --key "$PKI/$SRV.key" --echo)
  local -a client_args=(--priority "$PRIO")
  if [[ $cc == yes ]]; then
    tern_args+=(--ca "$PKI/ca.pem" --verify-client require)
    client_args+=(--x509certfile "$PKI/client.pem" --x509keyfile "$PKI/client.key")
  fi
  start_tern_server "${tern_args[@]}"
  gnutls_cli client "$PORT" "$line" "${client_args[@]}"
  expect_gnutls_cli client "$line" "$KX" "$CIPHER"
  if [[ $cc == yes ]]; then
    check "gnutls-cli sent its certificate" \
      has "$CASE_DIR/client.out" "- Successfully sent 1 certificate(s) to server."
  fi
  expect_tern_cert_session "$suite" "$cc"
}

# tern requires a client certificate; the first gnutls-cli presents none
# (or, with "untrusted", one from another CA) and must be refused; the
# server keeps running and serves the next gnutls-cli, with client.pem.
case_refused_then_good() {
  local what=$1 suite=TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 bad line
  need_suite "$suite"
  bad=$(unique_line bad)
  line=$(unique_line good)
  start_tern_server --cert "$PKI/server-ec.pem" --key "$PKI/server-ec.key" --echo \
    --ca "$PKI/ca.pem" --verify-client require
  local -a bad_args=(--priority "$PRIO")
  local reason="tern:   peer sent no certificate" alert=40
  if [[ $what == untrusted ]]; then
    bad_args+=(--x509certfile "$PKI/untrusted.pem" --x509keyfile "$PKI/untrusted.key")
    reason="tern:   certificate 0: issuer certificate is unknown"
    alert=48
  fi
  gnutls_cli bad "$PORT" "$bad" "${bad_args[@]}"
  check "gnutls-cli fails (status $RC)" test "$RC" -ne 0 -a "$RC" -ne 124 -a "$RC" -ne 137
  check "gnutls-cli did not complete the handshake" \
    lacks "$CASE_DIR/bad.out" "- Handshake was completed"
  check "gnutls-cli got no data back" lacks "$CASE_DIR/bad.out" "$bad"
  check "gnutls-cli received tern's fatal alert $alert" \
    has "$CASE_DIR/bad.out" "*** Received alert [$alert]"
  expect_tern_refused "$reason"
  gnutls_cli client "$PORT" "$line" --priority "$PRIO" \
    --x509certfile "$PKI/client.pem" --x509keyfile "$PKI/client.key"
  expect_gnutls_cli client "$line" "$KX" "$CIPHER"
  expect_tern_cert_session "$suite" yes
}

echo "$TEST_NAME: $GNUTLS_VERSION gnutls-cli against $TERN server"
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
summary
