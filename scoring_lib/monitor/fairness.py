"""Fairness of the decisions by group of clients: gender, age band, family status, children.

Every rate of the table is a function of four counts per group, the **cells**::

    granted_good  granted_bad  refused_good  refused_bad      (bad: the client defaulted)

    approval rate              = granted / n
    default rate among granted = granted_bad / granted
    false-negative rate        = granted_bad / bad      (defaulters granted: the bank's loss)
    false-positive rate        = refused_good / good    (good clients refused: the client's)
    approval ratio             = approval rate / approval rate of the most-approved group

The four-fifths rule (a ratio below 0.8) is shown as a reference, not as a verdict.

**Intervals.** Resampling a group's clients with replacement (the bootstrap) draws its
cells from a multinomial law of ``n`` trials over the group's observed cell shares, so the
bootstrap is done on the cells themselves: exactly the row bootstrap, at the cost of four
numbers per group, fast enough to redo at every position of the page's threshold slider.
Groups are resampled independently (a stratified bootstrap); the approval ratio's interval
resamples both groups. Intervals are the 2.5 % and 97.5 % percentiles of :data:`N_BOOT`
replicates (undefined rates, e.g. no defaulter in a replicate, are left out).

fairlearn's ``MetricFrame`` computes the same point rates (``tests/test_monitor_fairness.py``
checks the table against it) but its bootstrap resamples every row for every replicate and
metric, which at 307,511 clients is far slower than the cells and could not follow a slider.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .curves import confusion

#: the cells, in this order everywhere
CELLS = ("granted_good", "granted_bad", "refused_good", "refused_bad")
RATES = ("approval_rate", "default_rate_granted", "false_negative_rate",
         "false_positive_rate")
FOUR_FIFTHS = 0.8
N_BOOT = 400
#: the protected-looking variables of the applications and how each makes groups
ATTRIBUTES = ("gender", "age_band", "family_status", "children")
AGE_BANDS = ((0, 25, "18-24"), (25, 35, "25-34"), (35, 45, "35-44"), (45, 55, "45-54"),
             (55, 65, "55-64"), (65, 200, "65+"))
MISSING = "(missing)"

__all__ = ["AGE_BANDS", "ATTRIBUTES", "CELLS", "FOUR_FIFTHS", "N_BOOT", "RATES",
           "cell_counts", "cells_at_thresholds", "fairness_table", "protected_groups",
           "rates_of"]


def _labels(series: pd.Series) -> pd.Series:
    return series.astype(object).where(series.notna(), MISSING).astype(str)


def protected_groups(applications: pd.DataFrame) -> pd.DataFrame:
    """One column per attribute of :data:`ATTRIBUTES` the applications allow (same index):
    gender (CODE_GENDER), age band (from DAYS_BIRTH, years = -days / 365.25), family status
    (NAME_FAMILY_STATUS), children (CNT_CHILDREN: 0, 1, 2, 3+). Missing values are a group
    of their own."""
    out = {}
    if "CODE_GENDER" in applications:
        out["gender"] = _labels(applications["CODE_GENDER"])
    if "DAYS_BIRTH" in applications:
        years = -pd.to_numeric(applications["DAYS_BIRTH"], errors="coerce") / 365.25
        band = pd.Series(MISSING, index=applications.index, dtype=object)
        for low, high, name in AGE_BANDS:
            band[(years >= low) & (years < high)] = name
        out["age_band"] = band.astype(str)
    if "NAME_FAMILY_STATUS" in applications:
        out["family_status"] = _labels(applications["NAME_FAMILY_STATUS"])
    if "CNT_CHILDREN" in applications:
        kids = pd.to_numeric(applications["CNT_CHILDREN"], errors="coerce")
        out["children"] = _labels(kids.clip(upper=3).map(
            lambda k: k if pd.isna(k) else ("3+" if k >= 3 else str(int(k)))))
    return pd.DataFrame(out, index=applications.index)


def _check(y, refused) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y)
    refused = np.asarray(refused, dtype=bool)
    if y.shape != refused.shape or y.ndim != 1:
        raise ValueError(f"y and refused must be one-dimensional and of the same length, "
                         f"got shapes {y.shape} and {refused.shape}")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("y must hold only 0 (repaid) and 1 (defaulted)")
    return y.astype(np.int64), refused


def cell_counts(y, refused, groups: pd.DataFrame) -> pd.DataFrame:
    """The cells (:data:`CELLS`) of every group of every attribute: one row per
    ``(attribute, group)``, groups in order of their labels. ``y``: 1 for a default;
    ``refused``: the decisions (True: refused); ``groups``: :func:`protected_groups`."""
    y, refused = _check(y, refused)
    code = 2 * refused + y  # 0 granted good, 1 granted bad, 2 refused good, 3 refused bad
    rows = []
    for attribute in groups.columns:
        labels = groups[attribute].to_numpy(dtype=str)
        values, inverse = np.unique(labels, return_inverse=True)
        counts = np.bincount(inverse * 4 + code, minlength=4 * len(values)).reshape(-1, 4)
        for value, cells in zip(values, counts):
            rows.append({"attribute": attribute, "group": str(value),
                         **dict(zip(CELLS, cells.tolist()))})
    return pd.DataFrame(rows, columns=["attribute", "group", *CELLS])


def cells_at_thresholds(y, proba, groups: pd.DataFrame, thresholds) -> np.ndarray:
    """The cells of every group (rows of :func:`cell_counts`, same order) at every
    threshold (refused: ``proba >= threshold``): an integer array (groups, thresholds, 4)."""
    y, _ = _check(y, np.zeros(len(np.asarray(y)), dtype=bool))
    p = np.asarray(proba, dtype=np.float64)
    t = np.asarray(thresholds, dtype=np.float64)
    out = []
    for attribute in groups.columns:
        labels = groups[attribute].to_numpy(dtype=str)
        for value in np.unique(labels):
            inside = labels == value
            c = confusion(y[inside], p[inside], t)  # CELLS: tn, fn, fp, tp
            out.append(np.stack([c["tn"], c["fn"], c["fp"], c["tp"]], axis=-1))
    return np.asarray(out, dtype=np.int64).reshape(-1, len(t), 4)


def rates_of(cells) -> dict[str, np.ndarray]:
    """The rates of :data:`RATES` (and ``n``) of cells (..., 4); NaN where undefined."""
    c = np.asarray(cells, dtype=np.float64)
    gg, gb, rg, rb = (c[..., i] for i in range(4))
    with np.errstate(invalid="ignore", divide="ignore"):
        return {"n": gg + gb + rg + rb,
                "approval_rate": (gg + gb) / (gg + gb + rg + rb),
                "default_rate_granted": gb / (gg + gb),
                "false_negative_rate": gb / (gb + rb),
                "false_positive_rate": rg / (gg + rg)}


def _interval(replicates: np.ndarray) -> tuple[float, float]:
    ok = replicates[np.isfinite(replicates)]
    if not len(ok):
        return float("nan"), float("nan")
    low, high = np.percentile(ok, [2.5, 97.5])
    return float(low), float(high)


def fairness_table(cells: pd.DataFrame, n_boot: int = N_BOOT, seed: int = 0) -> pd.DataFrame:
    """The fairness table of ``cells`` (:func:`cell_counts`; or any frame with the columns
    ``attribute, group`` and :data:`CELLS`): per group ``n``, every rate of :data:`RATES`
    with ``<rate>_low`` / ``<rate>_high`` (bootstrap 95 %), ``approval_ratio`` (to the
    most-approved group of the same attribute, ``reference_group``) with its interval, and
    ``below_four_fifths`` (ratio < 0.8, a reference only)."""
    rng = np.random.default_rng(seed)
    out = []
    for attribute, part in cells.groupby("attribute", sort=False):
        counts = part[list(CELLS)].to_numpy(dtype=np.int64)
        n = counts.sum(axis=1)
        point = rates_of(counts)
        boots = np.stack([rng.multinomial(k, c / k, size=n_boot) if k else
                          np.zeros((n_boot, 4), dtype=np.int64)
                          for k, c in zip(n, counts)])            # (groups, n_boot, 4)
        boot_rates = rates_of(boots)
        approval = point["approval_rate"]
        ref = int(np.nanargmax(np.where(n > 0, approval, np.nan))) if (n > 0).any() else 0
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = approval / approval[ref]
            ratio_boot = boot_rates["approval_rate"] / boot_rates["approval_rate"][ref]
        for i, (_, row) in enumerate(part.iterrows()):
            record = {"attribute": attribute, "group": row["group"], "n": int(n[i]),
                      **{c: int(counts[i, j]) for j, c in enumerate(CELLS)}}
            for rate in RATES:
                record[rate] = float(point[rate][i])
                record[f"{rate}_low"], record[f"{rate}_high"] = _interval(boot_rates[rate][i])
            record["approval_ratio"] = float(ratio[i])
            record["approval_ratio_low"], record["approval_ratio_high"] = (
                (1.0, 1.0) if i == ref else _interval(ratio_boot[i]))
            record["reference_group"] = str(part["group"].iloc[ref])
            record["below_four_fifths"] = bool(ratio[i] < FOUR_FIFTHS)
            out.append(record)
    return pd.DataFrame(out)
