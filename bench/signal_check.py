"""How much signal ``scoring synth`` data carries: univariate AUCs and a boosting CV AUC.

    .venv/bin/python bench/signal_check.py --clients 30000 --seed 0

Each figure is printed next to its reference (``scoring_lib.data.reference``): the published
univariate AUC bands of the real data's strongest predictors and the published CV AUC bands
(shared/homecredit/README.md), the loan-terms band from the public kernels' experience, and
whether the published order holds (``scoring_lib.data.signal.order_checks``). A CV AUC is
"OK" when it is inside its published band at two decimals ("about 0.74 to 0.76").
Markdown tables.

Child-table aggregates here are a handful of simple ones (refusal share, late instalments,
days past due, bureau activity and arrears, card utilisation), enough to show that the child
tables add signal; the real feature set is ``scoring_lib.features``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score

from scoring_lib.data.reference import MULTIVARIATE_AUC_BANDS
from scoring_lib.data.schema import BUREAU_KEY, KEY, PREVIOUS_KEY, TARGET
from scoring_lib.data.signal import order_checks, univariate_signal
from scoring_lib.data.synth import generate_tables


def _band(low, high) -> str:
    return f"{low:.2f}–{high:.2f}" if low == low else ""


def report_univariate(app: pd.DataFrame, others: int = 5) -> None:
    """The variables with a reference band, then the strongest ``others`` without one."""
    sig = univariate_signal(app)
    shown = sig[(sig.source != "") | (sig.index < 3 + others)]
    print("| variable | known | AUC | riskier | reference band | source | |")
    print("| --- | ---: | ---: | --- | ---: | --- | --- |")
    for _, r in shown.iterrows():
        print(f"| {r.variable} | {r.known:.0%} | {r.auc:.3f} | {r.riskier} | "
              f"{_band(r.low, r.high)} | {r.source} | {r.status} |")
    print()
    for name, (holds, figures) in order_checks(sig).items():
        print(f"- {name}: {'OK' if holds else 'NO'} ({figures})")
    print()


def child_aggregates(t: dict) -> pd.DataFrame:
    b = t["bureau"].assign(active=lambda f: f.CREDIT_ACTIVE == "Active",
                           overdue=lambda f: f.CREDIT_DAY_OVERDUE > 0)
    bureau = b.groupby(KEY).agg(
        B_count=(BUREAU_KEY, "size"), B_active=("active", "mean"),
        B_debt=("AMT_CREDIT_SUM_DEBT", "sum"), B_last=("DAYS_CREDIT", "max"),
        B_overdue=("overdue", "max"), B_max_overdue=("AMT_CREDIT_MAX_OVERDUE", "max"))
    bb = t["bureau_balance"]
    late_months = bb.STATUS.isin(list("12345")).groupby(bb.SK_ID_BUREAU).mean()
    bb_late = b.join(late_months.rename("late"), on=BUREAU_KEY).groupby(
        KEY).late.mean().rename("BB_late")
    p = t["previous_application"].assign(
        refused=lambda f: f.NAME_CONTRACT_STATUS == "Refused",
        asked=lambda f: f.AMT_APPLICATION / f.AMT_CREDIT.replace(0, np.nan))
    prev = p.groupby(KEY).agg(P_count=(PREVIOUS_KEY, "size"),
                              P_refused=("refused", "mean"), P_asked=("asked", "mean"),
                              P_last=("DAYS_DECISION", "max"))
    i = t["installments_payments"]
    i = i.assign(dpd=(i.DAYS_ENTRY_PAYMENT - i.DAYS_INSTALMENT).clip(lower=0),
                 late=i.DAYS_ENTRY_PAYMENT > i.DAYS_INSTALMENT,
                 paid=i.AMT_PAYMENT / i.AMT_INSTALMENT.replace(0, np.nan))
    inst = i.groupby(KEY).agg(I_dpd=("dpd", "mean"), I_late=("late", "mean"),
                              I_paid=("paid", "mean"), I_dpd_max=("dpd", "max"))
    pos = t["POS_CASH_balance"].groupby(KEY).agg(POS_dpd_max=("SK_DPD", "max"))
    cc = t["credit_card_balance"]
    cc = cc.assign(util=cc.AMT_BALANCE / cc.AMT_CREDIT_LIMIT_ACTUAL.replace(0, np.nan))
    card = cc.groupby(KEY).agg(CC_util=("util", "mean"), CC_dpd=("SK_DPD", "max"))
    return pd.concat([bureau, bb_late, prev, inst, pos, card], axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    t = dict(generate_tables(args.clients, 0, args.seed))
    app = t["application_train"].set_index(KEY)
    y = app.pop(TARGET)
    everything = app.join(child_aggregates(t))
    print(f"{args.clients:,d} clients, seed {args.seed}, TARGET rate {y.mean():.4f}\n")
    report_univariate(t["application_train"])
    print("| child aggregate | known | AUC |")
    print("| --- | ---: | ---: |")
    for col in ("P_refused", "I_late", "I_dpd", "BB_late", "B_active", "CC_util"):
        x = everything[col].to_numpy(float)
        known = ~np.isnan(x)
        auc = roc_auc_score(y[known], x[known])
        print(f"| {col} | {known.mean():.0%} | {max(auc, 1 - auc):.3f} |")
    print()
    model = HistGradientBoostingClassifier(max_iter=400, learning_rate=0.05,
                                           categorical_features="from_dtype", random_state=0)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    print("| features | HistGradientBoosting 5-fold CV AUC | published band | | seconds |")
    print("| --- | ---: | ---: | --- | ---: |")
    for (name, X), band in zip((("application table only", app),
                                ("application + child aggregates", everything)),
                               MULTIVARIATE_AUC_BANDS.values()):
        start = time.perf_counter()
        auc = cross_val_score(model, X, y, cv=cv, scoring="roc_auc").mean()
        status = "OK" if band[0] <= round(auc, 2) <= band[1] else "outside"
        print(f"| {name} | {auc:.4f} | {_band(*band)} | {status} | "
              f"{time.perf_counter() - start:.0f} |")


if __name__ == "__main__":
    main()
