"""Benchmark of ``scoring build`` and of CatBoost against HistGradientBoosting.

Three measurements, each printed as one line per item with the sizes it used:

1. **models**: CatBoost and scikit-learn's HistGradientBoosting on the same stratified
   folds (seed 0) of the same feature file, same number of boosting rounds: pooled
   out-of-fold AUC, fold-AUC standard deviation, fit seconds per fold. Once on the features
   of application_train alone, once on every table.
2. **build**: the whole ``scoring build`` command (features, both notebooks with every
   candidate model, client tables, HTML reports, manifest) under ``/usr/bin/time -v``: wall
   time and peak resident memory of the largest process (the build or a notebook kernel).
3. **speed** (``--speed``): the six candidates of the modelling notebook, each fitted on the
   same stratified folds (seed 0) with the parameters used before issue #4's speed work
   (``previous``) and with the current ones (``current``), the two versions interleaved fold by
   fold so that the load of a shared machine hits both alike: pooled out-of-fold AUC, wall
   and CPU seconds summed over the folds, and their ratios.
4. **full** (``--full``): the competition scale (307,511 + 48,744 clients, synthetic): data,
   features, then ONE fold (train on 4/5, score 1/5) of each model, each in its own process
   under ``/usr/bin/time -v``. A whole 5-fold build at that scale does not fit a session on 2
   cores; one fold is a fifth of the cross-validation cost (plus the final fit, about 1.25
   folds).

Defaults are the demo's parameters (3 folds, 150 rounds: ``scoring demo``); ``--folds 5
--iterations 300`` measures ``scoring build``'s defaults. Everything bulky goes to
``bench/out/build/`` (data are generated once and reused).

    .venv/bin/python bench/bench_build.py                        # 30k clients: models + builds
    .venv/bin/python bench/bench_build.py --skip-build --folds 5 # models only, 5 folds
    .venv/bin/python bench/bench_build.py --full --skip-build --skip-models   # one full fold
    .venv/bin/python bench/bench_build.py --speed --skip-build --skip-models  # before/after
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

# as in the notebook kernels of `scoring build` (see scoring_lib.model.pipeline.build): OpenMP threads
# sleep at barriers instead of spinning; set before scikit-learn loads its OpenMP runtime
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "build"
BIN = Path(sys.executable).parent
FULL = (307_511, 48_744)


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS GiB of the largest process, stdout) of a command."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *map(str, cmd)], capture_output=True,
                          text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"failed: {' '.join(map(str, cmd))}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    return wall, rss / 2**20, proc.stdout


def data_folders(n_train: int, n_test: int) -> tuple[Path, Path]:
    """Synthetic data (every table) and a copy of its application files alone."""
    full = OUT / f"raw_{n_train}"
    if not (full / "application_train.parquet").exists():
        print(f"# generating {n_train:,d} + {n_test:,d} clients into {full}", flush=True)
        subprocess.run([BIN / "scoring", "synth", "--clients", str(n_train), "--test-clients",
                        str(n_test), "--seed", "0", "--out", str(full), "--format", "parquet"],
                       check=True, capture_output=True)
    app = OUT / f"raw_{n_train}_app"
    app.mkdir(parents=True, exist_ok=True)
    for name in ("application_train", "application_test"):
        if not (app / f"{name}.parquet").exists():
            shutil.copy(full / f"{name}.parquet", app)
    return full, app


def feature_file(data: Path) -> Path:
    out = OUT / f"features_{data.name}.parquet"
    subprocess.run([BIN / "scoring", "features", "--data", str(data), "--out", str(out)],
                   check=True, capture_output=True)
    return out


def compare_models(path: Path, folds: int, iterations: int, label: str, n: int) -> None:
    from scoring_lib.model import candidate_models, cross_validate, load_training_data

    data, _ = load_training_data(path, folds=folds)
    cv = cross_validate(data, candidate_models(iterations, 0, names=["hist_gbm", "catboost"]),
                        folds=folds, seed=0)
    for name, m in cv.metrics.iterrows():
        print(f"models {label:>10s} {n:>8,d} {len(data.features):>5d} {name:>10s} "
              f"{folds:>5d} {iterations:>5d} {m['auc']:>7.4f} {m['auc_fold_sd']:>6.4f} "
              f"{m['fit_seconds_per_fold']:>9.1f}", flush=True)


def previous_models(iterations: int, seed: int = 0) -> dict:
    """The candidates with the parameters of commit 87d1ed0 (before the speed work): CatBoost
    with its default 254 bins and target statistics on every category column, HistGradient-
    Boosting without early stopping, logistic regression at scikit-learn's tolerance."""
    from scoring_lib.model.training import estimators as E

    return {
        "logreg": E.logistic_regression(None, seed=seed, tol=1e-4),
        "logreg_balanced": E.logistic_regression("balanced", seed=seed, tol=1e-4),
        "random_forest": E.random_forest(None, seed=seed, n_estimators=100, max_samples=0.5),
        "hist_gbm": E.hist_gbm(None, iterations, seed, early_stopping=False),
        "catboost": E.CatBoostModel(iterations, 6, random_seed=seed, border_count=None,
                                    one_hot_max_size=None),
        "catboost_balanced": E.CatBoostModel(iterations, 6, class_weights="balanced",
                                             random_seed=seed, border_count=None,
                                             one_hot_max_size=None),
    }


