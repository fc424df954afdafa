#!/usr/bin/python3
"""Assembles bench/results/REPORT.md and its plots from the CSV files the
benchmarks write (--csv FILE), as scripts/bench.sh runs them.

Every CSV row is  bench,metric,suite,impl,x,value,note  (bench/common.h).
Run with Debian's /usr/bin/python3 and python3-matplotlib.

usage: bench_report.py --results DIR [--build DIR] [--source DIR]
                       [--load-start L] [--load-end L] [--seconds N] [--commit C]
"""

import argparse
import csv
import datetime
import math
import os
import platform
import re
import subprocess
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

IMPLS = ["tern", "OpenSSL", "GnuTLS"]
COLOURS = {
    "tern": "#1b7837",
    "tern (virtual)": "#7fbf7b",
    "OpenSSL": "#2166ac",
    "GnuTLS": "#b2182b",
    "raw EVP": "#777777",
}
SHORT = {
    "TLS_PSK_WITH_AES_128_CCM_8": "PSK AES-128-CCM-8",
    "TLS_PSK_WITH_AES_128_GCM_SHA256": "PSK AES-128-GCM",
    "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256": "ECDHE-PSK ChaCha20-Poly1305",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": "ECDHE-ECDSA AES-128-GCM",
}


class Results:
    """The rows of every CSV file, looked up by (bench, metric, suite, impl, x)."""

    def __init__(self, directory):
        self.rows = []
        self.meta = {}
        for name in ["record", "handshake", "throughput", "sessions", "loss"]:
            path = os.path.join(directory, name + ".csv")
            if not os.path.exists(path):
                continue
            with open(path, newline="") as f:
                for row in csv.DictReader(f):
                    row["x"] = float(row["x"])
                    row["value"] = float(row["value"])
                    if row["metric"] in ("version", "method"):
                        self.meta[(row["metric"], row["impl"])] = row["note"]
                    else:
                        self.rows.append(row)

    def get(self, bench, metric, suite=None, impl=None, x=None):
        for r in self.rows:
            if (r["bench"] == bench and r["metric"] == metric
                    and (suite is None or r["suite"] == suite)
                    and (impl is None or r["impl"] == impl)
                    and (x is None or r["x"] == x)):
                return r["value"]
        return None

    def select(self, bench, metric, suite=None, impl=None):
        return [r for r in self.rows
                if r["bench"] == bench and r["metric"] == metric
                and (suite is None or r["suite"] == suite)
                and (impl is None or r["impl"] == impl)]

    def suites(self, bench, metric):
        seen = []
        for r in self.select(bench, metric):
            if r["suite"] not in seen:
                seen.append(r["suite"])
        return seen

    def xs(self, bench, metric, suite=None):
        return sorted({r["x"] for r in self.select(bench, metric, suite)})

    def note(self, bench, metric, suite=None, impl=None):
        for r in self.select(bench, metric, suite, impl):
            return r["note"]
        return ""


# ---- formatting ---------------------------------------------------------------

def num(v, digits=0):
    if v is None:
        return "–"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def ratio(a, b, digits=2):
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.{digits}f}"


def table(header, rows, text_columns=1):
    """A Markdown table: the first text_columns columns left-aligned, the
    figures right-aligned."""
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---" if i < text_columns else "---:"
                          for i in range(len(header))) + "|"]
    for r in rows:
        out.append("| " + " | ".join(r) + " |")
    return "\n".join(out)


def short(suite):
    return SHORT.get(suite, suite)


# ---- the machine ----------------------------------------------------------------

def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def describe_commit(args):
    """The commit checked out, and whether the tree differs from it (the
    results directory, which the run itself changes, aside)."""
    commit = run(["git", "-C", args.source, "rev-parse", "--short=12", "HEAD"])
    if run(["git", "-C", args.source, "status", "--porcelain", "--untracked-files=no", "--",
            ".", ":(exclude)" + os.path.relpath(os.path.abspath(args.results),
                                                os.path.abspath(args.source))]):
        commit += " (with uncommitted changes)"
    return commit


