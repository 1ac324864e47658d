"""Application features: the application columns, cleaned, ratios and combinations.

application_train and application_test are stacked (train first, each in file order): one
row per client. ``TARGET`` is carried along (float64, missing for test clients) but is never
used to compute anything.

* **Original columns** — every column of the schema except ``SK_ID_CURR`` and ``TARGET``,
  under its own name (metadata: table ``application``, aggregation ``None``). The
  ``365243`` sentinel ("not applicable": pensioners, unemployed) becomes missing in
  ``DAYS_EMPLOYED``. Categorical columns stay pandas categoricals, with the same categories in
  train and test (the schema's levels, then any unknown level found, in order of appearance);
  a model that needs one-hot encoding does it itself.
* **Ratios** (aggregation ``ratio``; the first six named as in the public "LightGBM with
  simple features" kernel; missing where the denominator is 0 or missing, never inf):

  ``DAYS_EMPLOYED_PERC``      DAYS_EMPLOYED / DAYS_BIRTH: share of life spent in the job
  ``INCOME_CREDIT_PERC``      AMT_INCOME_TOTAL / AMT_CREDIT
  ``INCOME_PER_PERSON``       AMT_INCOME_TOTAL / CNT_FAM_MEMBERS
  ``ANNUITY_INCOME_PERC``     AMT_ANNUITY / AMT_INCOME_TOTAL: the debt burden
  ``PAYMENT_RATE``            AMT_ANNUITY / AMT_CREDIT: yearly share of the credit repaid
  ``GOODS_PRICE_CREDIT_PERC`` AMT_GOODS_PRICE / AMT_CREDIT: how much of the credit buys goods
  ``CREDIT_TERM``             AMT_CREDIT / AMT_ANNUITY: the loan duration in months (the
                              instalment is monthly; the simulation's ``DURATION_MONTHS``)
  ``DAYS_ID_PUBLISH_PERC``    DAYS_ID_PUBLISH / DAYS_BIRTH: identity document's age over age
  ``DAYS_LAST_PHONE_CHANGE_PERC`` DAYS_LAST_PHONE_CHANGE / DAYS_BIRTH

* **Combinations** of several columns of the same application (aggregation
  ``combination``; fixed formulas, nothing fitted, no statistic over other clients):

  ``EXT_SOURCES_MEAN`` / ``_MIN`` / ``_MAX``  over the external scores present (missing when
                              none is); column ``EXT_SOURCES``, one variable for a person
  ``EXT_SOURCES_PROD``        EXT_SOURCE_1 x EXT_SOURCE_2 x EXT_SOURCE_3 (missing unless all
                              three are present)
  ``EXT_SOURCES_WEIGHTED``    the weighted mean (2 x S1 + 1 x S2 + 3 x S3) / (sum of the
                              weights of the scores present): the public kernels' 2/1/3
                              weights, written here, not fitted
  ``EXT_SOURCES_STD``         standard deviation (ddof=0) of the scores present (missing with
                              fewer than two)
  ``EXT_SOURCES_NAN_COUNT``   how many of the three are missing (0 to 3)
  ``DOCUMENT_COUNT``          the number of documents provided (sum of FLAG_DOCUMENT_*)
  ``AMT_REQ_CREDIT_BUREAU_TOTAL`` enquiries to the credit bureau in the year before the
                              application (sum of AMT_REQ_CREDIT_BUREAU_*, whose windows do
                              not overlap; missing when all six are missing)
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
    "CREDIT_TERM": ("AMT_CREDIT", "AMT_ANNUITY"),
    "DAYS_ID_PUBLISH_PERC": ("DAYS_ID_PUBLISH", "DAYS_BIRTH"),
    "DAYS_LAST_PHONE_CHANGE_PERC": ("DAYS_LAST_PHONE_CHANGE", "DAYS_BIRTH"),
}

EXT_SOURCES = ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3")
#: the weights of EXT_SOURCES_WEIGHTED (fixed, from the public kernels; not fitted)
EXT_WEIGHTS = (2.0, 1.0, 3.0)
#: the column (variable) that groups the external-score combinations
EXT_GROUP = "EXT_SOURCES"
EXT_COMBINATIONS = ("MEAN", "MIN", "MAX", "PROD", "WEIGHTED", "STD", "NAN_COUNT")
DOCUMENTS = tuple(f"FLAG_DOCUMENT_{i}" for i in range(2, 22))
ENQUIRIES = tuple(f"AMT_REQ_CREDIT_BUREAU_{w}"
                  for w in ("HOUR", "DAY", "WEEK", "MON", "QRT", "YEAR"))
#: name -> (column of the metadata, source columns), besides the EXT_SOURCES ones
COUNTS: dict[str, tuple[str, ...]] = {"DOCUMENT_COUNT": DOCUMENTS,
                                      "AMT_REQ_CREDIT_BUREAU_TOTAL": ENQUIRIES}


def application_metadata() -> list[Feature]:
    spec = get_spec("application_train")
    out = [Feature(c.name, TABLE, c.name, (c.name,),
                   kind="categorical" if c.kind == "cat" else "numeric")
           for c in spec.columns if c.name not in (KEY, TARGET)]
    out += [Feature(name, TABLE, name, pair, "ratio") for name, pair in RATIOS.items()]
    out += [Feature(f"{EXT_GROUP}_{how}", TABLE, EXT_GROUP, EXT_SOURCES, "combination")
            for how in EXT_COMBINATIONS]
    out += [Feature(name, TABLE, name, sources, "combination")
            for name, sources in COUNTS.items()]
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
    out.update(ext_source_combinations(apps))
    for name, sources in COUNTS.items():
        out[name] = row_sum(apps, sources)
    return pd.DataFrame(out, index=apps.index)


def _floats(apps: pd.DataFrame, columns) -> np.ndarray:
    return np.column_stack([apps[c].to_numpy(dtype=np.float64, na_value=np.nan)
                            for c in columns])


def row_sum(apps: pd.DataFrame, columns) -> pd.Series:
    """The sum of ``columns`` in each row, missing where all of them are missing."""
    x = _floats(apps, columns)
    present = ~np.isnan(x)
    out = np.where(present.any(axis=1), np.where(present, x, 0.0).sum(axis=1), np.nan)
    return pd.Series(out, index=apps.index)


def ext_source_combinations(apps: pd.DataFrame) -> dict[str, pd.Series]:
    """The ``EXT_SOURCES_*`` columns of each row (see the module docstring)."""
    x = _floats(apps, EXT_SOURCES)
    present = ~np.isnan(x)
    n = present.sum(axis=1)
    some = n > 0
    filled = np.where(present, x, 0.0)
    weights = np.where(present, np.array(EXT_WEIGHTS), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(some, filled.sum(axis=1) / np.maximum(n, 1), np.nan)
        spread = np.where(present, x - mean[:, None], 0.0)
        values = {
            "MEAN": mean,
            "MIN": np.where(some, np.where(present, x, np.inf).min(axis=1), np.nan),
            "MAX": np.where(some, np.where(present, x, -np.inf).max(axis=1), np.nan),
            "PROD": x.prod(axis=1),  # NaN unless all three are present
            "WEIGHTED": np.where(some, (filled * weights).sum(axis=1)
                                 / np.where(some, weights.sum(axis=1), 1.0), np.nan),
            "STD": np.where(n >= 2, np.sqrt((spread ** 2).sum(axis=1) / np.maximum(n, 1)),
                            np.nan),
            "NAN_COUNT": (len(EXT_SOURCES) - n).astype(np.float64),
        }
    return {f"{EXT_GROUP}_{how}": pd.Series(values[how], index=apps.index)
            for how in EXT_COMBINATIONS}
