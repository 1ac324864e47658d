"""The aggregation engine: pandas tables in, polars group-by inside, pandas frames out.

polars was chosen by measurement (``bench/bench_features.py --engines``, full-scale
synthetic data, 2 cores): on the installments aggregation plus the per-credit bureau_balance
summaries (13.6 M and 27.7 M rows), polars took 2.7 s against 6.2 s for DuckDB and 8.8 s for
pandas ``groupby`` on a quiet machine, and tied with DuckDB (about 6 s, pandas 9 s) on a
loaded one; its peak memory was the lowest of the three every time (pandas: nearly twice).
Its expression API also lets each feature's metadata generate its own expression, where
DuckDB would need generated SQL text. Everything polars stays in this module and in the
family modules' expressions; the public API takes and returns pandas.

The rule for missing values, shared by every family:

* a **count of rows** (``aggregation == "count"``) is 0 for a client with no rows in that
  table or subset: "no previous application" is a true zero (so is a count of the rows of
  one level: a 0/1 indicator column summed);
* **every other aggregate** (min, max, mean, sum, var, nunique, share, last) is missing (NaN) for a
  client with no rows, and min/max/mean/sum/var are missing when none of the client's rows has
  a value: a sum of nothing would read as "a total of 0" and lie about a client we know
  nothing about. ``var`` uses ddof=1, so it is also missing for a single value.
* NaN in a float input column is treated as missing (polars null), never as a number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import polars as pl

from ..data.schema import KEY
from .metadata import ROWS, Feature, level_slugs

_NUMERIC = ("min", "max", "mean", "sum", "var", "nunique")


@dataclass(frozen=True)
class Stat:
    """One output column: its metadata, and how to compute it from the working frame."""

    feature: Feature
    source: str | None  # column of the working frame (None for a row count; for a count
    #                     of some rows: a 0/1 column, summed)
    how: str            # min | max | mean | sum | var | nunique | count | share | last
    code: int | None = None  # for share: the level's code in the schema's levels
    order: tuple[str, ...] = ()  # for last: the columns that order the rows (last = largest)


@dataclass
class Block:
    """Features of one family: ``frame`` has one row per client (in client order)."""

    frame: pd.DataFrame
    features: list[Feature]


# ------------------------------------------------------------------------- stat builders
def numeric_stats(prefix: str, table: str, subset: str, spec: dict[str, tuple[str, ...]],
                  derived: dict[str, tuple[str, ...]] | None = None) -> list[Stat]:
    """``<prefix>_<COLUMN>_<AGG>`` for each column and aggregation of ``spec``.

    ``derived`` maps a derived quantity's name to the source columns it is computed from.
    """
    derived = derived or {}
    out = []
    for column, hows in spec.items():
        for how in hows:
            feature = Feature(f"{prefix}_{column}_{how.upper()}", table, column,
                              derived.get(column, (column,)), how, subset=subset)
            out.append(Stat(feature, column, how))
    return out


def share_stats(prefix: str, table: str, subset: str, column: str,
                levels: tuple[str, ...]) -> list[Stat]:
    """``<prefix>_<COLUMN>_<LEVEL>_SHARE``: share of the client's rows with each level.

    The denominator is all the client's rows, missing or unknown levels included (as the
    mean of a one-hot column), so the shares of one column add up to at most 1.
    """
    return [Stat(Feature(f"{prefix}_{column}_{slug}_SHARE", table, column, (column,), "share",
                         subset=subset, level=level), column, "share", code)
            for code, (level, slug) in enumerate(zip(levels, level_slugs(levels)))]


def count_stat(prefix: str, table: str, subset: str) -> Stat:
    """``<prefix>_COUNT``: number of the client's rows (0 when there are none)."""
    return Stat(Feature(f"{prefix}_COUNT", table, ROWS, (), "count", subset=subset),
                None, "count")


# ------------------------------------------------------------------------------ inputs
def codes(series: pd.Series, levels: tuple[str, ...]) -> np.ndarray:
    """Integer code of each value in the schema's ``levels``; -1 for missing or unknown."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        cats = series.cat.categories
        if tuple(cats[: len(levels)]) == tuple(levels):
            c = series.cat.codes.to_numpy()
            if len(cats) > len(levels):  # unknown levels (kept by the loader) -> -1
                c = np.where(c >= len(levels), -1, c).astype(c.dtype)
            return c
    return pd.Categorical(series, categories=list(levels)).codes


def lazy(frame: pd.DataFrame, columns: list[str],
         categorical: dict[str, tuple[str, ...]] | None = None) -> pl.LazyFrame:
    """Some columns of a pandas table as a polars LazyFrame.

    Numbers keep their type (NaN becomes null); the columns of ``categorical`` (name →
    schema levels) become their integer codes in those levels (-1: missing or unknown).
    """
    categorical = categorical or {}
    data = {}
    for name in columns:
        if name in categorical:
            data[name] = codes(frame[name], categorical[name])
        else:
            data[name] = frame[name].to_numpy()
    floats = [n for n, v in data.items() if v.dtype.kind == "f"]
    out = pl.DataFrame(data).lazy()
    return out.with_columns(pl.col(floats).fill_nan(None)) if floats else out


def safe_ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator / denominator, null where the denominator is 0 or missing (never inf)."""
    return pl.when(denominator != 0).then(numerator / denominator)


