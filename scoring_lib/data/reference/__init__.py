"""Facts about the real Home Credit data, kept with the package (see ``real_marginals.json``).

``real_marginals.json`` holds summary statistics of 1,000 randomly drawn real rows per table of
the Kaggle "Home Credit Default Risk" files (missing rates, quantiles at 0, 1, 5, 25, 50, 75, 95,
99 and 100 %, share of the 365243 sentinel, category frequencies) and the row counts of the full
tables. It contains no real rows. The generator draws its marginals from it and the realism
tests compare generated data against it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

QUANTILE_LEVELS = np.array([0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0])
_PATH = Path(__file__).with_name("real_marginals.json")


@lru_cache(maxsize=1)
def real_marginals() -> dict:
    with open(_PATH, encoding="utf-8") as fh:
        return json.load(fh)


def column_facts(table: str, column: str) -> dict:
    return real_marginals()["tables"][table]["columns"][column]


def quantiles(table: str, column: str) -> np.ndarray:
    return np.asarray(column_facts(table, column)["quantiles_0_1_5_25_50_75_95_99_100"], float)


def full_table_rows(table: str) -> int:
    return int(real_marginals()["full_table_rows"][table])


def ks_at_quantiles(values: np.ndarray, q: np.ndarray, levels: np.ndarray = QUANTILE_LEVELS,
                    ) -> float:
    """Kolmogorov–Smirnov distance between ``values`` and real rows known by their quantiles.

    The real rows are known only through their empirical quantiles ``q`` at ``levels``: at the
    value ``q[i]`` the real empirical CDF passes through ``levels[i]`` (it jumps over it when
    ``q[i]`` is an atom). The distance at that point is how far the generated CDF's jump
    ``[F(q-), F(q)]`` lies from ``levels[i]``; the statistic is the largest such distance. It
    is a lower bound of the two-sample KS statistic, exact at the points where it is measured.
    The 0 % and 100 % levels are skipped: they are the sample's extremes, whose level is
    ``1/n`` away from 0 and 1, not a property of the distribution.
    """
    v = np.sort(np.asarray(values, float)[~np.isnan(values)])
    if v.size == 0:
        return 1.0
    inner = slice(1, -1)
    q, lv = q[inner], levels[inner]
    below = np.searchsorted(v, q, side="left") / v.size   # F(q-)
    upto = np.searchsorted(v, q, side="right") / v.size   # F(q)
    gap = np.maximum(0.0, np.maximum(below - lv, lv - upto))
    return float(gap.max())


# ------------------------------------------------------------------ published signal
#: Univariate AUC bands of the real data's strongest single predictors, as published in the
#: project's shared facts (shared/homecredit/README.md): the external scores "roughly 0.65 to
#: 0.72" (EXT_SOURCE_3 strongest), then employment, age, ID and phone changes and the region
#: ratings "roughly 0.55 to 0.62". Direction-free (the larger of AUC and 1 - AUC), each on the
#: clients where the variable is known.
EXTERNAL_SCORES = ("EXT_SOURCE_3", "EXT_SOURCE_2", "EXT_SOURCE_1")
SECOND_RANK = ("DAYS_EMPLOYED", "DAYS_BIRTH", "DAYS_ID_PUBLISH", "DAYS_LAST_PHONE_CHANGE",
               "REGION_RATING_CLIENT", "REGION_RATING_CLIENT_W_CITY")
UNIVARIATE_AUC_BANDS = {**{c: (0.65, 0.72) for c in EXTERNAL_SCORES},
                        **{c: (0.55, 0.62) for c in SECOND_RANK}}
#: Cross-validated AUC of a model on the application table alone and on all seven tables
#: aggregated with simple features (same source).
MULTIVARIATE_AUC_BANDS = {"application": (0.74, 0.76), "all tables": (0.78, 0.79)}
#: NOT a published fact of the shared README: the public kernels of the competition find the
#: loan duration (credit / annuity, or its inverse PAYMENT_RATE) and the annuity-to-income
#: burden among the useful features; the generator gives them a modest univariate effect in
#: this band (longer loans and heavier burdens are riskier).
LOAN_TERMS_AUC_BAND = (0.52, 0.56)
