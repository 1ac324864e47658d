"""previous_application and the monthly tables of the approved ones.

Each client has a few previous applications at Home Credit. Refusals are more frequent for
clients with a worse history; approved cash and consumer loans get a POS_CASH_balance month
by month and an installments calendar, approved revolving loans a credit_card_balance. The
same latent history drives late installments, days past due and card utilisation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import DAYS_SENTINEL, pandas_dtypes
from . import _draw as d
from .application import Latent
from .monthly import credit_card, installments, pos_cash

P = "previous_application"
DAYS_PER_MONTH = 30.4375
NAN = np.nan


def generate(rng: np.random.Generator, lat: Latent, n_target_rows: float) -> dict:
    n_clients = lat.sk_id.size
    share_none = 1 - 338_857 / 356_255
    mean_if_any = n_target_rows / (n_clients * (1 - share_none))
    weight = np.clip(lat.age_years / 44.0, 0.4, 1.6)
    counts = d.group_sizes(rng, n_clients, share_none, mean_if_any, 1.2, weight / weight.mean())
    owner, rank = d.repeat_index(counts)
    n = owner.size
    h = lat.history[owner] + 0.5 * rng.standard_normal(n)
    app_risk = lat.risk[owner] - np.mean(lat.risk)

    ctype = d.choice(rng, n, ["Cash loans", "Consumer loans", "Revolving loans", "XNA"],
                     [0.4745, 0.4240, 0.1010, 0.0005])
    cash, consumer, revolving = (ctype == t for t in ("Cash loans", "Consumer loans",
                                                      "Revolving loans"))
    status_levels = ["Approved", "Canceled", "Refused", "Unused offer"]
    eff = np.zeros((n, 4))
    eff[:, 2] = 0.6 * h + 0.2 * app_risk
    eff[:, 1] = 0.3 * cash
    eff[:, 3] = np.where(consumer, 0.5, -4.0)
    eff[:, 0] = -1.0 * revolving              # revolving loans are approved less often
    status = d.categorical(rng, status_levels, [0.627, 0.189, 0.170, 0.014], eff)
    status[ctype == "XNA"] = "Canceled"
    approved, canceled, refused, unused = (status == s for s in status_levels)

    # approved applications are older on average (recent ones are often still being decided
    # or were cancelled); ranks keep the overall DAYS_DECISION marginal exact
    decision_score = rng.standard_normal(n) + np.where(approved, -0.45, 0.75)
    decision = np.round(d.from_quantiles(d.rank_uniform(decision_score),
                                         d.quantiles(P, "DAYS_DECISION"))).astype(np.int64)
    # amounts: zero for most cancelled applications; otherwise by contract type
    zero = (canceled & (rng.random(n) < 0.9)) | (revolving & ~approved & (rng.random(n) < 0.5))
    amount_z = rng.standard_normal(n) + 0.7 * cash - 0.5 * consumer + 0.2 * np.log(
        lat.income[owner] / 150_000)
    u = 0.2 + 0.8 * d.uniform_of(amount_z)
    application = np.round(d.from_quantiles(u, d.quantiles(P, "AMT_APPLICATION")) / 45) * 45
    application[revolving] = np.round(application[revolving] / 22500) * 22500
    application = np.where(zero, 0.0, np.maximum(application, 0.0))
    granted_ratio = np.where(approved & (rng.random(n) < d.sigmoid(-2.5 + 0.8 * h)),
                             rng.uniform(0.7, 0.95, n),
                             np.where(consumer, 1 + rng.exponential(0.06, n), 1.0))
    credit = np.round(application * granted_ratio, 2)
    credit[revolving & (application == 0) & ~canceled] = 135_000.0
    no_terms = canceled | (revolving & ~approved) | (ctype == "XNA")
    # terms follow the real CNT_PAYMENT marginal, on the usual calendar (months)
    raw = d.real_column(P, "CNT_PAYMENT", rng.standard_normal(n) + 0.5 * cash - 0.4 * consumer)
    terms = np.array([3, 6, 8, 10, 12, 18, 24, 30, 36, 42, 48, 54, 60, 72])
    term = terms[np.abs(raw[:, None] - terms[None, :]).argmin(axis=1)].astype(float)
    term[revolving] = 0.0
    yield_group = d.choice(rng, n, ["low_action", "low_normal", "middle", "high"],
                           [0.066, 0.30, 0.33, 0.30])
    rate = np.select([yield_group == "low_action", yield_group == "low_normal",
                      yield_group == "middle"], [0.002, 0.01, 0.02], 0.03)
    annuity = np.where(term > 0, credit * rate / (1 - (1 + rate) ** -np.maximum(term, 1)),
                       credit * 0.05)
    annuity = np.where(no_terms, NAN, np.round(annuity, 3))
    goods = np.where(no_terms, NAN, application)
    term = np.where(no_terms, NAN, term)
    yield_group = np.where(no_terms | revolving, "XNA", yield_group)
    down_known = consumer | (cash & (rng.random(n) < 0.03))
    down_rate = d.from_quantiles(rng.random(n), d.quantiles(P, "RATE_DOWN_PAYMENT"))
    down = np.where(down_known, np.round(application * down_rate, 3), NAN)
    rate_down = np.where(down_known, np.round(down_rate, 6), NAN)
    interest = rng.random(n) < 0.0036
    cols = {
        "SK_ID_CURR": lat.sk_id[owner], "NAME_CONTRACT_TYPE": ctype, "AMT_ANNUITY": annuity,
        "AMT_APPLICATION": application, "AMT_CREDIT": credit, "AMT_DOWN_PAYMENT": down,
        "AMT_GOODS_PRICE": goods, "RATE_DOWN_PAYMENT": rate_down,
        "RATE_INTEREST_PRIMARY": np.where(interest, np.round(d.real_column(
            P, "RATE_INTEREST_PRIMARY", rng.standard_normal(n)), 6), NAN),
        "RATE_INTEREST_PRIVILEGED": np.where(interest, np.round(d.real_column(
            P, "RATE_INTEREST_PRIVILEGED", rng.standard_normal(n)), 6), NAN),
        "NAME_CONTRACT_STATUS": status, "DAYS_DECISION": decision, "CNT_PAYMENT": term,
        "NAME_YIELD_GROUP": yield_group,
    }
    _descriptive(rng, n, cols, rank, cash, consumer, revolving, approved, refused, unused,
                 canceled)
    _due_dates(rng, cols, approved, revolving, decision, term)
    cols["SK_ID_PREV"] = 1_000_000 + np.sort(rng.choice(int(n * 1.12) + 10, n, replace=False))
    order = rng.permutation(n)  # the real file is not sorted by client
    prev = pd.DataFrame({c: np.asarray(cols[c])[order] for c in pandas_dtypes(P)})
    prev = prev.astype(pandas_dtypes(P))

    loans = np.flatnonzero(approved & ~revolving & (cols["DAYS_FIRST_DUE"] < 0)
                           & (rng.random(n) < 0.94))
    cards = np.flatnonzero(approved & revolving)
    ctx = dict(sk_prev=cols["SK_ID_PREV"], sk_curr=cols["SK_ID_CURR"], h=h)
    return {
        P: prev,
        "POS_CASH_balance": pos_cash(rng, ctx, loans, decision, term, cols),
        "installments_payments": installments(rng, ctx, loans, cards, annuity, term, cols),
        "credit_card_balance": credit_card(rng, ctx, cards, decision, credit),
    }


def _descriptive(rng, n, cols, rank, cash, consumer, revolving, approved, refused, unused,
                 canceled):
    """Category columns, consistent with the contract type and the status."""
    choose = lambda col: d.choice(rng, n, *d.real_levels(P, col))  # noqa: E731
    cols["WEEKDAY_APPR_PROCESS_START"] = choose("WEEKDAY_APPR_PROCESS_START")
    cols["HOUR_APPR_PROCESS_START"] = np.round(d.real_column(
        P, "HOUR_APPR_PROCESS_START", rng.standard_normal(n))).astype(np.int64)
    cols["FLAG_LAST_APPL_PER_CONTRACT"] = np.where(rng.random(n) < 0.995, "Y", "N")
    cols["NFLAG_LAST_APPL_IN_DAY"] = (rng.random(n) < 0.996).astype(np.int64)
    purpose = choose("NAME_CASH_LOAN_PURPOSE")
    purpose = np.where(cash, np.where(rng.random(n) < 0.87, "XNA", purpose), "XAP")
    purpose[cash & np.isin(purpose, ["XAP"])] = "XNA"
    cols["NAME_CASH_LOAN_PURPOSE"] = purpose
    cols["NAME_PAYMENT_TYPE"] = np.where(
        canceled | revolving | (refused & (rng.random(n) < 0.5)), "XNA",
        np.where(rng.random(n) < 0.995, "Cash through the bank", "Non-cash from your account"))
    reason = d.choice(rng, n, ["HC", "LIMIT", "SCO", "SCOFR", "VERIF", "SYSTEM", "XNA"],
                      [0.56, 0.22, 0.095, 0.04, 0.034, 0.001, 0.013])
    cols["CODE_REJECT_REASON"] = np.where(refused, reason, np.where(unused, "CLIENT", "XAP"))
    suite = choose("NAME_TYPE_SUITE")
    cols["NAME_TYPE_SUITE"] = np.where(rng.random(n) < d.real_missing_rate(P, "NAME_TYPE_SUITE"),
                                       None, suite)
    cols["NAME_CLIENT_TYPE"] = np.where(rank == 0, np.where(rng.random(n) < 0.8, "New",
                                                            "Refreshed"),
                                        np.where(rng.random(n) < 0.95, "Repeater", "Refreshed"))
    goods_cat = _without_xna(rng, n, "NAME_GOODS_CATEGORY")
    goods_cat = np.where(consumer, goods_cat, "XNA")
    cols["NAME_GOODS_CATEGORY"] = goods_cat
    cols["NAME_PORTFOLIO"] = np.select(
        [canceled | (cash & refused & (rng.random(n) < 0.3)), cash, consumer, revolving],
        ["XNA", "Cash", "POS", "Cards"], "XNA")
    cols["NAME_PRODUCT_TYPE"] = np.where(
        cash, d.choice(rng, n, ["x-sell", "walk-in", "XNA"], [0.555, 0.212, 0.233]), "XNA")
    channel = d.choice(rng, n, ["Country-wide", "Stone", "Regional / Local", "Car dealer"],
                       [0.6, 0.28, 0.12, 0.004])
    cash_channel = d.choice(rng, n, ["Credit and cash offices", "Contact center",
                                     "AP+ (Cash loan)", "Channel of corporate sales"],
                            [0.88, 0.05, 0.065, 0.005])
    cols["CHANNEL_TYPE"] = np.where(consumer, channel, cash_channel)
    cols["SELLERPLACE_AREA"] = np.round(d.real_column(
        P, "SELLERPLACE_AREA", rng.standard_normal(n) + 1.2 * consumer)).astype(np.int64)
    industry = _without_xna(rng, n, "NAME_SELLER_INDUSTRY")
    cols["NAME_SELLER_INDUSTRY"] = np.where(consumer, industry, "XNA")
    combo_cash = d.choice(rng, n, ["Cash", "Cash X-Sell: middle", "Cash X-Sell: low",
                                   "Cash X-Sell: high", "Cash Street: high",
                                   "Cash Street: middle", "Cash Street: low"],
                          [0.37, 0.16, 0.16, 0.08, 0.1, 0.05, 0.03])
    combo_pos = d.choice(rng, n, ["POS household with interest", "POS mobile with interest",
                                  "POS industry with interest", "POS household without interest",
                                  "POS mobile without interest", "POS other with interest",
                                  "POS industry without interest",
                                  "POS others without interest"],
                         [0.39, 0.27, 0.14, 0.1, 0.045, 0.024, 0.03, 0.001])
    combo_card = np.where(rng.random(n) < 0.55, "Card Street", "Card X-Sell")
    cols["PRODUCT_COMBINATION"] = np.select([cash, consumer, revolving],
                                            [combo_cash, combo_pos, combo_card], None)
    cols["NFLAG_INSURED_ON_APPROVAL"] = np.where(approved, (rng.random(n) < 0.33) * 1.0, NAN)


def _without_xna(rng, n, column):
    levels, p = d.real_levels(P, column)
    p = np.where(np.array(levels) == "XNA", 0.0, p)
    return d.choice(rng, n, levels, p)


def _due_dates(rng, cols, approved, revolving, decision, term):
    """DAYS_FIRST_DRAWING ... DAYS_TERMINATION: known for approved applications only."""
    n = decision.size
    first_due = decision + np.round(rng.uniform(10, 45, n))
    last_1st = first_due + 30 * (np.nan_to_num(term) - 1)
    ended_early = rng.random(n) < 0.35
    last = np.where(ended_early, first_due + 30 * np.floor(rng.random(n) * np.nan_to_num(term)),
                    last_1st)
    running = last > 0
    last = np.where(running, DAYS_SENTINEL, last)
    termination = np.where(running, DAYS_SENTINEL, last + np.round(rng.exponential(4, n)))
    drawing = np.full(n, float(DAYS_SENTINEL))
    card_open = revolving & (rng.random(n) < 0.6)
    card_closed = np.minimum(decision + np.round(rng.uniform(60, 1500, n)), -2)
    drawn = revolving & (rng.random(n) < 0.45)   # cards used at least once
    drawing[drawn] = decision[drawn] + np.round(rng.exponential(30, int(drawn.sum())))
    out = {
        "DAYS_FIRST_DRAWING": drawing,
        "DAYS_FIRST_DUE": np.where(revolving, DAYS_SENTINEL, first_due),
        "DAYS_LAST_DUE_1ST_VERSION": np.where(revolving, DAYS_SENTINEL, last_1st),
        "DAYS_LAST_DUE": np.where(revolving & card_open, DAYS_SENTINEL,
                                  np.where(revolving, card_closed, last)),
        "DAYS_TERMINATION": np.where(revolving & card_open, DAYS_SENTINEL,
                                     np.where(revolving, card_closed + 1, termination)),
    }
    for k, v in out.items():
        cols[k] = np.where(approved, v, NAN).astype(float)
