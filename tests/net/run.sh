#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2034 # case functions are called by name; SEED is read in lib.sh
# net/<case>: tern across an emulated adverse link (tests/net/README.md).
#
#   bash tests/net/run.sh CASE /path/to/tern /path/to/linkem
#
# Each case runs a real server in namespace B and a real client in
# namespace A, with linkem impairing what passes between them, and checks
# what must hold, printed as it goes: the handshake completes within what
# the RFC 6347 timers allow for the losses seen; the data is intact; no
# side sends more than the minimum the handshake needs plus the
# retransmissions its timer or the peer's own retransmissions justify.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ---- shared steps -------------------------------------------------------------

# send_lines PROCESS DELAY LINES...: feeds each line to PROCESS, DELAY
# seconds apart.
send_lines() {
  local who=$1 delay=$2 line
  shift 2
  for line in "$@"; do
    feed "$who" "$line"
    sleep "$delay"
  done
}

# client_connects SECS: waits for tern client's "connected" line.
client_connects() {
  check "tern client connects within ${1} s" wait_text "$WORK/client.err" "tern: connected to" "$1"
  say "$(grep -h '^tern: handshake done' "$WORK/client.err" || echo "no handshake line")"
}

# client_ends: closes tern client's input; it must exit 0 by itself.
client_ends() {
  close_feed client
  finish client
  check "tern client exits 0 after its input ends (status $RC)" eq "$RC" 0
}

# handshake_checks SIDES: the handshake completed on the wire within what
# the timers allow for the resends seen, and the storm checks for the tern
# sides among SIDES ("c s", "c", "s").
handshake_checks() {
  check "handshake completed on the wire" ge "$HS_TIME_MS" 0
  check "handshake took ${HS_TIME_MS} ms, within the ${HS_ALLOWED_MS} ms the timers allow for the resends seen" \
    le "$HS_TIME_MS" "$HS_ALLOWED_MS"
  storm_checks "$1"
}

# psk_minimum SIDES: with PSK and the cookie exchange each tern side among
# SIDES needs 3 datagrams: ClientHello, ClientHello with the cookie, then
# ClientKeyExchange+ChangeCipherSpec+Finished; HelloVerifyRequest,
# ServerHello+ServerHelloDone, then ChangeCipherSpec+Finished.
psk_minimum() {
  local side name
  for side in $1; do
    local first=${side^^}_HS_FIRST
    name=client
    [[ $side == s ]] && name=server
    check "tern $name: ${!first} distinct handshake datagrams, the 3 a PSK handshake needs" \
      eq "${!first}" 3
  done
}

# exact_minimum: with nothing lost, each side sends exactly the datagrams
# its handshake needs, not one more.
exact_minimum() {
  check "tern client sent exactly its minimum ($C_HS_SENT handshake datagrams, $C_HS_FIRST needed)" \
    eq "$C_HS_SENT" "$C_HS_FIRST"
  check "tern server sent exactly its minimum ($S_HS_SENT handshake datagrams, $S_HS_FIRST needed)" \
    eq "$S_HS_SENT" "$S_HS_FIRST"
}

# echo_checks SENT...: what tern client printed is exactly the lines that
# survived the link: each a line it sent, unaltered, at most once, as many
# as the server's echo records that reached the client undamaged; and the
# server echoed exactly the client's records that reached it undamaged.
echo_checks() {
  check_echoes "$WORK/client.out" "$@"
  say "$GOT of $# lines came back"
  check "the client printed one line per echo record that reached it undamaged ($GOT, $S_APP_DELIVERED_OK)" \
    eq "$GOT" "$S_APP_DELIVERED_OK"
  check "the server echoed each client record that reached it undamaged, once ($S_APP_SENT, $C_APP_DELIVERED_OK)" \
    eq "$S_APP_SENT" "$C_APP_DELIVERED_OK"
}

# ---- tern client and tern server ------------------------------------------------

