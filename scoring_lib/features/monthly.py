"""Features of the three monthly / per-instalment histories of previous credits.

Each table is aggregated per client over all its rows (subset ``all``), with its own prefix,
plus ``<PREFIX>_COUNT``, the number of rows (months or instalments), and the share of rows in
each level of NAME_CONTRACT_STATUS where the table has it.

``POS_``     POS_CASH_balance: one row per month of a point-of-sale or cash loan: months of
             history, instalment counts, days past due (SK_DPD; SK_DPD_DEF: the same
             ignoring small debts).
``INSTAL_``  installments_payments: one row per instalment paid (or due), with four derived
             quantities (missing where an input is missing; never inf):

             ``PAYMENT_PERC``  AMT_PAYMENT / AMT_INSTALMENT, the share of the instalment paid
                               (missing where AMT_INSTALMENT is 0)
             ``PAYMENT_DIFF``  AMT_INSTALMENT - AMT_PAYMENT, the amount left unpaid
             ``DPD``           days past due: max(DAYS_ENTRY_PAYMENT - DAYS_INSTALMENT, 0)
             ``DBD``           days before due: max(DAYS_INSTALMENT - DAYS_ENTRY_PAYMENT, 0)
``CC_``      credit_card_balance: one row per month of a credit card: balance, limit,
             drawings, payments, receivables, days past due (min/max/mean/sum/var of each).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import polars as pl

from ..data.schema import PREVIOUS_KEY, get_spec
from .engine import (KEY, Block, Stat, aggregate, count_stat, lazy, numeric_stats,
                     safe_ratio, share_stats)
from .metadata import Feature


@dataclass(frozen=True)
class Family:
    table: str
    prefix: str
    numeric: dict[str, tuple[str, ...]]
    #: derived quantity -> (source columns, function of those pl.col expressions)
    derived: dict[str, tuple[tuple[str, ...], Callable[..., pl.Expr]]] = field(
        default_factory=dict)
    categorical: tuple[str, ...] = ()

    def stats(self) -> list[Stat]:
        derived = {name: sources for name, (sources, _) in self.derived.items()}
        stats = numeric_stats(self.prefix, self.table, "all", self.numeric, derived)
        for column in self.categorical:
            levels = get_spec(self.table).column(column).levels
            stats += share_stats(self.prefix, self.table, "all", column, levels)
        return stats + [count_stat(self.prefix, self.table, "all")]


_ALL5 = ("min", "max", "mean", "sum", "var")

POS = Family("POS_CASH_balance", "POS", {
    "MONTHS_BALANCE": ("min", "max", "mean"),
    "CNT_INSTALMENT": ("max", "mean"),
    "CNT_INSTALMENT_FUTURE": ("max", "mean"),
    "SK_DPD": ("max", "mean"),
    "SK_DPD_DEF": ("max", "mean"),
}, categorical=("NAME_CONTRACT_STATUS",))

INSTAL = Family("installments_payments", "INSTAL", {
    "NUM_INSTALMENT_VERSION": ("nunique",),
    "DPD": ("max", "mean", "sum"),
    "DBD": ("max", "mean", "sum"),
    "PAYMENT_PERC": ("max", "mean", "sum", "var"),
    "PAYMENT_DIFF": ("max", "mean", "sum", "var"),
    "AMT_INSTALMENT": ("max", "mean", "sum"),
    "AMT_PAYMENT": ("min", "max", "mean", "sum"),
    "DAYS_ENTRY_PAYMENT": ("max", "mean", "sum"),
}, derived={
    "PAYMENT_PERC": (("AMT_PAYMENT", "AMT_INSTALMENT"), safe_ratio),
    "PAYMENT_DIFF": (("AMT_INSTALMENT", "AMT_PAYMENT"), lambda a, b: a - b),
    "DPD": (("DAYS_ENTRY_PAYMENT", "DAYS_INSTALMENT"), lambda a, b: (a - b).clip(lower_bound=0)),
    "DBD": (("DAYS_INSTALMENT", "DAYS_ENTRY_PAYMENT"), lambda a, b: (a - b).clip(lower_bound=0)),
})

CC = Family("credit_card_balance", "CC", {
    "MONTHS_BALANCE": ("min", "max", "mean"),
    **{c.name: _ALL5 for c in get_spec("credit_card_balance").columns
       if c.kind != "cat" and c.name not in (PREVIOUS_KEY, KEY, "MONTHS_BALANCE")},
}, categorical=("NAME_CONTRACT_STATUS",))

FAMILIES = (POS, INSTAL, CC)


def monthly_metadata(present) -> list[Feature]:
    return [s.feature for f in FAMILIES if f.table in present for s in f.stats()]


def family_features(family: Family, table: pd.DataFrame, clients: pd.Index) -> Block:
    sources = [c for c in family.numeric if c not in family.derived]
    sources += [c for cols, _ in family.derived.values() for c in cols]
    cats = {c: get_spec(family.table).column(c).levels for c in family.categorical}
    frame = lazy(table, [KEY, *dict.fromkeys(sources), *cats], cats)
    if family.derived:
        frame = frame.with_columns([fn(*(pl.col(c) for c in cols)).alias(name)
                                    for name, (cols, fn) in family.derived.items()])
    stats = family.stats()
    return Block(aggregate(frame, stats, clients), [s.feature for s in stats])


def monthly_features(tables, clients: pd.Index) -> Block:
    blocks = [family_features(f, tables[f.table], clients) for f in FAMILIES
              if f.table in tables]
    if not blocks:
        return Block(pd.DataFrame(index=clients), [])
    return Block(pd.concat([b.frame for b in blocks], axis=1),
                 [feat for b in blocks for feat in b.features])
