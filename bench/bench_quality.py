"""Model quality before and after issue #16, on the same folds: CatBoost's AUC, PR-AUC, Brier
score, business cost at the chosen threshold, rounds and fit time.

Configurations (each cross-validated on the SAME stratified folds, seed 0, as the build):

* ``before``: the features of features-1 only (the feature file's columns that a
  features-1 file's metadata lists, ``--before-names``), ``--before-rounds`` fixed rounds
  (the demo's 150, ``scoring build``'s 300), CatBoost's own learning rate, no constraints;
* ``after``: every column of the feature file, early stopping on an inner 10 % of each
  fold's training rows (at most ``--cap`` rounds), the learning rate by size
  (``estimators.learning_rate_for``), the monotone constraints of ``monotone.py``;
* ``after_free``: ``after`` without the monotone constraints (their cost in AUC);
* ``es_f1``: ``after_free`` on the features-1 columns (the training changes alone).

A configuration may be changed with ``name:key=value,...`` (keys ``lr``: a number or
``own``; ``cap``; ``es``, ``mono``: 0 or 1; ``cols``: ``f1`` or ``f2``; ``patience``), e.g.
``after:lr=0.05``; ``mono=1`` drops the constraints of the external scores missing for more
than 5 % of the rows (``monotone.coherent_with_missing``, the build's choice), ``mono=2``
keeps every constraint of the rule; ``only=ext`` or ``only=dpd``: one rule alone. For each
table set (``app``: the application features alone — they do not depend on the child tables
— and ``all``) and configuration, one line: OOF AUC, fold sd, PR-AUC, Brier (raw and
calibrated as the build calibrates), the business cost per client at the threshold the build
chooses (calibrated cross-fitted OOF, exact search; cost_fn 10, cost_fp 1), the rounds each
fold kept and the final model's rounds, fit wall and CPU seconds summed over the folds.
``--json`` appends one JSON record per line.

    flock /tmp/heavy.lock .venv/bin/python bench/bench_quality.py \\
        --features bench/out/quality/features_demo.parquet \\
        --before-names /tmp/feat/features_full.parquet --before-rounds 150 --cap 1000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as in the build's notebook kernels

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASE = {
    "before": dict(cols="f1", es=0, lr="own", mono=0),
    "after": dict(cols="f2", es=1, lr="size", mono=1),
    "after_free": dict(cols="f2", es=1, lr="size", mono=0),
    "es_f1": dict(cols="f1", es=1, lr="size", mono=0),
}


def parse_config(text: str) -> tuple[str, dict]:
    name, _, rest = text.partition(":")
    if name not in BASE:
        raise SystemExit(f"unknown configuration {name!r}; known: {', '.join(BASE)}")
    config = dict(BASE[name])
    for item in filter(None, rest.split(",")):
        key, _, value = item.partition("=")
        config[key] = value
    return text, config


def feature_names(path) -> list[str]:
    from scoring_lib.features.cache import read_info

    info = read_info(path)
    if info is None:
        raise SystemExit(f"{path}: no feature metadata (expected a `scoring features` file)")
    return [r["feature"] for r in info["features"]]


def estimator(config: dict, n_train: int, before_rounds: int, cap: int, monotone: dict):
    from scoring_lib.model.training.estimators import CatBoostModel, learning_rate_for

    es = bool(int(config["es"]))
    lr = config["lr"]
    lr = None if lr == "own" else learning_rate_for(n_train) if lr == "size" else float(lr)
    rounds = int(config.get("cap", cap if es else before_rounds))
    return CatBoostModel(rounds, 6, learning_rate=lr, random_seed=0,
                         validation_fraction=0.1 if es else None,
                         early_stopping_rounds=int(config.get("patience", 50)),
                         monotone_constraints=monotone if int(config["mono"]) else None)


def run(args) -> None:
    from scoring_lib.model.training.cv import cross_validate, make_folds
    from scoring_lib.model.training.estimators import final_rounds
    from scoring_lib.model.training.monotone import (coherent_with_missing,
                                                     monotone_directions)
    from scoring_lib.model.training.train import load_training_data, select_model

    data, metadata = load_training_data(args.features, folds=args.folds)
    f1 = set(feature_names(args.before_names))
    fold = make_folds(data.y, args.folds, 0)
    tables = {"app": set(metadata.loc[metadata["table"] == "application", "feature"]),
              "all": set(data.features)}
    monotone = monotone_directions(metadata)
    print(f"# {args.features}: {data.n_train:,d} training clients, {len(data.features)} "
          f"features ({len(set(data.features) & f1)} of features-1), {args.folds} folds; "
          f"{len(monotone)} monotone constraints: "
          f"{sum(v < 0 for v in monotone.values())} decreasing, "
          f"{sum(v > 0 for v in monotone.values())} increasing", flush=True)
    print("| tables | configuration | features | constrained | AUC | fold sd | PR-AUC | "
          "Brier raw | Brier cal. | cost / client | threshold | refused | rounds per fold "
          "| final rounds | lr | fit wall s | fit CPU s |", flush=True)
    for table in args.tables:
        for text, config in map(parse_config, args.configs):
            keep = tables[table] & (f1 if config["cols"] == "f1" else set(data.features))
            cols = [c for c in data.features if c in keep]
            sub = replace(data, X=data.X[cols], features=cols,
                          categorical=[c for c in data.categorical if c in keep])
            mono = {k: v for k, v in monotone.items() if k in keep}
            if config.get("only"):  # "ext" (decreasing) or "dpd" (increasing) alone
                mono = {k: v for k, v in mono.items() if (v < 0) == (config["only"] == "ext")}
            if int(config["mono"]) == 2:  # every rule feature, however often missing
                pass
            elif int(config["mono"]) == 1:
                mono = coherent_with_missing(mono, sub.X)
            model = estimator(config, data.n_train, args.before_rounds, args.cap, mono)
            c0, t0 = time.process_time(), time.perf_counter()
            cv = cross_validate(sub, {"catboost": model}, fold=fold, cost_fn=10.0,
                                cost_fp=1.0)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            selection = select_model(cv)
            cal = selection.calibrated.loc["catboost"]
            m = cv.metrics.loc["catboost"]
            scores = cv.fold_scores
            rounds = [int(r) for r in scores["rounds"]]
            final = (final_rounds(scores["rounds"], scores["fit_rows"], data.n_train,
                                  model.iterations) if model.validation_fraction else
                     model.iterations)
            lr = "own" if model.learning_rate is None else model.learning_rate
            n_mono = len(mono) if model.monotone_constraints else 0
            print(f"| {table} | {text} | {len(cols)} | {n_mono} | {m['auc']:.4f} | "
                  f"{m['auc_fold_sd']:.4f} | {cal['pr_auc']:.4f} | {m['brier']:.4f} | "
                  f"{cal['brier']:.4f} | {cal['cost']:.4f} | {cal['threshold']:.4f} | "
                  f"{cal['refused']:.3f} | {'/'.join(map(str, rounds))} | {final} | {lr} | "
                  f"{wall:.0f} | {cpu:.0f} |", flush=True)
            if args.json:
                with open(args.json, "a") as fh:
                    fh.write(json.dumps({
                        "features_file": str(args.features), "n_train": data.n_train,
                        "folds": args.folds, "table": table, "config": text,
                        "features": len(cols), "constrained": n_mono,
                        "auc": m["auc"], "auc_fold_sd": m["auc_fold_sd"],
                        "pr_auc": cal["pr_auc"], "brier_raw": m["brier"],
                        "brier": cal["brier"], "calibration": selection.calibration,
                        "cost": cal["cost"], "threshold": cal["threshold"],
                        "refused": cal["refused"], "rounds": rounds, "final_rounds": final,
                        "learning_rate": lr, "fit_wall_s": wall, "fit_cpu_s": cpu,
                        "load": os.getloadavg()[0],
                        "fold_auc": [float(a) for a in scores["auc"]]}) + "\n")
            del sub, cv


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", required=True, help="a features-2 file")
    parser.add_argument("--before-names", required=True,
                        help="a features-1 file: its metadata names the 'before' columns")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--before-rounds", type=int, default=150,
                        help="fixed rounds before (demo 150, scoring build 300)")
    parser.add_argument("--cap", type=int, default=1000, help="most rounds after")
    parser.add_argument("--tables", nargs="+", default=["app", "all"], choices=["app", "all"])
    parser.add_argument("--configs", nargs="+", default=["before", "after", "after_free"])
    parser.add_argument("--json", help="append one JSON record per result to this file")
    run(parser.parse_args())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
