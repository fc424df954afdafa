#!/usr/bin/python3
"""Reads a linkem trace (tests/net/linkem.c) of one DTLS 1.2 client and one
server and says what each side sent, against what the handshake needs and
what the RFC 6347 timers allow.

Side "c" (the client) sits in namespace A, so it sends direction "ab";
side "s" (the server) sends "ba". Only the first flow (the client's first
UDP port) is read unless --all-flows is given.

Each datagram a side sends that carries handshake content (a plaintext
handshake fragment, a ChangeCipherSpec, an encrypted handshake record such
as Finished) is either new (it carries something the side never sent
before: the minimum the handshake needs is the count of these) or a resend.
Datagrams leaving back to back (20 ms apart at most, nothing heard from the
peer in between, no content twice) form one transmission: a new flight or
a retransmission. A retransmission is, in this order:
  - an answer, when a whole repeat of a peer flight (the last datagram of
    one of the peer's transmissions) was delivered to the side within the
    100 ms before it and prompted no other answer (RFC 6347 section 4.2.4:
    a node that receives a retransmitted flight retransmits its own);
  - a timer retransmission, when it comes no sooner than 50 ms before the
    timer in force expires: the initial timeout after a new flight,
    doubled by each timer retransmission, up to the maximum (section
    4.2.4.1);
  - otherwise UNPROMPTED when a part of a peer flight was delivered just
    before (answering datagrams rather than flights, a storm as soon as
    flights span datagrams), or EARLY (a timer faster than the RFC's):
    both are counted for the tern sides and must be zero.

The handshake takes from the client's first datagram to the delivery to the
client of the server's first encrypted handshake record (its Finished). What
the timers allow for the resends seen: for every retransmission of each
client flight the timer that would have preceded it (initial, doubled, ...),
plus one round trip (--rtt) per new client flight, plus --slack.

Prints a report, and with --facts FILE writes KEY=VALUE lines for a shell.

usage: trace_check.py TRACE [--facts FILE] [--tern c,s] [--t0 S] [--tmax S]
                      [--rtt S] [--slack S] [--all-flows]

Facts: FLOWS; per side (C_, S_): HS_SENT, HS_FIRST, RESENDS, TIMER,
ANSWERS, UNPROMPTED, EARLY (tern sides only), MAX_TIMER_PER_FLIGHT, DGRAMS, MAX_DGRAM
(IP bytes), PARTIAL_FRAGS, CLIENT_HELLOS, APP_SENT, APP_DELIVERED_OK,
APP_DELIVERED_CORRUPT; HS_TIME_MS, HS_ALLOWED_MS; DROP_LOSS, DROP_MTU,
DROP_DARK, DROP_QUEUE (the flow read) and ALL_DROP_* (every flow);
DUPLICATED, HELD, CORRUPTED.
"""
import argparse
import sys

ANSWER_WINDOW = 0.100
BURST_GAP = 0.020
EARLY_TOLERANCE = 0.050

SIDES = {"c": ("ab", "ba", "client"), "s": ("ba", "ab", "server")}


class Datagram:
    def __init__(self, t, direction, pid, size, verdict, tokens):
        self.t = t
        self.dir = direction
        self.id = pid
        self.size = size
        self.verdict = verdict
        self.tokens = tokens
        self.ports = None
        self.records = []  # (type, epoch, seq, length)
        self.frags = []  # (msg type, msg seq, frag off, frag len, msg len)
        for tok in tokens:
            kind, _, val = tok.partition(":")
            nums = [int(x) for x in val.split("/")] if val else []
            if kind == "U":
                self.ports = (nums[0], nums[1])
            elif kind == "R":
                self.records.append(tuple(nums))
            elif kind == "H":
                self.frags.append(tuple(nums))
        self.deliveries = []  # (time, corrupt)

    def hs_keys(self):
        """The handshake content this datagram carries, as comparable keys."""
        keys = [("H",) + f[:4] for f in self.frags]
        for ctype, epoch, _, _ in self.records:
            if ctype == 20:
                keys.append(("C", epoch))
            elif ctype == 22 and epoch > 0:
                keys.append(("F", epoch))
        return keys

    def app_records(self):
        return [(e, s) for (t, e, s, _) in self.records if t == 23]


def parse(path):
    dgrams = {}
    order = []
    events = []
    with open(path, encoding="ascii", errors="replace") as f:
        for line in f:
            w = line.split()
            if len(w) < 4:
                continue
            t = float(w[0])
            if w[2] == "recv" and len(w) >= 7 and w[5] == "udp":
                d = Datagram(t, w[1], int(w[3]), int(w[4]), w[6], w[7:])
                dgrams[(w[1], d.id)] = d
                order.append(d)
            elif w[2] == "send" and (w[1], int(w[3])) in dgrams:
                dgrams[(w[1], int(w[3]))].deliveries.append((t, "corrupt" in w[6:]))
            elif w[2] == "event":
                events.append((t, w[3]))
    return order, events


