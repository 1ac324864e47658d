"""dice-ml (DiCE 0.12, the reference counterfactual library) on the same clients, the same
CatBoost model and the same actionable variables as ``Scorer.recourse`` (issue #12).

Run by ``bench/bench_recourse.py --dice N --dice-python PY`` (side by side, same run), or
alone; it needs a Python with dice-ml, which the project does not depend on: a separate venv
holding the project's locked stack plus dice-ml, the project on its path (no change to
pyproject.toml / requirements.lock)::

    build/bootstrap/bin/uv venv /tmp/dice-venv --python .venv/bin/python
    build/bootstrap/bin/uv pip install --python /tmp/dice-venv/bin/python \\
        -r requirements.lock dice-ml==0.12
    echo "$PWD" > "$(/tmp/dice-venv/bin/python -c 'import site; print(site.getsitepackages()[0])')/scoring.pth"
    /tmp/dice-venv/bin/python bench/bench_dice.py --bundle B --ids 100002,100003 --json out.json

**How DiCE sees the model (the fairness choices).** DiCE works on a model over a data
frame. Its frame holds, for one client, the three actionable variables our recourse searches
(``AMT_CREDIT``, ``DURATION_MONTHS``, ``AMT_GOODS_PRICE``: the same names ``what_if``
takes) and seven immutable raw application columns the model uses (:data:`IMMUTABLE`:
gender, age, income, employment, children, two external scores; a column the client lacks
is left out for that client: DiCE cannot hold a missing value). The model DiCE calls
(:class:`bench_recourse.ClientFunction`) puts the frame's values into the client's raw
application (``AMT_ANNUITY = AMT_CREDIT / DURATION_MONTHS``), re-featurises it with the
feature layer's own ``application_features`` (the function ``what_if`` uses), replaces every
model feature derived from those columns in the client's stored features (child-table
aggregates stay as stored) and scores it with the bundle's CatBoost model and calibration:
on the actionable variables it is exactly ``what_if``'s model (checked at start), and an
immutable DiCE changed would really move the score (so that the check of immutables means
something). DiCE's decision is at 0.5; the wrapper returns
``sigmoid(logit(p) - logit(target))``, the model's log-odds re-centred on our target
(``threshold * (1 - margin)``, the target of ``Scorer.recourse``), so that DiCE's "class 0"
is exactly "granted with the margin" and its genetic loss sees the same ordering.

DiCE's data (MADs, KD-tree of the genetic method) is 2,000 training clients drawn with a
fixed seed, their raw columns; ``features_to_vary`` is the actionable variables; the
permitted ranges are ours (:attr:`Scorer.simulation_ranges`), the credit capped at the
client's own amount (our recourse never raises it); ``total_CFs=3`` (our ``max_options``);
seeds fixed. Each DiCE call is capped at ``--budget`` seconds (SIGALRM; DiCE's genetic
random initialisation loops until it finds valid points, forever when there are none):
a timeout counts as "no counterfactual".

**What is measured**, for each method: time per client (the whole call: DiCE objects and
generation), timeouts, clients with at least one counterfactual, counterfactuals returned;
*validity*: each counterfactual re-scored by ``Scorer.what_if`` (the variables DiCE changed;
a changed credit is given with the goods price DiCE kept) at or below the target — a
counterfactual ``what_if`` refuses (a value or ratio outside the observed ranges) is
invalid; *sparsity*: actionable variables changed (beyond the rounding: 1 currency unit,
0.05 month); *immutables*: returned rows whose immutable columns differ from the client's.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import random
import signal
import sys
import time
import traceback

os.environ.setdefault("TQDM_DISABLE", "1")  # DiCE's progress bars

import numpy as np
import pandas as pd

from bench_recourse import ClientFunction, summary
from scoring_lib.decision import GRANTED
from scoring_lib.scoring import RECOURSE_MARGIN, Scorer
from scoring_lib.simulation import WhatIfError
from scoring_lib.simulation.levers import ANNUITY, CREDIT, DURATION, GOODS, GOODS_RATIO

ACTIONABLE = (CREDIT, DURATION, GOODS)
#: immutable raw application columns put in DiCE's frame (not to be varied)
IMMUTABLE = ("CODE_GENDER", "DAYS_BIRTH", "AMT_INCOME_TOTAL", "DAYS_EMPLOYED", "CNT_CHILDREN",
             "EXT_SOURCE_2", "EXT_SOURCE_3")
CATEGORICAL = ("CODE_GENDER",)
PRECISION = {CREDIT: 0, DURATION: 1, GOODS: 0, "DAYS_BIRTH": 0, "AMT_INCOME_TOTAL": 0,
             "DAYS_EMPLOYED": 0, "CNT_CHILDREN": 0, "EXT_SOURCE_2": 6, "EXT_SOURCE_3": 6}
TOLERANCE = {CREDIT: 1.0, GOODS: 1.0, DURATION: 0.05}
DATA_ROWS = 2000
SEED = 0
OUTCOME = "REFUSED"
METHODS = ("random", "genetic")


class Timeout(BaseException):
    """A DiCE call past its budget (BaseException: DiCE's own ``except Exception`` must not
    swallow it). ``where``: the innermost DiCE function running then."""

    where = None


def _alarm(signum, frame):
    raise Timeout()


def dice_data(scorer, columns: tuple):
    """DiCE's ``Data``: :data:`DATA_ROWS` training clients (fixed seed), ``columns``."""
    import dice_ml

    raw = [c for c in columns if c != DURATION]
    apps = scorer.bundle.get_application_columns(sorted(set(raw) | {ANNUITY, CREDIT}))
    apps = apps.reindex(scorer.client_ids)
    train = (scorer.clients["SAMPLE"] == "train").to_numpy()
    frame = apps[train].copy()
    frame[DURATION] = frame[CREDIT] / frame[ANNUITY]
    frame[OUTCOME] = (scorer.clients.loc[train, "decision"] != GRANTED).astype(int).to_numpy()
    frame = frame[list(columns) + [OUTCOME]].dropna()
    frame = frame.sample(n=min(DATA_ROWS, len(frame)), random_state=SEED)
    for c in columns:
        if c in CATEGORICAL:
            frame[c] = frame[c].astype(str)
        else:
            frame[c] = frame[c].astype(np.float64).round(PRECISION[c])
    continuous = [c for c in columns if c not in CATEGORICAL]
    return dice_ml.Data(dataframe=frame.reset_index(drop=True), continuous_features=continuous,
                        outcome_name=OUTCOME,
                        continuous_features_precision={c: PRECISION[c] for c in continuous})


