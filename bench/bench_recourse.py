"""Benchmark of the simulation verbs (issue #12): ``Scorer.what_if`` and ``Scorer.recourse``.

On ``--clients`` refused clients of a bundle, spread evenly over the refused probabilities
(the refused clients sorted by probability, every (n/clients)-th: deterministic), or the
``--clients`` refused clients closest to the threshold with ``--nearest``, after one warm-up
call not counted:

- recourse: time per client (median, p95, max, mean), share of clients with at least one
  option, validity (every option re-scored by ``what_if``: at or below the target and
  granted: must be 100 %), immutables (the re-scored option's features other than those
  derived from the actionable variables equal the stored ones), mean number of changed
  variables and mean relative change of the options;
- what_if: time per call for a 10 % smaller credit (median, p95);
- ``--wide``: for the clients without option, is it the model or the search? The lowest
  probability reachable by ANY point of a much finer and wider grid than the recourse's,
  within the observed ranges (:func:`wide_grid`: credit up or down over the whole observed
  range, every other month of the observed durations, the goods price / credit ratio over
  its observed range, ~10,000 points per client, scored in batches by
  :class:`ClientFunction`), and the distribution of (that lowest probability - target);
- ``--dice N``: dice-ml side by side on N of those clients (every (clients/N)-th), its
  random and genetic methods, run by ``bench/bench_dice.py`` in the Python given by
  ``--dice-python`` (a separate venv with dice-ml: see that file), with our recourse's
  numbers on the same N clients.

    .venv/bin/python bench/bench_recourse.py --bundle artifacts/demo --clients 100
    .venv/bin/python bench/bench_recourse.py --bundle artifacts/demo --clients 50 --nearest
    flock /tmp/heavy.lock .venv/bin/python bench/bench_recourse.py \\
        --bundle /tmp/full/scoring-full --clients 1000 --wide \\
        --dice 100 --dice-python /tmp/dice-venv/bin/python --json /tmp/recourse-full.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from scoring_lib.data.schema import KEY
from scoring_lib.decision import GRANTED, REFUSED
from scoring_lib.scoring import RECOURSE_MARGIN, Scorer

HERE = Path(__file__).resolve().parent


def refused_clients(bundle, n: int, nearest: bool) -> list[int]:
    scores = pd.read_parquet(f"{bundle}/scores.parquet")
    refused = scores[scores["DECISION"] == REFUSED].sort_values("PROBA", kind="stable")
    ids = refused[KEY].to_numpy()
    if nearest:
        return [int(i) for i in ids[:n]]
    return [int(i) for i in ids[np.linspace(0, len(ids) - 1, min(n, len(ids))).astype(int)]]


def summary(seconds: list[float]) -> dict:
    ms = np.asarray(seconds) * 1000
    return {"median_ms": float(np.median(ms)), "p95_ms": float(np.percentile(ms, 95)),
            "max_ms": float(ms.max()), "mean_ms": float(ms.mean())}


class ClientFunction:
    """The bundle's model as a function of some raw application columns of ONE client, every
    other input as stored: ``fn(frame) -> probabilities``, one per row of ``frame`` (columns:
    raw application columns, e.g. AMT_CREDIT, AMT_ANNUITY, AMT_GOODS_PRICE). The rows are
    re-featurised by the feature layer's ``application_features`` (as ``what_if``) and every
    model feature derived from ``columns`` is replaced; scored in one CatBoost batch from a
    DataFrame (faster than ``Scorer._simulated_rows``' lists for thousands of rows, the same
    result: :func:`check_function`)."""

    def __init__(self, scorer, client_id, columns):
        from scoring_lib.features.application import application_metadata

        self.scorer = scorer
        self.pos = scorer._position(client_id)
        self.application = scorer._application(self.pos)
        columns = set(columns)
        self.names = [f.feature for f in application_metadata()
                      if set(f.derived_from) & columns and f.feature in scorer.feature_names]
        self.template = pd.DataFrame([scorer._catboost_row(scorer._row(self.pos))],
                                     columns=scorer.feature_names)
        cats = {scorer.feature_names[i] for i in scorer._cat_indices}
        self.categorical = [n in cats for n in self.names]

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        from catboost import Pool

        from scoring_lib.features.application import application_features

        n = len(frame)
        apps = self.application.iloc[[0] * n].reset_index(drop=True)
        for c in frame.columns:
            apps[c] = frame[c].to_numpy()
        derived = application_features(apps)
        rows = self.template.iloc[[0] * n].reset_index(drop=True)
        missing = self.scorer._missing_category
        for name, is_cat in zip(self.names, self.categorical):
            col = derived[name]
            if is_cat:
                rows[name] = [missing if v is None or v is pd.NA or v != v else str(v)
                              for v in col.tolist()]
            else:
                rows[name] = col.to_numpy(dtype=np.float64, na_value=np.nan)
        pool = Pool(rows, cat_features=self.scorer._cat_indices)
        raw = self.scorer._model.predict(pool, prediction_type="RawFormulaVal", thread_count=1)
        return np.atleast_1d(self.scorer.to_probability(np.asarray(raw, dtype=np.float64)))


RAW = ("AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE")


def check_function(scorer, ids) -> None:
    """:class:`ClientFunction` gives exactly the stored score with no change and exactly
    ``what_if``'s probability for a few changes (else the comparison is not fair)."""
    for cid in ids:
        fn = ClientFunction(scorer, cid, RAW)
        base = scorer.what_if(cid, {}).values
        variants = [{}, {"AMT_CREDIT": round(base["AMT_CREDIT"] * 0.8)}]
        if math.isfinite(base["AMT_ANNUITY"]) and base["AMT_ANNUITY"] > 0:
            variants.append({"DURATION_MONTHS": 20})
        for changes in variants:
            try:
                w = scorer.what_if(cid, changes)
            except ValueError:
                continue
            p = fn(pd.DataFrame([w.values]))[0]
            if abs(p - w.probability) > 1e-12:
                raise AssertionError(f"client {cid}, {changes}: ClientFunction {p} != what_if "
                                     f"{w.probability}")
        if abs(fn(pd.DataFrame([base]))[0] - scorer.score(cid).probability) > 1e-12:
            raise AssertionError(f"client {cid}: ClientFunction != stored score")