# 30% of the packets lost each way. Must hold: the handshake completes,
# within the sum of the timers for the retransmissions seen (1 s, doubled
# by each one) plus a round trip per flight; no retransmission sooner than
# its timer; 3 distinct datagrams each side (PSK with cookies); the lines
# that come back are intact, each once, exactly those whose records made it
# both ways.
case_loss30() {
  say "must hold: the handshake completes within the timers' sum for the resends seen, no resend sooner than its timer or unprompted, 3 distinct datagrams each side; lines back intact, once, exactly those that crossed"
  SEED=${TERN_NET_SEED:-10}
  start_link --loss 30
  start_tern_server --psk "$PSK"
  start_tern_client 90 --psk "$PSK" --timeout 60
  client_connects 62
  unique_lines 20 loss
  send_lines client 0.05 "${LINES[@]}"
  sleep 1
  client_ends
  analyse --rtt 0.1 --slack 0.5
  check "the link dropped packets ($DROP_LOSS)" ge "$DROP_LOSS" 1
  handshake_checks "c s"
  psk_minimum "c s"
  echo_checks "${LINES[@]}"
}

# 200 ms each way with +-50 ms of jitter (a round trip of 300 to 500 ms,
# so datagrams sent close together may swap). Must hold: the handshake
# takes its three round trips (0.9 s at least: the delay is real) and no
# retransmission at all, since every answer comes before the 1 s timer;
# all 20 lines come back, each once, unaltered.
case_delay200_jitter() {
  say "must hold: three round trips, no retransmission, exactly the minimum each side; all 20 lines back once"
  SEED=${TERN_NET_SEED:-11}
  start_link --delay 200 --jitter 50
  start_tern_server --psk "$PSK"
  start_tern_client 40 --psk "$PSK" --timeout 20
  client_connects 10
  unique_lines 20 delay
  send_lines client 0.01 "${LINES[@]}"
  wait_lines "$WORK/client.out" 20 5 || true
  client_ends
  analyse --rtt 0.6 --slack 0.5
  handshake_checks "c s"
  check "the handshake took three round trips of at least 300 ms ($HS_TIME_MS ms)" \
    ge "$HS_TIME_MS" 900
  check "no timer retransmission: every answer came within 1 s (client $C_TIMER, server $S_TIMER)" \
    eq $((C_TIMER + S_TIMER)) 0
  exact_minimum
  psk_minimum "c s"
  echo_checks "${LINES[@]}"
  check "all 20 lines came back" eq "$GOT" 20
  if ! diff -q <(printf '%s\n' "${LINES[@]}") "$WORK/client.out" >/dev/null; then
    say "(the jitter reordered some lines)"
  fi
}

# Reordering: 40% of the packets held back 30 ms (over a 5 ms link), so
# that later ones overtake them. The server's certificate flight at
# --mtu 300 spans several datagrams, whose fragments then arrive out of
# order. Must hold: tern reassembles them without retransmitting (no timer
# retransmission: nothing is lost); all 30 lines come back once, intact,
# though not in order.
case_reorder() {
  say "must hold: reordered certificate fragments reassembled without retransmission; all 30 lines back once"
  SEED=${TERN_NET_SEED:-5}
  start_link --delay 5 --reorder 40 --reorder-gap 30
  start_tern_server --cert "$PKI/server-ec.pem" --key "$PKI/server-ec.key" --mtu 300
  start_tern_client 40 --ca "$PKI/ca.pem" --servername localhost --mtu 300 --timeout 20
  client_connects 10
  unique_lines 30 reorder
  send_lines client 0.002 "${LINES[@]}"
  wait_lines "$WORK/client.out" 30 5 || true
  client_ends
  analyse --rtt 0.1 --slack 0.5
  check "the link held packets back ($HELD)" ge "$HELD" 1
  check "the server's flight came in fragments ($S_PARTIAL_FRAGS partial)" ge "$S_PARTIAL_FRAGS" 2
  handshake_checks "c s"
  check "no timer retransmission: nothing was lost (client $C_TIMER, server $S_TIMER)" \
    eq $((C_TIMER + S_TIMER)) 0
  exact_minimum
  echo_checks "${LINES[@]}"
  check "all 30 lines came back" eq "$GOT" 30
  if ! diff -q <(printf '%s\n' "${LINES[@]}") "$WORK/client.out" >/dev/null; then
    say "(lines came back in another order than sent)"
  fi
}

