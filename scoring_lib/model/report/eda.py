"""Exploratory data analysis as frames: what ``notebooks/01_eda.ipynb`` shows.

Every function takes loaded tables (``scoring_lib.data.load_tables``) or one of their
frames and returns a DataFrame; the plots are in :mod:`scoring_lib.model.report.plots`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from ...data.schema import BUREAU_KEY, CHILD_TABLES, DAYS_SENTINEL, KEY, TARGET

#: Application columns worth a first look, with the unit they are shown in.
KEY_COLUMNS = {
    "EXT_SOURCE_1": "score", "EXT_SOURCE_2": "score", "EXT_SOURCE_3": "score",
    "DAYS_BIRTH": "age, years", "DAYS_EMPLOYED": "years employed",
    "AMT_INCOME_TOTAL": "income", "AMT_CREDIT": "credit amount", "AMT_ANNUITY": "annuity",
    "AMT_GOODS_PRICE": "goods price", "DAYS_ID_PUBLISH": "years since ID change",
    "REGION_RATING_CLIENT": "region rating",
}
KEY_CATEGORIES = ("NAME_CONTRACT_TYPE", "CODE_GENDER", "NAME_INCOME_TYPE",
                  "NAME_EDUCATION_TYPE", "NAME_FAMILY_STATUS", "OCCUPATION_TYPE")

__all__ = ["KEY_CATEGORIES", "KEY_COLUMNS", "child_table_coverage", "default_rate_by_category",
           "missing_by_table", "missing_values", "numeric_by_outcome", "readable_column",
           "sample_rows", "table_overview", "target_balance", "univariate_auc"]


def table_overview(tables) -> pd.DataFrame:
    """Rows, columns, memory (MB) and overall share of missing cells per loaded table."""
    rows = []
    for name, frame in tables.items():
        rows.append({"table": name, "rows": len(frame), "columns": frame.shape[1],
                     "memory_mb": frame.memory_usage(deep=False).sum() / 2**20,
                     "missing_cells": float(frame.isna().to_numpy().mean()) if len(frame) else 0.0})
    return pd.DataFrame(rows).set_index("table")


def target_balance(train: pd.DataFrame) -> pd.DataFrame:
    """Clients and share by TARGET (0: repaid, 1: defaulted)."""
    counts = train[TARGET].value_counts().sort_index()
    out = pd.DataFrame({"clients": counts, "share": counts / counts.sum()})
    out.index = out.index.map({0: "0 repaid", 1: "1 defaulted"})
    out.index.name = TARGET
    return out


def missing_values(frame: pd.DataFrame, top: int | None = None) -> pd.DataFrame:
    """Share of missing values per column, highest first (columns with none are dropped).

    The ``365243`` "not applicable" days of the DAYS_* columns are counted in ``sentinel``
    (they are not missing in the file, but mean "no value").
    """
    share = frame.isna().mean()
    sentinel = pd.Series({c: float((frame[c] == DAYS_SENTINEL).mean()) for c in frame.columns
                          if c.startswith("DAYS_") and pd.api.types.is_numeric_dtype(frame[c])})
    out = pd.DataFrame({"missing": share, "sentinel": sentinel.reindex(share.index).fillna(0.0)})
    out = out[(out["missing"] > 0) | (out["sentinel"] > 0)].sort_values("missing",
                                                                      ascending=False)
    out.index.name = "column"
    return out.head(top) if top else out


def missing_by_table(tables) -> pd.DataFrame:
    """Per table: columns, columns with any missing value, with over half missing."""
    rows = []
    for name, frame in tables.items():
        share = frame.isna().mean()
        rows.append({"table": name, "columns": frame.shape[1],
                     "with_missing": int((share > 0).sum()),
                     "over_half_missing": int((share > 0.5).sum()),
                     "mean_missing": float(share.mean())})
    return pd.DataFrame(rows).set_index("table")


def readable_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column in the unit a person reads: DAYS_* in years (positive, sentinel missing)."""
    s = frame[column]
    if column.startswith("DAYS_"):
        s = s.where(s != DAYS_SENTINEL) / -365.25
    return s.astype(np.float64)


