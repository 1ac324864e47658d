"""One-fold probes of candidate settings (issue #4 speed work): wall and CPU seconds, AUC.

Fits each named configuration on folds 1-2 of 3 (stratified, seed 0) of a feature file and
scores fold 0, one after the other in this process; prints fit wall seconds, CPU seconds of
the process (all threads), hold-out AUC and the 1-minute load average. Single runs on a
shared machine: read the CPU seconds, and compare only lines of the same command.

    .venv/bin/python bench/probe_candidates.py data/processed/features.parquet cb,cb_b64_oh,hgb
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from sklearn.metrics import roc_auc_score

from scoring_lib.model.training import estimators as E
from scoring_lib.model import load_training_data, make_folds

PREVIOUS = {"border_count": None, "one_hot_max_size": None}  # CatBoost's defaults


def cb(**params):
    return lambda: E.CatBoostModel(150, **{**PREVIOUS, **params})


CONFIGS = {
    "logreg": lambda: E.logistic_regression(None, tol=1e-4),
    "logreg_tol": lambda: E.logistic_regression(None, tol=1e-3),
    "rf": lambda: E.random_forest(None, max_samples=0.5),
    "rf50_03": lambda: E.random_forest(None, n_estimators=50, max_samples=0.3),
    "hgb": lambda: E.hist_gbm(None, 150, early_stopping=False),
    "hgb_bins63": lambda: E.hist_gbm(None, 150, early_stopping=False).set_params(
        model__max_bins=63),
    "hgb_mf25": lambda: E.hist_gbm(None, 150, early_stopping=False).set_params(
        model__max_features=0.25),
    "hgb_es": lambda: E.hist_gbm(None, 150, early_stopping=True),
    "cb": cb(),
    "cb_bal": cb(class_weights="balanced"),
    "cb_t1": cb(thread_count=1),
    "cb_b64": cb(border_count=64),
    "cb_oh": cb(one_hot_max_size=255),
    "cb_oh10": cb(one_hot_max_size=10),
    "cb_oh64": cb(one_hot_max_size=64),
    "cb_b32_oh": cb(border_count=32, one_hot_max_size=255),
    "cb_b64_oh": cb(border_count=64, one_hot_max_size=255),
    "cb_b128_oh": cb(border_count=128, one_hot_max_size=255),
    "cb_b64_oh_t1": cb(border_count=64, one_hot_max_size=255, thread_count=1),
    "cb_b64_oh_bal": cb(border_count=64, one_hot_max_size=255, class_weights="balanced"),
}


def main() -> int:
    path, names = sys.argv[1], sys.argv[2].split(",")
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        raise SystemExit(f"unknown configuration(s) {unknown}; known: {', '.join(CONFIGS)}")
    data, _ = load_training_data(path, folds=3)
    fold = make_folds(data.y, 3, 0)
    train, test = fold != 0, fold == 0
    print(f"rows {train.sum()} features {data.X.shape[1]}", flush=True)
    for name in names:
        model = CONFIGS[name]()
        c0, t0 = time.process_time(), time.perf_counter()
        model.fit(data.X[train], data.y[train])
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        auc = roc_auc_score(data.y[test], model.predict_proba(data.X[test])[:, 1])
        print(f"{name:16s} fit {wall:7.1f} cpu {cpu:7.1f} auc {auc:.4f} "
              f"load {os.getloadavg()[0]:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
