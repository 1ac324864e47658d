"""Credit-bureau features: the client's credits at other lenders (bureau + bureau_balance).

Two steps, as in the public "LightGBM with simple features" kernel:

1. **Per bureau credit**, from its monthly bureau_balance rows: the first and last month
   reported (``MONTHS_BALANCE_MIN`` / ``_MAX``, in months before the application), the number
   of months reported (``MONTHS_COUNT``) and the share of those months in each ``STATUS``
   (``STATUS_<level>_SHARE``: ``C`` closed, ``X`` unknown, ``0`` no delay, ``1``-``5``
   increasingly late, 5 = over 120 days or written off). A credit without bureau_balance rows
   has these missing (not reported is not "zero months").
2. **Per client**, over three subsets of the client's credits, each with its own prefix:
   ``BURO_`` all credits, ``ACTIVE_`` credits still running (CREDIT_ACTIVE = Active),
   ``CLOSED_`` closed credits. Each subset gets the numeric aggregates of
   :data:`NUMERIC` (e.g. ``ACTIVE_AMT_CREDIT_SUM_DEBT_SUM``: the client's current debt at
   other lenders), the bureau_balance summaries of :data:`BALANCE` (e.g.
   ``BURO_STATUS_1_SHARE_MEAN``: on average over the client's credits, the share of months
   1-30 days late) and ``<PREFIX>_COUNT``, the number of credits. ``BURO_`` also gets the
   share of the client's credits in each level of :data:`CATEGORICAL`
   (e.g. ``BURO_CREDIT_TYPE_Microloan_SHARE``).

bureau_balance without bureau contributes nothing (its credits cannot be tied to a client);
bureau without bureau_balance gives every feature but the bureau_balance summaries.
"""

from __future__ import annotations

import pandas as pd
import polars as pl

from ..data.schema import BUREAU_KEY, get_spec
from .engine import (KEY, Block, Stat, aggregate, count_stat, lazy, numeric_stats,
                     share_stats)
from .metadata import ROWS, Feature, level_slugs

TABLE, BALANCE_TABLE = "bureau", "bureau_balance"
CREDIT = BUREAU_KEY

#: column -> aggregations, for every subset (the kernel's list)
NUMERIC: dict[str, tuple[str, ...]] = {
    "DAYS_CREDIT": ("min", "max", "mean", "var"),
    "DAYS_CREDIT_ENDDATE": ("min", "max", "mean"),
    "DAYS_CREDIT_UPDATE": ("mean",),
    "CREDIT_DAY_OVERDUE": ("max", "mean"),
    "AMT_CREDIT_MAX_OVERDUE": ("mean",),
    "AMT_CREDIT_SUM": ("max", "mean", "sum"),
    "AMT_CREDIT_SUM_DEBT": ("max", "mean", "sum"),
    "AMT_CREDIT_SUM_OVERDUE": ("mean",),
    "AMT_CREDIT_SUM_LIMIT": ("mean", "sum"),
    "AMT_ANNUITY": ("max", "mean"),
    "CNT_CREDIT_PROLONG": ("sum",),
}
#: categorical columns whose level shares go into the BURO_ subset only
CATEGORICAL = ("CREDIT_ACTIVE", "CREDIT_CURRENCY", "CREDIT_TYPE")
#: per-credit summary of bureau_balance -> (inner aggregation, source column, client aggs)
BALANCE: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "MONTHS_BALANCE_MIN": ("min", "MONTHS_BALANCE", ("min",)),
    "MONTHS_BALANCE_MAX": ("max", "MONTHS_BALANCE", ("max",)),
    "MONTHS_COUNT": ("count", ROWS, ("mean", "sum")),
}
#: (prefix, subset, CREDIT_ACTIVE level or None for all credits)
SUBSETS = (("BURO", "all", None), ("ACTIVE", "active", "Active"), ("CLOSED", "closed", "Closed"))


def _levels(table: str, column: str) -> tuple[str, ...]:
    return get_spec(table).column(column).levels


def _status_columns() -> list[tuple[str, str, int]]:
    """(per-credit column, level, code) for each STATUS level."""
    levels = _levels(BALANCE_TABLE, "STATUS")
    return [(f"STATUS_{slug}_SHARE", level, code)
            for code, (level, slug) in enumerate(zip(levels, level_slugs(levels)))]


def _balance_stats(prefix: str, subset: str) -> list[Stat]:
    out = []
    for source, (inner, column, hows) in BALANCE.items():
        derived = () if column == ROWS else (column,)
        for how in hows:
            out.append(Stat(Feature(f"{prefix}_{source}_{how.upper()}", BALANCE_TABLE, column,
                                    derived, how, inner, subset), source, how))
    for source, level, _ in _status_columns():
        out.append(Stat(Feature(f"{prefix}_{source}_MEAN", BALANCE_TABLE, "STATUS", ("STATUS",),
                                "mean", "share", subset, level), source, "mean"))
    return out


def subset_stats(prefix: str, subset: str, with_balance: bool) -> list[Stat]:
    stats = numeric_stats(prefix, TABLE, subset, NUMERIC)
    if with_balance:
        stats += _balance_stats(prefix, subset)
    if subset == "all":
        for column in CATEGORICAL:
            stats += share_stats(prefix, TABLE, subset, column, _levels(TABLE, column))
    return stats + [count_stat(prefix, TABLE, subset)]


def bureau_metadata(present) -> list[Feature]:
    if TABLE not in present:
        return []
    return [s.feature for prefix, subset, _ in SUBSETS
            for s in subset_stats(prefix, subset, BALANCE_TABLE in present)]


def per_credit(balance: pd.DataFrame) -> pl.LazyFrame:
    """Step 1: one row per SK_ID_BUREAU with the columns of :data:`BALANCE` and STATUS shares."""
    frame = lazy(balance, [CREDIT, "MONTHS_BALANCE", "STATUS"],
                 {"STATUS": _levels(BALANCE_TABLE, "STATUS")})
    month = pl.col("MONTHS_BALANCE")
    aggs = [month.min().cast(pl.Float64).alias("MONTHS_BALANCE_MIN"),
            month.max().cast(pl.Float64).alias("MONTHS_BALANCE_MAX"),
            pl.len().cast(pl.Float64).alias("MONTHS_COUNT")]
    aggs += [(pl.col("STATUS") == code).mean().cast(pl.Float64).alias(name)
             for name, _, code in _status_columns()]
    return frame.group_by(CREDIT).agg(aggs)


def bureau_features(tables, clients: pd.Index) -> Block:
    """Step 2: the features of :func:`bureau_metadata`, one row per client."""
    if TABLE not in tables:
        return Block(pd.DataFrame(index=clients), [])
    cats = {c: _levels(TABLE, c) for c in CATEGORICAL}
    credits = lazy(tables[TABLE], [KEY, CREDIT, *NUMERIC, *CATEGORICAL], cats)
    with_balance = BALANCE_TABLE in tables
    if with_balance:
        credits = credits.join(per_credit(tables[BALANCE_TABLE]), on=CREDIT, how="left")
    credits = credits.collect().lazy()  # shared by the three subsets
    active = cats["CREDIT_ACTIVE"]
    frames, features = [], []
    for prefix, subset, level in SUBSETS:
        rows = credits if level is None else credits.filter(
            pl.col("CREDIT_ACTIVE") == active.index(level))
        stats = subset_stats(prefix, subset, with_balance)
        frames.append(aggregate(rows, stats, clients))
        features += [s.feature for s in stats]
    return Block(pd.concat(frames, axis=1), features)