def speed(path: Path, folds: int, iterations: int, label: str, n: int) -> None:
    import numpy as np
    from sklearn.base import clone
    from sklearn.metrics import roc_auc_score

    from scoring_lib.model import candidate_models, load_training_data, make_folds

    data, _ = load_training_data(path, folds=folds)
    fold = make_folds(data.y, folds, 0)
    versions = {"previous": previous_models(iterations), "current": candidate_models(iterations)}
    oof = {(v, m): np.full(len(data.y), np.nan) for v in versions for m in versions[v]}
    wall = dict.fromkeys(oof, 0.0)
    cpu = dict.fromkeys(oof, 0.0)
    for k in range(folds):
        test = fold == k
        for name in versions["current"]:
            for version, models in versions.items():
                model = clone(models[name])
                c0, t0 = time.process_time(), time.perf_counter()
                model.fit(data.X[~test], data.y[~test])
                wall[version, name] += time.perf_counter() - t0
                cpu[version, name] += time.process_time() - c0
                oof[version, name][test] = model.predict_proba(data.X[test])[:, 1]
        print(f"# fold {k + 1}/{folds} done, load {os.getloadavg()[0]:.1f}", flush=True)
    for name in versions["current"]:
        auc = {v: roc_auc_score(data.y, oof[v, name]) for v in versions}
        print(f"speed  {label:>6s} {n:>7,d} {name:>18s} {auc['previous']:>7.4f} "
              f"{auc['current']:>7.4f} {wall['previous', name]:>7.1f} "
              f"{wall['current', name]:>7.1f} {cpu['previous', name]:>7.1f} "
              f"{cpu['current', name]:>7.1f} "
              f"{wall['previous', name] / wall['current', name]:>6.2f} "
              f"{cpu['previous', name] / cpu['current', name]:>6.2f}", flush=True)
    total = {v: (sum(wall[v, m] for m in versions[v]), sum(cpu[v, m] for m in versions[v]))
             for v in versions}
    print(f"speed  {label:>6s} {n:>7,d} {'all six':>18s} {'':>7s} {'':>7s} "
          f"{total['previous'][0]:>7.1f} {total['current'][0]:>7.1f} "
          f"{total['previous'][1]:>7.1f} {total['current'][1]:>7.1f} "
          f"{total['previous'][0] / total['current'][0]:>6.2f} "
          f"{total['previous'][1] / total['current'][1]:>6.2f}", flush=True)


