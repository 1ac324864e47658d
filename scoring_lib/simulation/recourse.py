"""Recourse: the smallest changes of the actionable variables that make the model grant.

A grid search, not an optimiser (simple, fast, deterministic):

* three levers: the credit amount **down** only (the duration kept, the instalment follows:
  :data:`CREDIT_FACTORS`), the duration in whole months, longer or shorter by fixed
  steps (:data:`MONTH_DELTAS`) or shorter in proportion (:data:`DURATION_FACTORS`: a
  20-month loan can become 7 months, which the -12 and -24 steps jump over), the goods
  price (:data:`GOODS_FACTORS`: a higher price for the same credit is a down payment).
  ``AMT_ANNUITY`` is not searched on its own: with the credit fixed it is the duration.
* every set of 1, then 2, then 3 levers, its grid product, values outside the observed ranges
  dropped (:func:`scoring_lib.simulation.levers.resolve`), all scored in one batch by the
  model; a set counts when one of its points reaches ``target`` (the threshold less a safety
  margin); its point with the smallest change (the sum of the levers' relative changes, then
  the lowest probability) is its option. A set that contains a set already answered is not
  searched (as few variables as possible), so options differ in their variables.
* options rank by number of variables, then change; the Scorer verifies each with
  ``what_if`` before returning it.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from .levers import CREDIT, DURATION, GOODS, WhatIfError, months_of, resolve

#: credit amount x factor (downwards only)
CREDIT_FACTORS = tuple(round(1 - 0.05 * i, 2) for i in range(1, 15))       # 0.95 .. 0.30
#: duration + delta months
MONTH_DELTAS = (-24, -12, -6, -3, 3, 6, 12, 18, 24, 36, 48, 60)
#: duration x factor (shorter), rounded to whole months
DURATION_FACTORS = (0.25, 0.35, 0.5, 0.65, 0.8)
#: goods price x factor
GOODS_FACTORS = (0.7, 0.8, 0.9, 0.95, 1.05, 1.1, 1.2, 1.3)
#: amounts proposed are rounded to this
ROUND_TO = 500.0
SEARCHED = (CREDIT, DURATION, GOODS)
MAX_VARIABLES = 3


def grid(name: str, base: dict) -> list[tuple[float, float]]:
    """``[(value, relative change)]`` of one lever for the raw values ``base``."""
    if name == CREDIT:
        c = base[CREDIT]
        return [(v, abs(v - c) / c) for v in sorted(
            {round(c * f / ROUND_TO) * ROUND_TO for f in CREDIT_FACTORS} - {c}, reverse=True)
            if v > 0]
    if name == DURATION:
        m = months_of(base)
        if not math.isfinite(m):
            return []
        whole = round(m)
        months = {whole + d for d in MONTH_DELTAS} | {round(m * f) for f in DURATION_FACTORS}
        return [(float(v), abs(v - m) / m) for v in sorted(months) if v >= 1 and v != whole]
    g = base.get(GOODS)
    if g is None or not math.isfinite(g) or g <= 0:
        return []
    return [(v, abs(v - g) / g) for v in
            sorted({round(g * f / ROUND_TO) * ROUND_TO for f in GOODS_FACTORS} - {g}) if v > 0]


def search(base: dict, ranges: dict, probabilities, target: float, max_options: int = 3,
           max_variables: int = MAX_VARIABLES) -> list[tuple[dict, dict, float, float]]:
    """Up to ``max_options`` ``(changes, values, probability, change)``, fewest variables
    first. ``probabilities(list of raw-value dicts) -> array``: the model's batch scorer."""
    grids = {name: grid(name, base) for name in SEARCHED}
    found: list[tuple[int, float, float, tuple, dict, dict]] = []
    answered: list[set] = []
    for k in range(1, max_variables + 1):
        sets = [s for s in itertools.combinations(SEARCHED, k)
                if all(grids[n] for n in s) and not any(a <= set(s) for a in answered)]
        candidates = []
        for names in sets:
            for point in itertools.product(*(grids[n] for n in names)):
                changes = {n: v for n, (v, _) in zip(names, point)}
                try:
                    values = resolve(base, changes, ranges)
                except WhatIfError:
                    continue
                candidates.append((names, changes, values, sum(c for _, c in point)))
        if not candidates:
            continue
        p = np.asarray(probabilities([c[2] for c in candidates]), dtype=np.float64)
        best: dict[tuple, tuple] = {}
        for (names, changes, values, change), prob in zip(candidates, p):
            if prob <= target:
                key = (change, prob)
                if names not in best or key < best[names][0]:
                    best[names] = (key, changes, values, float(prob))
        for names, ((change, _), changes, values, prob) in best.items():
            found.append((k, change, prob, names, changes, values))
            answered.append(set(names))
        if len(found) >= max_options:
            break
    found.sort(key=lambda f: (f[0], f[1], f[2], f[3]))
    return [(f[4], f[5], f[2], f[1]) for f in found[:max_options]]
