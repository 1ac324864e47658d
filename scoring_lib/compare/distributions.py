"""How a client compares with a reference group, variable by variable.

:func:`compare` returns a :class:`Comparison`: a ``summary`` frame (one row per variable: the
client's value, where it stands, the reference's quantiles) and a ``histograms`` frame (one
row per bin and variable, in long form, ready for a bar chart), with counts split by outcome
where the outcome is known (``repaid``: TARGET 0, ``defaulted``: TARGET 1, ``unknown``:
test clients).

Numeric variables: ``bins`` equal-width bins between the reference's 1st and 99th
percentiles, so that a few extreme values do not squash the chart; values outside go into
the first or last bin (``clipped`` says how many). Categorical variables: one bin per level
present in the reference (most frequent first), ``percentile`` is missing and ``share_same``
is the share of the reference with the client's level.

All statistics leave missing values out; ``n_missing`` counts them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .percentiles import rank_shares

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
SUMMARY_COLUMNS = ("variable", "kind", "value", "percentile", "below", "equal", "above", "n",
                   "n_missing", "mean", *(f"q{int(q * 100):02d}" for q in QUANTILES),
                   "share_same", "clipped")
HISTOGRAM_COLUMNS = ("variable", "bin", "left", "right", "level", "count", "repaid",
                     "defaulted", "unknown", "client")


@dataclass
class Comparison:
    summary: pd.DataFrame     # index: variable
    histograms: pd.DataFrame  # long form, columns HISTOGRAM_COLUMNS

    def histogram(self, variable: str) -> pd.DataFrame:
        return self.histograms[self.histograms["variable"] == variable].reset_index(drop=True)


def _outcome(target, n: int, reference: pd.DataFrame) -> np.ndarray | None:
    if target is None:
        return None
    if isinstance(target, str):
        if target not in reference.columns:
            raise ValueError(f"target: column {target!r} is not in the reference frame")
        target = reference[target]
    y = np.asarray(pd.Series(target).to_numpy(dtype=np.float64, na_value=np.nan))
    if y.shape != (n,):
        raise ValueError(f"target: expected {n} values (one per reference row), got "
                         f"{y.shape[0] if y.ndim else 'a scalar'}")
    return y


def _split(idx: np.ndarray, nbins: int, y: np.ndarray | None) -> dict:
    count = np.bincount(idx, minlength=nbins)
    if y is None:
        return {"count": count, "repaid": np.full(nbins, np.nan),
                "defaulted": np.full(nbins, np.nan), "unknown": count.astype(float)}
    repaid = np.bincount(idx, weights=(y == 0).astype(float), minlength=nbins)
    defaulted = np.bincount(idx, weights=(y == 1).astype(float), minlength=nbins)
    return {"count": count, "repaid": repaid, "defaulted": defaulted,
            "unknown": count - repaid - defaulted}


def _bin(x: np.ndarray, lo: float, hi: float, bins: int) -> np.ndarray:
    """Bin of each value among ``bins`` equal bins on [lo, hi]; outside: first or last bin."""
    idx = np.floor((x - lo) * (bins / (hi - lo)))
    return np.clip(idx, 0, bins - 1).astype(np.intp)


def _numeric(name, value, series, y, bins):
    x = series.to_numpy(dtype=np.float64, na_value=np.nan)
    ok = ~np.isnan(x)
    data = x[ok]
    n = len(data)
    row = {"variable": name, "kind": "numeric", "value": value, "n": n,
           "n_missing": int((~ok).sum()), "share_same": np.nan}
    shares = rank_shares(value, data)
    row.update(percentile=shares.percentile, below=shares.below, equal=shares.equal,
               above=shares.above)
    if n == 0:
        row.update(mean=np.nan, clipped=0, **{f"q{int(q * 100):02d}": np.nan
                                              for q in QUANTILES})
        return row, []
    row["mean"] = float(data.mean())
    # one partition-based call for all quantiles: O(n), no full sort
    qs = np.quantile(data, [*QUANTILES, 0.01, 0.99])
    for q, v in zip(QUANTILES, qs):
        row[f"q{int(q * 100):02d}"] = float(v)
    lo, hi = qs[-2], qs[-1]
    if hi <= lo:
        lo, hi = data.min(), data.max()
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, bins + 1)
    row["clipped"] = int(((data < lo) | (data > hi)).sum())
    idx = _bin(data, lo, hi, bins)
    parts = _split(idx, bins, None if y is None else y[ok])
    client = -1
    if value is not None and not pd.isna(value):
        client = int(_bin(np.array([float(value)]), lo, hi, bins)[0])
    hist = [{"variable": name, "bin": b, "left": edges[b], "right": edges[b + 1], "level": None,
             "count": int(parts["count"][b]), "repaid": parts["repaid"][b],
             "defaulted": parts["defaulted"][b], "unknown": parts["unknown"][b],
             "client": b == client} for b in range(bins)]
    return row, hist


def _categorical(name, value, series, y):
    codes, levels = pd.factorize(series, sort=False)
    ok = codes >= 0
    n = int(ok.sum())
    parts = _split(codes[ok], len(levels), None if y is None else y[ok])
    order = np.argsort(-parts["count"], kind="stable")
    same = np.nan
    if value is not None and not pd.isna(value) and n:
        where = np.flatnonzero(levels == value)
        same = 100.0 * parts["count"][where[0]] / n if len(where) else 0.0
    row = {"variable": name, "kind": "categorical", "value": value, "percentile": np.nan,
           "below": np.nan, "equal": same, "above": np.nan, "n": n,
           "n_missing": int((~ok).sum()), "mean": np.nan, "share_same": same, "clipped": 0,
           **{f"q{int(q * 100):02d}": np.nan for q in QUANTILES}}
    hist = [{"variable": name, "bin": i, "left": np.nan, "right": np.nan,
             "level": levels[k], "count": int(parts["count"][k]), "repaid": parts["repaid"][k],
             "defaulted": parts["defaulted"][k], "unknown": parts["unknown"][k],
             "client": bool(levels[k] == value) if not pd.isna(value) else False}
            for i, k in enumerate(order)]
    return row, hist


def _is_numeric(series: pd.Series) -> bool:
    dtype = series.dtype
    return not isinstance(dtype, pd.CategoricalDtype) and (
        pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype))


def compare(client_row: pd.Series, reference_frame: pd.DataFrame, variables,
            target=None, bins: int = 20) -> Comparison:
    """Compare ``client_row`` (index: variable names) with ``reference_frame`` on
    ``variables``.

    ``target``: outcomes of the reference rows (array-like aligned with the frame, 0 repaid,
    1 defaulted, missing unknown) or the name of a column of the frame; ``None``: not split.
    """
    if isinstance(variables, str):
        variables = [variables]
    variables = list(variables)
    missing = [v for v in variables if v not in reference_frame.columns]
    if missing:
        raise ValueError(f"variables: not in the reference frame: {missing}")
    if bins < 1:
        raise ValueError(f"bins must be at least 1, got {bins}")
    y = _outcome(target, len(reference_frame), reference_frame)
    rows, hists = [], []
    for name in variables:
        series = reference_frame[name]
        value = client_row.get(name, np.nan)
        if _is_numeric(series):
            row, hist = _numeric(name, value, series, y, bins)
        else:
            row, hist = _categorical(name, value, series, y)
        rows.append(row)
        hists.extend(hist)
    summary = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS)).set_index("variable")
    histograms = pd.DataFrame(hists, columns=list(HISTOGRAM_COLUMNS))
    return Comparison(summary, histograms)
