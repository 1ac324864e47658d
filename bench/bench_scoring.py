"""Benchmark of ``scoring_lib.scoring.Scorer`` on a bundle: load, score + explain, similar
clients, group comparison, memory.

Targets (full scale, 356,255 clients, 2 cores): load < 5 s, score + explain p95 < 50 ms,
similar clients p95 < 50 ms, group comparison p95 < 200 ms, process RSS < 500 MiB.

With ``--bundle DIR`` it measures that bundle (e.g. one written by ``scoring build``).
Otherwise it measures ``<out>/scoring-<size>``, assembling it first if absent: synthetic
tables (``--data``: a folder of raw files instead, e.g. written by ``scoring synth``),
features (``--features``: a file of ``scoring features`` instead), a CatBoost model of
``--iterations`` trees (depth 6, as ``scoring build``) trained on ``--train-sample`` training
clients (scoring speed depends on the model's size, not on how many clients it was trained
on), Platt calibration, the threshold of least business cost (10:1), then the model package's
own writers (no notebooks). The measurement always runs in a fresh process, so that its load
time and memory are those of a dashboard process.

    .venv/bin/python bench/bench_scoring.py                       # 20,000 clients
    .venv/bin/python bench/bench_scoring.py --clients full        # 307,511 + 48,744
    .venv/bin/python bench/bench_scoring.py --bundle artifacts/demo --queries 500
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from scoring_lib.data.schema import KEY, TARGET

ROOT = Path(__file__).resolve().parents[1]
FULL = (307_511, 48_744)
GROUPS = ({"gender": "F", "age": (30, 40)},
          {"family_status": "Married", "income_type": "Working", "credit": (200_000, None)},
          {"education": "Higher education", "contract_type": "Cash loans"},
          {"decision": "refused"},
          {"age": (50, None), "income": (None, 150_000)})


def sizes_of(item: str) -> tuple[int, int]:
    return FULL if item == "full" else (int(item), max(int(item) // 6, 1))


# ----------------------------------------------------------------------- assembling
def make_bundle(out: Path, clients: str, data: str | None, features: str | None,
                iterations: int, train_sample: int, seed: int = 0) -> None:
    import pandas as pd

    from scoring_lib.data import load_tables
    from scoring_lib.data.synth import generate_tables
    from scoring_lib.features import build_features
    from scoring_lib.features.cache import read_info
    from scoring_lib.bundle.store import complete_bundle
    from scoring_lib.model.training.cost import best_threshold
    from scoring_lib.model.training.estimators import CatBoostModel
    from scoring_lib.model.training.inputs import check_feature_frame
    from scoring_lib.model.training.trainer import Trainer

    start = time.perf_counter()
    n_train, n_test = sizes_of(clients)
    tables = (load_tables(data, tables=["application_train", "application_test"]) if data
              else None)
    if features:
        frame = pd.read_parquet(features)
        metadata = read_info(features)["features"]
    else:
        all_tables = dict(load_tables(data)) if data else dict(
            generate_tables(n_train, n_test, seed=seed))
        fs = build_features(all_tables)
        frame, metadata = fs.frame, json.loads(fs.metadata.to_json(orient="records"))
        tables = {k: all_tables[k] for k in ("application_train", "application_test")}
        del all_tables, fs
    print(f"  features: {len(frame):,d} clients x {frame.shape[1] - 2:,d} "
          f"({time.perf_counter() - start:.0f} s)", flush=True)
    data_all = check_feature_frame(frame, folds=2)
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(data_all.n_train, min(train_sample, data_all.n_train),
                              replace=False))
    sample = dataclasses.replace(data_all, X=data_all.X.iloc[rows], y=data_all.y[rows])
    trainer = Trainer(data_all, sample=sample, folds=2, seed=seed)
    model = trainer.fit_final(CatBoostModel(iterations=iterations, random_seed=seed))
    calibrator = trainer.calibrate("platt")
    raw = model.predict_proba(sample.X)[:, 1]
    threshold = trainer.choose_threshold(
        best_threshold(sample.y, calibrator.transform(raw)).threshold)
    print(f"  model: {iterations} trees on {len(rows):,d} clients, threshold "
          f"{threshold:.4f} ({time.perf_counter() - start:.0f} s)", flush=True)
    staging = out.with_name(f".{out.name}.tmp")
    # the manifest needs an AUC: in-sample here (a bench bundle is not cross-validated)
    from sklearn.metrics import roc_auc_score

    trainer.write(staging, info={"metrics": {"model": "catboost_bench",
                                             "cv_auc": float(roc_auc_score(sample.y, raw))}})
    del trainer, sample, data_all, model
    apps = pd.concat([tables["application_train"], tables["application_test"]],
                     ignore_index=True).drop(columns=[TARGET])
    complete_bundle(staging, out, frame, apps, {"cost_fn": 10.0, "cost_fp": 1.0,
                                                "name": out.name}, metadata)
    print(f"  bundle written to {out} ({time.perf_counter() - start:.0f} s)", flush=True)


# ------------------------------------------------------------------------- measuring
def rss_mib(field: str = "VmRSS") -> float:
    """Resident memory now (VmRSS) or at its peak (VmHWM) of this process, in MiB.

    (``getrusage``'s maximum would include the parent's memory: Linux keeps it across the
    fork and exec that start this measuring process.)"""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def stats(times: list[float]) -> str:
    ms = np.array(times) * 1000
    return (f"p50 {np.percentile(ms, 50):6.1f} ms  p95 {np.percentile(ms, 95):6.1f} ms  "
            f"max {ms.max():6.1f} ms  (n={len(ms)})")


def load_average() -> str:
    """The 1-minute load average: timings on a shared 2-core machine mean little without it."""
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def measure(bundle: Path, queries: int, seed: int = 0) -> None:
    from scoring_lib.bundle.store import verify_bundle
    from scoring_lib.scoring import Scorer

    print(f"load average before: {load_average()} ({os.cpu_count()} CPUs)")

    start = time.perf_counter()
    scorer = Scorer.from_bundle(bundle)
    load = time.perf_counter() - start
    n = len(scorer.client_ids)
    print(f"bundle {bundle}: {n:,d} clients, {len(scorer.feature_names)} features, "
          f"{scorer.bundle.model.tree_count_} trees")
    print(f"load (imports, verify every file, prepare)  {load:6.2f} s   RSS after load "
          f"{rss_mib():6.0f} MiB (peak {rss_mib('VmHWM'):.0f})")
    start = time.perf_counter()
    verify_bundle(bundle)
    print(f"  the sha256 check of the files alone          {time.perf_counter() - start:6.2f} s")
    sizes = {p.name: p.stat().st_size / 2**20 for p in sorted(bundle.iterdir()) if p.is_file()}
    print("  files: " + ", ".join(f"{k} {v:,.0f} MiB" for k, v in sizes.items()))
    rng = np.random.default_rng(seed)
    ids = rng.choice(scorer.client_ids.to_numpy(), queries, replace=False)
    scorer.explain(int(ids[0]))  # first call: imports
    both, score, explain, similar, groups = [], [], [], [], []
    for cid in ids:
        cid = int(cid)
        t0 = time.perf_counter()
        scorer.score(cid)
        t1 = time.perf_counter()
        scorer.explain(cid)
        t2 = time.perf_counter()
        scorer.similar_clients(cid, k=10)
        t3 = time.perf_counter()
        score.append(t1 - t0)
        explain.append(t2 - t1)
        both.append(t2 - t0)
        similar.append(t3 - t2)
    for i, cid in enumerate(ids[: max(len(GROUPS) * 4, 20)]):
        t0 = time.perf_counter()
        scorer.compare(int(cid), reference=GROUPS[i % len(GROUPS)])
        groups.append(time.perf_counter() - t0)
    read, shap = [], []
    for cid in ids[:50]:
        t0 = time.perf_counter()
        row = scorer._read_row(scorer._position(int(cid)))  # not the cache
        t1 = time.perf_counter()
        scorer._shap(row)
        read.append(t1 - t0)
        shap.append(time.perf_counter() - t1)
    print(f"score                      {stats(score)}")
    print(f"  read one client's features {stats(read)}")
    print(f"  CatBoost SHAP values       {stats(shap)}")
    print(f"explain (fr)               {stats(explain)}")
    print(f"score + explain            {stats(both)}   target p95 < 50 ms")
    print(f"similar clients (k=10)     {stats(similar)}   target p95 < 50 ms")
    print(f"group comparison (6 vars)  {stats(groups)}   target p95 < 200 ms")
    column = _first_model_feature(scorer)
    t0 = time.perf_counter()
    scorer.compare(int(ids[0]), variables=[column])  # reads that column of every client
    print(f"compare on a model feature ({column}), first call: "
          f"{1000 * (time.perf_counter() - t0):.0f} ms")
    print(f"RSS now {rss_mib():.0f} MiB, peak {rss_mib('VmHWM'):.0f} MiB   target < 500 MiB")
    print(f"load average after: {load_average()}")


def _first_model_feature(scorer) -> str:
    """A numeric model feature that is not a descriptive column (read from the bundle)."""
    kinds = scorer.dictionary["kind"]
    return next(f for f in reversed(scorer.feature_names)
                if f not in scorer.clients.columns and kinds[f] != "categorical")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bundle", help="measure this bundle (nothing is built)")
    p.add_argument("--clients", default="20000", help="training clients, or 'full'")
    p.add_argument("--out", default=str(ROOT / "bench" / "out"), help="where bundles go")
    p.add_argument("--data", help="raw tables to build from (default: synthetic)")
    p.add_argument("--features", help="feature file of `scoring features` to use")
    p.add_argument("--iterations", type=int, default=300)
    p.add_argument("--train-sample", type=int, default=50_000)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.bundle and args.measure_only:
        measure(Path(args.bundle), args.queries)
        return 0
    bundle = Path(args.bundle) if args.bundle else Path(args.out) / f"scoring-{args.clients}"
    if not args.bundle and not (bundle / "bundle.json").exists():
        print(f"==> assembling {bundle}", flush=True)
        bundle.parent.mkdir(parents=True, exist_ok=True)
        make_bundle(bundle, args.clients, args.data, args.features, args.iterations,
                    args.train_sample)
    print("==> measuring in a fresh process", flush=True)
    return subprocess.call([sys.executable, __file__, "--bundle", str(bundle),
                            "--queries", str(args.queries), "--measure-only"])


if __name__ == "__main__":
    sys.exit(main())
