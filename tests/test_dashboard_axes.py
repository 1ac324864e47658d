"""Round axes on every chart of the page, read as numbers for granted and refused clients:
each axis's scale starts and ends on a tick, the ticks are 1, 2, 2.5 or 5 times a power of
ten apart, shares and probabilities start at 0 (issue 11: the gauge of a refused client read
-1, 9, 20, 30, 41, 51 and the histogram's share axis 0, 3, 5, 8)."""

from __future__ import annotations

import numpy as np
import pytest

from scoring_lib.dashboard import build_app
from scoring_lib.scoring import Scorer


@pytest.fixture(scope="module")
def scorer(small_bundle):
    return Scorer.from_bundle(small_bundle[0])


@pytest.fixture(scope="module")
def app(scorer):
    return build_app(scorer)


def clients(scorer, n: int = 4) -> list[int]:
    """``n`` granted and ``n`` refused clients, spread over the bundle."""
    decision = scorer.clients["decision"].astype(str)
    out = []
    for word in ("granted", "refused"):
        ids = scorer.client_ids[(decision == word).to_numpy()]
        out += [int(ids[i]) for i in np.linspace(0, len(ids) - 1, n).round().astype(int)]
    return out


def assert_round(ticks, what: str, scale=None, covers=(), zero: bool = False) -> None:
    ticks = np.asarray(ticks, dtype=float)
    assert len(ticks) >= 2, f"{what}: ticks {ticks}"
    step = np.diff(ticks)
    assert np.allclose(step, step[0]), f"{what}: uneven ticks {ticks}"
    # the decade of a step of 0.1 computed as 0.09999999999999964 is 0.1, not 0.01
    mantissa = step[0] / 10 ** np.floor(np.log10(step[0]) + 1e-9)
    assert any(np.isclose(mantissa, m) for m in (1, 2, 2.5, 5)), f"{what}: step {step[0]}"
    assert np.allclose(ticks / step[0], np.round(ticks / step[0])), f"{what}: {ticks}"
    if zero:
        assert ticks[0] == 0, f"{what}: starts at {ticks[0]}"
    if scale is not None:
        assert (scale.min, scale.max) == (ticks[0], ticks[-1]), f"{what}: scale"
    values = np.asarray(list(covers), dtype=float)
    values = values[np.isfinite(values)]
    if len(values):
        assert ticks[0] <= values.min() + 1e-9 and values.max() <= ticks[-1] + 1e-9, what


@pytest.mark.parametrize("unit", ["probability", "logodds"])
def test_every_axis_is_round_for_granted_and_refused_clients(app, scorer, unit):
    app.state.unit = unit
    seen = set()
    for cid in clients(scorer):
        app.show_client(cid)
        s = scorer.score(cid)
        seen.add(s.decision)
        # gauge: from 0 to its right end, above the probability and the threshold
        gauge = app.score
        ticks = np.asarray(gauge.axis.tick_values, dtype=float)
        assert_round(ticks, f"gauge of {cid}", gauge.x, [100 * s.probability,
                                                         100 * s.threshold], zero=True)
        assert ticks.min() >= 0
        # histogram: the share axis from 0, the variable's axis over every bar
        hist = app.comparison
        assert_round(hist.hist_y_axis.tick_values, f"shares of {cid}", hist.hy,
                     [*hist.hist["repaid"], *hist.hist["defaulted"]], zero=True)
        assert_round(hist.hist_x_axis.tick_values, f"histogram of {cid}", hist.hx,
                     [*hist.hist["x"], hist.hist["human_value"]])
        # scatter: the probability's axis (vertical by default) from 0
        xs = np.concatenate([np.asarray(m.x, dtype=float) for m in hist.points.values()])
        ys = np.concatenate([np.asarray(m.y, dtype=float) for m in hist.points.values()])
        assert_round(hist.scatter_x_axis.tick_values, f"scatter x of {cid}", hist.sx,
                     [*xs, *np.asarray(hist.client_point.x, dtype=float)])
        assert_round(hist.scatter_y_axis.tick_values, f"scatter y of {cid}", hist.sy,
                     [*ys, *np.asarray(hist.client_point.y, dtype=float)], zero=True)
        # force plot and waterfall: round steps over every band (points or log-odds)
        ex = app.explain
        bands = np.asarray(ex.force_bands.x, dtype=float).ravel()
        assert_round(ex.force_axis.tick_values, f"force plot of {cid}", ex.fx,
                     [*bands, *np.asarray(ex.force_marks.x, dtype=float).ravel()])
        steps = np.asarray(ex.steps.x, dtype=float).ravel()
        assert_round(ex.waterfall_axis.tick_values, f"waterfall of {cid}", ex.wx,
                     [*steps, *np.asarray(ex.waterfall_marks.x, dtype=float).ravel()])
        if unit == "probability":
            assert 0.0 in list(ex.force_axis.tick_values)  # the average client is a tick
    assert seen == {"granted", "refused"}
    app.state.unit = "probability"


def test_a_histogram_of_a_probability_and_other_variables_is_round(app, scorer):
    panel = app.comparison
    cid = clients(scorer)[-1]
    app.show_client(cid)
    for variable in ("probability", "AMT_CREDIT", "EXT_SOURCE_2", "DAYS_EMPLOYED"):
        panel.variable.value = variable
        assert_round(panel.hist_x_axis.tick_values, variable, panel.hx,
                     [*panel.hist["x"], panel.hist["human_value"]],
                     zero=variable == "probability")
        assert_round(panel.hist_y_axis.tick_values, variable, panel.hy, zero=True)
    panel.variable.value = "DAYS_BIRTH"
