"""Previous-application features: the client's earlier applications to Prêt à dépenser.

Before aggregating, the ``365243`` sentinel ("not applicable") becomes missing in the five
``DAYS_*`` columns that use it, and one quantity is derived:

``APP_CREDIT_PERC``  AMT_APPLICATION / AMT_CREDIT: what the client asked for over what was
                     granted (missing where AMT_CREDIT is 0, e.g. refused applications).

Per client, over three subsets with their own prefix: ``PREV_`` all applications,
``PREV_APPROVED_`` approved ones, ``PREV_REFUSED_`` refused ones (NAME_CONTRACT_STATUS).
Each subset gets the numeric aggregates of :data:`NUMERIC` (e.g.
``PREV_APPROVED_AMT_ANNUITY_MEAN``) and ``<PREFIX>_COUNT``, the number of applications.
``PREV_`` also gets, for every categorical column of the table, the share of the client's
applications in each level (``PREV_NAME_CONTRACT_STATUS_Refused_SHARE``: the share of the
client's applications that were refused), like the kernel's mean of one-hot columns.
"""

from __future__ import annotations

import pandas as pd
import polars as pl

from ..data.schema import SENTINEL_COLUMNS, DAYS_SENTINEL, get_spec
from .engine import (KEY, Block, aggregate, count_stat, lazy, numeric_stats, safe_ratio,
                     share_stats)
from .metadata import Feature

TABLE = "previous_application"
SENTINEL_DAYS = SENTINEL_COLUMNS[TABLE]
DERIVED = {"APP_CREDIT_PERC": ("AMT_APPLICATION", "AMT_CREDIT")}
NUMERIC: dict[str, tuple[str, ...]] = {
    "AMT_ANNUITY": ("min", "max", "mean"),
    "AMT_APPLICATION": ("min", "max", "mean"),
    "AMT_CREDIT": ("min", "max", "mean"),
    "APP_CREDIT_PERC": ("min", "max", "mean", "var"),
    "AMT_DOWN_PAYMENT": ("min", "max", "mean"),
    "AMT_GOODS_PRICE": ("min", "max", "mean"),
    "HOUR_APPR_PROCESS_START": ("min", "max", "mean"),
    "RATE_DOWN_PAYMENT": ("min", "max", "mean"),
    "DAYS_DECISION": ("min", "max", "mean"),
    "CNT_PAYMENT": ("mean", "sum"),
    # not in the kernel, which cleans these sentinel columns but then leaves them out
    "DAYS_FIRST_DRAWING": ("min", "max", "mean"),
    "DAYS_FIRST_DUE": ("min", "max", "mean"),
    "DAYS_LAST_DUE_1ST_VERSION": ("min", "max", "mean"),
    "DAYS_LAST_DUE": ("min", "max", "mean"),
    "DAYS_TERMINATION": ("min", "max", "mean"),
}
#: (prefix, subset, NAME_CONTRACT_STATUS level or None for all applications)
SUBSETS = (("PREV", "all", None), ("PREV_APPROVED", "approved", "Approved"),
           ("PREV_REFUSED", "refused", "Refused"))
STATUS = "NAME_CONTRACT_STATUS"


def categorical_levels() -> dict[str, tuple[str, ...]]:
    """Every categorical column of the table, with its schema levels."""
    return {c.name: c.levels for c in get_spec(TABLE).columns if c.kind == "cat"}


def subset_stats(prefix: str, subset: str):
    stats = numeric_stats(prefix, TABLE, subset, NUMERIC, DERIVED)
    if subset == "all":
        for column, levels in categorical_levels().items():
            stats += share_stats(prefix, TABLE, subset, column, levels)
    return stats + [count_stat(prefix, TABLE, subset)]


def previous_metadata(present) -> list[Feature]:
    if TABLE not in present:
        return []
    return [s.feature for prefix, subset, _ in SUBSETS for s in subset_stats(prefix, subset)]


def previous_features(tables, clients: pd.Index) -> Block:
    if TABLE not in tables:
        return Block(pd.DataFrame(index=clients), [])
    cats = categorical_levels()
    sources = [c for c in NUMERIC if c not in DERIVED] + ["AMT_APPLICATION", "AMT_CREDIT"]
    frame = lazy(tables[TABLE], [KEY, *dict.fromkeys(sources), *cats], cats)
    frame = frame.with_columns(
        [pl.when(pl.col(c) != DAYS_SENTINEL).then(pl.col(c)).alias(c) for c in SENTINEL_DAYS]
        + [safe_ratio(pl.col(num), pl.col(den)).alias(name)
           for name, (num, den) in DERIVED.items()]).collect().lazy()
    status = cats[STATUS]
    frames, features = [], []
    for prefix, subset, level in SUBSETS:
        rows = frame if level is None else frame.filter(pl.col(STATUS) == status.index(level))
        stats = subset_stats(prefix, subset)
        frames.append(aggregate(rows, stats, clients))
        features += [s.feature for s in stats]
    return Block(pd.concat(frames, axis=1), features)