# Half of the packets duplicated each way, with certificates on both sides
# at --mtu 300, so that each side's flights span several datagrams. Must
# hold: replay protection (RFC 6347 section 4.1.2.6) makes the server echo
# each line once and the client print each once; all 20 come back; no
# timer retransmission (nothing is lost); a duplicated flight may make the
# other side resend its own (section 4.2.4), but once per repeat of the
# flight, not once per datagram of it, and no side sends more than three
# times its minimum.
case_duplicate() {
  say "must hold: each line echoed and printed once (replay protection); answers to whole repeated flights only; at most 3 times the minimum each side"
  SEED=${TERN_NET_SEED:-3}
  start_link --dup 50
  start_tern_server --cert "$PKI/server-ec.pem" --key "$PKI/server-ec.key" --mtu 300 \
    --ca "$PKI/ca.pem" --verify-client require
  start_tern_client 40 --ca "$PKI/ca.pem" --servername localhost --mtu 300 \
    --cert "$PKI/client.pem" --key "$PKI/client.key" --timeout 20
  client_connects 10
  unique_lines 20 dup
  send_lines client 0.01 "${LINES[@]}"
  wait_lines "$WORK/client.out" 20 5 || true
  sleep 0.3
  client_ends
  analyse --rtt 0.1 --slack 0.5
  check "the link duplicated packets ($DUPLICATED)" ge "$DUPLICATED" 1
  handshake_checks "c s"
  check "no timer retransmission: nothing was lost (client $C_TIMER, server $S_TIMER)" \
    eq $((C_TIMER + S_TIMER)) 0
  check "the client's flight spans datagrams ($C_PARTIAL_FRAGS partial fragments)" \
    ge "$C_PARTIAL_FRAGS" 1
  check "no storm: the client sent at most 3 times its minimum ($C_HS_SENT for $C_HS_FIRST)" \
    le "$C_HS_SENT" $((3 * C_HS_FIRST))
  check "no storm: the server sent at most 3 times its minimum ($S_HS_SENT for $S_HS_FIRST)" \
    le "$S_HS_SENT" $((3 * S_HS_FIRST))
  echo_checks "${LINES[@]}"
  check "all 20 lines came back" eq "$GOT" 20
  check "the server echoed 20 records, no duplicate ($S_APP_SENT)" eq "$S_APP_SENT" 20
}