def machine(args, res):
    cpu = ""
    for line in run(["lscpu"]).splitlines():
        if line.startswith("Model name:"):
            cpu = line.split(":", 1)[1].strip()
    mem_gib = 0.0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_gib = int(line.split()[1]) / (1024 * 1024)
    compiler = ""
    build_type = ""
    lto = ""
    cache = os.path.join(args.build, "CMakeCache.txt") if args.build else ""
    if cache and os.path.exists(cache):
        with open(cache) as f:
            text = f.read()
        m = re.search(r"^CMAKE_C_COMPILER:\w+=(.*)$", text, re.M)
        if m:
            compiler = run([m.group(1), "--version"]).splitlines()[0]
        m = re.search(r"^CMAKE_BUILD_TYPE:\w+=(.*)$", text, re.M)
        build_type = m.group(1) if m else ""
        m = re.search(r"^TERN_LTO:\w+=(.*)$", text, re.M)
        lto = "LTO " + ("on" if m and m.group(1) == "ON" and "gcc" in compiler.lower()
                        or m and m.group(1) == "ON" and "cc" in compiler else "off")
    commit = args.commit or describe_commit(args)
    rows = [
        ("CPU", f"{cpu}, {os.cpu_count()} logical cores"),
        ("memory", f"{mem_gib:.1f} GiB"),
        ("kernel", f"{platform.system()} {platform.release()} {platform.machine()}"),
        ("compiler", f"{compiler} ({build_type}, {lto})" if compiler else "unknown"),
        ("libcrypto / libssl", res.meta.get(("version", "OpenSSL"), "unknown")),
        ("GnuTLS", res.meta.get(("version", "GnuTLS"), "unknown")),
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("git commit", commit or "unknown"),
        ("load average", f"{args.load_start} at start, {args.load_end} at end"),
    ]
    return table(["", ""], [[k, v] for k, v in rows], text_columns=2)


# ---- sections -------------------------------------------------------------------

def section_handshake(res, out):
    suites = res.suites("handshake", "rate")
    if not suites:
        return
    rows = []
    for s in suites:
        t, o, g = (res.get("handshake", "rate", s, i) for i in IMPLS)
        rows.append([short(s), num(t), num(o), num(g), ratio(t, o), ratio(t, g),
                     num(res.get("handshake", "ratio_median", s, "tern"), 2)])
    out.append("## Handshakes per second by suite\n")
    out.append("Full DTLS 1.2 handshakes, a fresh client and server in one process over an "
               "in-memory link, no cookies, no resumption, extended master secret; "
               "certificates: ECDSA P-256 chain and name verified by the client "
               "(`bench-handshake`). Best of 7 rounds of alternating turns; the median "
               "column is the median over rounds of tern over the faster of the other two.\n")
    out.append(table(["suite", "tern hs/s", "OpenSSL hs/s", "GnuTLS hs/s", "tern/OpenSSL",
                      "tern/GnuTLS", "median"], rows))
    out.append("\n![handshakes per second](handshakes.png)\n")
    srv = res.select("handshake", "server_us")
    if srv:
        suite = srv[0]["suite"]
        floor = res.get("handshake", "server_us", suite, "floor")
        rows = []
        for i in IMPLS + ["floor"]:
            v = res.get("handshake", "server_us", suite, i)
            rows.append([i, num(v, 1), ratio(v, floor)])
        out.append(f"Server CPU time per handshake, {short(suite)} (inside the server's own "
                   "calls, thread CPU clock, best round), against its floor: one ECDSA "
                   "signature, one X25519 key generation and one shared secret in libcrypto.\n")
        out.append(table(["", "µs per handshake", "× floor"], rows))
        out.append("")
    heap = res.select("handshake", "heap_bytes")
    if heap:
        stages = {0: "mid-handshake", 1: "just done", 2: "established"}
        rows = []
        for s in res.suites("handshake", "heap_bytes"):
            for x, stage in stages.items():
                vals = [res.get("handshake", "heap_bytes", s, i, x) for i in IMPLS]
                rows.append([short(s), stage] + [num(v) for v in vals]
                            + [ratio(vals[1], vals[0], 1)])
        out.append("Heap one server connection holds (malloc chunk bytes, libcrypto included, "
                   "mean of 1,000), by stage:\n")
        out.append(table(["suite", "stage", "tern", "OpenSSL", "GnuTLS", "OpenSSL/tern"], rows,
                         text_columns=2))
        out.append("")


