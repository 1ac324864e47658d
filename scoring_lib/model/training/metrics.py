"""Scores of predicted probabilities: ranking, precision, calibration and business cost."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

from .cost import best_threshold, business_cost

__all__ = ["classification_metrics", "expected_calibration_error", "reliability_table"]


def classification_metrics(y, proba, cost_fn: float = 10.0, cost_fp: float = 1.0) -> dict:
    """AUC, PR-AUC (average precision), Brier score, log loss, and the business cost at the
    best threshold of these predictions (with that threshold and the share refused), plus
    the cost at 0.5."""
    y = np.asarray(y)
    p = np.clip(np.asarray(proba, dtype=np.float64), 0.0, 1.0)
    best = best_threshold(y, p, cost_fn, cost_fp)
    return {
        "auc": float(roc_auc_score(y, p)),
        "pr_auc": float(average_precision_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
        "log_loss": float(log_loss(y, np.clip(p, 1e-15, 1 - 1e-15), labels=[0, 1])),
        "cost": best.cost,
        "threshold": best.threshold,
        "refused": best.refused,
        "cost_at_0.5": business_cost(y, p, 0.5, cost_fn, cost_fp),
    }


def reliability_table(y, proba, bins: int = 10, strategy: str = "quantile") -> pd.DataFrame:
    """Mean predicted probability against the observed default rate, bin by bin.

    ``strategy``: ``quantile`` (bins of equal size; best for the skewed scores of credit
    data) or ``uniform`` (equal widths on [0, 1]). Columns: ``bin, lower, upper, count,
    mean_predicted, observed_rate``; empty bins are dropped.
    """
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(proba, dtype=np.float64)
    if strategy == "quantile":
        edges = np.unique(np.quantile(p, np.linspace(0, 1, bins + 1)))
    elif strategy == "uniform":
        edges = np.linspace(0, 1, bins + 1)
    else:
        raise ValueError(f"strategy must be 'quantile' or 'uniform', got {strategy!r}")
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)
    frame = pd.DataFrame({"bin": which, "p": p, "y": y})
    out = frame.groupby("bin").agg(count=("p", "size"), mean_predicted=("p", "mean"),
                                   observed_rate=("y", "mean")).reset_index()
    out.insert(1, "lower", edges[out["bin"]])
    out.insert(2, "upper", edges[out["bin"] + 1])
    return out


def expected_calibration_error(y, proba, bins: int = 10) -> float:
    """Mean |predicted - observed| over quantile bins, weighted by their size."""
    table = reliability_table(y, proba, bins)
    gap = (table["mean_predicted"] - table["observed_rate"]).abs()
    return float(np.average(gap, weights=table["count"]))
