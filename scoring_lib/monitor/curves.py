"""The model's figures, from out-of-fold predictions: ROC and precision-recall with the
operating point, calibration, score distributions by outcome, business cost and approval
rate against the threshold (with "accept all" and "refuse all").

A client is refused when its probability is **at or above** the threshold (as in
:mod:`scoring_lib.model.training.cost`); "positive" is a default. Every function returns
plain lists (JSON-ready), small enough for a page: curves are cut to a few hundred points.
"""

from __future__ import annotations

import numpy as np

from ..model.training.cost import accept_all_threshold

POINTS = 200
CALIBRATION_BINS = 10
HISTOGRAM_BINS = 40

__all__ = ["calibration_curve", "check_predictions", "confusion", "cost_by_threshold",
           "operating_point", "pr_curve", "roc_curve", "score_distributions", "threshold_grid"]


def check_predictions(y, proba) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y)
    p = np.asarray(proba, dtype=np.float64)
    if y.ndim != 1 or y.shape != p.shape or not len(y):
        raise ValueError(f"y and proba must be non-empty, one-dimensional and of the same "
                         f"length, got shapes {y.shape} and {p.shape}")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("y must hold only 0 (repaid) and 1 (defaulted)")
    if not np.isfinite(p).all():
        raise ValueError("proba must be finite (out-of-fold probabilities of the clients "
                         "that have one)")
    return y.astype(np.int64), p


def confusion(y, p, thresholds) -> dict[str, np.ndarray]:
    """tp, fp, fn, tn at every threshold (refused: p >= t)."""
    good, bad = np.sort(p[y == 0]), np.sort(p[y == 1])
    t = np.asarray(thresholds, dtype=np.float64)
    fn = np.searchsorted(bad, t, side="left")
    tn = np.searchsorted(good, t, side="left")
    return {"tp": len(bad) - fn, "fp": len(good) - tn, "fn": fn, "tn": tn}


def threshold_grid(proba, threshold: float, points: int = POINTS) -> np.ndarray:
    """About ``points`` thresholds: the quantiles of ``proba``, 0 ("refuse all"), a value
    above every score ("accept all") and the bank's ``threshold`` itself, ascending."""
    p = np.asarray(proba, dtype=np.float64)
    quantiles = np.quantile(p, np.linspace(0, 1, points + 1))
    return np.unique(np.r_[0.0, quantiles, threshold, accept_all_threshold(p)])


def roc_curve(y, proba, points: int = POINTS) -> dict:
    """False- and true-positive rates on the threshold grid, and the AUC (exact, by ranks)."""
    y, p = check_predictions(y, proba)
    c = confusion(y, p, threshold_grid(p, 0.5, points)[::-1])
    from scipy.stats import rankdata

    ranks = rankdata(p)
    n1, n0 = int(y.sum()), int(len(y) - y.sum())
    auc = (ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0) if n1 and n0 else float("nan")
    return {"fpr": (c["fp"] / max(n0, 1)).tolist(), "tpr": (c["tp"] / max(n1, 1)).tolist(),
            "auc": float(auc)}


def pr_curve(y, proba, points: int = POINTS) -> dict:
    """Precision and recall (of defaults) on the threshold grid, and the default rate
    (a model that ranks at random has that precision)."""
    y, p = check_predictions(y, proba)
    t = threshold_grid(p, 0.5, points)[::-1]
    c = confusion(y, p, t)
    refused = c["tp"] + c["fp"]
    keep = refused > 0
    return {"recall": (c["tp"][keep] / max(int(y.sum()), 1)).tolist(),
            "precision": (c["tp"][keep] / refused[keep]).tolist(),
            "default_rate": float(y.mean())}


def operating_point(y, proba, threshold: float) -> dict:
    """What the threshold does: the confusion counts, the rates of the ROC and PR curves."""
    y, p = check_predictions(y, proba)
    c = {k: int(v[0]) for k, v in confusion(y, p, [threshold]).items()}
    n1, n0 = c["tp"] + c["fn"], c["fp"] + c["tn"]
    refused = c["tp"] + c["fp"]
    return {"threshold": float(threshold), **c,
            "fpr": c["fp"] / n0 if n0 else float("nan"),
            "tpr": c["tp"] / n1 if n1 else float("nan"),
            "precision": c["tp"] / refused if refused else float("nan"),
            "approval_rate": 1 - refused / len(y)}


def calibration_curve(y, proba, bins: int = CALIBRATION_BINS) -> dict:
    """Mean predicted probability against the observed default rate, in ``bins`` groups of
    equal size (quantiles of the probability), with each group's size."""
    y, p = check_predictions(y, proba)
    order = np.argsort(p, kind="stable")
    parts = np.array_split(order, min(bins, len(p)))
    return {"predicted": [float(p[i].mean()) for i in parts],
            "observed": [float(y[i].mean()) for i in parts],
            "n": [int(len(i)) for i in parts]}


def score_distributions(y, proba, bins: int = HISTOGRAM_BINS) -> dict:
    """Histograms of the probability for clients who repaid and who defaulted, as shares of
    each group, on the same ``bins`` equal-width bins from 0 to the largest probability."""
    y, p = check_predictions(y, proba)
    edges = np.linspace(0.0, max(float(p.max()), 1e-9), bins + 1)
    out = {"edges": edges.tolist()}
    for name, value in (("repaid", 0), ("defaulted", 1)):
        counts, _ = np.histogram(p[y == value], edges)
        total = counts.sum()
        out[name] = (counts / total if total else counts * 0.0).tolist()
        out[f"n_{name}"] = int(total)
    return out


def cost_by_threshold(y, proba, thresholds, cost_fn: float, cost_fp: float) -> dict:
    """Average cost per client (``(cost_fn * FN + cost_fp * FP) / n``) and approval rate at
    every threshold, with the cost of accepting and of refusing everybody."""
    y, p = check_predictions(y, proba)
    c = confusion(y, p, thresholds)
    n = len(y)
    return {"threshold": [float(t) for t in thresholds],
            "cost": ((cost_fn * c["fn"] + cost_fp * c["fp"]) / n).tolist(),
            "approval_rate": ((c["fn"] + c["tn"]) / n).tolist(),
            "accept_all": float(cost_fn * y.sum() / n),
            "refuse_all": float(cost_fp * (n - y.sum()) / n)}
