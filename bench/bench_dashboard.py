"""Server-side benchmark of the advisor dashboard (issue #6): switching client.

Builds the app of :mod:`scoring_lib.dashboard` on a bundle in this process, then shows
``--switches`` clients drawn at random (after ``--warmup`` switches not counted) and reports,
for each panel (score, explanation, information, comparison) and in total, the median and
95th percentile of the time ``DashboardApp.show_client`` spends (``scorer_explain``: the part
of the explanation panel spent in ``Scorer.explain``), with the comparison
reference ``--reference`` (all clients, the 100 most similar, or a filtered group). Also: the
time to load the Scorer and to build the app, a language switch, a reference switch, the
widget messages a switch sends, and the process's resident memory.

Widget messages are serialised as a kernel would (state to JSON, arrays to binary buffers,
then ``json.dumps`` of the message): a comm that records them replaces the default one, so
the timings include the work of preparing what goes to the browser, not the network.

Target: a client switch refreshes every panel in under 300 ms server-side at full scale
(356,255 clients).

    .venv/bin/python bench/bench_dashboard.py --bundle artifacts/demo
    .venv/bin/python bench/bench_dashboard.py --bundle /tmp/bench-scoring/scoring-full \\
        --switches 100 --reference all --json bench/out/dashboard-full.json
    .venv/bin/python bench/bench_dashboard.py --simulation open --decision refused   # issue 12
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PANELS = ("score", "explanation", "scorer_explain", "info", "comparison", "simulation",
          "scorer_what_if", "scorer_recourse", "total")


def install_recording_comm() -> dict:
    """Replace the widgets' comm by one that serialises every message like a kernel session
    (``json.dumps``) and counts messages and bytes."""
    import comm

    counts = {"messages": 0, "bytes": 0}

    class RecordingComm(comm.DummyComm):
        def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
            text = json.dumps({"data": data, "metadata": metadata}, default=str)
            counts["messages"] += 1
            counts["bytes"] += len(text) + sum(len(memoryview(b).cast("B"))
                                               for b in (buffers or []))

    comm.create_comm = RecordingComm
    return counts


def rss_mib() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2 ** 20


def peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stats(values) -> dict:
    x = np.asarray(values, dtype=float) * 1000
    return {"median_ms": float(np.median(x)), "p95_ms": float(np.percentile(x, 95)),
            "max_ms": float(x.max()), "n": int(len(x))}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", default=str(ROOT / "artifacts" / "demo"))
    parser.add_argument("--switches", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--reference", choices=("all", "similar", "group"), default="all")
    parser.add_argument("--group", default='{"gender": "F", "age": [30, 40]}',
                        help="filters of the group reference (JSON)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--simulation", choices=("closed", "open"), default="closed",
                        help="the Simulation section closed (as the page opens) or open "
                             "(what_if and recourse on every switch)")
    parser.add_argument("--decision", choices=("any", "refused"), default="any",
                        help="draw the clients among all, or among the refused ones only")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)

    counts = install_recording_comm()
    started = time.perf_counter()
    from scoring_lib.dashboard import build_app
    from scoring_lib.scoring import Scorer

    scorer = Scorer.from_bundle(args.bundle)
    load_s = time.perf_counter() - started
    rss_loaded = rss_mib()
    t = time.perf_counter()
    app = build_app(scorer)
    build_s = time.perf_counter() - t
    if app.message.value:
        raise SystemExit(f"the app reports a problem at start: {app.message.value}")
    if args.reference != "all":
        if args.reference == "group":
            group = {k: tuple(v) if isinstance(v, list) else v
                     for k, v in json.loads(args.group).items()}
            app.set_filters(group)
        app.comparison.reference.value = args.reference
    if args.simulation == "open":
        app.simulation.set_open(True)
    rss_built = rss_mib()

    rng = np.random.default_rng(args.seed)
    ids = scorer.client_ids.to_numpy()
    pool = ids if args.decision == "any" else \
        scorer.clients.index[scorer.clients["decision"] == "refused"].to_numpy()
    chosen = rng.choice(pool, size=args.warmup + args.switches, replace=False)
    per_panel = {p: [] for p in PANELS}
    messages, sizes = [], []
    for i, cid in enumerate(chosen):
        before = dict(counts)
        if not app.show_client(int(cid)):
            raise SystemExit(f"client {cid}: {app.message.value}")
        if i < args.warmup:
            continue
        for p in PANELS:
            per_panel[p].append(app.timings.get(p, 0.0))  # 0: not computed this switch
        messages.append(counts["messages"] - before["messages"])
        sizes.append(counts["bytes"] - before["bytes"])

    t = time.perf_counter()
    app.set_lang("en")
    lang_s = time.perf_counter() - t
    app.set_lang("fr")
    t = time.perf_counter()
    app.comparison.reference.value = "similar" if args.reference != "similar" else "all"
    reference_s = time.perf_counter() - t

    result = {
        "bundle": str(args.bundle), "clients": int(len(ids)),
        "features": len(scorer.feature_names), "reference": args.reference,
        "simulation": args.simulation, "decision": args.decision,
        "switches": args.switches, "warmup": args.warmup,
        "load_s": load_s, "build_app_s": build_s,
        "switch": {p: stats(v) for p, v in per_panel.items()},
        "messages_per_switch": float(np.median(messages)),
        "kib_per_switch": float(np.median(sizes)) / 1024,
        "language_switch_ms": lang_s * 1000, "reference_switch_ms": reference_s * 1000,
        "rss_mib": {"loaded": rss_loaded, "app_built": rss_built, "after": rss_mib(),
                    "peak": peak_rss_mib()},
        "load_average": os.getloadavg(),
    }
    print(f"bundle {args.bundle}: {len(ids):,} clients, {len(scorer.feature_names)} features, "
          f"reference {args.reference}, simulation {args.simulation}, clients "
          f"{args.decision}; load average {result['load_average'][0]:.1f}")
    print(f"load Scorer {load_s:.2f} s, build app {build_s:.2f} s")
    print("| panel | median | p95 | max |")
    print("| --- | --- | --- | --- |")
    for p, s in result["switch"].items():
        print(f"| {p} | {s['median_ms']:.1f} ms | {s['p95_ms']:.1f} ms | {s['max_ms']:.1f} ms |")
    print(f"widget messages per switch: {result['messages_per_switch']:.0f} "
          f"({result['kib_per_switch']:.0f} KiB)")
    print(f"language switch {lang_s * 1000:.0f} ms, reference switch "
          f"{reference_s * 1000:.0f} ms")
    r = result["rss_mib"]
    print(f"RSS: {r['loaded']:.0f} MiB loaded, {r['app_built']:.0f} MiB app built, "
          f"{r['after']:.0f} MiB after the switches, peak {r['peak']:.0f} MiB")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