def section_record(res, out):
    algs = res.suites("record", "rate")
    if not algs:
        return
    rows = []
    for a in algs:
        for x in res.xs("record", "rate", a):
            t = res.get("record", "rate", a, "tern", x)
            r = res.get("record", "rate", a, "raw EVP", x)
            rows.append([a, f"{x:.0f}", num(t), num(r), ratio(t, r, 3),
                         num(res.get("record", "ratio_median", a, "tern/raw EVP", x), 3)])
    out.append("## Record layer against raw libcrypto\n")
    out.append("One record sealed and opened through tern's record layer (header, nonce, "
               "additional data, AEAD, replay window) against the least EVP code doing the "
               "same AEAD work (`bench-record`): what tern's record layer adds to the "
               "cryptography.\n")
    out.append(table(["AEAD", "bytes", "tern rec/s", "raw EVP rec/s", "tern/raw", "median"], rows))
    out.append("")


def section_throughput(res, out):
    suites = res.suites("throughput", "rate")
    if not suites:
        return
    out.append("## Records per second by payload size\n")
    out.append("One application record from an established client to its server per step "
               "through each library's whole API: `tern_conn_write` + `tern_conn_receive`, "
               "`SSL_write` + `SSL_read` over memory BIOs, `gnutls_record_send` + "
               "`gnutls_record_recv` over datagram queues; MTU 1500 (`bench-throughput`). "
               "Best of 7 rounds; ratios of the best rounds, the median of per-round ratios "
               "in brackets.\n")
    for s in suites:
        rows = []
        for x in res.xs("throughput", "rate", s):
            t, o, g = (res.get("throughput", "rate", s, i, x) for i in IMPLS)
            mo = res.get("throughput", "ratio_median", s, "tern/OpenSSL", x)
            mg = res.get("throughput", "ratio_median", s, "tern/GnuTLS", x)
            rows.append([f"{x:.0f}", num(t), num(o), num(g),
                         f"{ratio(t, o)} ({num(mo, 2)})", f"{ratio(t, g)} ({num(mg, 2)})",
                         num(t * x * 8e-6 if t else None)])
        out.append(f"**{s}**\n")
        out.append(table(["bytes", "tern rec/s", "OpenSSL rec/s", "GnuTLS rec/s",
                          "tern/OpenSSL", "tern/GnuTLS", "tern Mb/s"], rows))
        out.append("")
    out.append("![records per second by payload size](records.png)\n")


