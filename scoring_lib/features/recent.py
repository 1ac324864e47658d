"""Recent history: the last 6 and 12 months, trends, and the last previous application.

Per client, from the child tables present, one family per table (names begin with the
table's prefix, so that each reads with its table):

* **Recent windows** (subset ``last_6m`` / ``last_12m``; the rows whose date is within 6 / 12
  months before the application, boundary included: ``DAYS_* >= -182`` / ``-365``,
  ``MONTHS_BALANCE >= -6`` / ``-12``), named ``<PREFIX>_6M_...`` / ``<PREFIX>_12M_...``:

  ``INSTAL_``  by DAYS_INSTALMENT (the due date): mean and max of ``DPD`` (days past due),
               ``LATE`` (1 if paid after the due date, 0 if on time; missing if not paid)
               mean = the share of late instalments, ``PAYMENT_PERC`` mean, the count;
  ``BURO_``    credits opened (DAYS_CREDIT) in the window: their count, the count of those
               still active (``BURO_6M_CREDIT_ACTIVE_Active_COUNT``), the sums of their
               amounts and debts, the max of their current days past due;
  ``PREV_``    applications decided (DAYS_DECISION) in the window: their count and the count
               of refused ones;
  ``POS_``     by MONTHS_BALANCE: mean / max of SK_DPD, max of SK_DPD_DEF, the count;
  ``CC_``      by MONTHS_BALANCE: mean / max of SK_DPD, mean of ``BALANCE_LIMIT_RATIO``
               (AMT_BALANCE / AMT_CREDIT_LIMIT_ACTUAL, missing where the limit is 0), the
               count; plus that ratio's mean and max over all the history.
* **Trends** (aggregation ``trend``, subset ``last_12m``): the mean over the last 12 months
  minus the mean over all the client's history (``INSTAL_DPD_TREND`` > 0: paying later than
  usual lately); missing without a row in the last 12 months.
* **The last previous application** (aggregation ``last``: the one with the largest
  DAYS_DECISION, ties broken by the largest SK_ID_PREV so that row order never matters): its
  outcome (``PREV_NAME_CONTRACT_STATUS_Refused_LAST``: 1 if refused, 0 otherwise;
  ``..._Approved_LAST``), what was asked over what was granted (``PREV_APP_CREDIT_PERC_LAST``),
  the amounts asked and granted, the annuity and the number of instalments. Its decision date
  is ``PREV_DAYS_DECISION_MAX`` already.

Missing values follow :mod:`.engine`: counts are 0 without rows, everything else NaN.
Everything is computed from the client's own rows (no statistic over clients, no TARGET), so a
partition of clients gives the same values as the whole book.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import polars as pl

from ..data.schema import PREVIOUS_KEY, get_spec
from .engine import KEY, Block, Stat, aggregate, count_stat, lazy, numeric_stats, safe_ratio
from .metadata import Feature
from .monthly import INSTAL

#: (name part, subset, days, months)
WINDOWS = (("6M", "last_6m", -182, -6), ("12M", "last_12m", -365, -12))
TREND_WINDOW = "last_12m"


@dataclass(frozen=True)
class Recent:
    """The recent-history features of one table."""

    table: str
    prefix: str
    date: str             # the column that places a row in time
    months: bool          # ``date`` in months (MONTHS_BALANCE) rather than days
    window: dict          # column -> aggregations, for each window
    overall: dict         # column -> aggregations, over all rows (new ones only)
    trends: tuple         # columns whose trend is computed
    derived: dict         # derived column -> source columns
    level_counts: tuple = ()  # (column, level): counted in each window

    def bound(self, window) -> int:
        return window[3] if self.months else window[2]

    def window_stats(self, window) -> list[Stat]:
        name, subset = window[0], window[1]
        prefix = f"{self.prefix}_{name}"
        stats = numeric_stats(prefix, self.table, subset, self.window, self.derived)
        for column, level in self.level_counts:
            stats.append(Stat(Feature(f"{prefix}_{column}_{level}_COUNT", self.table, column,
                                      (column,), "count", subset=subset, level=level),
                              _indicator(column, level), "count"))
        return stats + [count_stat(prefix, self.table, subset)]

    def overall_stats(self) -> list[Stat]:
        return numeric_stats(self.prefix, self.table, "all", self.overall, self.derived)

    def trend_features(self) -> list[Feature]:
        return [Feature(f"{self.prefix}_{c}_TREND", self.table, c,
                        self.derived.get(c, (c,)), "trend", subset=TREND_WINDOW)
                for c in self.trends]

    def features(self) -> list[Feature]:
        out = [s.feature for w in WINDOWS for s in self.window_stats(w)]
        return out + [s.feature for s in self.overall_stats()] + self.trend_features()


def _indicator(column: str, level: str) -> str:
    return f"__{column}_{level}"


_INSTAL_DERIVED = {name: sources for name, (sources, _) in INSTAL.derived.items()}
_INSTAL_DERIVED["LATE"] = ("DAYS_ENTRY_PAYMENT", "DAYS_INSTALMENT")

FAMILIES = (
    Recent("installments_payments", "INSTAL", date="DAYS_INSTALMENT", months=False,
           window={"DPD": ("mean", "max"), "LATE": ("mean",), "PAYMENT_PERC": ("mean",)},
           overall={"LATE": ("mean",)}, trends=("DPD", "LATE", "PAYMENT_PERC"),
           derived=_INSTAL_DERIVED),
    Recent("bureau", "BURO", date="DAYS_CREDIT", months=False,
           window={"AMT_CREDIT_SUM": ("sum",), "AMT_CREDIT_SUM_DEBT": ("sum",),
                   "CREDIT_DAY_OVERDUE": ("max",)},
           overall={}, trends=(), derived={}, level_counts=(("CREDIT_ACTIVE", "Active"),)),
    Recent("previous_application", "PREV", date="DAYS_DECISION", months=False, window={},
           overall={}, trends=(), derived={},
           level_counts=(("NAME_CONTRACT_STATUS", "Refused"),)),
    Recent("POS_CASH_balance", "POS", date="MONTHS_BALANCE", months=True,
           window={"SK_DPD": ("mean", "max"), "SK_DPD_DEF": ("max",)}, overall={},
           trends=("SK_DPD",), derived={}),
    Recent("credit_card_balance", "CC", date="MONTHS_BALANCE", months=True,
           window={"SK_DPD": ("mean", "max"), "BALANCE_LIMIT_RATIO": ("mean",)},
           overall={"BALANCE_LIMIT_RATIO": ("mean", "max")},
           trends=("SK_DPD", "BALANCE_LIMIT_RATIO"),
           derived={"BALANCE_LIMIT_RATIO": ("AMT_BALANCE", "AMT_CREDIT_LIMIT_ACTUAL")}),
)

PREVIOUS = "previous_application"
#: the last previous application: (column, level or None)
LAST = (("NAME_CONTRACT_STATUS", "Refused"), ("NAME_CONTRACT_STATUS", "Approved"),
        ("APP_CREDIT_PERC", None), ("AMT_APPLICATION", None), ("AMT_CREDIT", None),
        ("AMT_ANNUITY", None), ("CNT_PAYMENT", None))
LAST_ORDER = ("DAYS_DECISION", PREVIOUS_KEY)
_PREV_DERIVED = {"APP_CREDIT_PERC": ("AMT_APPLICATION", "AMT_CREDIT")}


def last_stats() -> list[Stat]:
    out = []
    for column, level in LAST:
        if level is None:
            feature = Feature(f"PREV_{column}_LAST", PREVIOUS, column,
                              _PREV_DERIVED.get(column, (column,)), "last", subset="all")
            out.append(Stat(feature, column, "last", order=LAST_ORDER))
        else:
            feature = Feature(f"PREV_{column}_{level}_LAST", PREVIOUS, column, (column,),
                              "last", subset="all", level=level)
            out.append(Stat(feature, _indicator(column, level), "last", order=LAST_ORDER))
    return out


def recent_metadata(present) -> list[Feature]:
    out = []
    for family in FAMILIES:
        if family.table in present:
            out += family.features()
            if family.table == PREVIOUS:
                out += [s.feature for s in last_stats()]
    return out


# ----------------------------------------------------------------------------- compute
def _expressions(family: Recent) -> list[pl.Expr]:
    col = pl.col
    exprs = []
    if family.table == "installments_payments":
        late = col("DAYS_ENTRY_PAYMENT") - col("DAYS_INSTALMENT")
        needed = {*family.window, *family.overall, *family.trends}
        exprs += [fn(*(col(c) for c in cols)).alias(name)
                  for name, (cols, fn) in INSTAL.derived.items() if name in needed]
        exprs.append(pl.when(late.is_not_null()).then((late > 0).cast(pl.Float64))
                     .alias("LATE"))
    if "BALANCE_LIMIT_RATIO" in family.derived:
        exprs.append(safe_ratio(col("AMT_BALANCE"), col("AMT_CREDIT_LIMIT_ACTUAL"))
                     .alias("BALANCE_LIMIT_RATIO"))
    return exprs


def _levels(table: str, column: str) -> tuple[str, ...]:
    return get_spec(table).column(column).levels


def _frame(family: Recent, tables) -> pl.LazyFrame:
    """The table's rows with the derived columns and the 0/1 indicators of ``level_counts``
    and of :data:`LAST` (null where the category is missing)."""
    table = tables[family.table]
    levels = dict(family.level_counts)
    if family.table == PREVIOUS:
        levels.update({c: lv for c, lv in LAST if lv is not None})
    cats = {c: _levels(family.table, c) for c in levels}
    sources = {family.date}
    for column in family.window:
        sources.update(family.derived.get(column, (column,)))
    for column in family.overall:
        sources.update(family.derived.get(column, (column,)))
    if family.table == PREVIOUS:
        sources.update((PREVIOUS_KEY, "AMT_APPLICATION", "AMT_CREDIT", "AMT_ANNUITY",
                        "CNT_PAYMENT"))
    frame = lazy(table, [KEY, *sorted(sources - set(cats)), *cats], cats)
    exprs = _expressions(family)
    if family.table == PREVIOUS:
        exprs.append(safe_ratio(pl.col("AMT_APPLICATION"), pl.col("AMT_CREDIT"))
                     .alias("APP_CREDIT_PERC"))
    wanted = list(family.level_counts)
    if family.table == PREVIOUS:
        wanted += [(c, lv) for c, lv in LAST if lv is not None]
    for column, level in dict.fromkeys(wanted):
        code = cats[column].index(level)
        exprs.append(pl.when(pl.col(column) >= 0)
                     .then((pl.col(column) == code).cast(pl.Int64))
                     .alias(_indicator(column, level)))
    return frame.with_columns(exprs) if exprs else frame


def family_features(family: Recent, tables, clients: pd.Index) -> Block:
    frame = _frame(family, tables).collect().lazy()
    frames, features, means = [], [], {}
    for window in WINDOWS:
        rows = frame.filter(pl.col(family.date) >= family.bound(window))
        stats = family.window_stats(window)
        if window[1] == TREND_WINDOW:  # the window means the trends need, kept aside
            stats += _trend_means(family, "window")
        part = aggregate(rows, stats, clients)
        if window[1] == TREND_WINDOW:
            means["window"] = part[[s.feature.feature for s in _trend_means(family, "window")]]
            part = part.drop(columns=means["window"].columns)
        frames.append(part)
        features += [s.feature for s in family.window_stats(window)]
    overall = family.overall_stats() + _trend_means(family, "all")
    if overall:
        part = aggregate(frame, overall, clients)
        hidden = [s.feature.feature for s in _trend_means(family, "all")]
        means["all"] = part[hidden]
        frames.append(part.drop(columns=hidden))
        features += [s.feature for s in family.overall_stats()]
    if family.trends:
        trend = {f.feature: means["window"][f"__window_{f.column}"].to_numpy()
                 - means["all"][f"__all_{f.column}"].to_numpy()
                 for f in family.trend_features()}
        frames.append(pd.DataFrame(trend, index=clients))
        features += family.trend_features()
    if family.table == PREVIOUS:
        stats = last_stats()
        frames.append(aggregate(frame, stats, clients))
        features += [s.feature for s in stats]
    return Block(pd.concat(frames, axis=1), features)


def _trend_means(family: Recent, which: str) -> list[Stat]:
    """Hidden means (not features) of the trend columns, over the window or all rows."""
    return [Stat(Feature(f"__{which}_{c}", family.table, c, (c,), "mean", subset="all"),
                 c, "mean") for c in family.trends]


def recent_features(tables, clients: pd.Index) -> Block:
    blocks = [family_features(f, tables, clients) for f in FAMILIES if f.table in tables]
    if not blocks:
        return Block(pd.DataFrame(index=clients), [])
    return Block(pd.concat([b.frame for b in blocks], axis=1),
                 [feat for b in blocks for feat in b.features])
