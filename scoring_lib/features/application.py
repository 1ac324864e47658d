"""Application features: the application columns themselves, cleaned, plus six ratios.

application_train and application_test are stacked (train first, each in file order): one
row per client. ``TARGET`` is carried along (float64, missing for test clients) but is never
used to compute anything.

* **Original columns** — every column of the schema except ``SK_ID_CURR`` and ``TARGET``,
  under its own name (metadata: table ``application``, aggregation ``None``). The
  ``365243`` sentinel ("not applicable": pensioners, unemployed) becomes missing in
  ``DAYS_EMPLOYED``. Categorical columns stay pandas categoricals, with the same categories in
  train and test (the schema's levels, then any unknown level found, in order of appearance);
  a model that needs one-hot encoding does it itself.
* **Ratios** (names as in the public "LightGBM with simple features" kernel, aggregation
  ``ratio``; missing where the denominator is 0 or missing, never inf):

  ``DAYS_EMPLOYED_PERC``      DAYS_EMPLOYED / DAYS_BIRTH: share of life spent in the job
  ``INCOME_CREDIT_PERC``      AMT_INCOME_TOTAL / AMT_CREDIT
  ``INCOME_PER_PERSON``       AMT_INCOME_TOTAL / CNT_FAM_MEMBERS
  ``ANNUITY_INCOME_PERC``     AMT_ANNUITY / AMT_INCOME_TOTAL: the debt burden
  ``PAYMENT_RATE``            AMT_ANNUITY / AMT_CREDIT: yearly share of the credit repaid
  ``GOODS_PRICE_CREDIT_PERC`` AMT_GOODS_PRICE / AMT_CREDIT: how much of the credit buys goods
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from ..data.schema import TARGET, get_spec
from .engine import KEY
from .metadata import Feature

TABLE = "application"

#: name -> (numerator, denominator)
RATIOS: dict[str, tuple[str, str]] = {
    "DAYS_EMPLOYED_PERC": ("DAYS_EMPLOYED", "DAYS_BIRTH"),
    "INCOME_CREDIT_PERC": ("AMT_INCOME_TOTAL", "AMT_CREDIT"),
    "INCOME_PER_PERSON": ("AMT_INCOME_TOTAL", "CNT_FAM_MEMBERS"),
    "ANNUITY_INCOME_PERC": ("AMT_ANNUITY", "AMT_INCOME_TOTAL"),
    "PAYMENT_RATE": ("AMT_ANNUITY", "AMT_CREDIT"),
    "GOODS_PRICE_CREDIT_PERC": ("AMT_GOODS_PRICE", "AMT_CREDIT"),
}


def application_metadata() -> list[Feature]:
    spec = get_spec("application_train")
    out = [Feature(c.name, TABLE, c.name, (c.name,),
                   kind="categorical" if c.kind == "cat" else "numeric")
           for c in spec.columns if c.name not in (KEY, TARGET)]
    out += [Feature(name, TABLE, name, pair, "ratio") for name, pair in RATIOS.items()]
    return out


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator as float64; NaN where the denominator is 0 or missing."""
    num = numerator.to_numpy(dtype=np.float64, na_value=np.nan)
    den = denominator.to_numpy(dtype=np.float64, na_value=np.nan)
    out = np.full(len(num), np.nan)
    ok = (den != 0) & ~np.isnan(den)
    np.divide(num, den, out=out, where=ok)
    return pd.Series(out, index=numerator.index)


def _categorical(series: pd.Series, levels: tuple[str, ...]) -> pd.Series:
    """As a categorical: as it is if it is one, else the schema's levels then unknown ones."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series
    extra = sorted(set(series.dropna().unique()) - set(levels))
    return pd.Series(pd.Categorical(series, categories=list(levels) + extra),
                     index=series.index, name=series.name)


def stack_applications(tables) -> pd.DataFrame:
    """application_train then application_test (if present), with a fresh RangeIndex."""
    cats = [c for c in get_spec("application_train").columns if c.kind == "cat"]
    train = tables["application_train"]
    test = tables.get("application_test")
    if test is None:
        frame = train.copy()
        for c in cats:
            frame[c.name] = _categorical(frame[c.name], c.levels)
    else:
        frame = pd.concat([train, test], ignore_index=True, sort=False)
        for c in cats:  # differing unknown levels would make concat fall back to text
            frame[c.name] = union_categoricals(
                [_categorical(train[c.name], c.levels), _categorical(test[c.name], c.levels)],
                ignore_order=True)
    frame = frame.reset_index(drop=True)
    frame[TARGET] = frame[TARGET].astype(np.float64)  # NaN for test clients
    return frame


def application_features(apps: pd.DataFrame) -> pd.DataFrame:
    """The feature columns of :func:`application_metadata`, in that order, for ``apps``."""
    spec = get_spec("application_train")
    out = {}
    for c in spec.columns:
        if c.name in (KEY, TARGET):
            continue
        col = apps[c.name]
        if c.sentinel is not None:
            col = col.astype(np.float64).mask(col == c.sentinel)
        out[c.name] = col
    for name, (num, den) in RATIOS.items():
        out[name] = ratio(out[num], out[den])
    return pd.DataFrame(out, index=apps.index)
