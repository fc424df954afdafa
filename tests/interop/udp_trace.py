#!/usr/bin/python3
"""UDP relay for the interop tests.

Listens on 127.0.0.1 (a port the system picks, printed as "port N" once
ready), forwards every datagram between the client that last sent one and
127.0.0.1:TARGET_PORT, and writes one line per datagram to LOG:

    <seconds> <C>S|S>C> <datagram bytes> R:<type>/<epoch>/<seq>/<len> [H:<msg type>/<msg len>/<frag off>/<frag len> ...] ...

An R: token per DTLS 1.2 record (RFC 6347 section 4.1); H: tokens for the
handshake fragments of plaintext (epoch 0) handshake records (section
4.2.2). A test reads the log to see fragmentation, datagram sizes and
record sequence numbers. Exits after SECONDS or on SIGTERM/SIGINT.

With RAW, every datagram is also appended to that file whole, as a
direction byte ('C' client to server, 'S' server to client), a 2-byte
big-endian length and the bytes: fuzz/record_interop.sh turns such
captures into seeds for the whole-engine fuzz targets.

usage: udp_trace.py TARGET_PORT LOG SECONDS [RAW]
"""
import select
import signal
import socket
import sys
import time


def tokens(data):
    out = []
    off = 0
    while off + 13 <= len(data):
        ctype = data[off]
        epoch = int.from_bytes(data[off + 3:off + 5], "big")
        seq = int.from_bytes(data[off + 5:off + 11], "big")
        length = int.from_bytes(data[off + 11:off + 13], "big")
        body = data[off + 13:off + 13 + length]
        out.append("R:%d/%d/%d/%d" % (ctype, epoch, seq, length))
        if ctype == 22 and epoch == 0:
            pos = 0
            while pos + 12 <= len(body):
                msg_type = body[pos]
                msg_len = int.from_bytes(body[pos + 1:pos + 4], "big")
                frag_off = int.from_bytes(body[pos + 6:pos + 9], "big")
                frag_len = int.from_bytes(body[pos + 9:pos + 12], "big")
                out.append("H:%d/%d/%d/%d" % (msg_type, msg_len, frag_off, frag_len))
                pos += 12 + frag_len
        off += 13 + length
    if off != len(data):
        out.append("X:%d" % (len(data) - off))
    return out


def main():
    if len(sys.argv) not in (4, 5):
        sys.stderr.write(__doc__)
        return 2
    raw = open(sys.argv[4], "wb") if len(sys.argv) == 5 else None
    target = ("127.0.0.1", int(sys.argv[1]))
    log = open(sys.argv[2], "w", encoding="ascii")
    end = time.monotonic() + float(sys.argv[3])
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))

    front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    front.bind(("127.0.0.1", 0))
    back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    back.bind(("127.0.0.1", 0))
    back.connect(target)
    print("port %d" % front.getsockname()[1], flush=True)

    start = time.monotonic()
    client = None
    while not stop and time.monotonic() < end:
        try:
            ready, _, _ = select.select([front, back], [], [], 0.2)
        except InterruptedError:
            continue
        for sock in ready:
            try:
                if sock is front:
                    data, client = front.recvfrom(65536)
                    direction = "C>S"
                    back.send(data)
                else:
                    data = back.recv(65536)
                    direction = "S>C"
                    if client is not None:
                        front.sendto(data, client)
            except OSError:
                continue  # e.g. ECONNREFUSED from a peer that has gone
            log.write("%.3f %s %d %s\n" % (time.monotonic() - start, direction, len(data),
                                           " ".join(tokens(data))))
            log.flush()
            if raw is not None:
                raw.write((b"C" if direction == "C>S" else b"S") + len(data).to_bytes(2, "big") + data)
                raw.flush()
    log.close()
    if raw is not None:
        raw.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
