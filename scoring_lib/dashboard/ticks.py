"""Round axes: the one home of the tick values of every chart of the page.

An axis starts and ends on a tick and its steps are round: 1, 2 or 5 times a power of ten
(and 25, 250... : 2.5 only when the ticks stay whole numbers, so that a whole-number format
never shows "3" for 2.5). The chart sets its scale to the ends of :func:`axis_ticks`, so
that the first value a person reads is round (0 for shares and probabilities, never a
negative share).
"""

from __future__ import annotations

import numpy as np

#: multiples of a power of ten allowed as steps (2.5 only from 10 up)
STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_step(span: float, n: int = 6) -> float:
    """The round step that cuts ``span`` into at most about ``n - 1`` intervals."""
    raw = float(span) / max(n - 1, 1)
    if not np.isfinite(raw) or raw <= 0:
        return 1.0
    power = 10.0 ** np.floor(np.log10(raw))
    for m in STEPS:
        step = m * power
        if m == 2.5 and step < 10:
            continue
        if step >= raw * (1 - 1e-12):
            return float(step)
    return float(10 * power)


def axis_ticks(values, n: int = 6, zero: bool = False, floor: float | None = None,
               ceiling: float | None = None) -> list[float]:
    """Round ticks (about ``n``) that cover the finite ``values``: the first tick is at or
    below the smallest value, the last at or above the largest, every step the same round
    number. ``zero``: the axis starts at 0 (shares, probabilities; the values must not be
    negative). ``floor`` / ``ceiling``: ticks never go below / above these (e.g. 0 and 100
    for a percentage); the values are clipped to them first. Empty when no value is finite."""
    x = np.asarray(values, dtype=np.float64).ravel()
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return []
    lo, hi = float(x.min()), float(x.max())
    if zero:
        if lo < 0:
            raise ValueError(f"values: an axis from 0 needs values >= 0, got {lo!r}")
        lo = 0.0
    if floor is not None:
        lo, hi = max(lo, floor), max(hi, floor)
    if ceiling is not None:
        lo, hi = min(lo, ceiling), min(hi, ceiling)
    if hi <= lo:  # one value: one step around it
        step = nice_step(abs(lo) or 1.0, 3)
        first = np.floor(lo / step) * step
        ticks = [first, first + step] if first < lo or lo == 0 else [first - step, first]
        if floor is not None and ticks[0] < floor:
            ticks = [floor, floor + step]
        return [_clean(t) for t in ticks]
    step = nice_step(hi - lo, n)
    first = np.floor(lo / step + 1e-9) * step
    last = np.ceil(hi / step - 1e-9) * step
    if floor is not None:
        first = max(first, floor)
    if ceiling is not None:
        last = min(last, ceiling)
    count = int(round((last - first) / step))
    return [_clean(first + i * step) for i in range(count + 1)]


def _clean(x: float) -> float:
    """``x`` without the binary noise of the multiplication (0.30000000000000004 → 0.3),
    and never -0.0."""
    return float(round(float(x), 10)) + 0.0