# ------------------------------------------------------------------------- aggregation
def _expressions(stats: list[Stat]) -> tuple[list[pl.Expr], list[pl.Expr]]:
    aggs, fixes, counted = [], [], set()
    for s in stats:
        name = s.feature.feature
        if s.how == "count":
            rows = pl.len() if s.source is None else pl.col(s.source).sum()
            aggs.append(rows.cast(pl.Int64).alias(name))
            continue
        col = pl.col(s.source)
        if s.how == "share":
            aggs.append((col == s.code).mean().cast(pl.Float64).alias(name))
        elif s.how == "nunique":
            aggs.append(col.drop_nulls().n_unique().cast(pl.Float64).alias(name))
        elif s.how == "sum":  # masked afterwards where no row has a value
            aggs.append(col.sum().cast(pl.Float64).alias(name))
            nonnull = f"__n_{s.source}"
            if nonnull not in counted:
                counted.add(nonnull)
                aggs.append(col.count().alias(nonnull))
            fixes.append(pl.when(pl.col(nonnull) > 0).then(pl.col(name)).alias(name))
        elif s.how == "last":  # nulls in the order sort first: never "last"
            aggs.append(col.sort_by(list(s.order)).last().cast(pl.Float64).alias(name))
        elif s.how in _NUMERIC:
            aggs.append(getattr(col, s.how)().cast(pl.Float64).alias(name))
        else:
            raise ValueError(f"unknown aggregation {s.how!r} for {name}")
    return aggs, fixes


def _polars_part(frame: pl.LazyFrame, stats: list[Stat], clients: pd.Index) -> pd.DataFrame:
    aggs, fixes = _expressions(stats)
    out = frame.group_by(KEY).agg(aggs)
    if fixes:
        out = out.with_columns(fixes)
    out = out.select([KEY] + [s.feature.feature for s in stats]).collect()
    return out.to_pandas().set_index(KEY).reindex(clients)


def _shares(frame: pl.LazyFrame, stats: list[Stat], clients: pd.Index) -> dict:
    """Share stats by counting codes per client with numpy (polars is slower here: a
    ``(col == k).mean()`` per level is evaluated group by group)."""
    columns = list(dict.fromkeys(s.source for s in stats))
    data = frame.select([KEY, *columns]).collect()
    where = clients.get_indexer(data[KEY].to_numpy())  # -1: not a known client
    known = where >= 0
    where = where[known]
    n = len(clients)
    rows = np.bincount(where, minlength=n).astype(np.float64)
    rows[rows == 0] = np.nan  # no rows: shares are missing
    out = {}
    for column in columns:
        mine = [s for s in stats if s.source == column]
        width = max(s.code for s in mine) + 2  # last slot: missing or other levels
        code = data[column].to_numpy()[known].astype(np.int64)
        code[(code < 0) | (code >= width - 1)] = width - 1
        counts = np.bincount(where * width + code, minlength=n * width).reshape(n, width)
        for s in mine:
            out[s.feature.feature] = counts[:, s.code] / rows
    return out


def aggregate(frame: pl.LazyFrame, stats: list[Stat], clients: pd.Index) -> pd.DataFrame:
    """One row per client in ``clients`` order, one column per stat (in ``stats`` order).

    Clients without rows get NaN, or 0 for counts (see the module docstring).
    """
    names = [s.feature.feature for s in stats]
    shares = [s for s in stats if s.how == "share"]
    others = [s for s in stats if s.how != "share"]
    out = _polars_part(frame, others, clients) if others else pd.DataFrame(index=clients)
    if shares:
        extra = pd.DataFrame(_shares(frame, shares, clients), index=clients)
        out = pd.concat([out, extra], axis=1)
    out = out[names]
    counts = [s.feature.feature for s in stats if s.how == "count"]
    if counts:
        out[counts] = out[counts].fillna(0).astype(np.int64)
    return out
