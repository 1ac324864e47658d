"""What a client can change at the counter, and the application that results (what-if).

**Actionable variables** (:data:`LEVERS`, Kaggle names; one pseudo-variable):

``AMT_CREDIT``       the amount asked (the duration is kept: the instalment follows; unless
                     ``AMT_GOODS_PRICE`` is given too, the goods price follows in proportion:
                     a smaller credit for a cheaper purchase)
``DURATION_MONTHS``  the loan duration in months, ``AMT_CREDIT / AMT_ANNUITY`` (no interest:
                     the instalment repays the credit in that many months); changing it
                     changes ``AMT_ANNUITY`` to ``AMT_CREDIT / months``
``AMT_ANNUITY``      the instalment itself (then the duration follows); not with
                     ``DURATION_MONTHS`` in the same request
``AMT_GOODS_PRICE``  the price of the goods financed (a goods price above the credit is a
                     down payment by the client)

Everything else is a fact about the client (age, gender, family, income, employment, external
scores, bureau and past-application records) or the product's definition
(``NAME_CONTRACT_TYPE``: another product, not the same application), and is never changed.

**Plausible ranges**: the smallest and largest values observed among the bundle's training
clients (:func:`observed_ranges`), for each variable and for the goods price / credit ratio.
A changed value outside them, an unknown name or a value that is not a number raises
:class:`WhatIfError` naming the variable, the value and the accepted range.

**Re-featurisation**: the changed raw application goes through the feature layer's own
function (:func:`scoring_lib.features.application.application_features`) and every feature
derived from a changed column (the column itself, the ratios) is replaced in the client's
stored features (:data:`DERIVED`, from the feature layer's metadata); every other feature,
child-table aggregates included, stays as stored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..features.application import application_features, application_metadata

CREDIT, ANNUITY, GOODS, DURATION = ("AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE",
                                    "DURATION_MONTHS")
#: the raw application columns a simulation may change
RAW = (CREDIT, ANNUITY, GOODS)
#: the goods price / credit ratio, range-checked too
GOODS_RATIO = "GOODS_PRICE_CREDIT_PERC"


@dataclass(frozen=True)
class Lever:
    """One actionable variable: ``kind`` ``"amount"`` (currency) or ``"months"``; ``step``:
    the input step a form uses."""

    name: str
    label_fr: str
    label_en: str
    kind: str
    step: float

    def label(self, lang: str) -> str:
        return self.label_fr if lang == "fr" else self.label_en


LEVERS: dict[str, Lever] = {lever.name: lever for lever in (
    Lever(CREDIT, "Montant du crédit", "Credit amount", "amount", 1000.0),
    Lever(DURATION, "Durée du crédit (mois)", "Loan duration (months)", "months", 1.0),
    Lever(ANNUITY, "Mensualité", "Instalment", "amount", 100.0),
    Lever(GOODS, "Prix du bien financé", "Price of the goods financed", "amount", 1000.0),
)}

#: model features derived from the raw actionable columns (the feature layer's metadata)
DERIVED = tuple(f.feature for f in application_metadata() if set(f.derived_from) & set(RAW))


class WhatIfError(ValueError):
    """A change a simulation cannot make (``str``: one sentence naming the variable, the
    value and what is accepted)."""


def observed_ranges(applications: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """``{name: (low, high)}`` for every lever and :data:`GOODS_RATIO`, over the rows of
    ``applications`` (the training clients' raw columns)."""
    credit = applications[CREDIT].to_numpy(dtype=np.float64, na_value=np.nan)
    annuity = applications[ANNUITY].to_numpy(dtype=np.float64, na_value=np.nan)
    goods = applications[GOODS].to_numpy(dtype=np.float64, na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        months = np.where(annuity > 0, credit / annuity, np.nan)
        ratio = np.where(credit > 0, goods / credit, np.nan)

    def span(x):
        x = x[np.isfinite(x)]
        return (float(x.min()), float(x.max())) if x.size else (math.nan, math.nan)

    lo, hi = span(months)
    return {CREDIT: span(credit), ANNUITY: span(annuity), GOODS: span(goods),
            DURATION: (float(math.floor(lo)), float(math.ceil(hi))), GOODS_RATIO: span(ratio)}


def _number(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise WhatIfError(f"{name}: expected a number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise WhatIfError(f"{name}: expected a finite number, got {value!r}")
    return x


def _show(x: float) -> str:
    """A value in a message: whole amounts in full ("2474720"), ratios to 4 digits."""
    return f"{x:.0f}" if abs(x) >= 1000 or float(x).is_integer() else f"{x:.4g}"


def _check_range(name: str, value: float, ranges: dict, why: str = "") -> None:
    lo, hi = ranges[name]
    if not lo <= value <= hi:
        raise WhatIfError(f"{name}: {_show(value)}{why} is outside the plausible range "
                          f"[{_show(lo)}, {_show(hi)}] observed in this bundle's training "
                          f"clients")


def resolve(base: dict, changes: dict, ranges: dict) -> dict:
    """The raw values ``{AMT_CREDIT, AMT_ANNUITY, AMT_GOODS_PRICE}`` of the application
    ``base`` (the stored raw values) after ``changes`` (lever name -> number), checked."""
    if not isinstance(changes, dict):
        raise WhatIfError(f"changes: expected a dict of variable name to value, got "
                          f"{type(changes).__name__}")
    unknown = [n for n in changes if n not in LEVERS]
    if unknown:
        raise WhatIfError(f"{unknown[0]!s}: not a variable a client can change; actionable "
                          f"variables: {', '.join(LEVERS)}")
    if ANNUITY in changes and DURATION in changes:
        raise WhatIfError(f"{ANNUITY} and {DURATION}: give one of them (the other follows "
                          f"from the credit amount)")
    values = {n: _number(n, v) for n, v in changes.items()}
    for name, value in values.items():
        _check_range(name, value, ranges)
    credit = values.get(CREDIT, base[CREDIT])
    annuity = base[ANNUITY]
    if DURATION in values:
        annuity = credit / values[DURATION]
    elif ANNUITY in values:
        annuity = values[ANNUITY]
    elif CREDIT in values and annuity is not None and math.isfinite(annuity) and base[CREDIT]:
        annuity = annuity * credit / base[CREDIT]   # the duration kept
    goods = base[GOODS]
    if GOODS in values:
        goods = values[GOODS]
    elif CREDIT in values and goods is not None and math.isfinite(goods) and base[CREDIT]:
        goods = goods * credit / base[CREDIT]       # the same share of the credit buys goods
    out = {CREDIT: credit, ANNUITY: annuity, GOODS: goods}
    if values:
        if ANNUITY not in values and annuity is not None and math.isfinite(annuity) \
                and annuity != base[ANNUITY]:
            _check_range(ANNUITY, annuity, ranges, " (the instalment that follows)")
        if DURATION not in values and annuity and math.isfinite(annuity) \
                and (CREDIT in values or ANNUITY in values):
            _check_range(DURATION, credit / annuity, ranges, " months (the duration that follows)")
        if GOODS not in values and goods is not None and math.isfinite(goods) \
                and goods != base[GOODS]:
            _check_range(GOODS, goods, ranges, " (the goods price that follows)")
        if goods is not None and math.isfinite(goods) and credit and (CREDIT in values
                                                                      or GOODS in values):
            _check_range(GOODS_RATIO, goods / credit, ranges,
                         f" (goods price {_show(goods)} / credit {_show(credit)})")
    return out


def derived_features(application: pd.DataFrame, variants: list[dict]) -> pd.DataFrame:
    """The :data:`DERIVED` features of each variant of the raw one-row ``application`` (one
    row per dict of raw values), computed by the feature layer's ``application_features``."""
    frame = application.iloc[[0] * len(variants)].reset_index(drop=True)
    for name in RAW:
        frame[name] = np.array([v[name] for v in variants], dtype=np.float64)
    return application_features(frame)[list(DERIVED)]


def months_of(values: dict) -> float:
    """The duration in months of raw values (``AMT_CREDIT / AMT_ANNUITY``), NaN if unknown."""
    a = values.get(ANNUITY)
    if a is None or not math.isfinite(a) or a <= 0:
        return math.nan
    return values[CREDIT] / a
