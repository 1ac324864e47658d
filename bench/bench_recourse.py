"""Benchmark of the simulation verbs (issue #12): ``Scorer.what_if`` and ``Scorer.recourse``.

On ``--clients`` refused clients of a bundle, spread evenly over the refused probabilities
(or the ``--clients`` refused clients closest to the threshold with ``--nearest``), after one
warm-up call not counted:

- recourse: time per client (median, p95, max), share of clients with at least one option,
  validity (every option re-scored by ``what_if`` below the threshold: must be 100 %), mean
  number of changed variables and mean relative change of the options;
- what_if: time per call for a 10 % smaller credit (median, p95).

    .venv/bin/python bench/bench_recourse.py --bundle artifacts/demo --clients 100
    .venv/bin/python bench/bench_recourse.py --bundle artifacts/demo --clients 50 --nearest

Not yet here (issue #12): the full-scale run on 1,000 refused clients and the side-by-side
comparison with dice-ml.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd

from scoring_lib.data.schema import KEY
from scoring_lib.decision import REFUSED
from scoring_lib.scoring import Scorer


def refused_clients(bundle, n: int, nearest: bool) -> list[int]:
    scores = pd.read_parquet(f"{bundle}/scores.parquet")
    refused = scores[scores["DECISION"] == REFUSED].sort_values("PROBA")
    ids = refused[KEY].to_numpy()
    if nearest:
        return [int(i) for i in ids[:n]]
    return [int(i) for i in ids[np.linspace(0, len(ids) - 1, min(n, len(ids))).astype(int)]]


def summary(seconds: list[float]) -> dict:
    ms = np.asarray(seconds) * 1000
    return {"median_ms": float(np.median(ms)), "p95_ms": float(np.percentile(ms, 95)),
            "max_ms": float(ms.max())}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", required=True)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--nearest", action="store_true",
                        help="the refused clients closest to the threshold")
    parser.add_argument("--json", default=None, help="also write the results there")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    scorer = Scorer.from_bundle(args.bundle)
    load_s = time.perf_counter() - started
    ids = refused_clients(args.bundle, args.clients, args.nearest)
    scorer.recourse(ids[0])  # warm-up: ranges, model, caches

    times, with_option, valid, checked, n_vars, changes = [], 0, 0, 0, [], []
    for cid in ids:
        t = time.perf_counter()
        result = scorer.recourse(cid)
        times.append(time.perf_counter() - t)
        with_option += bool(result.options)
        for option in result.options:
            again = scorer.what_if(cid, option.changes)
            checked += 1
            valid += again.probability < scorer.threshold and again.decision != REFUSED
            n_vars.append(len(option.changes))
            changes.append(option.change)

    what_if_times = []
    for cid in ids:
        credit = float(scorer.what_if(cid, {}).values["AMT_CREDIT"])
        t = time.perf_counter()
        scorer.what_if(cid, {"AMT_CREDIT": round(credit * 0.9, 2)})
        what_if_times.append(time.perf_counter() - t)

    out = {"bundle": str(args.bundle), "clients": len(ids), "nearest": args.nearest,
           "load_s": load_s, "threshold": scorer.threshold,
           "recourse": summary(times), "with_option": with_option,
           "options": checked, "valid": valid,
           "mean_variables": float(np.mean(n_vars)) if n_vars else None,
           "mean_relative_change": float(np.mean(changes)) if changes else None,
           "what_if": summary(what_if_times)}
    r, w = out["recourse"], out["what_if"]
    print(f"{len(ids)} refused clients ({'nearest the threshold' if args.nearest else 'spread'})"
          f", threshold {scorer.threshold:.4f}, Scorer loaded in {load_s:.2f} s")
    print(f"recourse: median {r['median_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, max "
          f"{r['max_ms']:.0f} ms; at least one option: {with_option}/{len(ids)}; valid "
          f"options {valid}/{checked}; mean variables {out['mean_variables']}, mean relative "
          f"change {out['mean_relative_change']}")
    print(f"what_if (credit -10 %): median {w['median_ms']:.1f} ms, p95 {w['p95_ms']:.1f} ms")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(out, handle, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