def wide_grid(base: dict, ranges: dict) -> pd.DataFrame:
    """Raw variants of one application over a fine, wide grid within the observed ranges:
    the credit at 31 log-spaced amounts over its whole observed range (up and down) and the
    client's own, the duration every other month of the observed range and the client's own,
    the goods price / credit ratio at 9 points of its observed range and the client's own;
    variants whose instalment or goods price falls outside the observed ranges dropped."""
    credit, annuity, goods = (base[c] for c in RAW)
    credits = np.union1d(np.geomspace(*ranges["AMT_CREDIT"], 31), [credit])
    lo, hi = ranges["DURATION_MONTHS"]
    months = np.arange(math.ceil(lo), hi + 1, 2.0)
    if math.isfinite(annuity) and annuity > 0:
        months = np.union1d(months, [credit / annuity])
    ratios = np.array([math.nan])
    if math.isfinite(goods) and credit > 0:
        ratios = np.union1d(np.linspace(*ranges["GOODS_PRICE_CREDIT_PERC"], 9), [goods / credit])
    c, m, r = (a.ravel() for a in np.meshgrid(credits, months, ratios, indexing="ij"))
    frame = pd.DataFrame({"AMT_CREDIT": c, "AMT_ANNUITY": c / m, "AMT_GOODS_PRICE": c * r})
    keep = frame["AMT_ANNUITY"].between(*ranges["AMT_ANNUITY"])
    if not np.isnan(ratios).all():
        keep &= frame["AMT_GOODS_PRICE"].between(*ranges["AMT_GOODS_PRICE"])
    return frame[keep.to_numpy()].reset_index(drop=True)


