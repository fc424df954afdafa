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
Consecutive resends (20 ms apart at most, no content twice) form one
retransmission. A retransmission is an answer when a datagram of the peer's
was delivered to the side within the 200 ms before it and answered nothing
else yet (RFC 6347 section 4.2.4: a node that receives a retransmitted
flight retransmits its own); a side should answer at most once per repeat
of a peer flight it hears (REPEATS_HEARD: the deliveries of the last
datagram of each transmission of each peer flight, less one per flight),
not once per datagram. Otherwise it is a timer retransmission, which
must come no sooner than the timer in force: the initial timeout after a
new flight, doubled by each timer retransmission, up to the maximum
(section 4.2.4.1). A timer retransmission 50 ms or more early is counted
as early: a retransmission storm.

The handshake takes from the client's first datagram to the delivery to the
client of the server's first encrypted handshake record (its Finished). What
the timers allow for the resends seen: for every retransmission of each
client flight the timer that would have preceded it (initial, doubled, ...),
plus one round trip (--rtt) per new client flight, plus --slack.

Prints a report, and with --facts FILE writes KEY=VALUE lines for a shell.

usage: trace_check.py TRACE [--facts FILE] [--tern c,s] [--t0 S] [--tmax S]
                      [--rtt S] [--slack S] [--all-flows]

Facts: FLOWS; per side (C_, S_): HS_SENT, HS_FIRST, RESENDS, TIMER,
ANSWERS, REPEATS_HEARD, EARLY (tern sides only), MAX_TIMER_PER_FLIGHT, DGRAMS, MAX_DGRAM
(IP bytes), PARTIAL_FRAGS, CLIENT_HELLOS, APP_SENT, APP_DELIVERED_OK,
APP_DELIVERED_CORRUPT; HS_TIME_MS, HS_ALLOWED_MS; DROP_LOSS, DROP_MTU,
DROP_DARK, DROP_QUEUE (the flow read) and ALL_DROP_* (every flow);
DUPLICATED, HELD, CORRUPTED.
"""
import argparse
import sys

ANSWER_WINDOW = 0.200
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


def analyse_side(order, side, t0, tmax):
    out_dir, in_dir, _ = SIDES[side]
    mine = [d for d in order if d.dir == out_dir and d.hs_keys()]
    # Deliveries to this side of the peer's handshake datagrams: triggers.
    triggers = sorted((t, d.id, i) for d in order if d.dir == in_dir and d.hs_keys()
                      for i, (t, _) in enumerate(d.deliveries))
    used = set()
    seen = set()
    res = {"sent": len(mine), "first": 0, "resends": 0, "timer": 0, "answers": 0,
           "early": 0, "gaps": [], "per_flight": {}, "notes": [], "flights": [],
           "transmissions": []}
    key_flight = {}  # handshake content -> the flight that first carried it
    timer = t0
    timer_start = None
    flight = None
    last_t = None
    event = None  # keys of the retransmission being sent
    for d in mine:
        keys = d.hs_keys()
        heard = last_t is not None and any(last_t < t <= d.t for t, _, _ in triggers)
        if any(k not in seen for k in keys):
            res["first"] += 1
            # A flight's datagrams leave back to back, with nothing heard
            # from the peer in between.
            if (last_t is None or d.t - last_t > BURST_GAP or heard or flight is None
                    or event is not None):
                flight = keys[0]
                res["flights"].append(d.t)
                res["transmissions"].append([flight, []])
                timer = t0
                timer_start = d.t
            res["transmissions"][-1][1].append(d)
            for k in keys:
                key_flight.setdefault(k, flight)
            event = None
            seen.update(keys)
            last_t = d.t
            continue
        res["resends"] += 1
        if (event is not None and d.t - last_t <= BURST_GAP and not heard
                and not any(k in event for k in keys)):
            event.update(keys)
            res["transmissions"][-1][1].append(d)
            last_t = d.t
            continue
        event = set(keys)
        res["transmissions"].append([key_flight.get(keys[0], flight), [d]])
        last_t = d.t
        trig = None
        for t, pid, i in reversed(triggers):
            if t > d.t:
                continue
            if d.t - t > ANSWER_WINDOW:
                break
            if (pid, i) not in used:
                trig = (t, pid, i)
                break
        fl = res["per_flight"].setdefault(flight, [0, 0])
        if trig is not None:
            used.add(trig)
            res["answers"] += 1
            fl[1] += 1
            continue
        res["timer"] += 1
        fl[0] += 1
        gap = d.t - timer_start if timer_start is not None else 0.0
        res["gaps"].append((gap, timer))
        if gap < timer - EARLY_TOLERANCE:
            res["early"] += 1
            res["notes"].append("retransmission at %.3f s came %.3f s after the timer started,"
                                " sooner than its %.1f s timer" % (d.t, gap, timer))
        timer_start = d.t
        timer = min(timer * 2, tmax)
    return res


def repeats_heard(transmissions):
    """How often a side heard a flight of its peer's again: for each flight,
    the deliveries of the last datagram of each of its transmissions, less
    the first. One resend of ours per repeat heard is what RFC 6347 section
    4.2.4 asks for; more is a storm."""
    per_flight = {}
    for flight, dgrams in transmissions:
        per_flight[flight] = per_flight.get(flight, 0) + len(dgrams[-1].deliveries)
    return sum(max(0, n - 1) for n in per_flight.values())


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
    results = {side: analyse_side(order, side, a.t0, a.tmax) for side in ("c", "s")}
    for side in ("c", "s"):
        out_dir, _, name = SIDES[side]
        r = results[side]
        u = side.upper()
        facts[u + "_REPEATS_HEARD"] = repeats_heard(results["s" if side == "c" else "c"]
                                                    ["transmissions"])
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
              "(which repeated a flight %d times)" %
              (name, "" if side in tern_sides else " (peer)", r["sent"], r["first"],
               r["resends"], r["timer"], gaps, r["answers"], facts[u + "_REPEATS_HEARD"]))
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