def section_sessions(res, out):
    suites = res.suites("sessions", "heap_per_session")
    if not suites:
        return
    s = suites[0]
    xs = res.xs("sessions", "heap_per_session", s)
    rows = []
    for x in xs:
        heap = [res.get("sessions", "heap_per_session", s, i, x) for i in IMPLS]
        rss = [res.get("sessions", "rss_per_session", s, i, x) for i in IMPLS]
        cells = [f"{x:,.0f}"]
        for h, r in zip(heap, rss):
            if h is None:
                cells.append("skipped")
            elif x >= 1000:
                cells.append(f"{num(h)} ({num(r)})")
            else:
                cells.append(num(h))
        cells.append(ratio(heap[1], heap[0], 1))
        cells.append(ratio(heap[2], heap[0], 1))
        rows.append(cells)
    out.append("## Heap per session as sessions grow\n")
    out.append(f"Established server sessions ({short(s)}) held at once, clients freed "
               "(`bench-sessions`): malloc chunk bytes per session, libcrypto's, libssl's and "
               "GnuTLS's allocations included; in brackets, from 1,000 sessions on, the "
               "growth of the process's resident memory per session.\n")
    out.append(table(["sessions", "tern B", "OpenSSL B", "GnuTLS B", "OpenSSL/tern",
                      "GnuTLS/tern"], rows))
    setup = []
    for i in IMPLS:
        sec = res.select("sessions", "setup_seconds", s, i)
        if sec:
            last = max(sec, key=lambda r: r["x"])
            setup.append(f"{i} {last['x']:,.0f} sessions in {last['value']:.1f} s")
    skipped = [f"{r['impl']} at {r['x']:,.0f}: {r['note']}"
               for r in res.select("sessions", "skipped")]
    if setup:
        out.append("\nTime to establish them: " + "; ".join(setup) + ".")
    if skipped:
        out.append("\nSkipped: " + "; ".join(skipped) + ".")
    out.append("\n![heap per session](sessions.png)\n")


def section_loss(res, out):
    suites = res.suites("loss", "p50_ms")
    if not suites:
        return
    s = suites[0]
    labels = ["tern (virtual)", "tern", "OpenSSL", "GnuTLS"]
    rows = []

    def ms(v):
        return "> limit" if v is None or v < 0 else num(v)

    for x in res.xs("loss", "p50_ms", s):
        cells = [f"{x:.0f}%"]
        for lab in labels:
            p50 = res.get("loss", "p50_ms", s, lab, x)
            p90 = res.get("loss", "p90_ms", s, lab, x)
            failed = res.get("loss", "failed", s, lab, x)
            extra = f", {failed:.0f} failed" if failed else ""
            cells.append(f"{ms(p50)} / {ms(p90)}{extra}")
        rows.append(cells)
    method = res.meta.get(("method", ""), "")
    out.append("## Handshake completion time against loss rate\n")
    out.append(f"Full handshakes ({short(s)}, no cookies) over a simulated link that loses "
               "each datagram, either way, with the given probability (seeded: the n-th "
               "handshake of every implementation draws from the same stream) and delivers "
               f"the rest after half the RTT (`bench-loss`; {method}). Median / 90th "
               "percentile of the time until both sides completed, in milliseconds of RFC "
               "time; a handshake that did not complete within the limit counts as slower "
               "than all others (the plot draws a percentile beyond the limit at the "
               "limit).\n")
    out.append("Method: libssl's and GnuTLS's DTLS timers read the real clock, so every "
               "implementation runs in real time with RFC 6347's timer (1 s, doubling, at "
               "most 60 s) and the link delay divided by the same scale, its handshakes "
               "interleaved with the others' in one event loop, and the times are multiplied "
               "back by the scale. For libssl the timer is set with `DTLS_set_timer_cb`, for "
               "GnuTLS with `gnutls_dtls_set_timeouts`, for tern with "
               "`tern_config_set_timers`. The CPU time of a handshake and late wake-ups count "
               "scale times over in those three columns; *tern (virtual)* is tern on a "
               "virtual clock at RFC timers, where only the protocol counts, and shows how "
               "far the scaled columns are off.\n")
    out.append(table(["loss"] + labels, rows))
    dgrams = [f"{lab} {res.get('loss', 'datagrams', s, lab, 0.0):.1f}" for lab in labels[1:]
              if res.get("loss", "datagrams", s, lab, 0.0) is not None]
    if dgrams:
        out.append("\nDatagrams a handshake sends without loss, both sides together: "
                   + ", ".join(dgrams) + ". Every datagram is a chance to be lost: an "
                   "implementation that sends each handshake message in its own datagram "
                   "meets a loss sooner.")
    out.append("\n![handshake completion time against loss rate](loss.png)\n")