class DiceModel:
    """The client's model as DiCE calls it (``predict_proba`` / ``predict`` on its frame)."""

    def __init__(self, function: ClientFunction, target: float):
        self.function = function
        self.shift = math.log(target / (1 - target))
        self.calls = 0

    def probabilities(self, frame: pd.DataFrame) -> np.ndarray:
        raw = frame.copy()
        if DURATION in raw:
            raw[ANNUITY] = raw[CREDIT].astype(np.float64) / raw[DURATION].astype(np.float64)
            raw = raw.drop(columns=[DURATION])
        self.calls += 1
        return self.function(raw)

    def predict_proba(self, frame) -> np.ndarray:
        p = np.clip(self.probabilities(pd.DataFrame(frame)), 1e-12, 1 - 1e-12)
        q = 1 / (1 + np.exp(-(np.log(p / (1 - p)) - self.shift)))
        return np.column_stack([1 - q, q])

    def predict(self, frame) -> np.ndarray:
        return (self.predict_proba(frame)[:, 1] > 0.5).astype(int)


def client_frame(scorer, cid) -> tuple[pd.DataFrame, tuple, tuple]:
    """The client's one-row DiCE frame, its actionable and immutable columns."""
    application = scorer._application(scorer._position(cid)).iloc[0]
    values, actionable, immutable = {}, [], []
    credit, annuity, goods = (float(application[c]) if pd.notna(application[c]) else math.nan
                              for c in (CREDIT, ANNUITY, GOODS))
    values[CREDIT] = credit
    actionable.append(CREDIT)
    if math.isfinite(annuity) and annuity > 0:
        values[DURATION] = credit / annuity
        actionable.append(DURATION)
    if math.isfinite(goods):
        values[GOODS] = goods
        actionable.append(GOODS)
    for c in IMMUTABLE:
        if pd.notna(application[c]):
            values[c] = str(application[c]) if c in CATEGORICAL else float(application[c])
            immutable.append(c)
    return pd.DataFrame([values]), tuple(actionable), tuple(immutable)


