"""bureau and bureau_balance: the client's credits at other institutions, month by month.

Clients with a worse repayment history (latent ``history``) have more recent credits, more
active debt, overdue amounts and late months (STATUS 1–5) in bureau_balance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import pandas_dtypes
from . import _draw as d
from .application import Latent

B = "bureau"
DAYS_PER_MONTH = 30.4375
STATUS_CODE = {"C": 0, "X": 1, "0": 2}  # codes in the schema's STATUS levels; "1" is 3...


def generate(rng: np.random.Generator, lat: Latent, n_target_rows: float,
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    n_clients = lat.sk_id.size
    share_none = 1 - 305_811 / 356_255      # clients without any bureau credit (real)
    mean_if_any = n_target_rows / (n_clients * (1 - share_none))
    weight = np.clip(lat.age_years / 44.0, 0.4, 1.6) * np.exp(0.15 * lat.history)
    counts = d.group_sizes(rng, n_clients, share_none, mean_if_any, 1.6, weight / weight.mean())
    owner, _ = d.repeat_index(counts)
    n = owner.size
    h = lat.history[owner] + 0.5 * rng.standard_normal(n)   # per-credit behaviour

    levels, p = d.real_levels(B, "CREDIT_TYPE")
    ctype = d.choice(rng, n, levels, p)
    card = ctype == "Credit card"
    days_credit = np.round(d.real_column(B, "DAYS_CREDIT", d.mix(rng, 0.25, h))).astype(np.int64)
    months = np.where(card, 36, rng.choice([6, 12, 12, 18, 24, 24, 36, 48, 60], n))
    duration = months * DAYS_PER_MONTH * np.exp(0.1 * rng.standard_normal(n))
    enddate = np.round(days_credit + duration)
    closed = np.where(enddate < -30, rng.random(n) < 0.97, rng.random(n) < 0.18)
    active = np.where(closed, "Closed", "Active").astype(object)
    bad = rng.random(n) < d.sigmoid(-6.2 + 1.1 * h)
    active[bad & ~closed] = np.where(rng.random(int((bad & ~closed).sum())) < 0.97,
                                     "Sold", "Bad debt")
    early = np.round(rng.random(n) * np.maximum(enddate - days_credit, 1) * 0.6)
    fact = np.where(closed, np.minimum(np.maximum(enddate - early, days_credit), -1), np.nan)
    update = np.where(closed, np.minimum(fact + np.round(rng.exponential(20, n)), -1),
                      -np.round(1 + rng.exponential(25, n)))
    update = np.maximum(update, days_credit).astype(np.int64)
    enddate = np.where(rng.random(n) < d.real_missing_rate(B, "DAYS_CREDIT_ENDDATE"), np.nan,
                       enddate)

    wealth_z = d.mix(rng, 0.5, np.log(lat.income[owner]) - 11.8) - 0.9 * card
    amount = np.round(d.real_column(B, "AMT_CREDIT_SUM", wealth_z), 2)
    open_ = ~closed
    remaining = np.clip(np.nan_to_num(enddate, nan=0.0) / np.maximum(duration, 1), 0, 1)
    util = np.clip(d.sigmoid(-0.8 + 0.9 * h + 0.6 * rng.standard_normal(n)), 0, 1)
    debt = np.where(open_, np.where(card, amount * util, amount * remaining), 0.0)
    debt = np.round(debt, 3)
    debt[rng.random(n) < d.real_missing_rate(B, "AMT_CREDIT_SUM_DEBT")] = np.nan
    limit = np.where(card & open_, np.round(amount - np.nan_to_num(debt), 3), 0.0)
    limit[rng.random(n) < d.real_missing_rate(B, "AMT_CREDIT_SUM_LIMIT")] = np.nan

    late_now = open_ & (rng.random(n) < d.sigmoid(-6.5 + 1.4 * h))
    day_overdue = np.where(late_now, 1 + rng.geometric(1 / 40, n), 0).astype(np.int64)
    sum_overdue = np.where(late_now, np.round(amount * rng.uniform(0.01, 0.1, n), 2), 0.0)
    ever_late = rng.random(n) < d.sigmoid(-3.0 + 1.2 * h)
    max_overdue = np.where(ever_late | late_now, np.round(amount * rng.beta(1, 12, n), 3), 0.0)
    max_overdue[rng.random(n) < d.real_missing_rate(B, "AMT_CREDIT_MAX_OVERDUE")] = np.nan
    annuity = np.round(d.real_column(B, "AMT_ANNUITY", d.mix(rng, 0.6, wealth_z)), 3)
    annuity[rng.random(n) < d.real_missing_rate(B, "AMT_ANNUITY")] = np.nan

    base = 5_000_000 + int(rng.integers(0, 1000))
    sk_bureau = base + np.sort(rng.choice(int(n * 1.15) + 10, n, replace=False))
    cur_levels, cur_p = d.real_levels(B, "CREDIT_CURRENCY")
    bureau = pd.DataFrame({
        "SK_ID_CURR": lat.sk_id[owner],
        "SK_ID_BUREAU": sk_bureau,
        "CREDIT_ACTIVE": active,
        "CREDIT_CURRENCY": d.choice(rng, n, cur_levels, cur_p),
        "DAYS_CREDIT": days_credit,
        "CREDIT_DAY_OVERDUE": day_overdue,
        "DAYS_CREDIT_ENDDATE": enddate,
        "DAYS_ENDDATE_FACT": fact,
        "AMT_CREDIT_MAX_OVERDUE": max_overdue,
        "CNT_CREDIT_PROLONG": (rng.random(n) < 0.005).astype(np.int64),
        "AMT_CREDIT_SUM": amount,
        "AMT_CREDIT_SUM_DEBT": debt,
        "AMT_CREDIT_SUM_LIMIT": limit,
        "AMT_CREDIT_SUM_OVERDUE": sum_overdue,
        "CREDIT_TYPE": ctype,
        "DAYS_CREDIT_UPDATE": update,
        "AMT_ANNUITY": annuity,
    }).astype(pandas_dtypes(B))
    balance = _balance(rng, sk_bureau, days_credit, fact, h)
    return bureau, balance


def _balance(rng, sk_bureau, days_credit, fact, h) -> pd.DataFrame:
    """Monthly status of about half of the credits, from their start to the application."""
    # real: 817,395 of 1,716,428 credits have balances; the share is calibrated on total rows
    with_balance = np.flatnonzero(rng.random(sk_bureau.size) < 0.414)
    start = np.maximum(np.floor(days_credit[with_balance] / DAYS_PER_MONTH), -96).astype(np.int64)
    length = (-start + 1).astype(np.int64)
    credit, rank = d.repeat_index(length)
    month = start[credit] + rank
    closed_at = np.floor(fact[with_balance] / DAYS_PER_MONTH)
    status = np.full(month.size, STATUS_CODE["0"], np.int8)
    status[month > np.repeat(np.nan_to_num(closed_at, nan=1e9), length)] = STATUS_CODE["C"]
    unknown = rng.random(with_balance.size) < 0.30
    open_month = status != STATUS_CODE["C"]
    status[np.repeat(unknown, length) & open_month] = STATUS_CODE["X"]
    status[(rng.random(month.size) < 0.12) & open_month] = STATUS_CODE["X"]
    # late episodes: consecutive months with 1, 2, 3... (capped at 5) days-past-due classes
    hb = h[with_balance]
    late = rng.random(with_balance.size) < d.sigmoid(-1.9 + 1.3 * hb)
    ep_start = (rng.random(with_balance.size) * length).astype(np.int64)
    ep_len = rng.geometric(np.clip(0.75 - 0.15 * hb, 0.2, 0.95))
    k = rank - np.repeat(ep_start, length)
    in_ep = np.repeat(late, length) & (k >= 0) & (k < np.repeat(ep_len, length)) & open_month
    status[in_ep] = (STATUS_CODE["0"] + 1 + np.minimum(k[in_ep], 4)).astype(np.int8)
    levels = list(pandas_dtypes("bureau_balance")["STATUS"].categories)
    return pd.DataFrame({
        "SK_ID_BUREAU": np.repeat(sk_bureau[with_balance], length),
        "MONTHS_BALANCE": month.astype(np.int64),
        "STATUS": pd.Categorical.from_codes(status, categories=levels),
    })
