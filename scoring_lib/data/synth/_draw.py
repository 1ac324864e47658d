"""Small vectorised drawing helpers shared by the generator's modules."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr  # standard normal CDF, vectorised

from ..reference import QUANTILE_LEVELS, column_facts, quantiles


def mix(rng: np.random.Generator, rho: float, z: np.ndarray) -> np.ndarray:
    """A standard normal whose correlation with the standard normal ``z`` is ``rho``."""
    return rho * z + np.sqrt(1.0 - rho * rho) * rng.standard_normal(z.shape[0])


def from_quantiles(u: np.ndarray, q: np.ndarray, levels: np.ndarray = QUANTILE_LEVELS,
                   ) -> np.ndarray:
    """Inverse CDF through the known quantiles (piecewise linear between them)."""
    return np.interp(u, levels, q)


def real_column(table: str, column: str, z: np.ndarray) -> np.ndarray:
    """Map a standard normal ``z`` to the real marginal of ``table.column`` (Gaussian copula)."""
    return from_quantiles(ndtr(z), quantiles(table, column))


def step_quantiles(u: np.ndarray, q: np.ndarray, levels: np.ndarray = QUANTILE_LEVELS,
                   ) -> np.ndarray:
    """Inverse CDF that keeps only the known quantile values (atoms), for grid-valued columns."""
    idx = np.searchsorted(levels, u, side="right") - 1
    return q[np.clip(idx, 0, len(q) - 1)]


def categorical(rng: np.random.Generator, levels, p, effects: np.ndarray | None = None,
                rounds: int = 4) -> np.ndarray:
    """Categories with shares ``p`` whose odds move with ``effects`` (n × k log-odds shifts).

    Gumbel-max draw of a multinomial logit; the intercepts are then re-fitted a few times on
    the same noise so that the overall shares stay equal to ``p`` despite the effects.
    """
    p = np.asarray(p, float) / np.sum(p)
    k = len(p)
    n = effects.shape[0] if effects is not None else 0
    gumbel = rng.gumbel(size=(n, k))
    eff = effects if effects is not None else np.zeros((n, k))
    logp = np.log(np.maximum(p, 1e-12))
    b = logp.copy()
    for _ in range(rounds):
        idx = np.argmax(b + eff + gumbel, axis=1)
        share = np.bincount(idx, minlength=k) / max(n, 1)
        b = b + np.where(p > 0, np.log(np.maximum(p, 1e-12) / np.maximum(share, 0.5 / max(n, 1))), 0)
    idx = np.argmax(b + eff + gumbel, axis=1)
    return np.asarray(levels, dtype=object)[idx]


def uniform_of(z: np.ndarray) -> np.ndarray:
    return ndtr(z)


def real_missing_rate(table: str, column: str) -> float:
    return float(column_facts(table, column)["missing_rate"])


def real_levels(table: str, column: str) -> tuple[list[str], np.ndarray]:
    freq = column_facts(table, column)["levels_freq"]
    p = np.array(list(freq.values()), float)
    return list(freq), p / p.sum()


def choice(rng: np.random.Generator, n: int, levels, p) -> np.ndarray:
    """``n`` draws of ``levels`` with probabilities ``p`` (inverse CDF on one uniform each)."""
    p = np.asarray(p, float)
    idx = np.searchsorted(np.cumsum(p / p.sum()), rng.random(n), side="right")
    return np.asarray(levels, dtype=object)[np.minimum(idx, len(p) - 1)]


def by_rank(score: np.ndarray, levels, p) -> np.ndarray:
    """Ordered categories by rank of ``score``: the lowest share ``p[0]`` gets ``levels[0]``...

    Shares are exact whatever the distribution of ``score``; the order carries the
    association (e.g. education with wealth).
    """
    p = np.asarray(p, float)
    ranks = np.argsort(np.argsort(score, kind="stable"), kind="stable") / max(len(score), 1)
    idx = np.searchsorted(np.cumsum(p / p.sum()), ranks, side="right")
    return np.asarray(levels, dtype=object)[np.minimum(idx, len(p) - 1)]


def rank_uniform(score: np.ndarray) -> np.ndarray:
    """Uniforms in (0, 1) in the order of ``score``: a marginal drawn through them stays exact."""
    ranks = np.argsort(np.argsort(score, kind="stable"), kind="stable")
    return (ranks + 0.5) / max(len(score), 1)


def exact_share(rng: np.random.Generator, among: np.ndarray, share: float) -> np.ndarray:
    """A random subset of the True rows of ``among`` with exactly ``share`` of them (rounded):
    a missing rate drawn this way is the reference one up to rounding, not up to the
    binomial noise of independent draws (about 0.4 point at 20,000 rows)."""
    idx = np.flatnonzero(among)
    k = int(round(min(max(share, 0.0), 1.0) * idx.size))
    out = np.zeros(among.size, bool)
    out[rng.choice(idx, size=k, replace=False)] = True
    return out


def round_to(x: np.ndarray, step: float) -> np.ndarray:
    return np.round(x / step) * step


def group_sizes(rng: np.random.Generator, n: int, share_none: float, mean_if_any: float,
                dispersion: float, weight: np.ndarray | None = None, cap: int = 400,
                ) -> np.ndarray:
    """Rows per parent: zero with probability ``share_none``, otherwise 1 + negative binomial.

    ``weight`` (mean 1) scales each parent's expected count (older clients have more history).
    """
    lam = np.full(n, max(mean_if_any - 1.0, 1e-6))
    if weight is not None:
        lam = lam * weight
    # Gamma–Poisson mixture = negative binomial with shape ``dispersion``.
    counts = 1 + rng.poisson(rng.gamma(dispersion, lam / dispersion))
    counts[rng.random(n) < share_none] = 0
    return np.minimum(counts, cap)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def repeat_index(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For parents with ``counts`` children: each child's parent position and rank (0, 1, ...)."""
    counts = np.asarray(counts, np.int64)
    parent = np.repeat(np.arange(counts.size), counts)
    starts = np.cumsum(counts) - counts
    rank = np.arange(parent.size) - np.repeat(starts, counts)
    return parent, rank