def flow_filter(order, all_flows):
    if all_flows:
        return order
    first = next((d.ports for d in order if d.dir == "ab" and d.ports), None)
    if first is None:
        return order
    back = (first[1], first[0])
    return [d for d in order if d.ports in (first, back)]


def deliveries_to(order, side):
    """Times the peer's handshake datagrams were delivered to side."""
    in_dir = SIDES[side][1]
    return sorted(t for d in order if d.dir == in_dir and d.hs_keys() for t, _ in d.deliveries)


def group(order, side):
    """Splits side's handshake datagrams into transmissions: a new flight
    (datagrams with content never sent before, leaving back to back with
    nothing heard from the peer in between) or a retransmission (repeated
    content, likewise, no content twice). Returns a list of
    {"new": bool, "flight": id, "dgrams": [...]}."""
    mine = [d for d in order if d.dir == SIDES[side][0] and d.hs_keys()]
    heard_times = deliveries_to(order, side)
    seen = set()
    key_flight = {}  # handshake content -> the flight that first carried it
    out = []
    last_t = None
    for d in mine:
        keys = d.hs_keys()
        new = any(k not in seen for k in keys)
        heard = last_t is not None and any(last_t < t <= d.t for t in heard_times)
        cur = out[-1] if out else None
        joins = (cur is not None and cur["new"] == new and d.t - last_t <= BURST_GAP
                 and not heard and (new or not any(k in cur["keys"] for k in keys)))
        if not joins:
            flight = keys[0] if new else key_flight.get(keys[0], keys[0])
            cur = {"new": new, "flight": flight, "dgrams": [], "keys": set()}
            out.append(cur)
        cur["dgrams"].append(d)
        cur["keys"].update(keys)
        for k in keys:
            key_flight.setdefault(k, cur["flight"])
        seen.update(keys)
        last_t = d.t
    return out


def classify(order, side, transmissions, peer_transmissions, t0, tmax):
    """Sorts side's retransmissions (see the top of this file)."""
    # A whole repeat of a peer flight heard: the last datagram of one of
    # the peer's transmissions delivered to this side.
    prompts = sorted(t for tr in peer_transmissions for t, _ in tr["dgrams"][-1].deliveries)
    heard_times = deliveries_to(order, side)
    used = set()
    res = {"sent": sum(len(tr["dgrams"]) for tr in transmissions), "first": 0, "resends": 0,
           "timer": 0, "answers": 0, "early": 0, "unprompted": 0, "gaps": [], "per_flight": {},
           "notes": [], "flights": []}
    timer = t0
    timer_start = None
    for tr in transmissions:
        t = tr["dgrams"][0].t
        if tr["new"]:
            res["first"] += len(tr["dgrams"])
            res["flights"].append(t)
            timer = t0
            timer_start = t
            continue
        res["resends"] += len(tr["dgrams"])
        fl = res["per_flight"].setdefault(tr["flight"], [0, 0])
        prompt = None
        for i in range(len(prompts) - 1, -1, -1):
            if prompts[i] > t or i in used:
                continue
            if t - prompts[i] > ANSWER_WINDOW:
                break
            prompt = i
            break
        gap = t - timer_start if timer_start is not None else 0.0
        if prompt is not None:
            used.add(prompt)
            res["answers"] += 1
            fl[1] += 1
            continue
        if gap < timer - EARLY_TOLERANCE:
            if any(0 <= t - h <= ANSWER_WINDOW for h in heard_times):
                res["unprompted"] += 1
                res["notes"].append("resend at %.3f s answered part of a peer flight" % t)
                res["answers"] += 1
                fl[1] += 1
                continue
            res["early"] += 1
            res["notes"].append("retransmission at %.3f s came %.3f s after the timer started,"
                                " sooner than its %.1f s timer" % (t, gap, timer))
        res["timer"] += 1
        fl[0] += 1
        res["gaps"].append((gap, timer))
        timer_start = t
        timer = min(timer * 2, tmax)
    return res


def timer_allowance(per_flight, t0, tmax):
    total = 0.0
    for timers, answers in per_flight.values():
        t = t0
        for _ in range(timers + answers):
            total += t
            t = min(t * 2, tmax)
    return total


