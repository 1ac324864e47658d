"""Monotone constraints (issue #16): the features a person expects a direction of, picked by
rule from the metadata, and a constrained CatBoost whose prediction follows it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_lib.features.metadata import Feature, metadata_frame
from scoring_lib.model.training.estimators import CatBoostModel
from scoring_lib.model.training.monotone import monotone_directions

EXT = ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3")


def metadata():
    app = "application"
    rows = [Feature(name, app, name, (name,)) for name in EXT]
    rows += [Feature(f"EXT_SOURCES_{how}", app, "EXT_SOURCES", EXT, "combination")
             for how in ("MEAN", "MIN", "MAX", "PROD", "WEIGHTED", "STD", "NAN_COUNT")]
    rows += [
        Feature("AMT_CREDIT", app, "AMT_CREDIT", ("AMT_CREDIT",)),
        Feature("CODE_GENDER", app, "CODE_GENDER", ("CODE_GENDER",), kind="categorical"),
        Feature("EXT_AGE_MEAN", app, "EXT_AGE", ("EXT_SOURCE_1", "DAYS_BIRTH"), "combination"),
        Feature("DEF_30_CNT_SOCIAL_CIRCLE", app, "DEF_30_CNT_SOCIAL_CIRCLE",
                ("DEF_30_CNT_SOCIAL_CIRCLE",)),
        Feature("INSTAL_DBD_MAX", "installments_payments", "DBD",
                ("DAYS_ENTRY_PAYMENT", "DAYS_INSTALMENT"), "max", subset="all"),
        Feature("BURO_AMT_CREDIT_SUM_DEBT_MAX", "bureau", "AMT_CREDIT_SUM_DEBT",
                ("AMT_CREDIT_SUM_DEBT",), "max", subset="all"),
        Feature("CC_SK_DPD_MIN", "credit_card_balance", "SK_DPD", ("SK_DPD",), "min",
                subset="all"),
        Feature("CC_SK_DPD_VAR", "credit_card_balance", "SK_DPD", ("SK_DPD",), "var",
                subset="all"),
    ]
    increasing = [
        Feature("INSTAL_DPD_MAX", "installments_payments", "DPD",
                ("DAYS_ENTRY_PAYMENT", "DAYS_INSTALMENT"), "max", subset="all"),
        Feature("INSTAL_DPD_SUM", "installments_payments", "DPD",
                ("DAYS_ENTRY_PAYMENT", "DAYS_INSTALMENT"), "sum", subset="all"),
        Feature("POS_SK_DPD_DEF_MEAN", "POS_CASH_balance", "SK_DPD_DEF", ("SK_DPD_DEF",),
                "mean", subset="all"),
        Feature("ACTIVE_CREDIT_DAY_OVERDUE_MAX", "bureau", "CREDIT_DAY_OVERDUE",
                ("CREDIT_DAY_OVERDUE",), "max", subset="active"),
        Feature("BURO_AMT_CREDIT_SUM_OVERDUE_MEAN", "bureau", "AMT_CREDIT_SUM_OVERDUE",
                ("AMT_CREDIT_SUM_OVERDUE",), "mean", subset="all"),
    ]
    return metadata_frame(rows + increasing)


def test_the_rule_picks_the_scores_and_the_past_due_aggregates():
    got = monotone_directions(metadata())
    decreasing = [*EXT] + [f"EXT_SOURCES_{h}" for h in ("MEAN", "MIN", "MAX", "PROD",
                                                           "WEIGHTED")]
    assert got == {**dict.fromkeys(decreasing, -1),
                   **dict.fromkeys(["INSTAL_DPD_MAX", "INSTAL_DPD_SUM", "POS_SK_DPD_DEF_MEAN",
                                    "ACTIVE_CREDIT_DAY_OVERDUE_MAX",
                                    "BURO_AMT_CREDIT_SUM_OVERDUE_MEAN"], 1)}
    assert monotone_directions(None) == {} and monotone_directions(metadata().iloc[:0]) == {}
    with pytest.raises(ValueError, match="missing aggregation"):
        monotone_directions(metadata().drop(columns=["aggregation"]))


def test_the_rule_on_the_features_the_project_builds():
    from scoring_lib.features.build import feature_metadata

    meta = feature_metadata()
    got = monotone_directions(meta)
    assert all(got[c] == -1 for c in EXT)
    assert got["INSTAL_DPD_MAX"] == 1 and got["POS_SK_DPD_MAX"] == 1
    by_name = meta.set_index("feature")
    for name, direction in got.items():
        row = by_name.loc[name]
        if direction < 0:
            assert row["table"] == "application" and set(row["derived_from"]) <= set(EXT)
        else:
            assert row["aggregation"] in ("max", "mean", "sum")
            assert "DPD" in row["column"] or "OVERDUE" in row["column"]
    assert not any(n.endswith(("_STD", "_NAN_COUNT")) for n in got)
    assert (meta.loc[meta["feature"].isin(got), "kind"] == "numeric").all()


def test_a_constrained_model_is_monotone_along_its_feature():
    """The risk rises with X0 up to 0 and falls after (an inverted U) and falls with X1: the
    free model follows the U, the model constrained to never rise with X0 does not."""
    rng = np.random.default_rng(0)
    n = 4000
    X = pd.DataFrame({"X0": rng.normal(size=n), "X1": rng.normal(size=n),
                      "CAT": pd.Categorical(rng.choice(["a", "b"], n))})
    X.loc[rng.random(n) < 0.1, "X0"] = np.nan
    logit = -1 + 1.5 * np.exp(-X["X0"].fillna(0) ** 2) - X["X1"]
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    grid = [np.nan, -3, -2, -1, -0.5, 0, 0.5, 1, 2, 3]

    def along_x0(model):
        rows = X.iloc[:5]
        return np.column_stack([model.predict_proba(rows.assign(X0=v))[:, 1] for v in grid])

    params = dict(iterations=150, depth=4, learning_rate=0.2, thread_count=1)
    constrained = CatBoostModel(**params, monotone_constraints={"X0": -1, "MISSING": 1,
                                                                "CAT": 1}).fit(X, y)
    assert constrained.monotone_ == {"X0": -1}  # absent and categorical names ignored
    steps = np.diff(along_x0(constrained), axis=1)  # missing counts as the lowest value
    assert (steps <= 1e-12).all()
    free = CatBoostModel(**params).fit(X, y)
    assert (np.diff(along_x0(free), axis=1) > 1e-3).any()  # without: the risk rises
    with pytest.raises(ValueError, match="direction of 'X0' must be -1, 0 or 1"):
        CatBoostModel(monotone_constraints={"X0": 2}).fit(X, y)


def test_the_trainer_drops_the_constraints_of_often_missing_scores():
    """CatBoost orders a missing value below every observed one: right for days past due
    (no record, no day past due), wrong for a score; the build keeps a score's constraint
    only when it is missing for at most 5 % of the training rows."""
    from scoring_lib.model.training.inputs import check_feature_frame
    from scoring_lib.model.training.monotone import coherent_with_missing
    from scoring_lib.model.training.trainer import Trainer

    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame({"SK_ID_CURR": np.arange(n), "TARGET": rng.integers(0, 2, n),
                          "EXT_SOURCE_1": np.where(rng.random(n) < 0.5, np.nan, 0.5),
                          "EXT_SOURCE_2": rng.random(n), "EXT_SOURCE_3": rng.random(n),
                          "INSTAL_DPD_MAX": np.where(np.arange(n) < 20, np.nan, 1.0),
                          "INSTAL_DPD_SUM": np.where(np.arange(n) < 200, np.nan, 1.0),
                          "AMT_CREDIT": rng.random(n)})
    frame.loc[:19, "EXT_SOURCE_3"] = np.nan  # 5 %: kept
    meta = metadata()
    meta = meta[meta["feature"].isin(frame.columns)]
    trainer = Trainer(check_feature_frame(frame, folds=2), folds=2)
    assert trainer.monotone_ == {}  # no metadata, no constraint
    trainer.metadata_ = meta
    assert trainer.monotone_ == {"EXT_SOURCE_2": -1, "EXT_SOURCE_3": -1, "INSTAL_DPD_MAX": 1,
                                 "INSTAL_DPD_SUM": 1}
    assert trainer.candidates()["catboost"].monotone_constraints == trainer.monotone_
    assert Trainer(trainer.data, folds=2, monotone=False).monotone_ == {}
    assert coherent_with_missing({"EXT_SOURCE_1": -1}, frame, 0.6) == {"EXT_SOURCE_1": -1}
