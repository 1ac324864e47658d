"""POS_CASH_balance, installments_payments and credit_card_balance of approved applications.

Everything is vectorised: a parent row with ``k`` months becomes ``k`` rows through
``np.repeat``, and a month's rank inside its parent drives the calendar.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import pandas_dtypes
from . import _draw as d

DAYS_PER_MONTH = 30.4375
NAN = np.nan


def _late_episodes(rng, h, length, rank, base=-3.2, slope=1.3):
    """Per parent: maybe one late episode; per row: months since it began (-1 outside it)."""
    late = rng.random(h.size) < d.sigmoid(base + slope * h)
    start = (rng.random(h.size) * length).astype(np.int64)
    dur = rng.geometric(np.clip(0.6 - 0.15 * h, 0.1, 0.95))
    k = rank - np.repeat(start, length)
    inside = np.repeat(late, length) & (k >= 0) & (k < np.repeat(dur, length))
    return np.where(inside, k, -1)


def pos_cash(rng, ctx, loans, decision, term, cols) -> pd.DataFrame:
    start = np.maximum(np.floor(decision[loans] / DAYS_PER_MONTH), -96).astype(np.int64)
    t = np.nan_to_num(term[loans]).astype(np.int64)
    end = np.minimum(start + t - 1, -1)
    length = np.maximum(end - start + 1, 1)
    parent, rank = d.repeat_index(length)
    idx = loans[parent]
    month = start[parent] + rank
    future = np.maximum(t[parent] - rank, 0).astype(float)
    status = np.full(month.size, "Active", dtype=object)
    status[(future == 0)] = "Completed"
    status[(rank == 0) & (rng.random(month.size) < 0.05)] = "Signed"
    status[rng.random(month.size) < 0.001] = "Returned to the store"
    k = _late_episodes(rng, ctx["h"][loans], length, rank, base=-3.0, slope=1.3)
    dpd = np.where(k >= 0, 1 + 30 * k + rng.integers(0, 30, month.size), 0)
    dpd_def = np.where(rng.random(month.size) < 0.35, dpd, 0)
    cnt = t[parent].astype(float)
    unknown = rng.random(month.size) < 0.0026
    return pd.DataFrame({
        "SK_ID_PREV": ctx["sk_prev"][idx], "SK_ID_CURR": ctx["sk_curr"][idx],
        "MONTHS_BALANCE": month, "CNT_INSTALMENT": np.where(unknown, NAN, cnt),
        "CNT_INSTALMENT_FUTURE": np.where(unknown, NAN, future),
        "NAME_CONTRACT_STATUS": status, "SK_DPD": dpd.astype(np.int64),
        "SK_DPD_DEF": dpd_def.astype(np.int64),
    }).astype(pandas_dtypes("POS_CASH_balance"))


def installments(rng, ctx, loans, cards, annuity, term, cols) -> pd.DataFrame:
    # instalment loans: one row per due date already passed
    first_due = cols["DAYS_FIRST_DUE"][loans]
    t = np.nan_to_num(term[loans]).astype(np.int64)
    due_count = np.clip(np.floor((-1 - first_due) / 30) + 1, 1, np.maximum(t, 1)).astype(np.int64)
    parent, rank = d.repeat_index(due_count)
    days = first_due[parent] + 30 * rank
    amount = np.round(annuity[loans][parent], 3)
    version = np.where(rank >= np.repeat((rng.random(loans.size) * 40).astype(np.int64),
                                         due_count), 2.0, 1.0)
    loan_rows = (loans[parent], rank + 1, days, amount, version)
    # cards: a monthly minimum payment since the first drawing, instalment version 0
    drawing = cols["DAYS_FIRST_DRAWING"][cards]
    months = np.clip(np.floor(-drawing / 30), 0, 96).astype(np.int64)
    cparent, crank = d.repeat_index(months)
    cdays = drawing[cparent] + 30 * (crank + 1)
    camount = np.round(d.from_quantiles(rng.random(cparent.size) * 0.9,
                                        np.array([0.09, 21.1, 210.5, 4111.8, 8506.5, 16205.2,
                                                  46638.2, 140387.2, 866034.5])), 3)
    card_rows = (cards[cparent], crank + 1, cdays, camount, np.zeros(cparent.size))
    idx, number, due, inst, ver = (np.concatenate(x) for x in zip(loan_rows, card_rows))
    n = idx.size
    h = ctx["h"][idx] + 0.4 * rng.standard_normal(n)
    late = rng.random(n) < d.sigmoid(-3.2 + 1.3 * h)
    delay = np.where(late, rng.geometric(1 / 12, n), -np.minimum(rng.geometric(1 / 9, n) - 1, 60))
    partial = rng.random(n) < d.sigmoid(-3.6 + 0.9 * h)
    paid = np.where(partial, np.round(inst * rng.uniform(0.05, 0.95, n), 3), inst)
    unpaid = rng.random(n) < d.sigmoid(-9.5 + 1.5 * h)
    entry = np.minimum(due + delay, -1).astype(float)
    order = np.lexsort((number, idx))
    out = pd.DataFrame({
        "SK_ID_PREV": ctx["sk_prev"][idx], "SK_ID_CURR": ctx["sk_curr"][idx],
        "NUM_INSTALMENT_VERSION": ver, "NUM_INSTALMENT_NUMBER": number.astype(np.int64),
        "DAYS_INSTALMENT": due.astype(float),
        "DAYS_ENTRY_PAYMENT": np.where(unpaid, NAN, entry),
        "AMT_INSTALMENT": inst, "AMT_PAYMENT": np.where(unpaid, NAN, paid),
    }).iloc[order].reset_index(drop=True)
    return out.astype(pandas_dtypes("installments_payments"))


def credit_card(rng, ctx, cards, decision, credit) -> pd.DataFrame:
    start = np.maximum(np.floor(decision[cards] / DAYS_PER_MONTH), -96).astype(np.int64)
    length = (-1 - start + 1).clip(1).astype(np.int64)
    parent, rank = d.repeat_index(length)
    idx = cards[parent]
    n = idx.size
    hc = ctx["h"][cards]
    limit_card = np.round(d.real_column("credit_card_balance", "AMT_CREDIT_LIMIT_ACTUAL",
                                        rng.standard_normal(cards.size)) / 4500) * 4500
    used = rng.random(cards.size) < d.sigmoid(-0.2 + 0.6 * hc)    # card actually used
    util_card = np.clip(d.sigmoid(0.8 + 0.9 * hc + 0.7 * rng.standard_normal(cards.size)), 0, 1)
    util = np.clip(np.repeat(util_card, length) + 0.1 * rng.standard_normal(n), 0, 1.05)
    util = np.where(np.repeat(used, length), util, 0.0)
    limit = np.repeat(limit_card, length)
    balance = np.round(util * limit, 3)
    draw = (rng.random(n) < 0.35) & (balance > 0)
    atm = np.where(draw & (rng.random(n) < 0.6), np.round(rng.uniform(0.05, 0.3, n) * limit
                                                          / 4500) * 4500, 0.0)
    pos = np.where(draw & (rng.random(n) < 0.5), np.round(rng.uniform(0.01, 0.2, n) * limit, 2),
                   0.0)
    other = np.where(draw & (rng.random(n) < 0.003), np.round(rng.uniform(0.05, 0.3, n) *
                                                              limit, 2), 0.0)
    cnt_atm = (atm > 0) * (1 + rng.poisson(1.0, n))
    cnt_pos = (pos > 0) * (1 + rng.poisson(3.0, n))
    cnt_other = (other > 0) * 1
    min_reg = np.round(balance * 0.075, 3)
    k = _late_episodes(rng, hc, length, rank, base=-2.6, slope=1.2)
    # payments follow the balance (copula on its rank) with the real marginal
    pay = d.from_quantiles(d.uniform_of(0.8 * d.rank_uniform(balance + rng.random(n)) * 2.5 - 1
                                        + 0.6 * rng.standard_normal(n)),
                           d.quantiles("credit_card_balance", "AMT_PAYMENT_CURRENT"))
    payment = np.round(np.where(k >= 0, np.minimum(pay, min_reg * rng.uniform(0, 0.8, n)), pay), 3)
    no_info = rng.random(n) < 0.208
    no_payment_info = no_info | ((balance == 0) & (rng.random(n) < 0.02))
    no_regularity = rng.random(n) < 0.089
    receivable = np.round(balance * np.where(rng.random(n) < 0.02, -0.01, 1.0), 3)
    status = np.where((rank == length[parent] - 1) & (rng.random(n) < 0.25) & (balance == 0),
                      "Completed", "Active")
    dpd = np.where(k >= 0, 1 + 30 * k + rng.integers(0, 30, n), 0)
    return pd.DataFrame({
        "SK_ID_PREV": ctx["sk_prev"][idx], "SK_ID_CURR": ctx["sk_curr"][idx],
        "MONTHS_BALANCE": (start[parent] + rank).astype(np.int64), "AMT_BALANCE": balance,
        "AMT_CREDIT_LIMIT_ACTUAL": limit.astype(np.int64),
        "AMT_DRAWINGS_ATM_CURRENT": np.where(no_info, NAN, atm),
        "AMT_DRAWINGS_CURRENT": atm + pos + other,
        "AMT_DRAWINGS_OTHER_CURRENT": np.where(no_info, NAN, other),
        "AMT_DRAWINGS_POS_CURRENT": np.where(no_info, NAN, pos),
        "AMT_INST_MIN_REGULARITY": np.where(no_regularity, NAN, min_reg),
        "AMT_PAYMENT_CURRENT": np.where(no_payment_info, NAN, payment),
        "AMT_PAYMENT_TOTAL_CURRENT": np.where(no_payment_info | (rng.random(n) < 0.35), 0.0,
                                              payment),
        "AMT_RECEIVABLE_PRINCIPAL": np.round(balance * 0.95, 3),
        "AMT_RECIVABLE": receivable, "AMT_TOTAL_RECEIVABLE": receivable,
        "CNT_DRAWINGS_ATM_CURRENT": np.where(no_info, NAN, cnt_atm),
        "CNT_DRAWINGS_CURRENT": (cnt_atm + cnt_pos + cnt_other).astype(np.int64),
        "CNT_DRAWINGS_OTHER_CURRENT": np.where(no_info, NAN, cnt_other),
        "CNT_DRAWINGS_POS_CURRENT": np.where(no_info, NAN, cnt_pos),
        "CNT_INSTALMENT_MATURE_CUM": np.where(no_regularity, NAN, np.minimum(rank, 120) * 1.0),
        "NAME_CONTRACT_STATUS": status, "SK_DPD": dpd.astype(np.int64),
        "SK_DPD_DEF": np.where(rng.random(n) < 0.3, dpd, 0).astype(np.int64),
    }).astype(pandas_dtypes("credit_card_balance"))
