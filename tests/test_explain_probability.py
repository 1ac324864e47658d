"""Contributions in log-odds → effects on the displayed probability, in points: exact,
sign-preserving, order-independent (scoring_lib.explain.probability), and the Scorer's
Explanation carries them so that they add up to the probability the page shows."""

from __future__ import annotations

import numpy as np
import pytest

from scoring_lib.explain.probability import ProbabilityMap, probability_effects
from scoring_lib.scoring import Scorer

PLATT = ProbabilityMap("platt", a=1.2856, b=0.6379)
SIGMOID = ProbabilityMap("none")
ISOTONIC = ProbabilityMap("isotonic", x=[0.0, 0.05, 0.1, 0.3, 1.0],
                          y=[0.0, 0.02, 0.09, 0.35, 0.9])


def identity(r):
    return r


# ------------------------------------------------------------------------ pure function
@pytest.mark.parametrize("to_probability", [PLATT, SIGMOID, ISOTONIC, identity])
def test_effects_add_up_exactly_to_the_probability_minus_the_average(to_probability):
    rng = np.random.default_rng(0)
    for _ in range(300):
        c = rng.normal(0, 0.4, size=rng.integers(1, 40))
        base = rng.normal(-2.5, 1.0)
        effects, p0, p1 = probability_effects(c, base, to_probability)
        assert p0 == to_probability(base) and p1 == to_probability(base + c.sum())
        assert effects.sum() == pytest.approx(p1 - p0, abs=1e-12)
        # sign kept (a flat piece of the isotonic map gives zeros)
        assert np.all(effects * c >= 0)
        # order-independent: the same group gets the same effect whatever the order
        order = rng.permutation(len(c))
        again, _, _ = probability_effects(c[order], base, to_probability)
        assert again == pytest.approx(effects[order], rel=1e-12, abs=1e-15)


def test_known_values_and_the_identity_map():
    c = np.array([1.0, -0.5, 0.25])
    effects, p0, p1 = probability_effects(c, -1.0, SIGMOID)
    s = 1 / (1 + np.exp(1.0))
    e = 1 / (1 + np.exp(0.25))
    assert p0 == pytest.approx(s) and p1 == pytest.approx(e)
    assert effects == pytest.approx(c * (e - s) / 0.75)
    assert probability_effects(c, 3.0, identity)[0] == pytest.approx(c)  # phi_i = c_i


def test_a_zero_contribution_has_no_effect_and_keeps_the_others_exact():
    c = np.array([0.8, 0.0, -0.3, 0.0])
    effects, p0, p1 = probability_effects(c, -2.0, PLATT)
    assert effects[1] == 0.0 and effects[3] == 0.0
    assert effects[0] > 0 > effects[2]
    assert effects.sum() == pytest.approx(p1 - p0, abs=1e-15)


def test_contributions_that_cancel_use_the_slope_at_the_average():
    h = 1e-6
    for c in (np.array([0.7, -0.7]), np.array([0.7, -0.7 + 1e-12]), np.zeros(3)):
        effects, p0, p1 = probability_effects(c, -2.0, PLATT)
        slope = (PLATT(-2.0 + h) - PLATT(-2.0 - h)) / (2 * h)
        assert effects == pytest.approx(c * slope, rel=1e-5, abs=1e-15)
        assert effects.sum() == pytest.approx(p1 - p0, abs=1e-12)
        assert np.all(np.isfinite(effects))


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="contributions"):
        probability_effects([np.nan, 1.0], 0.0, SIGMOID)
    with pytest.raises(ValueError, match="base"):
        probability_effects([1.0], np.inf, SIGMOID)
    with pytest.raises(ValueError, match="calibration method.*'beta'"):
        ProbabilityMap.from_record({"method": "beta"})
    with pytest.raises(ValueError, match="isotonic.*2 and 3"):
        ProbabilityMap("isotonic", x=[0, 1], y=[0, 0.5, 1])


@pytest.mark.parametrize("record", [
    {"method": "none"},
    {"method": "platt", "a": 1.2856447549221741, "b": 0.6379103325472532},
    {"method": "isotonic", "x": [0.01, 0.1, 0.2, 0.6], "y": [0.0, 0.05, 0.3, 0.7]},
])
def test_the_map_is_the_calibrators_transform_of_the_sigmoid(record):
    """The map mirrors Calibrator.transform (which imports scikit-learn) value for value."""
    from scoring_lib.model.training.calibration import Calibrator

    raw = np.linspace(-16, 16, 801)
    expected = Calibrator.from_dict(record).transform(1 / (1 + np.exp(-raw)))
    assert np.array_equal(ProbabilityMap.from_record(record)(raw), expected)


# ------------------------------------------------------------------------ the Explanation
def test_the_explanation_adds_up_to_the_displayed_probability(scorer):
    """For every client: the groups' points add up to the probability the page shows minus
    the average client's, to 1e-9; the end of the path is that probability (calibration
    included) and the average client is P(base)."""
    assert scorer.bundle.manifest["calibration"]["method"] == "platt"  # not the identity
    ids = scorer.client_ids.to_numpy()
    for cid in ids[:: max(1, len(ids) // 120)]:
        e = scorer.explain(int(cid))
        shown = scorer.score(int(cid)).probability
        assert scorer.to_probability(e.raw_output) == pytest.approx(shown, abs=1e-12)
        assert e.base_probability == scorer.to_probability(e.base_value)
        points = e.grouped["points"].to_numpy()
        assert points.sum() / 100 == pytest.approx(shown - e.base_probability, abs=1e-9)
        c = e.grouped["contribution"].to_numpy()
        assert np.all(points * c >= 0)
        assert e.points.sum() == pytest.approx(points.sum())
        assert list(e.points.index) == list(e.grouped["group"])


def test_the_explanations_record_has_the_points(scorer):
    cid = int(scorer.client_ids[0])
    e = scorer.explain(cid, lang="en")
    record = e.to_dict()
    assert record["base_probability"] == e.base_probability
    assert 0 < record["base_probability"] < 1
    assert [g["points"] for g in record["groups"]] == pytest.approx(
        list(e.grouped["points"].head(10)))