def numeric_by_outcome(train: pd.DataFrame, columns=None) -> pd.DataFrame:
    """Median (and quartiles) of numeric columns by TARGET, plus missing share and the
    column's univariate AUC (ranking power; 0.5 = none, oriented to be >= 0.5)."""
    columns = list(columns or [c for c in KEY_COLUMNS if c in train.columns])
    rows = []
    y = train[TARGET].to_numpy()
    for c in columns:
        s = readable_column(train, c)
        row = {"column": c, "unit": KEY_COLUMNS.get(c, ""), "missing": float(s.isna().mean())}
        for t in (0, 1):
            q = s[y == t].quantile([0.25, 0.5, 0.75])
            row.update({f"q25_{t}": q.iloc[0], f"median_{t}": q.iloc[1], f"q75_{t}": q.iloc[2]})
        row["auc"] = _auc(y, s)
        rows.append(row)
    return pd.DataFrame(rows).set_index("column")


def _auc(y, s: pd.Series) -> float:
    ok = s.notna().to_numpy()
    if ok.sum() < 2 or len(np.unique(y[ok])) < 2:
        return float("nan")
    auc = roc_auc_score(y[ok], s.to_numpy()[ok])
    return float(max(auc, 1 - auc))


def univariate_auc(train: pd.DataFrame, top: int | None = 20) -> pd.DataFrame:
    """Every numeric application column ranked by its univariate AUC (on non-missing rows)."""
    y = train[TARGET].to_numpy()
    rows = [{"column": c, "auc": _auc(y, readable_column(train, c)),
             "missing": float(train[c].isna().mean())}
            for c in train.columns if c not in (KEY, TARGET)
            and pd.api.types.is_numeric_dtype(train[c])]
    out = pd.DataFrame(rows).dropna(subset=["auc"]).sort_values("auc", ascending=False)
    out = out.set_index("column")
    return out.head(top) if top else out


def default_rate_by_category(train: pd.DataFrame, column: str,
                             min_clients: int = 1) -> pd.DataFrame:
    """Clients, share and default rate by level of a categorical column (missing shown as
    ``(missing)``), most frequent first."""
    s = train[column].astype(object).where(train[column].notna(), "(missing)")
    out = (pd.DataFrame({"level": s, "y": train[TARGET]}).groupby("level", observed=True)["y"]
           .agg(clients="size", default_rate="mean"))
    out["share"] = out["clients"] / out["clients"].sum()
    out = out[out["clients"] >= min_clients].sort_values("clients", ascending=False)
    return out[["clients", "share", "default_rate"]]


def sample_rows(frame: pd.DataFrame, n: int | None, seed: int = 0) -> pd.DataFrame:
    """``n`` random rows (all if ``n`` is None or larger than the frame)."""
    if n is None or n >= len(frame):
        return frame
    return frame.sample(n=n, random_state=seed)


def _rows_per_client(tables, name: str) -> pd.Series:
    frame = tables[name]
    if KEY in frame.columns:
        return frame[KEY].value_counts()
    if name == "bureau_balance" and "bureau" in tables:  # via SK_ID_BUREAU
        owner = tables["bureau"].set_index(BUREAU_KEY)[KEY]
        ids = owner.reindex(frame[BUREAU_KEY].to_numpy()).dropna().astype(np.int64)
        return ids.value_counts()
    return pd.Series(dtype=np.int64)


def _safe(func, values) -> float:
    return float(func(values)) if len(values) else float("nan")


def child_table_coverage(tables) -> pd.DataFrame:
    """For each child table: share of training clients with at least one row, rows per
    covered client (median, mean), and the default rate with and without rows.

    ``bureau_balance`` is linked to clients through ``bureau``. Absent tables are listed
    with ``present = False``.
    """
    train = tables["application_train"]
    ids, y = train[KEY].to_numpy(), train[TARGET].to_numpy()
    rows = []
    for name in CHILD_TABLES:
        if name not in tables:
            rows.append({"table": name, "present": False})
            continue
        counts = _rows_per_client(tables, name).reindex(ids).fillna(0).to_numpy()
        has = counts > 0
        rows.append({"table": name, "present": True, "rows": len(tables[name]),
                     "clients_covered": float(has.mean()),
                     "rows_per_client_median": _safe(np.median, counts[has]),
                     "rows_per_client_mean": _safe(np.mean, counts[has]),
                     "default_rate_with_rows": _safe(np.mean, y[has]),
                     "default_rate_without_rows": _safe(np.mean, y[~has]),
                     "key": KEY if KEY in tables[name].columns else BUREAU_KEY})
    return pd.DataFrame(rows).set_index("table")
