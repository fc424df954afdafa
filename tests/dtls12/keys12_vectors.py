#!/usr/bin/python3
"""Reproduces the known-answer vectors of tests/dtls12/keys12_test.c and
tests/handshake/transcript_test.c.

  keys12_vectors.py capture CIPHER [legacy]
      Runs one DTLS 1.2 PSK handshake between OpenSSL's s_client and
      s_server over 127.0.0.1, through tests/interop/udp_trace.py, and
      prints what the tests take from it: the randoms and the master
      secret from OpenSSL's key log, the handshake messages as sent
      (epoch 0 is plaintext on the wire), both Finished messages and the
      exported keying material as s_client prints them, and the protected
      records of epoch 1. "legacy" turns the extended master secret off
      on both sides (through an OpenSSL configuration file). Each run has
      fresh randoms, so it gives new vectors, not the committed ones.

  keys12_vectors.py prf MASTER CLIENT_RANDOM SERVER_RANDOM [sha384]
      Computes, with the TLS 1.2 PRF written below from RFC 5246 section 5
      (HMAC from Python's standard library), the RFC 5705 exporter outputs
      that OpenSSL's command line cannot give: with a context and with an
      empty context (19 bytes 0x30..0x42, and none). It first recomputes the exporter output without a
      context, which s_client printed, as a check of this PRF.

Nothing here is derived from tern's code or output.
"""
import hashlib
import hmac
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TRACE = os.path.join(HERE, "..", "interop", "udp_trace.py")
PSK = "0102030405060708090a0b0c0d0e0f10"
LABEL = "EXPERIMENTAL-tern-kat"
EXPORT_LEN = 40


def p_hash(md, secret, seed, n):
    """P_hash of RFC 5246 section 5: HMAC_hash(secret, A(i) + seed)..."""
    out = b""
    a = seed
    while len(out) < n:
        a = hmac.new(secret, a, md).digest()
        out += hmac.new(secret, a + seed, md).digest()
    return out[:n]


def prf(md, secret, label, seed, n):
    """PRF(secret, label, seed) = P_<hash>(secret, label + seed)."""
    return p_hash(md, secret, label + seed, n)


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def records(dgram):
    """Splits a datagram into DTLS 1.2 records (RFC 6347 section 4.1)."""
    out = []
    off = 0
    while off + 13 <= len(dgram):
        length = int.from_bytes(dgram[off + 11:off + 13], "big")
        out.append(dgram[off:off + 13 + length])
        off += 13 + length
    return out


def msg_blocks(text):
    """The hex dumps of s_client -msg: (direction, content type, bytes)."""
    out = []
    cur = None
    for line in text.splitlines():
        m = re.match(r"^(>>>|<<<) .*content_type=(\d+)\) \[length", line)
        if m:
            cur = [m.group(1), int(m.group(2)), bytearray()]
            out.append(cur)
        elif cur is not None and re.match(r"^    [0-9a-f]{2}( [0-9a-f]{2})*$", line):
            cur[2] += bytes.fromhex(line.replace(" ", ""))
        else:
            cur = None
    return out


