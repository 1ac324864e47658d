"""Bad feature frames are refused with a FeatureFrameError (a ValueError) before training."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_lib.features.build import FeatureSet
from scoring_lib.features.cache import write_features
from scoring_lib.features.metadata import Feature, metadata_frame
from scoring_lib.model import FeatureFrameError, check_feature_frame, load_training_data
from scoring_lib.model.training.inputs import sample_training


def frame(n=40, defaults=8, test=5, seed=0):
    rng = np.random.default_rng(seed)
    total = n + test
    y = np.r_[np.ones(defaults), np.zeros(n - defaults), np.full(test, np.nan)]
    return pd.DataFrame({
        "SK_ID_CURR": np.arange(100_000, 100_000 + total),
        "TARGET": y,
        "AMT_CREDIT": rng.random(total) * 1e5,
        "EXT_SOURCE_2": np.where(rng.random(total) < 0.2, np.nan, rng.random(total)),
        "CODE_GENDER": pd.Categorical(rng.choice(["F", "M"], total), categories=["F", "M"]),
    })


def test_a_good_frame_splits_into_train_and_test():
    data = check_feature_frame(frame(), folds=5)
    assert data.n_train == 40 and len(data.X_test) == 5
    assert data.features == ["AMT_CREDIT", "EXT_SOURCE_2", "CODE_GENDER"]
    assert data.categorical == ["CODE_GENDER"]
    assert data.y.sum() == 8 and data.y.dtype == np.int64
    assert data.X.index.name == "SK_ID_CURR"
    # SK_ID_CURR as the index works too
    again = check_feature_frame(frame().set_index("SK_ID_CURR"), folds=5)
    assert again.X.equals(data.X)


def test_unexpected_columns_are_named():
    with pytest.raises(FeatureFrameError, match="unexpected column.*AMT_CREDIT") as info:
        check_feature_frame(frame(), features=["EXT_SOURCE_2", "CODE_GENDER"])
    assert info.value.columns == ("AMT_CREDIT",)
    assert isinstance(info.value, ValueError)


def test_missing_feature_columns_are_named():
    with pytest.raises(FeatureFrameError, match="missing feature column.*DAYS_BIRTH"):
        check_feature_frame(frame().assign(DAYS_BIRTH=1.0).drop(columns="DAYS_BIRTH"),
                            features=["AMT_CREDIT", "EXT_SOURCE_2", "CODE_GENDER",
                                      "DAYS_BIRTH"])


def test_text_columns_are_unexpected():
    with pytest.raises(FeatureFrameError, match="unexpected column.*of type.*NAME_HOUSING"):
        check_feature_frame(frame().assign(NAME_HOUSING="House"))


def test_target_of_a_single_class():
    f = frame()
    f.loc[f["TARGET"].notna(), "TARGET"] = 0
    with pytest.raises(FeatureFrameError, match="single class: all 40 training clients are 0"):
        check_feature_frame(f)


def test_fewer_rows_than_folds_need():
    with pytest.raises(FeatureFrameError, match="too few rows for 5 folds: 3 training"):
        check_feature_frame(frame(n=20, defaults=3), folds=5)
    check_feature_frame(frame(n=20, defaults=3), folds=3)  # enough for 3 folds


@pytest.mark.parametrize("change, message", [
    (lambda f: f.drop(columns="TARGET"), "missing column TARGET"),
    (lambda f: f.drop(columns="SK_ID_CURR"), "missing column SK_ID_CURR"),
    (lambda f: f.assign(TARGET=np.where(f["TARGET"] == 1, 2, f["TARGET"])), "0, 1 or missing"),
    (lambda f: f.assign(SK_ID_CURR=100_000), "not unique"),
    (lambda f: f.assign(AMT_CREDIT=np.inf), "infinite value.*AMT_CREDIT"),
    (lambda f: f.assign(TARGET=np.nan), "no training client"),
    (lambda f: f[["SK_ID_CURR", "TARGET"]], "no feature column"),
    (lambda f: pd.concat([f, f[["AMT_CREDIT"]]], axis=1), "duplicated column.*AMT_CREDIT"),
])
def test_other_bad_frames(change, message):
    with pytest.raises(FeatureFrameError, match=message):
        check_feature_frame(change(frame()))


def test_folds_must_be_at_least_two():
    with pytest.raises(ValueError, match="folds"):
        check_feature_frame(frame(), folds=1)


def test_feature_file_with_columns_its_metadata_does_not_describe(tmp_path):
    f = frame()
    meta = metadata_frame([Feature("AMT_CREDIT", "application", "AMT_CREDIT", ("AMT_CREDIT",)),
                           Feature("EXT_SOURCE_2", "application", "EXT_SOURCE_2",
                                   ("EXT_SOURCE_2",))])
    path = write_features(FeatureSet(f, meta), tmp_path / "features.parquet")
    with pytest.raises(FeatureFrameError, match="features.parquet: unexpected column.*CODE_GENDER"):
        load_training_data(path, folds=5)
    # a plain Parquet file (no metadata) with only numbers and categoricals is accepted
    f.to_parquet(tmp_path / "plain.parquet")
    data, metadata = load_training_data(tmp_path / "plain.parquet", folds=5)
    assert metadata is None and data.categorical == ["CODE_GENDER"]


def test_stratified_sample_keeps_the_class_shares_and_the_test_clients():
    data = check_feature_frame(frame(n=400, defaults=40), folds=5)
    small = sample_training(data, 100, seed=0)
    assert small.n_train == 100 and small.y.sum() == 10
    assert len(small.X_test) == 5
    assert sample_training(data, None) is data and sample_training(data, 10_000) is data


def test_a_sample_too_small_for_the_folds_is_refused_before_training():
    data = check_feature_frame(frame(n=400, defaults=40), folds=5)
    # 40 clients hold about 4 defaults: not enough for 5 folds, enough for 3
    with pytest.raises(FeatureFrameError, match=r"too small for 5 folds.*TARGET = 1.*"
                                                r"sample at least 50 clients"):
        sample_training(data, 40, seed=0, folds=5)
    small = sample_training(data, 40, seed=0, folds=3)
    assert small.n_train == 40 and small.y.sum() == 4
    assert sample_training(data, 40, seed=0).n_train == 40  # no folds: no check
