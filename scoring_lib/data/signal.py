"""How much a set of application rows says about TARGET, next to the published figures.

:func:`univariate_signal` ranks every application variable by its univariate AUC (how well
the variable alone orders defaulters before the others), direction-free and on the clients
where the variable is known, with the published band of the variables the facts name
(``reference.UNIVARIATE_AUC_BANDS``) and the loan-terms band of the public kernels
(``reference.LOAN_TERMS_AUC_BAND``). Categories are scored by the default rate of their level
in the *other* half of the clients (two halves, each scored by the other), so that a column
with many levels does not look predictive by fitting its own rows.

Used by ``bench/signal_check.py`` and the generator's tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from .reference import EXTERNAL_SCORES, LOAN_TERMS_AUC_BAND, UNIVARIATE_AUC_BANDS
from .schema import KEY, TARGET

#: derived loan terms (name -> how it is computed from the application row)
LOAN_DURATION = "AMT_CREDIT / AMT_ANNUITY"
ANNUITY_BURDEN = "AMT_ANNUITY / AMT_INCOME_TOTAL"


def loan_terms(app: pd.DataFrame) -> dict[str, np.ndarray]:
    """The loan duration (in annuities) and the annuity-to-income burden of each row."""
    annuity = app["AMT_ANNUITY"].to_numpy(float)
    return {LOAN_DURATION: app["AMT_CREDIT"].to_numpy(float) / annuity,
            ANNUITY_BURDEN: annuity / app["AMT_INCOME_TOTAL"].to_numpy(float)}


def auc(y: np.ndarray, x: np.ndarray) -> tuple[float, float]:
    """``(AUC, share known)`` of ``x`` for ``y`` on the rows where ``x`` is known; the AUC
    is > 0.5 when larger values go with TARGET = 1 (NaN when one class is absent)."""
    x = np.asarray(x, float)
    known = ~np.isnan(x)
    if known.sum() == 0 or len(np.unique(y[known])) < 2:
        return float("nan"), float(known.mean())
    return float(roc_auc_score(y[known], x[known])), float(known.mean())


def _other_half_rates(s: pd.Series, y: np.ndarray) -> np.ndarray:
    """Each row's level scored by that level's default rate among the other half's rows."""
    codes = pd.Series(pd.Categorical(s).codes, index=s.index).to_numpy()
    half = np.arange(codes.size) % 2
    out = np.full(codes.size, np.nan)
    for h in (0, 1):
        other = (half != h) & (codes >= 0)
        sums = np.bincount(codes[other], weights=y[other], minlength=codes.max() + 1)
        counts = np.bincount(codes[other], minlength=codes.max() + 1)
        rate = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
        mine = (half == h) & (codes >= 0)
        out[mine] = rate[codes[mine]]
    return out


def univariate_signal(app: pd.DataFrame) -> pd.DataFrame:
    """One row per application variable (and the two loan terms), strongest first.

    Columns: ``variable``, ``auc`` (direction-free), ``riskier`` ("higher" when larger
    values go with default, "lower" otherwise, "level" for a category), ``known`` (share of
    rows), ``low`` / ``high`` (the reference band, NaN where none), ``source``
    ("published", "public kernels" or "") and ``status`` ("OK", "outside" or "").
    """
    y = app[TARGET].to_numpy(int)
    values: dict[str, tuple[np.ndarray, bool]] = {}
    for col in app.columns:
        if col in (KEY, TARGET):
            continue
        s = app[col]
        if isinstance(s.dtype, pd.CategoricalDtype) or s.dtype == object or s.dtype == "str":
            values[col] = (_other_half_rates(s, y), True)
        else:
            values[col] = (s.to_numpy(float), False)
    if {"AMT_CREDIT", "AMT_ANNUITY", "AMT_INCOME_TOTAL"} <= set(app.columns):
        for name, x in loan_terms(app).items():
            values[name] = (x, False)
    rows = []
    for name, (x, is_level) in values.items():
        a, known = auc(y, x)
        if a != a:
            continue
        low, high = UNIVARIATE_AUC_BANDS.get(name, (np.nan, np.nan))
        source = "published" if name in UNIVARIATE_AUC_BANDS else ""
        if name in (LOAN_DURATION, ANNUITY_BURDEN):
            (low, high), source = LOAN_TERMS_AUC_BAND, "public kernels"
        strength = max(a, 1 - a)
        status = "" if not source else ("OK" if low <= strength <= high else "outside")
        rows.append({"variable": name, "auc": strength,
                     "riskier": "level" if is_level else ("higher" if a > 0.5 else "lower"),
                     "known": known, "low": low, "high": high, "source": source,
                     "status": status})
    return (pd.DataFrame(rows).sort_values("auc", ascending=False, kind="stable")
            .reset_index(drop=True))


def order_checks(signal: pd.DataFrame) -> dict[str, tuple[bool, str]]:
    """The published order, checked on :func:`univariate_signal`'s frame: name -> (holds,
    the figures that say so)."""
    a = signal.set_index("variable").auc
    ext = {c: float(a[c]) for c in EXTERNAL_SCORES}
    rest = a.drop(list(ext))
    top, top_auc = str(rest.idxmax()), float(rest.max())
    weaker = min(ext["EXT_SOURCE_1"], ext["EXT_SOURCE_2"])
    return {
        "EXT_SOURCE_3 strongest": (
            ext["EXT_SOURCE_3"] > max(ext["EXT_SOURCE_1"], ext["EXT_SOURCE_2"]),
            f"EXT_SOURCE_3 {ext['EXT_SOURCE_3']:.3f}, EXT_SOURCE_2 {ext['EXT_SOURCE_2']:.3f},"
            f" EXT_SOURCE_1 {ext['EXT_SOURCE_1']:.3f}"),
        "every other variable below the external scores": (
            top_auc < weaker, f"strongest other: {top} {top_auc:.3f} < {weaker:.3f}"),
        "DAYS_EMPLOYED below EXT_SOURCE_1": (
            float(a["DAYS_EMPLOYED"]) < ext["EXT_SOURCE_1"],
            f"{float(a['DAYS_EMPLOYED']):.3f} < {ext['EXT_SOURCE_1']:.3f}"),
    }