# Bit corruption: one bit flipped in the UDP payload of 30% of the
# packets each way, UDP checksum repaired, so that tern gets the damaged
# datagrams. First a clean handshake, then 40 lines with corruption on:
# no damaged line is ever delivered (AEAD, RFC 6347 section 4.1.2.7:
# dropped, not fatal); then corruption off and 10 more lines: all come
# back, the session survived. Then three handshakes with corruption on:
# plaintext handshake messages have no integrity before Finished, so a
# damaged one may end a handshake, but each must end (connected, or failed
# with a reason) within its --timeout, and the server must serve a clean
# handshake afterwards.
case_corrupt() {
  say "must hold: no damaged line ever delivered; the session survives corrupted records; handshakes under corruption end, connected or with a reason"
  local j
  SEED=${TERN_NET_SEED:-9}
  start_link --corrupt 30 --paused
  start_tern_server --psk "$PSK"
  start_tern_client 60 --psk "$PSK" --timeout 10
  client_connects 5
  kill -USR2 "${PIDS[link]}"
  unique_lines 40 bad
  local bad=("${LINES[@]}")
  send_lines client 0.02 "${bad[@]}"
  sleep 0.5
  kill -USR2 "${PIDS[link]}"
  wait_text "$WORK/trace" "event impair-off" 2 || true
  unique_lines 10 after
  local after=("${LINES[@]}")
  local n_before
  n_before=$(wc -l <"$WORK/client.out")
  send_lines client 0.02 "${after[@]}"
  wait_lines "$WORK/client.out" $((n_before + 10)) 5 || true
  check "after the corruption, all 10 lines come back: the session survived" \
    eq "$(grep -cF -- "tern-net-$CASE-after-" "$WORK/client.out")" 10
  client_ends
  local i ok=0 refused=0 hung=0
  for ((i = 1; i <= 3; i++)); do
    # Corruption on for the handshake only: the server serves one peer at
    # a time and keeps an established session until its close_notify,
    # which must therefore arrive whole.
    kill -USR2 "${PIDS[link]}"
    wait_text "$WORK/trace" "event impair-on" 2 || true
    open_feed "try$i"
    spawn "try$i" "$NS_A" 12 feed "$TERN" client "$ADDR_B:$PORT" --psk "$PSK" --timeout 6
    for ((j = 0; j < 140; j++)); do
      has "$WORK/try$i.err" "tern: connected to" && break
      running "try$i" || break
      sleep 0.05
    done
    kill -USR2 "${PIDS[link]}"
    [[ $(grep -c 'event impair-off' "$WORK/trace") -ge $((i + 2)) ]] ||
      wait_text "$WORK/trace" "event impair-off" 2 || true
    if has "$WORK/try$i.err" "tern: connected to"; then
      feed "try$i" "tern-net-$CASE-try-$i"
      wait_text "$WORK/try$i.out" "tern-net-$CASE-try-$i" 2 || true
    fi
    close_feed "try$i"
    finish "try$i"
    if [[ $RC -eq 124 || $RC -eq 137 ]]; then
      hung=$((hung + 1))
    elif has "$WORK/try$i.err" "tern: connected to"; then
      ok=$((ok + 1))
    elif grep -q '^tern: handshake: ' "$WORK/try$i.err"; then
      refused=$((refused + 1))
    fi
  done
  say "handshakes with corruption on: $ok connected, $refused failed with a reason, $hung hung"
  check "each handshake with corruption ended, connected or with a reason ($((ok + refused)) of 3)" \
    eq $((ok + refused)) 3
  open_feed last
  spawn last "$NS_A" 12 feed "$TERN" client "$ADDR_B:$PORT" --psk "$PSK" --timeout 6
  feed last "after-the-storm"
  wait_text "$WORK/last.out" "after-the-storm" 8 || true
  close_feed last
  finish last
  check "the server still serves a clean handshake and echoes" has "$WORK/last.out" "after-the-storm"
  check "tern server still runs" running server
  analyse --rtt 0.1 --slack 0.5
  check "the link corrupted packets ($CORRUPTED)" ge "$CORRUPTED" 1
  check_echoes "$WORK/client.out" "${bad[@]}" "${after[@]}"
  check "the client printed one line per echo record that reached it undamaged ($GOT, $S_APP_DELIVERED_OK)" \
    eq "$GOT" "$S_APP_DELIVERED_OK"
  check "the server echoed each client record that reached it undamaged, once ($S_APP_SENT, $C_APP_DELIVERED_OK)" \
    eq "$S_APP_SENT" "$C_APP_DELIVERED_OK"
  check "no line other than the client's was ever echoed" not grep -qv '^tern-net-corrupt-' "$WORK/client.out"
}

