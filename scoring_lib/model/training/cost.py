"""Business cost of a decision threshold, and the exact search for the best threshold.

A client whose predicted probability of default is **at or above** the threshold is
refused ("positive": default predicted); below it, the loan is granted. With ``y = 1`` for a
client who defaulted::

    FN = defaulters granted        FP = good clients refused
    cost(threshold) = (cost_fn * FN + cost_fp * FP) / n

i.e. the average cost per client, in units of one wrongly refused good client when
``cost_fp = 1``. :func:`cost_curve` evaluates it at **every** distinct predicted value (plus
"accept all") with one sort and cumulative sums, O(n log n): moving the threshold between two
neighbouring distinct values changes no decision, so no other threshold can do better and no
grid can miss the optimum.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

__all__ = ["ThresholdChoice", "accept_all_threshold", "best_threshold", "business_cost",
           "check_costs", "cost_curve", "reference_costs"]


def check_costs(cost_fn: float, cost_fp: float) -> tuple[float, float]:
    """Both weights finite and >= 0, not both 0; returned as floats."""
    out = []
    for name, value in (("cost_fn", cost_fn), ("cost_fp", cost_fp)):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number, got {value!r}") from None
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        out.append(value)
    if out[0] == 0 and out[1] == 0:
        raise ValueError("cost_fn and cost_fp cannot both be 0")
    return out[0], out[1]


def _check(y_true, proba) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true)
    p = np.asarray(proba, dtype=np.float64)
    if y.ndim != 1 or p.ndim != 1:
        raise ValueError(f"y_true and proba must be one-dimensional, got shapes {y.shape} "
                         f"and {p.shape}")
    if len(y) != len(p):
        raise ValueError(f"y_true and proba must have the same length, got {len(y)} and "
                         f"{len(p)}")
    if len(y) == 0:
        raise ValueError("y_true and proba are empty")
    if not np.isin(y, (0, 1)).all():
        bad = pd.unique(y[~np.isin(y, (0, 1))])[:5]
        raise ValueError(f"y_true must hold only 0 and 1, found {list(bad)}")
    if not np.isfinite(p).all():
        raise ValueError(f"proba must be finite, found {int((~np.isfinite(p)).sum())} "
                         "missing or infinite value(s)")
    return y.astype(np.int64), p


def accept_all_threshold(proba) -> float:
    """A threshold above every score (and above 1): nobody is refused."""
    top = float(np.max(proba)) if len(proba) else 1.0
    return float(np.nextafter(max(1.0, top), np.inf))


def business_cost(y_true, proba, threshold: float, cost_fn: float = 10.0,
                  cost_fp: float = 1.0) -> float:
    """Average cost per client when clients with ``proba >= threshold`` are refused."""
    cost_fn, cost_fp = check_costs(cost_fn, cost_fp)
    y, p = _check(y_true, proba)
    refuse = p >= threshold
    fn = int(np.sum((y == 1) & ~refuse))
    fp = int(np.sum((y == 0) & refuse))
    return (cost_fn * fn + cost_fp * fp) / len(y)


def cost_curve(y_true, proba, cost_fn: float = 10.0, cost_fp: float = 1.0) -> pd.DataFrame:
    """The confusion counts and cost at every distinct threshold, ascending.

    One row per distinct value of ``proba`` (refuse every client scored at or above it),
    then a last row "accept all" whose threshold is above every score. Columns:
    ``threshold, refused, tp, fp, fn, tn, cost`` (``refused``: share of clients refused).
    """
    cost_fn, cost_fp = check_costs(cost_fn, cost_fp)
    y, p = _check(y_true, proba)
    n = len(y)
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order]
    last = np.flatnonzero(np.r_[ps[1:] != ps[:-1], True])  # last row of each distinct value
    tp = np.cumsum(ys)[last]
    fp = (last + 1) - tp
    thresholds = ps[last]
    # ascending thresholds, then "accept all" (refuse nobody)
    thresholds = np.r_[thresholds[::-1], accept_all_threshold(p)]
    tp = np.r_[tp[::-1], 0]
    fp = np.r_[fp[::-1], 0]
    positives = int(ys.sum())
    fn = positives - tp
    tn = (n - positives) - fp
    return pd.DataFrame({
        "threshold": thresholds,
        "refused": (tp + fp) / n,
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "cost": (cost_fn * fn + cost_fp * fp) / n,
    })


@dataclass(frozen=True)
class ThresholdChoice:
    """The best threshold found by :func:`best_threshold` and what it does."""

    threshold: float
    cost: float
    refused: float
    tp: int
    fp: int
    fn: int
    tn: int
    cost_fn: float
    cost_fp: float

    def as_dict(self) -> dict:
        return asdict(self)


def best_threshold(y_true, proba, cost_fn: float = 10.0, cost_fp: float = 1.0,
                   curve: pd.DataFrame | None = None) -> ThresholdChoice:
    """The threshold of least business cost, by exact search (:func:`cost_curve`).

    Among thresholds of equal cost, the **highest** is chosen: it refuses the fewest clients.
    The threshold is one of the predicted values (or "accept all", above every score).
    """
    cost_fn, cost_fp = check_costs(cost_fn, cost_fp)
    if curve is None:
        curve = cost_curve(y_true, proba, cost_fn, cost_fp)
    costs = curve["cost"].to_numpy()
    # exact ties only: costs are (integer combinations)/n computed the same way
    i = int(np.flatnonzero(costs == costs.min())[-1])
    row = curve.iloc[i]
    return ThresholdChoice(float(row["threshold"]), float(row["cost"]), float(row["refused"]),
                           int(row["tp"]), int(row["fp"]), int(row["fn"]), int(row["tn"]),
                           cost_fn, cost_fp)


def reference_costs(y_true, proba, cost_fn: float = 10.0, cost_fp: float = 1.0,
                    threshold: float | None = None) -> pd.DataFrame:
    """Cost of the chosen threshold against the simple policies.

    Rows: ``accept all``, ``refuse all``, ``threshold 0.5`` and ``best threshold`` (the
    given ``threshold``, or the one found by :func:`best_threshold`). Columns:
    ``threshold, refused, fn, fp, cost, saving_vs_accept_all`` (the share of the accept-all
    cost saved).
    """
    cost_fn, cost_fp = check_costs(cost_fn, cost_fp)
    y, p = _check(y_true, proba)
    if threshold is None:
        threshold = best_threshold(y, p, cost_fn, cost_fp).threshold
    policies = {"accept all": accept_all_threshold(p), "refuse all": -np.inf,
                "threshold 0.5": 0.5, "best threshold": float(threshold)}
    rows = []
    for name, t in policies.items():
        refuse = p >= t
        fn = int(np.sum((y == 1) & ~refuse))
        fp = int(np.sum((y == 0) & refuse))
        rows.append({"policy": name, "threshold": t, "refused": float(refuse.mean()),
                     "fn": fn, "fp": fp, "cost": (cost_fn * fn + cost_fp * fp) / len(y)})
    out = pd.DataFrame(rows).set_index("policy")
    base = out.loc["accept all", "cost"]
    out["saving_vs_accept_all"] = 1 - out["cost"] / base if base > 0 else 0.0
    return out
