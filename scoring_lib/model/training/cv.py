"""Stratified K-fold cross-validation of several models on the same folds.

:func:`cross_validate` returns a :class:`CVResult`: every model's out-of-fold (OOF)
probability for every training client, the fold of each client, per-fold scores and a
metrics frame (one row per model). Every model sees exactly the same folds, so their OOF
predictions can be compared client by client and calibrated by cross-fitting
(:mod:`scoring_lib.model.training.calibration`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from .estimators import LABELS, fitted_rounds
from .inputs import ModelData
from .metrics import classification_metrics

__all__ = ["CVResult", "cross_validate", "make_folds", "summarise"]


def make_folds(y, folds: int = 5, seed: int = 0) -> np.ndarray:
    """The fold (0 .. folds-1) of each row: stratified on ``y``, shuffled with ``seed``."""
    y = np.asarray(y)
    out = np.empty(len(y), dtype=np.int64)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for k, (_, test) in enumerate(splitter.split(np.zeros(len(y)), y)):
        out[test] = k
    return out


@dataclass
class CVResult:
    """What :func:`cross_validate` found."""

    oof: pd.DataFrame          # index SK_ID_CURR, one column of OOF probabilities per model
    y: np.ndarray
    fold: np.ndarray
    fold_scores: pd.DataFrame  # model, fold, auc, fit_seconds, predict_seconds, rounds,
    #                            fit_rows, chosen (rounds: boosting rounds kept, NaN for the
    #                            others; chosen: by early stopping on an inner split)
    metrics: pd.DataFrame      # index model: see summarise()
    cost_fn: float
    cost_fp: float

    def get_oof(self, model: str) -> np.ndarray:
        return self.oof[model].to_numpy()


def summarise(oof: pd.DataFrame, y, fold_scores: pd.DataFrame, cost_fn: float,
              cost_fp: float) -> pd.DataFrame:
    """One row per model: pooled OOF ``auc``, the fold AUCs' mean and standard deviation,
    ``pr_auc``, ``brier``, ``log_loss``, the business ``cost`` at the model's own best
    ``threshold`` and ``refused`` share, ``cost_at_0.5``, ``fit_seconds`` (sum over
    folds) with ``fit_seconds_per_fold``, and ``rounds_median``: the median of the boosting
    rounds the folds kept (NaN for a model without rounds)."""
    rows = {}
    for name in oof.columns:
        scores = fold_scores[fold_scores["model"] == name]
        rows[name] = {
            "label": LABELS.get(name, name),
            **classification_metrics(y, oof[name].to_numpy(), cost_fn, cost_fp),
            "auc_fold_mean": float(scores["auc"].mean()),
            "auc_fold_sd": float(scores["auc"].std(ddof=1)) if len(scores) > 1 else 0.0,
            "fit_seconds": float(scores["fit_seconds"].sum()),
            "fit_seconds_per_fold": float(scores["fit_seconds"].mean()),
            "rounds_median": (float(scores["rounds"].median()) if "rounds" in scores
                              and scores["rounds"].notna().any() else np.nan),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "model"
    return out


def cross_validate(data: ModelData, models: dict, folds: int = 5, seed: int = 0,
                   cost_fn: float = 10.0, cost_fp: float = 1.0, fold=None,
                   progress: bool = False) -> CVResult:
    """Fit every estimator of ``models`` (name → unfitted estimator) on each fold's training
    part and predict its held-out part.

    ``fold``: a precomputed fold per training row (default :func:`make_folds` with
    ``folds`` and ``seed``). ``progress``: show a text tqdm bar over (model, fold) fits.
    """
    if not models:
        raise ValueError("models is empty: give at least one estimator to cross-validate")
    X, y = data.X, data.y
    fold = make_folds(y, folds, seed) if fold is None else np.asarray(fold)
    if len(fold) != len(y):
        raise ValueError(f"fold must have one entry per training row ({len(y)}), got "
                         f"{len(fold)}")
    ks = np.unique(fold)
    oof = pd.DataFrame(index=X.index, columns=list(models), dtype=np.float64)
    records = []
    bar = None
    if progress:
        from tqdm import tqdm  # text bar: readable in an executed notebook and its HTML

        bar = tqdm(total=len(models) * len(ks), desc="cross-validation", unit="fit",
                   mininterval=1.0)
    try:
        for name, estimator in models.items():
            column = np.full(len(y), np.nan)
            for k in ks:
                test = fold == k
                if bar is not None:
                    bar.set_postfix_str(f"{name} fold {k + 1}/{len(ks)}")
                model = clone(estimator)
                t0 = time.perf_counter()
                model.fit(X[~test], y[~test])
                t1 = time.perf_counter()
                column[test] = model.predict_proba(X[test])[:, 1]
                t2 = time.perf_counter()
                auc = roc_auc_score(y[test], column[test]) if len(set(y[test])) == 2 else np.nan
                rounds = fitted_rounds(model)
                records.append({"model": name, "fold": int(k), "auc": auc,
                                "fit_seconds": t1 - t0, "predict_seconds": t2 - t1,
                                "rounds": np.nan if rounds is None else float(rounds),
                                "fit_rows": float(getattr(model, "fit_rows_",
                                                          int((~test).sum()))),
                                "chosen": getattr(model, "validation_index_", None) is not None})
                if bar is not None:
                    bar.update()
            oof[name] = column
    finally:
        if bar is not None:
            bar.close()
    fold_scores = pd.DataFrame(records)
    metrics = summarise(oof, y, fold_scores, cost_fn, cost_fp)
    return CVResult(oof, y, fold, fold_scores, metrics, cost_fn, cost_fp)
