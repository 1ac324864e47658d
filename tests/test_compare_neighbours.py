"""Similar clients on a tiny hand-made set whose neighbours are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_lib.compare import NeighbourIndex, descriptive_variables, similar_clients
from scoring_lib.compare.neighbours import VARIABLES, client_variables

NAN = np.nan
Y = 365.25


def clients(ages, **overrides) -> pd.DataFrame:
    n = len(ages)
    frame = pd.DataFrame({
        "SK_ID_CURR": np.arange(1, n + 1) * 10,
        "DAYS_BIRTH": -np.asarray(ages, dtype=float) * Y,
        "AMT_INCOME_TOTAL": np.full(n, 150_000.0),
        "AMT_CREDIT": np.full(n, 500_000.0),
        "AMT_ANNUITY": np.full(n, 25_000.0),
        "DAYS_EMPLOYED": np.full(n, -5 * Y),
        "EXT_SOURCE_1": np.full(n, 0.5),
        "EXT_SOURCE_2": np.full(n, 0.5),
        "EXT_SOURCE_3": np.full(n, 0.5),
        "CNT_FAM_MEMBERS": np.full(n, 2.0),
        "CODE_GENDER": pd.Categorical(["F"] * n, ["F", "M", "XNA"]),
        "NAME_CONTRACT_TYPE": ["Cash loans"] * n,
    })
    for column, values in overrides.items():
        frame[column] = values
    return frame


def test_only_age_differs_nearest_by_age():
    frame = clients([25, 30, 31, 40, 55, 70])
    index = NeighbourIndex().fit(frame)
    client = frame.iloc[1]  # id 20, aged 30
    near = index.kneighbors(client, k=3, exclude=20)
    assert list(near["SK_ID_CURR"]) == [30, 10, 40]  # aged 31, 25, 40
    # without exclusion the client is its own nearest neighbour, at distance 0
    near = index.kneighbors(client, k=2)
    assert list(near["SK_ID_CURR"]) == [20, 30]
    assert near["distance"].iloc[0] == pytest.approx(0, abs=1e-6)
    # distances: age differences divided by the standard deviation of the ages
    sd = np.std([25, 30, 31, 40, 55, 70])
    far = index.kneighbors(client, k=6, exclude=20)
    np.testing.assert_allclose(far["distance"], np.array([1, 5, 10, 25, 40]) / sd, rtol=1e-4)
    assert list(far["SK_ID_CURR"]) == [30, 10, 40, 50, 60]


def test_each_variable_weighs_the_same_after_standardising():
    # from client 40: client 10 is identical, 20 is 10 years younger, 30 earns twice as much;
    # one client in four differs on each variable, so once standardised both differences
    # weigh the same, whatever their raw units (years vs euros)
    frame = clients([40, 30, 40, 40], AMT_INCOME_TOTAL=[100_000.0, 100_000.0, 200_000.0,
                                                         100_000.0])
    index = NeighbourIndex().fit(frame)
    x = descriptive_variables(frame)[["age", "income"]].to_numpy()
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    expected = np.sqrt(((z - z[3]) ** 2).sum(axis=1))
    near = index.kneighbors(frame.iloc[3], k=3, exclude=40).set_index("SK_ID_CURR")
    np.testing.assert_allclose(near.loc[[10, 20, 30], "distance"], expected[:3], rtol=1e-4,
                               atol=1e-3)
    assert near.loc[10, "distance"] == pytest.approx(0, abs=1e-3)
    assert near.loc[20, "distance"] == pytest.approx(near.loc[30, "distance"], rel=1e-4)
    # a difference of one in a 0/1 variable with p = 1/4: 1 / sqrt(p (1 - p)) = 4 / sqrt(3)
    assert near.loc[20, "distance"] == pytest.approx(4 / np.sqrt(3), rel=1e-4)


def test_variables_and_imputation():
    frame = clients([30, 50, 70], EXT_SOURCE_1=[0.2, NAN, 0.8],
                    DAYS_EMPLOYED=[-2 * Y, 365243, -10 * Y],
                    CODE_GENDER=pd.Categorical(["F", "M", "XNA"], ["F", "M", "XNA"]),
                    NAME_CONTRACT_TYPE=["Cash loans", "Revolving loans", "Cash loans"])
    v = descriptive_variables(frame)
    assert list(v.columns) == list(VARIABLES)
    np.testing.assert_allclose(v["age"], [30, 50, 70])
    np.testing.assert_allclose(v["employment"], [2, 0, 10])  # no current job: 0 years
    np.testing.assert_allclose(v["gender"], [0, 1, 0.5])
    np.testing.assert_allclose(v["contract_type"], [0, 1, 0])
    np.testing.assert_allclose(v["income"], np.log1p(150_000))
    assert np.isnan(v.loc[1, "ext_source_1"])
    # the one-client fast path computes the same values
    for i in range(3):
        np.testing.assert_allclose(client_variables(frame.iloc[i]), v.iloc[i].to_numpy())
    index = NeighbourIndex().fit(frame)
    assert index.medians_[VARIABLES.index("ext_source_1")] == pytest.approx(0.5)
    m = index.transform(frame)
    assert m.dtype == np.float32 and not np.isnan(m).any()
    # the missing score is imputed with the median: it sits at the mean (0.2 and 0.8 around)
    assert m[1, VARIABLES.index("ext_source_1")] == pytest.approx(0.0, abs=1e-6)


def test_similar_clients_default_rate_and_scores():
    frame = clients([30, 31, 32, 33, 60])
    index = NeighbourIndex().fit(frame)
    outcomes = pd.Series([0, 1, 0, NAN, 1], index=frame["SK_ID_CURR"])
    scores = pd.Series([0.1, 0.2, 0.3, 0.4, 0.9], index=frame["SK_ID_CURR"])
    s = similar_clients(index, frame.iloc[0], k=3, outcomes=outcomes, scores=scores,
                        exclude=10)
    assert list(s.neighbours["SK_ID_CURR"]) == [20, 30, 40]
    assert list(s.neighbours["target"].fillna(-1)) == [1, 0, -1]
    assert s.n_known == 2 and s.default_rate == pytest.approx(0.5)
    assert s.scores["mean"] == pytest.approx(0.3)
    bare = similar_clients(index, frame.iloc[0], k=2)
    assert np.isnan(bare.default_rate) and bare.n_known == 0


def test_bad_use():
    frame = clients([30, 40])
    with pytest.raises(RuntimeError, match="not fitted"):
        NeighbourIndex().kneighbors(frame.iloc[0])
    with pytest.raises(ValueError, match="unknown"):
        NeighbourIndex(variables=("age", "height")).fit(frame)
    with pytest.raises(ValueError, match="AMT_CREDIT"):
        NeighbourIndex().fit(frame.drop(columns=["AMT_CREDIT"]))
    index = NeighbourIndex().fit(frame)
    with pytest.raises(ValueError, match="k must be"):
        index.kneighbors(frame.iloc[0], k=0)
    assert len(index.kneighbors(frame.iloc[0], k=10)) == 2  # no more than there are