# A path MTU of 576 (IP packets above it vanish, as behind a black-hole
# router), tern at --mtu 548 (576 minus the IPv4 and UDP headers), an
# RSA certificate whose flight must be fragmented. Must hold: the
# handshake completes without retransmission; no datagram exceeds 576
# bytes and none was dropped for its size; the server's flight came in
# fragments; lines of 400 bytes come back intact. Then, as a control,
# a server without --mtu: a handshake with it must not complete (its
# 1200-byte datagrams vanish), which shows the black hole is real.
case_mtu576() {
  say "must hold: no packet above 576 bytes, none dropped, the certificate flight fragmented, long lines intact; without --mtu no handshake"
  SEED=${TERN_NET_SEED:-1}
  start_link --mtu 576
  start_tern_server --cert "$PKI/server-rsa.pem" --key "$PKI/server-rsa.key" --mtu 548
  start_tern_client 40 --ca "$PKI/ca.pem" --servername localhost --mtu 548 --timeout 20
  client_connects 10
  local i
  LINES=()
  for ((i = 1; i <= 5; i++)); do
    LINES+=("tern-net-$CASE-$i-$(printf 'x%.0s' {1..380})")
  done
  send_lines client 0.01 "${LINES[@]}"
  wait_lines "$WORK/client.out" 5 5 || true
  client_ends
  # The control: a second server on the next port, without --mtu.
  spawn nomtu_server "$NS_B" 30 /dev/null "$TERN" server --bind "$ADDR_B:$((PORT + 1))" --echo \
    --cert "$PKI/server-rsa.pem" --key "$PKI/server-rsa.key"
  wait_text "$WORK/nomtu_server.err" "tern: listening on" 5 || true
  open_feed nomtu
  spawn nomtu "$NS_A" 10 feed "$TERN" client "$ADDR_B:$((PORT + 1))" \
    --ca "$PKI/ca.pem" --servername localhost --timeout 3
  close_feed nomtu
  finish nomtu
  check "control: with a server without --mtu the client does not connect (status $RC)" \
    lacks "$WORK/nomtu.err" "tern: connected to"
  analyse --rtt 0.1 --slack 0.5
  check "control: the link dropped the oversized datagrams ($ALL_DROP_MTU)" ge "$ALL_DROP_MTU" 1
  handshake_checks "c s"
  check "no timer retransmission (client $C_TIMER, server $S_TIMER)" eq $((C_TIMER + S_TIMER)) 0
  exact_minimum
  check "nothing of the session dropped for its size ($DROP_MTU)" eq "$DROP_MTU" 0
  check "client datagrams fit the path (largest IP packet $C_MAX_DGRAM)" le "$C_MAX_DGRAM" 576
  check "server datagrams fit the path (largest IP packet $S_MAX_DGRAM)" le "$S_MAX_DGRAM" 576
  check "the server's flight came in fragments ($S_PARTIAL_FRAGS partial)" ge "$S_PARTIAL_FRAGS" 2
  echo_checks "${LINES[@]}"
  check "all 5 long lines came back" eq "$GOT" 5
}

# The link goes dark for 10 s in the middle of a session. Must hold: the
# lines sent in the dark are lost (the dark is real); the session survives
# it: a line sent after the link is back comes back, with no new
# handshake (one ClientHello pair, one flow, one session on the server).
case_dark10() {
  say "must hold: lines sent in the dark are lost; the session carries data again afterwards without a new handshake"
  SEED=${TERN_NET_SEED:-1}
  start_link --dark-for 10
  start_tern_server --psk "$PSK"
  start_tern_client 60 --psk "$PSK" --timeout 10
  client_connects 5
  feed client "tern-net-$CASE-before"
  check "a line comes back before the dark" wait_text "$WORK/client.out" "tern-net-$CASE-before" 3
  kill -USR1 "${PIDS[link]}"
  wait_text "$WORK/trace" "event dark-start" 2 || true
  local t0=$SECONDS
  feed client "tern-net-$CASE-dark-1"
  sleep 4
  feed client "tern-net-$CASE-dark-2"
  wait_text "$WORK/trace" "event dark-end" 12 || true
  say "dark for about $((SECONDS - t0)) s"
  check "tern client is still running after the dark" running client
  sleep 0.2
  feed client "tern-net-$CASE-after"
  check "a line sent after the dark comes back" wait_text "$WORK/client.out" "tern-net-$CASE-after" 3
  client_ends
  analyse --rtt 0.1 --slack 0.5
  check "the lines sent in the dark were lost ($DROP_DARK packets dropped)" \
    lacks "$WORK/client.out" "tern-net-$CASE-dark-"
  check "no new handshake: one flow ($FLOWS)" eq "$FLOWS" 1
  check "no new handshake: the client sent 2 ClientHellos, the first and the one with the cookie ($C_CLIENT_HELLOS)" \
    eq "$C_CLIENT_HELLOS" 2
  check "no new handshake: the server reported one session" \
    eq "$(grep -c '^tern: session with' "$WORK/server.err")" 1
  handshake_checks "c s"
}