# ---- plots ----------------------------------------------------------------------

def plot_handshakes(res, path):
    suites = res.suites("handshake", "rate")
    if not suites:
        return
    fig, ax = plt.subplots(figsize=(8, 4.2))
    width = 0.26
    for k, impl in enumerate(IMPLS):
        vals = [res.get("handshake", "rate", s, impl) or 0 for s in suites]
        pos = [i + (k - 1) * width for i in range(len(suites))]
        bars = ax.bar(pos, vals, width, label=impl, color=COLOURS[impl])
        for b, v in zip(bars, vals):
            ax.annotate(f"{v:,.0f}", (b.get_x() + b.get_width() / 2, v), ha="center",
                        va="bottom", fontsize=7)
    ax.set_xticks(range(len(suites)))
    ax.set_xticklabels([short(s) for s in suites], fontsize=8)
    ax.set_ylabel("full handshakes per second")
    ax.set_title("DTLS 1.2 handshakes per second (client + server, one core)")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_records(res, path):
    suites = res.suites("throughput", "rate")
    if not suites:
        return
    fig, axes = plt.subplots(1, len(suites), figsize=(4.2 * len(suites), 4), sharey=True)
    if len(suites) == 1:
        axes = [axes]
    for ax, s in zip(axes, suites):
        for impl in IMPLS:
            pts = sorted((r["x"], r["value"]) for r in res.select("throughput", "rate", s, impl))
            if pts:
                ax.plot([p[0] for p in pts], [p[1] / 1e6 for p in pts], marker="o",
                        label=impl, color=COLOURS[impl])
        ax.set_title(short(s), fontsize=9)
        ax.set_xlabel("payload bytes per record")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("million records per second")
    axes[0].legend()
    fig.suptitle("Application records per second through the whole engine")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_sessions(res, path):
    suites = res.suites("sessions", "heap_per_session")
    if not suites:
        return
    s = suites[0]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for impl in IMPLS:
        pts = sorted((r["x"], r["value"])
                     for r in res.select("sessions", "heap_per_session", s, impl))
        if pts:
            ax.plot([p[0] for p in pts], [p[1] / 1024 for p in pts], marker="o",
                    label=f"{impl} heap", color=COLOURS[impl])
        pts = sorted((r["x"], r["value"])
                     for r in res.select("sessions", "rss_per_session", s, impl) if r["x"] >= 1000)
        if pts:
            ax.plot([p[0] for p in pts], [p[1] / 1024 for p in pts], marker="s", linestyle="--",
                    label=f"{impl} RSS", color=COLOURS[impl], alpha=0.6)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("established server sessions held")
    ax.set_ylabel("KiB per session")
    ax.set_title(f"Memory per session, {short(s)}")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8, loc="center right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_loss(res, path):
    suites = res.suites("loss", "p50_ms")
    if not suites:
        return
    s = suites[0]
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    limit = 120000
    for lab in ["tern (virtual)", "tern", "OpenSSL", "GnuTLS"]:
        for metric, style in (("p50_ms", "-"), ("p90_ms", ":")):
            pts = sorted((r["x"], r["value"] if r["value"] >= 0 else limit)
                         for r in res.select("loss", metric, s, lab))
            if not pts:
                continue
            ax.plot([p[0] for p in pts], [p[1] / 1000 for p in pts], linestyle=style,
                    marker="o" if metric == "p50_ms" else None, color=COLOURS[lab],
                    label=f"{lab} {'median' if metric == 'p50_ms' else '90th pct'}")
    ax.set_yscale("log")
    ax.set_xlabel("datagrams lost, each direction (%)")
    ax.set_ylabel("handshake completion time (s, RFC time)")
    ax.set_title(f"Handshake completion time against loss, {short(s)}, RTT 100 ms")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ---- the summary ----------------------------------------------------------------

