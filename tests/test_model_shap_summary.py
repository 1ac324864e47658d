"""The modelling notebook's global summary: CatBoost's SHAP matrix of a sample of training
clients (``Trainer.shap_sample``), drawn by ``shap`` (``plots.plot_shap_summary``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_lib.model.report.plots import plot_shap_summary
from scoring_lib.model.training.estimators import CatBoostModel


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    n = 400
    X = pd.DataFrame({"EXT_SOURCE_3": rng.random(n), "noise": rng.random(n),
                      "NAME_EDUCATION_TYPE": pd.Categorical(rng.choice(["a", "b"], n))})
    y = (X["EXT_SOURCE_3"] + 0.1 * rng.random(n) < 0.4).astype(int).to_numpy()
    return CatBoostModel(iterations=30, thread_count=1).fit(X, y), X


def test_shap_values_add_up_to_the_raw_score(fitted):
    model, X = fitted
    values = model.shap_values(X.head(50))
    assert values.shape == (50, 4)  # three features and the expected value
    raw = np.log(model.predict_proba(X.head(50))[:, 1] / model.predict_proba(X.head(50))[:, 0])
    np.testing.assert_allclose(values.sum(axis=1), raw, atol=1e-6)


@pytest.mark.parametrize("kind, label", [("beeswarm", "SHAP value"), ("bar", "mean |SHAP")])
def test_the_summary_ranks_the_features_by_their_effect(fitted, kind, label):
    model, X = fitted
    fig = plot_shap_summary(model.shap_values(X), X, kind=kind, max_display=3)
    ax = fig.axes[0]
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names[-1] == "EXT_SOURCE_3"  # the top row: the feature that decides
    assert set(names) == set(X.columns)
    assert ax.get_xlabel().startswith(label)
    assert ax.get_title() == "What the model relies on (400 clients)"


def test_a_matrix_of_other_rows_is_refused_with_its_shape(fitted):
    model, X = fitted
    with pytest.raises(ValueError, match=r"400 x 3 features, got shape \(10, 4\)"):
        plot_shap_summary(model.shap_values(X.head(10)), X)
    with pytest.raises(ValueError, match="kind must be"):
        plot_shap_summary(model.shap_values(X), X, kind="violin")