# The link goes dark for 10 s as the client starts its handshake. Must
# hold: the client backs off as RFC 6347 section 4.2.4.1 says
# (retransmissions 1, 2, 4 and 8 s apart: 4 ClientHellos in the dark, no
# more); the handshake completes with the retransmission after the dark,
# within the timers' sum; then a line comes back.
case_dark_handshake() {
  say "must hold: ClientHellos 1, 2, 4 and 8 s apart, 4 in the dark; the handshake completes after it within the timers' sum"
  SEED=${TERN_NET_SEED:-1}
  start_link --dark-for 10
  start_tern_server --psk "$PSK"
  kill -USR1 "${PIDS[link]}"
  wait_text "$WORK/trace" "event dark-start" 2 || true
  start_tern_client 60 --psk "$PSK" --timeout 40
  client_connects 25
  feed client "tern-net-$CASE-line"
  check "a line comes back" wait_text "$WORK/client.out" "tern-net-$CASE-line" 3
  client_ends
  analyse --rtt 0.1 --slack 0.5
  local in_dark
  in_dark=$(grep -c '^[0-9.]* ab recv [0-9]* [0-9]* udp dark' "$WORK/trace" || true)
  check "the client sent 4 datagrams into the dark (at 0, 1, 3, 7 s), no more ($in_dark)" \
    eq "$in_dark" 4
  check "the client retransmitted on its timer 4 times, the 4th after the dark ($C_TIMER)" \
    eq "$C_TIMER" 4
  handshake_checks "c s"
  check "the handshake needed the 15 s of the first four timers ($HS_TIME_MS ms)" ge "$HS_TIME_MS" 14900
}

# ---- OpenSSL and GnuTLS peers -----------------------------------------------------
#
# OpenSSL's s_client and s_server, GnuTLS's gnutls-cli and gnutls-serv
# against tern across the same link, DTLS 1.2. At 30% loss each way (PSK,
# PSK_WITH_AES_128_CCM_8) must hold: the handshake completes within what
# the timers allow for the resends seen; tern's side sends its 3 distinct
# datagrams and resends only on its timer (no sooner) or to answer a
# repeated flight; lines arrive whole (at least one: loss takes some). At a
# path MTU of 576 (ECDHE_RSA with an RSA certificate, each side set to the
# path: tern --mtu 548, OpenSSL's link MTU -mtu 576, GnuTLS's payload
# --mtu 548): no datagram above the path, none dropped for its size, the
# server's certificate flight fragmented, all 10 lines through. The peers'
# own retransmissions are printed, not judged.

require_tools() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 ||
      skip "$t is not installed (make check installs it: scripts/deps.sh)"
  done
}

# peer_client_session NAME WAIT_TEXT MIN CMD...: a peer's client in A as
# process "client", fed 10 lines once WAIT_TEXT shows its handshake done;
# tern server echoes them. At least MIN of them must come back.
peer_client_session() {
  local name=$1 ready=$2 min=$3
  shift 3
  open_feed client
  spawn client "$NS_A" 80 feed stdbuf -oL -eL "$@"
  check "$name completes the handshake" wait_text "$WORK/client.out" "$ready" 65
  unique_lines 10 peer
  send_lines client 0.1 "${LINES[@]}"
  sleep 1.5
  close_feed client
  local i
  for ((i = 0; i < 50; i++)); do
    running client || break
    sleep 0.1
  done
  stop client
  check "tern server reported the session" has "$WORK/server.err" "tern: session"
  local got=0 line
  for line in "${LINES[@]}"; do
    has "$WORK/client.out" "$line" && got=$((got + 1))
  done
  say "$got of 10 lines came back to $name"
  check "at least $min of them came back to $name" ge "$got" "$min"
}

# tern_client_to_peer NAME MIN ARGS...: tern client in A against a peer's
# server, fed 10 lines; the peer prints (or echoes) what it gets, at least
# MIN of them, each whole.
tern_client_to_peer() {
  local name=$1 min=$2
  shift 2
  start_tern_client 80 "$@" --timeout 60
  client_connects 62
  unique_lines 10 peer
  send_lines client 0.1 "${LINES[@]}"
  sleep 1.5
  client_ends
  local got=0 line
  for line in "${LINES[@]}"; do
    has "$WORK/server.out" "$line" && got=$((got + 1))
  done
  say "$got of 10 lines reached $name"
  check "at least $min of them reached $name" ge "$got" "$min"
  check "each line reached $name whole or not at all" \
    eq "$(grep -o "tern-net-$CASE-peer-" "$WORK/server.out" | wc -l)" "$got"
}

start_s_server() {
  open_feed server
  spawn server "$NS_B" 90 feed stdbuf -oL -eL openssl s_server -dtls1_2 \
    -accept "$ADDR_B:$PORT" -naccept 1 "$@"
  check "s_server starts" wait_text "$WORK/server.out" "ACCEPT" 5
}