def run_dice(data, model, query, actionable, permitted, method, budget):
    """DiCE's counterfactual rows (or None) and ``None`` or, on a timeout, the DiCE function
    it was in. DiCE's "no counterfactual found" exception is an empty answer."""
    import dice_ml
    from raiutils.exceptions import UserConfigValidationException  # dice-ml raises it

    random.seed(SEED)
    np.random.seed(SEED)
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, budget)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            explainer = dice_ml.Dice(data, dice_ml.Model(model=model, backend="sklearn",
                                                         model_type="classifier"),
                                     method=method)
            kwargs = {"random_seed": SEED} if method == "random" else {}
            result = explainer.generate_counterfactuals(
                query, total_CFs=3, desired_class=0, features_to_vary=list(actionable),
                permitted_range=permitted, verbose=False, **kwargs)
        examples = result.cf_examples_list[0]
        rows = examples.final_cfs_df_sparse
        if rows is None:
            rows = examples.final_cfs_df
        return rows, None
    except UserConfigValidationException as e:
        if "No counterfactuals found" in str(e):
            return None, None
        raise
    except Timeout as e:
        frames = [f.name for f in traceback.extract_tb(e.__traceback__)
                  if "explainer_interfaces" in f.filename]
        return None, frames[-1] if frames else "?"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def same(a, b, column) -> bool:
    if column in CATEGORICAL:
        return str(a) == str(b)
    return abs(float(a) - float(b)) <= 0.5 * 10 ** -PRECISION[column] + 1e-9