def summary(res):
    rows = []
    for s in res.suites("handshake", "rate"):
        t, o, g = (res.get("handshake", "rate", s, i) for i in IMPLS)
        rows.append([f"handshakes/s, {short(s)}", num(t), num(o), num(g), ratio(t, o),
                     ratio(t, g)])
    for s in res.suites("throughput", "rate"):
        for x in (64.0, 1400.0):
            t, o, g = (res.get("throughput", "rate", s, i, x) for i in IMPLS)
            if t is not None:
                rows.append([f"records/s, {short(s)}, {x:.0f} B", num(t), num(o), num(g),
                             ratio(t, o), ratio(t, g)])
    for s in res.suites("sessions", "heap_per_session"):
        xs = res.xs("sessions", "heap_per_session", s)
        if xs:
            x = xs[-1]
            t, o, g = (res.get("sessions", "heap_per_session", s, i, x) for i in IMPLS)
            # Less is better: the ratio is the other's over tern's.
            rows.append([f"heap B/session at {x:,.0f} sessions (lower is better; "
                         "ratio = other/tern)", num(t), num(o), num(g), ratio(o, t, 1),
                         ratio(g, t, 1)])
    for s in res.suites("loss", "p50_ms"):
        for x in (10.0, 20.0, 30.0):
            t, o, g = (res.get("loss", "p50_ms", s, i, x) for i in IMPLS)
            if t is not None and all(v is not None and v > 0 for v in (t, o, g)):
                rows.append([f"median handshake ms at {x:.0f}% loss (lower is better; "
                             "ratio = other/tern)", num(t), num(o), num(g), ratio(o, t),
                             ratio(g, t)])
    return table(["figure", "tern", "OpenSSL", "GnuTLS", "tern vs OpenSSL", "tern vs GnuTLS"],
                 rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--build", default="")
    ap.add_argument("--source", default=".")
    ap.add_argument("--load-start", default="?")
    ap.add_argument("--load-end", default="?")
    ap.add_argument("--seconds", type=int, default=0)
    ap.add_argument("--commit", default="",
                    help="the commit the benchmarks ran on (default: the one checked out now)")
    args = ap.parse_args()
    res = Results(args.results)

    plot_handshakes(res, os.path.join(args.results, "handshakes.png"))
    plot_records(res, os.path.join(args.results, "records.png"))
    plot_sessions(res, os.path.join(args.results, "sessions.png"))
    plot_loss(res, os.path.join(args.results, "loss.png"))

    durations = []
    dpath = os.path.join(args.results, "durations.csv")
    if os.path.exists(dpath):
        with open(dpath) as f:
            durations = [line.strip().split(",") for line in f if line.strip()]

    out = ["# tern benchmark report\n",
           "Generated by `make bench` (scripts/bench.sh, scripts/bench_report.py) from the "
           "CSV files beside this report. tern, OpenSSL's libssl and GnuTLS are measured "
           "in the same run on the same machine; only the ratios carry over to another "
           "machine. Ratios are tern over the other for rates (above 1: tern is faster) "
           "and the other over tern for memory and times (above 1: tern uses less, "
           "finishes sooner).\n",
           "## Machine\n", machine(args, res), ""]
    if durations:
        parts = ", ".join(f"{n} {s} s" for n, s in durations)
        out.append(f"`make bench` took {args.seconds} s: {parts}.\n")
    out += ["## Summary\n", summary(res), ""]
    section_handshake(res, out)
    section_throughput(res, out)
    section_record(res, out)
    section_sessions(res, out)
    section_loss(res, out)
    with open(os.path.join(args.results, "REPORT.md"), "w") as f:
        f.write("\n".join(out).rstrip() + "\n")


if __name__ == "__main__":
    main()