start_gnutls_serv() {
  spawn server "$NS_B" 90 /dev/null stdbuf -oL -eL gnutls-serv --udp -p "$PORT" --echo "$@"
  check "gnutls-serv starts" wait_text "$WORK/server.err" "port $PORT...done" 5
}

GNUTLS_PSK_PRIO="NORMAL:-VERS-ALL:+VERS-DTLS1.2:-KX-ALL:+PSK:-CIPHER-ALL:+AES-128-CCM-8:-MAC-ALL:+AEAD"
GNUTLS_RSA_PRIO="NORMAL:-VERS-ALL:+VERS-DTLS1.2:-KX-ALL:+ECDHE-RSA:-CIPHER-ALL:+AES-128-GCM:-MAC-ALL:+AEAD"

case_openssl_client_loss30() {
  say "must hold: s_client completes its handshake with tern server; tern resends only on its timer or to answer a repeated flight"
  require_tools openssl stdbuf
  SEED=${TERN_NET_SEED:-1}
  start_link --loss 30
  start_tern_server --psk "$PSK"
  peer_client_session s_client "Cipher is" 1 openssl s_client -dtls1_2 \
    -connect "$ADDR_B:$PORT" -psk_identity "$PSK_ID" -psk "$PSK_KEY" -cipher PSK-AES128-CCM8
  analyse --tern s --rtt 0.1 --slack 0.5
  check "the link dropped packets ($DROP_LOSS)" ge "$DROP_LOSS" 1
  handshake_checks s
  psk_minimum s
}

case_openssl_server_loss30() {
  say "must hold: tern client completes its handshake with s_server, resending only on its timer or to answer a repeated flight; lines arrive whole"
  require_tools openssl stdbuf
  SEED=${TERN_NET_SEED:-2}
  start_link --loss 30
  start_s_server -nocert -psk_identity "$PSK_ID" -psk "$PSK_KEY" -cipher PSK-AES128-CCM8
  tern_client_to_peer s_server 1 --psk "$PSK"
  analyse --tern c --rtt 0.1 --slack 0.5
  check "the link dropped packets ($DROP_LOSS)" ge "$DROP_LOSS" 1
  handshake_checks c
  psk_minimum c
}

case_gnutls_client_loss30() {
  say "must hold: gnutls-cli completes its handshake with tern server; tern resends only on its timer or to answer a repeated flight"
  require_tools gnutls-cli stdbuf
  SEED=${TERN_NET_SEED:-1}
  start_link --loss 30
  start_tern_server --psk "$PSK"
  peer_client_session gnutls-cli "Handshake was completed" 1 gnutls-cli --udp --port "$PORT" \
    "$ADDR_B" --pskusername "$PSK_ID" --pskkey "$PSK_KEY" --priority "$GNUTLS_PSK_PRIO"
  analyse --tern s --rtt 0.1 --slack 0.5
  check "the link dropped packets ($DROP_LOSS)" ge "$DROP_LOSS" 1
  handshake_checks s
  psk_minimum s
}

case_gnutls_server_loss30() {
  say "must hold: tern client completes its handshake with gnutls-serv, resending only on its timer or to answer a repeated flight; lines arrive whole"
  require_tools gnutls-serv stdbuf
  SEED=${TERN_NET_SEED:-3}
  start_link --loss 30
  printf '%s:%s\n' "$PSK_ID" "$PSK_KEY" >"$WORK/psk.txt"
  start_gnutls_serv --pskpasswd "$WORK/psk.txt" --priority "$GNUTLS_PSK_PRIO"
  tern_client_to_peer gnutls-serv 1 --psk "$PSK"
  analyse --tern c --rtt 0.1 --slack 0.5
  check "the link dropped packets ($DROP_LOSS)" ge "$DROP_LOSS" 1
  handshake_checks c
  psk_minimum c
}

# mtu_peer_checks SIDES: the path-MTU checks of the peer cases.
mtu_peer_checks() {
  handshake_checks "$1"
  check "nothing dropped for its size ($DROP_MTU)" eq "$DROP_MTU" 0
  check "client datagrams fit the path (largest IP packet $C_MAX_DGRAM)" le "$C_MAX_DGRAM" 576
  check "server datagrams fit the path (largest IP packet $S_MAX_DGRAM)" le "$S_MAX_DGRAM" 576
  check "the server's flight came in fragments ($S_PARTIAL_FRAGS partial)" ge "$S_PARTIAL_FRAGS" 2
}