def lowest_reachable(scorer, cid) -> dict:
    """The lowest probability over :func:`wide_grid` for one client, and where."""
    fn = ClientFunction(scorer, cid, RAW)
    base = scorer.what_if(cid, {}).values
    frame = wide_grid(base, scorer.simulation_ranges)
    p = fn(frame)
    i = int(np.argmin(p))
    best = frame.iloc[i]
    not_raised = (frame["AMT_CREDIT"] <= base["AMT_CREDIT"]).to_numpy()
    return {"client_id": cid, "probability": scorer.score(cid).probability,
            "lowest": float(p[i]), "points": len(frame),
            "credit_factor": float(best["AMT_CREDIT"] / base["AMT_CREDIT"]),
            "months": float(best["AMT_CREDIT"] / best["AMT_ANNUITY"]),
            "lowest_credit_not_raised": float(p[not_raised].min()) if not_raised.any()
            else math.nan}


def quantiles(x) -> dict:
    x = np.asarray(x, dtype=np.float64)
    qs = (0, 5, 25, 50, 75, 95, 100)
    return {f"p{q}": float(np.percentile(x, q)) for q in qs} if x.size else {}


def run_dice(args, ids: list[int]) -> dict:
    """bench/bench_dice.py in ``--dice-python`` on ``ids``; its JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dice.json"
        command = [args.dice_python, str(HERE / "bench_dice.py"), "--bundle", str(args.bundle),
                   "--ids", ",".join(map(str, ids)), "--budget", str(args.dice_budget),
                   "--margin", str(args.margin),
                   "--json", str(out)]
        subprocess.run(command, check=True)
        return json.loads(out.read_text())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", required=True)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--nearest", action="store_true",
                        help="the refused clients closest to the threshold")
    parser.add_argument("--wide", action="store_true",
                        help="lowest probability over a wide grid for clients without option")
    parser.add_argument("--dice", type=int, default=0,
                        help="dice-ml side by side on this many of the clients")
    parser.add_argument("--dice-python", default="/tmp/dice-venv/bin/python")
    parser.add_argument("--dice-budget", type=float, default=5.0,
                        help="seconds at most per client and DiCE method")
    parser.add_argument("--margin", type=float, default=RECOURSE_MARGIN,
                        help="the recourse margin below the threshold (default: the Scorer's)")
    parser.add_argument("--json", default=None, help="also write the results there")
    args = parser.parse_args(argv)

    load_before = os.getloadavg()[0]
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
          f"{load_before:.2f} ({os.cpu_count()} CPUs)", flush=True)
    started = time.perf_counter()
    scorer = Scorer.from_bundle(args.bundle)
    load_s = time.perf_counter() - started
    ids = refused_clients(args.bundle, args.clients, args.nearest)
    target = scorer.threshold * (1 - args.margin)
    scorer.recourse(ids[0], margin=args.margin)  # warm-up: ranges, model, caches

    from scoring_lib.simulation import DERIVED

    kept = [f for f in scorer.feature_names if f not in DERIVED]
    times, valid, checked, n_vars, changes, moved = [], 0, 0, [], [], 0
    per_client = {}
    for cid in ids:
        t = time.perf_counter()
        result = scorer.recourse(cid, margin=args.margin)
        times.append(time.perf_counter() - t)
        per_client[cid] = {"seconds": times[-1], "options": len(result.options),
                           "variables": [len(o.changes) for o in result.options]}
        if result.options:
            stored = scorer.features(cid)[kept]
        for option in result.options:
            again = scorer.what_if(cid, option.changes)
            checked += 1
            valid += again.probability <= target and again.decision == GRANTED
            moved += not all((a is None and b is None) or a == b or (a != a and b != b)
                             for a, b in zip(again.features[kept], stored))
            n_vars.append(len(option.changes))
            changes.append(option.change)
    with_option = sum(r["options"] > 0 for r in per_client.values())

    what_if_times = []
    for cid in ids:
        credit = float(scorer.what_if(cid, {}).values["AMT_CREDIT"])
        t = time.perf_counter()
        scorer.what_if(cid, {"AMT_CREDIT": round(credit * 0.9, 2)})
        what_if_times.append(time.perf_counter() - t)

    out = {"bundle": str(args.bundle), "clients": len(ids), "nearest": args.nearest,
           "margin": args.margin,
           "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "load_s": load_s, "threshold": scorer.threshold, "target": target,
           "recourse": summary(times), "with_option": with_option,
           "options": checked, "valid": valid, "immutables_changed": moved,
           "mean_variables": float(np.mean(n_vars)) if n_vars else None,
           "mean_relative_change": float(np.mean(changes)) if changes else None,
           "what_if": summary(what_if_times)}
    r, w = out["recourse"], out["what_if"]
    print(f"{len(ids)} refused clients ({'nearest the threshold' if args.nearest else 'spread'})"
          f", threshold {scorer.threshold:.4f}, target {target:.4f} (margin {args.margin:.0%})"
          f", Scorer loaded in "
          f"{load_s:.2f} s")
    print(f"recourse: median {r['median_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, max "
          f"{r['max_ms']:.0f} ms, mean {r['mean_ms']:.0f} ms; at least one option: "
          f"{with_option}/{len(ids)}; valid options {valid}/{checked}; immutables changed "
          f"{moved}; mean variables {out['mean_variables']}, mean relative change "
          f"{out['mean_relative_change']}")
    print(f"what_if (credit -10 %): median {w['median_ms']:.1f} ms, p95 {w['p95_ms']:.1f} ms",
          flush=True)

    if args.wide:
        check_function(scorer, ids[:: max(1, len(ids) // 5)])
        t = time.perf_counter()
        without = [cid for cid in ids if per_client[cid]["options"] == 0]
        lows = [lowest_reachable(scorer, cid) for cid in without]
        gap = [x["lowest"] - target for x in lows]
        out["wide"] = {
            "clients_without_option": len(without), "seconds": time.perf_counter() - t,
            "mean_points": float(np.mean([x["points"] for x in lows])) if lows else None,
            "reach_target": sum(g <= 0 for g in gap),
            "reach_target_credit_not_raised": sum(x["lowest_credit_not_raised"] <= target
                                                  for x in lows),
            "reach_threshold": sum(x["lowest"] < scorer.threshold for x in lows),
            "gap_quantiles": quantiles(gap),
            "relative_drop_quantiles": quantiles([(x["probability"] - x["lowest"])
                                                  / x["probability"] for x in lows]),
            "best_needs_bigger_credit": sum(x["credit_factor"] > 1 for x in lows),
            "per_client": lows}
        # the drop needed, (p - target) / p, beside the drop reachable
        out["wide"]["needed_drop_quantiles"] = quantiles(
            [(x["probability"] - target) / x["probability"] for x in lows])
        wd = out["wide"]
        print(f"wide grid ({wd['mean_points']:.0f} points per client, {wd['seconds']:.0f} s) on "
              f"the {len(without)} clients without option: target reachable for "
              f"{wd['reach_target']} ({wd['reach_target_credit_not_raised']} without a bigger "
              f"credit), threshold for {wd['reach_threshold']}; best point with a bigger credit "
              f"{wd['best_needs_bigger_credit']}; lowest - target "
              + ", ".join(f"{k} {v:+.4f}" for k, v in wd["gap_quantiles"].items())
              + "; relative drop reachable "
              + ", ".join(f"{k} {v:.1%}" for k, v in wd["relative_drop_quantiles"].items())
              + "; relative drop needed "
              + ", ".join(f"{k} {v:.1%}" for k, v in wd["needed_drop_quantiles"].items()),
              flush=True)

    if args.dice:
        subset = ids[:: max(1, len(ids) // args.dice)][: args.dice]
        ours = [per_client[c] for c in subset]
        out["ours_on_dice_clients"] = {
            "clients": len(subset), "time": summary([x["seconds"] for x in ours]),
            "with_option": sum(x["options"] > 0 for x in ours),
            "options": sum(x["options"] for x in ours),
            "mean_variables": (float(np.mean([v for x in ours for v in x["variables"]]))
                               if any(x["variables"] for x in ours) else None)}
        o = out["ours_on_dice_clients"]
        print(f"ours on the same {len(subset)} clients: median {o['time']['median_ms']:.0f} ms, "
              f"p95 {o['time']['p95_ms']:.0f} ms; with an option {o['with_option']}, options "
              f"{o['options']}", flush=True)
        out["dice"] = run_dice(args, subset)

    out["load_average_before"] = load_before
    out["load_average_after"] = os.getloadavg()[0]
    print(f"load average after: {out['load_average_after']:.2f}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(out, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