def one_fold(path: str, name: str, iterations: int) -> None:
    """Child process of --full: fold 0 of 5 of one model; prints a JSON line."""
    import numpy as np
    from sklearn.metrics import roc_auc_score

    from scoring_lib.model import candidate_models, load_training_data, make_folds

    t0 = time.perf_counter()
    data, _ = load_training_data(path, folds=5)
    fold = make_folds(data.y, 5, 0)
    load = time.perf_counter() - t0
    model = candidate_models(iterations, 0, names=[name])[name]
    t1 = time.perf_counter()
    model.fit(data.X[fold != 0], data.y[fold != 0])
    fit = time.perf_counter() - t1
    p = model.predict_proba(data.X[fold == 0])[:, 1]
    auc = roc_auc_score(data.y[fold == 0], p)
    print(json.dumps({"load": load, "fit": fit, "auc": float(auc), "rows": int(np.sum(fold != 0)),
                      "features": len(data.features)}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=30_000)
    parser.add_argument("--test-clients", type=int, default=5_000)
    parser.add_argument("--folds", type=int, default=3, help="folds (the demo's: 3)")
    parser.add_argument("--iterations", type=int, default=150,
                        help="boosting rounds (the demo's: 150)")
    parser.add_argument("--skip-models", action="store_true")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--full", action="store_true", help="also one fold at full scale")
    parser.add_argument("--speed", action="store_true",
                        help="also the six candidates, previous vs current parameters")
    parser.add_argument("--one-fold", nargs=3, metavar=("FEATURES", "MODEL", "ITERATIONS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_fold:
        one_fold(args.one_fold[0], args.one_fold[1], int(args.one_fold[2]))
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    full, app = data_folders(args.clients, args.test_clients)

    if not args.skip_models:
        print(f"{'':6s} {'tables':>10s} {'clients':>8s} {'feats':>5s} {'model':>10s} "
              f"{'folds':>5s} {'iters':>5s} {'oof_auc':>7s} {'sd':>6s} {'fit_s/fold':>9s}")
        for label, folder in (("app", app), ("all", full)):
            compare_models(feature_file(folder), args.folds, args.iterations, label,
                           args.clients)

    if args.speed:
        print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print(f"{'':6s} {'tables':>6s} {'clients':>7s} {'model':>18s} {'auc_pre':>7s} "
              f"{'auc_now':>7s} {'wall_pre':>7s} {'wall_now':>7s} {'cpu_pre':>7s} "
              f"{'cpu_now':>7s} {'wall_x':>6s} {'cpu_x':>6s}", flush=True)
        speed(feature_file(full), args.folds, args.iterations, "all", args.clients)

    if not args.skip_build:
        print(f"{'':6s} {'tables':>10s} {'clients':>8s} {'folds':>5s} {'iters':>5s} "
              f"{'wall_s':>8s} {'peak_GiB':>8s} {'cv_auc':>7s} {'cost':>7s}")
        for label, folder in (("app", app), ("all", full)):
            out = OUT / f"bundle_{folder.name}"
            wall, peak, _ = timed([BIN / "scoring", "build", "--data", folder, "--out", out,
                                   "--folds", args.folds, "--iterations", args.iterations])
            m = json.loads((out / "bundle.json").read_text())["metrics"]
            print(f"build  {label:>10s} {args.clients:>8,d} {args.folds:>5d} "
                  f"{args.iterations:>5d} {wall:>8.1f} {peak:>8.2f} {m['cv_auc']:>7.4f} "
                  f"{m['business_cost']:>7.4f}", flush=True)

    if args.full:
        big, _ = data_folders(*FULL)
        t0 = time.perf_counter()
        features = feature_file(big)
        print(f"# full-scale features ready in {time.perf_counter() - t0:.0f} s: {features}")
        print(f"{'':6s} {'model':>10s} {'clients':>8s} {'iters':>5s} {'fit_rows':>8s} "
              f"{'feats':>5s} {'fit_s':>7s} {'auc':>7s} {'peak_GiB':>8s}")
        for name in ("hist_gbm", "catboost"):
            wall, peak, out = timed([sys.executable, __file__, "--one-fold", features, name,
                                     args.iterations])
            r = json.loads(out.strip().splitlines()[-1])
            print(f"fold1  {name:>10s} {sum(FULL):>8,d} {args.iterations:>5d} {r['rows']:>8,d} "
                  f"{r['features']:>5d} {r['fit']:>7.1f} {r['auc']:>7.4f} {peak:>8.2f}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