case_openssl_client_mtu576() {
  say "must hold: s_client and tern server fit a 576-byte path: nothing dropped, the flight fragmented, all lines through"
  require_tools openssl stdbuf
  SEED=${TERN_NET_SEED:-1}
  start_link --mtu 576
  start_tern_server --cert "$PKI/server-rsa.pem" --key "$PKI/server-rsa.key" --mtu 548
  # -mtu is the link MTU for OpenSSL: it subtracts the IP and UDP headers.
  peer_client_session s_client "Cipher is" 10 openssl s_client -dtls1_2 \
    -connect "$ADDR_B:$PORT" -mtu 576 -CAfile "$PKI/ca.pem" -verify_hostname localhost \
    -verify_return_error
  analyse --tern s --rtt 0.1 --slack 0.5
  mtu_peer_checks s
}

case_openssl_server_mtu576() {
  say "must hold: tern client and s_server fit a 576-byte path: nothing dropped, the flight fragmented, all lines through"
  require_tools openssl stdbuf
  SEED=${TERN_NET_SEED:-1}
  start_link --mtu 576
  start_s_server -cert "$PKI/server-rsa.pem" -key "$PKI/server-rsa.key" -mtu 576
  tern_client_to_peer s_server 10 --ca "$PKI/ca.pem" --servername localhost --mtu 548
  analyse --tern c --rtt 0.1 --slack 0.5
  mtu_peer_checks c
}

case_gnutls_client_mtu576() {
  say "must hold: gnutls-cli and tern server fit a 576-byte path: nothing dropped, the flight fragmented, all lines through"
  require_tools gnutls-cli stdbuf
  SEED=${TERN_NET_SEED:-1}
  start_link --mtu 576
  start_tern_server --cert "$PKI/server-rsa.pem" --key "$PKI/server-rsa.key" --mtu 548
  # GnuTLS's --mtu is the UDP payload.
  peer_client_session gnutls-cli "Handshake was completed" 10 gnutls-cli --udp --port "$PORT" \
    "$ADDR_B" --mtu 548 --x509cafile "$PKI/ca.pem" --verify-hostname localhost \
    --priority "$GNUTLS_RSA_PRIO"
  analyse --tern s --rtt 0.1 --slack 0.5
  mtu_peer_checks s
}

case_gnutls_server_mtu576() {
  say "must hold: tern client and gnutls-serv fit a 576-byte path: nothing dropped, the flight fragmented, all lines through"
  require_tools gnutls-serv stdbuf
  SEED=${TERN_NET_SEED:-1}
  start_link --mtu 576
  start_gnutls_serv --mtu 548 --x509certfile "$PKI/server-rsa.pem" \
    --x509keyfile "$PKI/server-rsa.key" --priority "$GNUTLS_RSA_PRIO"
  tern_client_to_peer gnutls-serv 10 --ca "$PKI/ca.pem" --servername localhost --mtu 548
  analyse --tern c --rtt 0.1 --slack 0.5
  mtu_peer_checks c
}

# ---- main -------------------------------------------------------------------------

fn=case_${CASE//-/_}
if ! declare -F "$fn" >/dev/null; then
  echo "unknown case $CASE" >&2
  exit 2
fi
preflight
# The certificate cases use the test PKI (the ctest fixture pki/setup writes
# it and TERN_PKI_DIR names it; by hand, it is generated here).
PKI=
if [[ -n ${TERN_PKI_DIR:-} && -f ${TERN_PKI_DIR}/.done ]]; then
  PKI=$(cd "$TERN_PKI_DIR" && pwd)
elif command -v openssl >/dev/null 2>&1; then
  PKI=$WORK/pki
  timeout 60 bash "$NET_DIR/../pki/make_pki.sh" "$PKI" >/dev/null 2>&1 || PKI=
fi
[[ -n $PKI ]] || skip "no test PKI (tests/pki/make_pki.sh needs openssl)"
echo "net/$CASE: $TERN across linkem"
"$fn"
finish_test