def capture(cipher, legacy):
    md = hashlib.sha384 if cipher.endswith("SHA384") else hashlib.sha256
    tmp = tempfile.mkdtemp(prefix="tern-kat-")
    env = dict(os.environ)
    if legacy:
        conf = os.path.join(tmp, "openssl.cnf")
        with open(conf, "w", encoding="ascii") as f:
            f.write("openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\n"
                    "system_default = sys\n[sys]\nOptions = -ExtendedMasterSecret\n")
        env["OPENSSL_CONF"] = conf
    sport = free_port()
    keylog = os.path.join(tmp, "keylog")
    raw = os.path.join(tmp, "raw")
    common = ["-dtls1_2", "-psk", PSK, "-cipher", cipher, "-no_ticket", "-msg",
              "-keymatexport", LABEL, "-keymatexportlen", str(EXPORT_LEN)]
    server = subprocess.Popen(
        ["openssl", "s_server", "-accept", "127.0.0.1:%d" % sport, "-nocert",
         "-psk_hint", "hint", "-naccept", "1", "-keylogfile", keylog] + common,
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    trace = subprocess.Popen([sys.executable, TRACE, str(sport), os.path.join(tmp, "log"), "15", raw],
                             stdout=subprocess.PIPE, text=True)
    rport = int(trace.stdout.readline().split()[1])
    time.sleep(1)
    client = subprocess.Popen(
        ["openssl", "s_client", "-connect", "127.0.0.1:%d" % rport, "-psk_identity", "client1"]
        + common, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env=env)
    client.stdin.write("hello\n")
    client.stdin.flush()
    time.sleep(3)
    client.stdin.close()
    out = client.stdout.read()
    client.wait(timeout=10)
    server.stdin.close()
    server.wait(timeout=10)
    trace.terminate()
    trace.wait(timeout=10)

    with open(keylog, encoding="ascii") as f:
        line = [x for x in f if x.startswith("CLIENT_RANDOM")][0].split()
    print("cipher", cipher, "legacy" if legacy else "ems")
    print("psk", PSK)
    print("client_random", line[1])
    print("master_secret", line[2])
    exported = re.search(r"Keying material: ([0-9A-F]+)", out).group(1)
    print("exporter", LABEL, EXPORT_LEN, exported.lower())

    data = open(raw, "rb").read()
    dgrams = []
    off = 0
    while off < len(data):
        n = int.from_bytes(data[off + 1:off + 3], "big")
        dgrams.append((chr(data[off]), data[off + 3:off + 3 + n]))
        off += 3 + n
    # The transcript: every plaintext handshake message once, in order,
    # leaving out the first ClientHello and the HelloVerifyRequest (RFC
    # 6347 section 4.2.6). Nothing is fragmented on loopback.
    seen = set()
    transcript = []
    for d, dg in dgrams:
        for rec in records(dg):
            if rec[0] == 22 and rec[3:5] == b"\0\0":
                msg = rec[13:]
                key = (d, msg[4:6])
                if key in seen:
                    continue
                seen.add(key)
                if msg[0] == 3 or (msg[0] == 1 and msg[4:6] == b"\0\0"):
                    continue
                if msg[0] == 2:
                    print("server_random", msg[14:46].hex())
                transcript.append(msg)
                print("message", d, msg.hex())
            elif rec[3:5] != b"\0\0":
                print("record", d, rec.hex())
    print("session_hash", md(b"".join(transcript)).hexdigest())
    fins = [b for b in msg_blocks(out) if b[1] == 22 and b[2][:1] == b"\x14"]
    for direction, _, body in fins:
        print("finished", "C" if direction == ">>>" else "S", bytes(body).hex())
    client_fin = [bytes(b) for dr, _, b in fins if dr == ">>>"][0]
    server_fin = [bytes(b) for dr, _, b in fins if dr == "<<<"][0]
    print("server_finished_hash", md(b"".join(transcript) + client_fin).hexdigest())

    # The PRF below agrees with OpenSSL on every value: the master secret
    # (RFC 7627 section 4 or RFC 5246 section 8.1, from the premaster
    # secret of RFC 4279 section 2), both Finished (RFC 5246 section
    # 7.4.9) and the exported bytes (RFC 5705 section 4).
    psk = bytes.fromhex(PSK)
    n = len(psk).to_bytes(2, "big")
    pms = n + bytes(len(psk)) + n + psk
    cr = bytes.fromhex(line[1])
    sr = [m for m in transcript if m[0] == 2][0][14:46]
    session_hash = md(b"".join(transcript)).digest()
    if legacy:
        master = prf(md, pms, b"master secret", cr + sr, 48)
    else:
        master = prf(md, pms, b"extended master secret", session_hash, 48)
    agree = [
        master.hex() == line[2],
        prf(md, master, b"client finished", session_hash, 12) == client_fin[12:],
        prf(md, master, b"server finished",
            md(b"".join(transcript) + client_fin).digest(), 12) == server_fin[12:],
        prf(md, master, LABEL.encode(), cr + sr, EXPORT_LEN).hex() == exported.lower(),
    ]
    print("python_prf_agrees", "yes" if all(agree) else "NO %s" % agree)


def exporter(master, cr, sr):
    master, cr, sr = bytes.fromhex(master), bytes.fromhex(cr), bytes.fromhex(sr)
    md = hashlib.sha384 if len(sys.argv) > 5 and sys.argv[5] == "sha384" else hashlib.sha256
    label = LABEL.encode()
    print("no context   ", prf(md, master, label, cr + sr, EXPORT_LEN).hex())
    ctx = bytes(range(0x30, 0x30 + 19))
    seed = cr + sr + len(ctx).to_bytes(2, "big") + ctx
    print("context", ctx.hex())
    print("with context ", prf(md, master, label, seed, EXPORT_LEN).hex())
    print("empty context", prf(md, master, label, cr + sr + b"\0\0", EXPORT_LEN).hex())


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "capture":
        capture(sys.argv[2], len(sys.argv) > 3 and sys.argv[3] == "legacy")
    elif len(sys.argv) >= 5 and sys.argv[1] == "prf":
        exporter(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