def main():
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("trace")
    ap.add_argument("--facts")
    ap.add_argument("--tern", default="c,s")
    ap.add_argument("--t0", type=float, default=1.0)
    ap.add_argument("--tmax", type=float, default=60.0)
    ap.add_argument("--rtt", type=float, default=0.1)
    ap.add_argument("--slack", type=float, default=0.5)
    ap.add_argument("--all-flows", action="store_true")
    a = ap.parse_args()
    order, events = parse(a.trace)
    flows = len({d.ports for d in order if d.dir == "ab" and d.ports})
    every = order
    order = flow_filter(order, a.all_flows)
    tern_sides = set(a.tern.split(",")) if a.tern else set()
    facts = {"FLOWS": flows}
    trans = {side: group(order, side) for side in ("c", "s")}
    results = {side: classify(order, side, trans[side], trans["s" if side == "c" else "c"],
                              a.t0, a.tmax) for side in ("c", "s")}
    for side in ("c", "s"):
        out_dir, _, name = SIDES[side]
        r = results[side]
        u = side.upper()
        facts[u + "_UNPROMPTED"] = r["unprompted"] if side in tern_sides else 0
        facts[u + "_HS_SENT"] = r["sent"]
        facts[u + "_HS_FIRST"] = r["first"]
        facts[u + "_RESENDS"] = r["resends"]
        facts[u + "_TIMER"] = r["timer"]
        facts[u + "_ANSWERS"] = r["answers"]
        facts[u + "_EARLY"] = r["early"] if side in tern_sides else 0
        facts[u + "_MAX_TIMER_PER_FLIGHT"] = max([v[0] for v in r["per_flight"].values()] or [0])
        sent = [d for d in order if d.dir == out_dir]
        facts[u + "_DGRAMS"] = len(sent)
        facts[u + "_MAX_DGRAM"] = max([d.size for d in sent] or [0])
        facts[u + "_PARTIAL_FRAGS"] = sum(1 for d in sent for f in d.frags if f[3] < f[4])
        facts[u + "_CLIENT_HELLOS"] = len({f[1] for d in sent for f in d.frags if f[0] == 1})
        app = [d for d in sent if d.app_records()]
        facts[u + "_APP_SENT"] = len(app)
        # Distinct records delivered undamaged to the peer: what it can accept.
        facts[u + "_APP_DELIVERED_OK"] = len({rec for d in app for rec in d.app_records()
                                              if any(not c for _, c in d.deliveries)})
        facts[u + "_APP_DELIVERED_CORRUPT"] = sum(1 for d in app for _, c in d.deliveries if c)
        gaps = " ".join("%.2f/%.0f" % g for g in r["gaps"]) or "none"
        print("  %s%s: %d handshake datagrams sent, %d new (the minimum), %d resent: "
              "%d timer retransmissions (waited/timer s: %s), %d answering the peer "
              "(%d not prompted by a whole flight)" %
              (name, "" if side in tern_sides else " (peer)", r["sent"], r["first"],
               r["resends"], r["timer"], gaps, r["answers"], facts[u + "_UNPROMPTED"]))
        for n in r["notes"]:
            print("    %s%s" % ("STORM " if side in tern_sides else "(peer) ", n))
        if side == "c":
            client_flights = r["per_flight"]
            client_first = r["flights"][0] if r["flights"] else None
            client_new = len(r["flights"])
    # Completion: the server's first encrypted handshake record delivered
    # undamaged to the client.
    done = None
    for d in order:
        if d.dir == "ba" and any(k[0] == "F" for k in d.hs_keys()):
            ok = [t for t, c in d.deliveries if not c]
            if ok and (done is None or min(ok) < done):
                done = min(ok)
    if client_first is not None and done is not None:
        took = done - client_first
        allow = timer_allowance(client_flights, a.t0, a.tmax) + client_new * a.rtt + a.slack
        facts["HS_TIME_MS"] = int(round(took * 1000))
        facts["HS_ALLOWED_MS"] = int(round(allow * 1000))
        print("  handshake: %.3f s on the wire; the timers allow %.3f s for the resends seen" %
              (took, allow))
    else:
        facts["HS_TIME_MS"] = -1
        facts["HS_ALLOWED_MS"] = 0
        print("  handshake: not completed on the wire")
    for key in ("loss", "mtu", "dark", "queue"):
        n = sum(1 for d in order if d.verdict == key)
        facts["DROP_" + key.upper()] = n
        facts["ALL_DROP_" + key.upper()] = sum(1 for d in every if d.verdict == key)
    facts["DUPLICATED"] = sum(1 for d in order if "+dup" in d.verdict)
    facts["HELD"] = sum(1 for d in order if "+held" in d.verdict)
    facts["CORRUPTED"] = sum(1 for d in order for _, c in d.deliveries if c)
    if a.facts:
        with open(a.facts, "w", encoding="ascii") as f:
            for k, v in facts.items():
                f.write("%s=%s\n" % (k, v))
    return 0


if __name__ == "__main__":
    sys.exit(main())