def judge(scorer, model, cid, query, row, actionable, immutable, target) -> dict:
    """One DiCE counterfactual: variables changed, immutables kept, valid once re-scored by
    ``what_if``; ``model_probability``: the probability of DiCE's row as DiCE's model sees it
    (no plausibility check: what DiCE itself promises)."""
    base = query.iloc[0]
    changed = [c for c in actionable if abs(float(row[c]) - float(base[c])) > TOLERANCE[c]]
    moved = [c for c in immutable if not same(row[c], base[c], c)]
    changes = {c: float(row[c]) for c in changed}
    if CREDIT in changes and GOODS in actionable and GOODS not in changes:
        changes[GOODS] = float(base[GOODS])         # DiCE kept the goods price
    out = {"changed": changed, "immutables_changed": moved,
           "model_probability": float(model.probabilities(row.to_frame().T[query.columns])[0]),
           "relative_change": float(sum(abs(float(row[c]) - float(base[c])) / float(base[c])
                                        for c in changed)),
           "valid": False, "refused_by_what_if": None, "probability": None}
    if moved or not changed:
        return out
    try:
        w = scorer.what_if(cid, changes)
    except WhatIfError as error:
        out["refused_by_what_if"] = str(error)
        return out
    out["probability"] = w.probability
    out["valid"] = bool(w.probability <= target and w.decision == GRANTED)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", required=True)
    parser.add_argument("--ids", required=True, help="client ids, comma-separated")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--budget", type=float, default=5.0,
                        help="seconds at most per client and method (default 5)")
    parser.add_argument("--margin", type=float, default=RECOURSE_MARGIN)
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)

    import warnings
    warnings.filterwarnings("ignore")
    scorer = Scorer.from_bundle(args.bundle)
    target = scorer.threshold * (1 - args.margin)
    ranges = scorer.simulation_ranges
    ids = [int(x) for x in args.ids.split(",") if x]
    datas: dict[tuple, object] = {}
    results = {}
    for method in args.methods.split(","):
        per_client, times = [], []
        for cid in ids:
            started = time.perf_counter()
            query, actionable, immutable = client_frame(scorer, cid)
            columns = actionable + immutable
            if columns not in datas:
                datas[columns] = dice_data(scorer, columns)
            function = ClientFunction(scorer, cid, [c for c in columns if c != DURATION]
                                      + ([ANNUITY] if DURATION in columns else []))
            model = DiceModel(function, target)
            permitted = {CREDIT: [ranges[CREDIT][0], float(query[CREDIT].iloc[0])]}
            if DURATION in actionable:
                permitted[DURATION] = list(ranges[DURATION])
            if GOODS in actionable:
                permitted[GOODS] = list(ranges[GOODS])
            error = None
            try:
                rows, where = run_dice(datas[columns], model, query, actionable, permitted,
                                           method, args.budget)
            except Exception as e:  # noqa: BLE001 - DiCE's own failures are counted
                rows, where, error = None, None, f"{type(e).__name__}: {e}"[:200]
            seconds = time.perf_counter() - started
            times.append(seconds)
            judged = [] if rows is None else [
                judge(scorer, model, cid, query, row, actionable, immutable, target)
                for _, row in rows.iterrows()]
            per_client.append({"client_id": cid, "seconds": seconds, "timed_out": where is not None, "timed_out_in": where,
                               "error": error, "model_calls": model.calls,
                               "counterfactuals": judged})
        cfs = [c for r in per_client for c in r["counterfactuals"]]
        valid = [c for c in cfs if c["valid"]]
        results[method] = {
            "clients": len(ids), "time": summary(times),
            "mean_s": float(np.mean(times)),
            "timeouts": sum(r["timed_out"] for r in per_client),
            "timed_out_in": sorted({r["timed_out_in"] for r in per_client if r["timed_out"]}),
            "model_calls_mean": float(np.mean([r["model_calls"] for r in per_client])),
            "errors": sum(r["error"] is not None for r in per_client),
            "with_counterfactual": sum(bool(r["counterfactuals"]) for r in per_client),
            "with_valid": sum(any(c["valid"] for c in r["counterfactuals"])
                              for r in per_client),
            "counterfactuals": len(cfs), "valid": len(valid),
            "valid_for_dice_model": sum(c["model_probability"] <= target for c in cfs),
            "refused_by_what_if": sum(c["refused_by_what_if"] is not None for c in cfs),
            "immutables_changed": sum(bool(c["immutables_changed"]) for c in cfs),
            "mean_variables": float(np.mean([len(c["changed"]) for c in cfs])) if cfs else None,
            "mean_relative_change": (float(np.mean([c["relative_change"] for c in cfs]))
                                     if cfs else None),
            "per_client": per_client}
        r = results[method]
        print(f"dice {method}: {len(ids)} clients, median {r['time']['median_ms'] / 1000:.2f} s"
              f", p95 {r['time']['p95_ms'] / 1000:.2f} s, timeouts {r['timeouts']} (in "
              f"{', '.join(r['timed_out_in']) or '-'}), errors "
              f"{r['errors']}; with a counterfactual {r['with_counterfactual']}; "
              f"counterfactuals {r['counterfactuals']} (at or below the target for DiCE's model "
              f"{r['valid_for_dice_model']}), valid once re-scored by what_if {r['valid']}, "
              f"refused by what_if "
              f"{r['refused_by_what_if']}, immutables changed {r['immutables_changed']}",
              flush=True)
    out = {"bundle": str(args.bundle), "target": target, "budget_s": args.budget,
           "ranges": {k: list(v) for k, v in ranges.items() if k != GOODS_RATIO},
           "methods": results}
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(out, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
