"""The Scorer on a tiny bundle: scores, SHAP contributions that add up, agreement with
shap.TreeExplainer, labels, reasons, similar clients, groups, comparisons, unknown ids, the
features of every client read back exactly, and a process that imports no training library.

The bundle is trained by the library's ``Trainer`` with given values (a small CatBoost model
on 700 synthetic clients, Platt calibration, no cross-validation) and completed by the bundle
package, without the notebooks of ``scoring build``, so that it takes seconds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from scoring_lib.compare import rank_shares
from scoring_lib.data.synth import generate_tables
from scoring_lib.features import build_features
from scoring_lib.scoring import BORDERLINE_WIDTH, Scorer, UnknownClientError, risk_band

KEY = "SK_ID_CURR"


def build_tiny_bundle(folder, clients: int = 600, test_clients: int = 100, seed: int = 1,
                      batch_rows: int = 64):
    """A bundle of ``clients`` + ``test_clients`` synthetic clients in ``folder / "tiny"``,
    trained by the library's :class:`~scoring_lib.model.training.trainer.Trainer` with values
    given instead of searched (a small CatBoost, Platt calibration on its own predictions, the
    threshold refusing 30% of the training clients) and completed by the bundle package:
    ``(path, feature set, tables)``, in seconds."""
    from scoring_lib.bundle.store import complete_bundle
    from scoring_lib.model.training.estimators import CatBoostModel
    from scoring_lib.model.training.inputs import check_feature_frame
    from scoring_lib.model.training.trainer import Trainer

    tables = dict(generate_tables(clients, test_clients, seed=seed))
    fs = build_features(tables)
    trainer = Trainer(check_feature_frame(fs.frame, folds=2), folds=2)
    model = trainer.fit_final(CatBoostModel(iterations=40, depth=4, thread_count=1))
    calibrator = trainer.calibrate("platt")
    raw = model.predict_proba(trainer.model_data.X)[:, 1]
    trainer.choose_threshold(float(np.quantile(calibrator.transform(raw), 0.7)))
    staging = folder / "staging"
    trainer.write(staging, info={"metrics": {"model": "catboost", "cv_auc": 0.7}})
    apps = pd.concat([tables["application_train"], tables["application_test"]],
                     ignore_index=True).drop(columns=["TARGET"])
    out = complete_bundle(staging, folder / "tiny", fs.frame, apps,
                          {"cost_fn": 10.0, "cost_fp": 1.0},
                          json.loads(fs.metadata.to_json(orient="records")),
                          batch_rows=batch_rows, tile_rows=batch_rows)
    return out, fs, tables


@pytest.fixture(scope="module")
def tiny(tiny_bundle):
    return tiny_bundle  # tests/conftest.py: built once per session


@pytest.fixture(scope="module")
def scorer(tiny):
    return Scorer.from_bundle(tiny[0])


@pytest.fixture(scope="module")
def some_ids(scorer):
    ids = scorer.client_ids.to_numpy()
    return [int(ids[0]), int(ids[len(ids) // 2]), int(ids[-1])]


# ---------------------------------------------------------------------------------- score
def test_score_matches_the_bundle(scorer, some_ids):
    scores = scorer.bundle.scores
    for cid in some_ids:
        s = scorer.score(cid)
        row = scores.loc[cid]
        assert s.client_id == cid
        assert s.probability == pytest.approx(row["PROBA"])
        assert s.decision == row["DECISION"]  # one spelling, stored and shown
        assert s.threshold == pytest.approx(scorer.bundle.threshold)
        assert s.distance == pytest.approx(s.probability - s.threshold)
        assert (s.decision == "refused") == (s.probability >= s.threshold)
        assert s.risk_band == risk_band(s.probability, s.threshold)
        assert set(s.to_dict()) >= {"client_id", "probability", "decision", "threshold"}


def test_risk_bands():
    t, w = 0.3, BORDERLINE_WIDTH
    assert risk_band(t - w - 1e-9, t) == "low"
    assert risk_band(t - w, t) == "borderline"
    assert risk_band(t, t) == "borderline"
    assert risk_band(t + w - 1e-9, t) == "borderline"
    assert risk_band(t + w, t) == "high"
    assert list(risk_band([0.0, 0.3, 0.9], t)) == ["low", "borderline", "high"]
    assert risk_band(0.35, 0.3, width=0.1) == "borderline"


def test_unknown_client(scorer):
    for bad in (-1, 999_999_999, "abc", None, 1.5):
        with pytest.raises(UnknownClientError) as info:
            scorer.score(bad)
        assert isinstance(info.value, KeyError)
        assert repr(bad) in str(info.value) and info.value.client_id == bad
    with pytest.raises(UnknownClientError, match="999999999"):
        scorer.explain(999_999_999)
    with pytest.raises(UnknownClientError):
        scorer.similar_clients(999_999_999)
    with pytest.raises(UnknownClientError):
        scorer.compare(999_999_999)


# -------------------------------------------------------------------------------- explain
def test_contributions_add_up_to_the_raw_output(scorer, some_ids, tiny):
    _, fs, _ = tiny
    from scoring_lib.model.training.estimators import catboost_frame

    frame = fs.frame.set_index(KEY)
    for cid in some_ids:
        e = scorer.explain(cid)
        X = catboost_frame(frame.loc[[cid], scorer.feature_names],
                           scorer.bundle.categorical_features)
        raw = scorer.bundle.model.predict(X, prediction_type="RawFormulaVal")[0]
        assert e.raw_output == pytest.approx(raw, abs=1e-6)
        assert e.base_value + e.contributions.sum() == pytest.approx(raw, abs=1e-6)
        assert list(e.contributions.index) == scorer.feature_names
        # the displayed probability is the calibrated sigmoid of the raw output
        p = scorer.bundle.calibrator.transform([1 / (1 + np.exp(-raw))])[0]
        assert e.score.probability == pytest.approx(p, rel=1e-6)
        assert e.grouped["contribution"].sum() == pytest.approx(e.contributions.sum())


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_contributions_agree_with_shap_tree_explainer(scorer, some_ids, tiny):
    import shap

    from scoring_lib.model.training.estimators import catboost_frame

    _, fs, _ = tiny
    frame = fs.frame.set_index(KEY)
    X = catboost_frame(frame.loc[some_ids, scorer.feature_names],
                       scorer.bundle.categorical_features)
    from catboost import Pool

    pool = Pool(X, cat_features=[scorer.feature_names.index(c)
                                 for c in scorer.bundle.categorical_features])
    explainer = shap.TreeExplainer(scorer.bundle.model)
    expected = explainer.shap_values(pool)
    for i, cid in enumerate(some_ids):
        ours, base = scorer.contributions(cid)
        np.testing.assert_allclose(ours.to_numpy(), expected[i], atol=1e-6)
        assert base == pytest.approx(float(np.ravel(explainer.expected_value)[0]), abs=1e-6)


def test_every_model_feature_is_labelled(scorer):
    d = scorer.dictionary
    assert list(d.index) == scorer.feature_names
    for lang in ("fr", "en"):
        assert d[f"label_{lang}"].str.len().gt(2).all()
        assert d[f"label_{lang}"].is_unique


def test_reasons_follow_the_contributions(scorer, some_ids):
    for cid in some_ids:
        for lang, raise_word, lower_word in (("fr", "augmente le risque", "réduit le risque"),
                                             ("en", "raises the risk", "lowers the risk")):
            e = scorer.explain(cid, lang=lang)
            r = e.reasons
            up, down = r[r["direction"] == "raises"], r[r["direction"] == "lowers"]
            assert 1 <= len(up) <= 4 and 1 <= len(down) <= 4
            assert (up["contribution"] > 0).all() and up["contribution"].is_monotonic_decreasing
            assert (down["contribution"] < 0).all()
            assert down["contribution"].is_monotonic_increasing
            g = e.grouped
            assert list(up["group"]) == list(g[g["contribution"] > 0]["group"][:len(up)])
            assert all(s.endswith(raise_word + ".") for s in e.sentences("raises"))
            assert all(s.endswith(lower_word + ".") for s in e.sentences("lowers"))
            assert e.to_dict()["reasons"]["raises"] == e.sentences("raises")


def test_reason_percentiles_are_those_of_all_clients(scorer, some_ids, tiny):
    """The tiny bundle has fewer clients than the sample: percentiles are exact."""
    _, fs, _ = tiny
    frame = fs.frame.set_index(KEY)
    cid = some_ids[1]
    e = scorer.explain(cid, max_reasons=8)
    percentiles = e.reasons.set_index("feature")["percentile"].dropna()
    assert len(percentiles) >= 3
    for feature, pct in percentiles.items():
        expected = rank_shares(frame.loc[cid, feature], frame[feature].astype(float))
        assert pct == pytest.approx(expected.percentile, abs=1e-6)


# -------------------------------------------------------------------------------- compare
def test_similar_clients(scorer, some_ids):
    cid = some_ids[0]
    s = scorer.similar_clients(cid, k=5)
    near = s.neighbours
    assert len(near) == 5 and cid not in set(near[KEY])
    assert near["distance"].is_monotonic_increasing
    # brute force on the index's own standardised matrix
    m = scorer.neighbours.matrix_.astype(float)
    pos = scorer._position(cid)
    d = np.sqrt(((m - m[pos]) ** 2).sum(axis=1))
    d[pos] = np.inf
    expected = scorer.client_ids.to_numpy()[np.argsort(d, kind="stable")[:5]]
    assert set(near[KEY]) == set(expected)
    known = near["target"].dropna()
    assert s.n_known == len(known)
    if len(known):
        assert s.default_rate == pytest.approx(known.mean())
    assert s.scores["count"] == 5


def test_group_and_compare(scorer, some_ids):
    women = scorer.group({"gender": "F"})
    assert len(women) > 0 and (women["CODE_GENDER"] == "F").all()
    refused = scorer.group({"decision": "refused"})
    assert (refused["probability"] >= scorer.threshold).all()
    borderline = scorer.group({"risk_band": "borderline"})
    assert ((borderline["probability"] - scorer.threshold).abs()
            <= BORDERLINE_WIDTH + 1e-12).all()
    cid = some_ids[1]
    c = scorer.compare(cid, reference={"gender": "F"})
    assert list(c.summary.index) == ["AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY",
                                     "DAYS_BIRTH", "EXT_SOURCE_3", "probability"]
    income = women["AMT_INCOME_TOTAL"]
    row = c.summary.loc["AMT_INCOME_TOTAL"]
    assert row["n"] == income.notna().sum()
    assert row["percentile"] == pytest.approx(
        rank_shares(scorer.client(cid)["AMT_INCOME_TOTAL"], income).percentile)
    h = c.histogram("AMT_INCOME_TOTAL")
    assert h["count"].sum() == row["n"]
    assert h["defaulted"].sum() == (women.dropna(subset=["AMT_INCOME_TOTAL"])["TARGET"]
                                    == 1).sum()
    # a model feature, read from the bundle, and the "similar" reference
    c = scorer.compare(cid, reference="similar", variables=["INSTAL_DPD_MEAN",
                                                             "NAME_INCOME_TYPE"], k=20)
    assert c.summary.loc["INSTAL_DPD_MEAN", "n"] + c.summary.loc[
        "INSTAL_DPD_MEAN", "n_missing"] == 20
    assert c.summary.loc["NAME_INCOME_TYPE", "kind"] == "categorical"
    with pytest.raises(ValueError, match="NOPE"):
        scorer.compare(cid, variables=["NOPE"])
    with pytest.raises(ValueError, match="reference"):
        scorer.compare(cid, reference=42)


def test_days_employed_sentinel_is_not_a_number_in_comparisons(scorer, some_ids):
    c = scorer.compare(some_ids[0], variables=["DAYS_EMPLOYED"])
    assert c.summary.loc["DAYS_EMPLOYED", "q95"] < 0  # no 365243 among the quantiles


def test_text_and_json_of_an_explanation(scorer, some_ids):
    cid = some_ids[2]
    e = scorer.explain(cid)
    text = e.to_text().splitlines()
    s = e.score
    decision = {"granted": "crédit accordé", "refused": "crédit refusé"}[s.decision]
    assert text[0].startswith(f"Client {cid} : probabilité de défaut ")
    assert decision in text[0]
    assert "Ce qui augmente le risque :" in text and "Ce qui réduit le risque :" in text
    assert [t[4:] for t in text if t.startswith("  - ")] == list(e.reasons["sentence"])
    english = scorer.explain(cid, lang="en").to_text()
    assert english.startswith(f"Client {cid}: probability of default ")
    assert "What lowers the risk:" in english
    record = json.loads(json.dumps(e.to_dict()))
    assert record["client_id"] == cid and record["decision"] == s.decision
    assert record["probability"] == pytest.approx(s.probability)
    assert record["reasons"]["raises"] == e.sentences("raises")
    with pytest.raises(ValueError, match="lang"):
        scorer.explain(cid, lang="de")


def test_features_read_from_the_bundle_are_the_clients_own(scorer, tiny):
    from scoring_lib.scoring import ROW_CACHE

    _, fs, _ = tiny
    frame = fs.frame.set_index(KEY)
    ids = scorer.client_ids.to_numpy()
    for cid in list(ids[:: max(1, len(ids) // 40)]) + [ids[0], ids[-1]]:
        got = scorer.features(int(cid))
        want = frame.loc[cid, scorer.feature_names]
        for name in ("EXT_SOURCE_3", "DAYS_BIRTH", "INSTAL_DPD_MEAN", "CODE_GENDER",
                     "PREV_COUNT"):
            a, b = got[name], want[name]
            assert (pd.isna(a) and pd.isna(b)) or a == b or a == pytest.approx(b), (cid, name)
    assert len(scorer._rows) <= ROW_CACHE


def test_every_feature_of_every_client_is_read_back_exactly(scorer, tiny):
    _, fs, _ = tiny
    frame = fs.frame.set_index(KEY)[scorer.feature_names]
    kinds = {c: ("category" if isinstance(frame[c].dtype, pd.CategoricalDtype) else
                 "int" if pd.api.types.is_integer_dtype(frame[c].dtype) else "float")
             for c in frame.columns}
    types = {"category": str, "int": int, "float": float}
    for cid in scorer.client_ids:
        got = scorer._read_row(scorer._position(cid))  # not the cache
        for name, value, expected in zip(scorer.feature_names, got, frame.loc[cid]):
            if pd.isna(expected):
                assert value is None, (cid, name, value)
            else:
                assert value == expected and type(value) is types[kinds[name]], (
                    cid, name, value, expected)


def test_a_missing_category_is_given_to_the_model_as_in_training(scorer, tiny):
    from catboost import Pool

    from scoring_lib.model.training.estimators import MISSING_CATEGORY, catboost_frame

    assert scorer.bundle.missing_category == MISSING_CATEGORY
    _, fs, _ = tiny
    cats = scorer.bundle.categorical_features
    frame = fs.frame.set_index(KEY).loc[scorer.client_ids, scorer.feature_names]
    ids = list(frame.index[frame[cats].isna().any(axis=1)][:3])
    assert ids, "the tiny data set should have clients with a missing category"
    X = catboost_frame(frame.loc[ids], cats)
    pool = Pool(X, cat_features=[scorer.feature_names.index(c) for c in cats])
    expected = scorer.bundle.model.get_feature_importance(pool, type="ShapValues")
    for i, cid in enumerate(ids):
        ours, base = scorer.contributions(int(cid))
        np.testing.assert_allclose(ours.to_numpy(), expected[i, :-1], rtol=0, atol=1e-9)
        assert base == pytest.approx(expected[i, -1], abs=1e-12)


def test_a_scorer_process_imports_no_training_library(tiny):
    """A dashboard process holds a Scorer: scikit-learn, papermill, matplotlib, nbconvert
    and shap are never imported, neither by the import nor by loading and using it."""
    heavy = ("sklearn", "papermill", "matplotlib", "nbconvert", "nbformat", "shap")
    code = ("import sys\n"
            "from scoring_lib.scoring import Scorer\n"
            f"print(sorted(m for m in {heavy + ('catboost',)!r} if m in sys.modules))\n"
            "s = Scorer.from_bundle(sys.argv[1])\n"
            "c = int(s.client_ids[3])\n"
            "s.explain(c); s.similar_clients(c); s.compare(c, reference={'gender': 'F'})\n"
            f"print(sorted(m for m in {heavy + ('catboost',)!r} if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code, str(tiny[0])], capture_output=True,
                         text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    after_import, after_use = out.stdout.strip().splitlines()
    assert after_import == "[]"  # catboost waits for a bundle too
    assert after_use == "['catboost']"


def test_an_older_format_bundle_is_refused_with_a_rebuild_message(tiny, tmp_path):
    from scoring_lib.bundle.errors import BundleError
    from scoring_lib.bundle.store import MANIFEST, _canonical

    copy = tmp_path / "old"
    shutil.copytree(tiny[0], copy)
    manifest = json.loads((copy / MANIFEST).read_text())
    manifest["format_version"] = 1
    manifest["manifest_sha256"] = __import__("hashlib").sha256(
        _canonical(manifest)).hexdigest()
    (copy / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match="format version 1.*rebuild the bundle"):
        Scorer.from_bundle(copy)


def test_the_row_cache_is_safe_under_concurrent_advisors(tiny):
    """Several threads (a server's advisors) score and explain clients of one Scorer at once,
    with thread switches forced every microsecond: every call answers for its own client,
    and none fails (a race in the row cache used to raise KeyError, read as "unknown
    client", or RuntimeError). More clients than the cache holds, so that rows are evicted
    all the time."""
    import threading

    from scoring_lib.scoring import ROW_CACHE

    scorer = Scorer.from_bundle(tiny[0])
    ids = [int(i) for i in scorer.client_ids[: 3 * ROW_CACHE]]
    expected = {cid: float(scorer.bundle.scores.loc[cid, "PROBA"]) for cid in ids}
    features = {cid: scorer.features(cid).tolist() for cid in ids[:8]}
    errors, done = [], []

    def advisor(k: int) -> None:
        try:
            for j in range(1500):
                cid = ids[(k * 7 + j * 5) % len(ids)]
                if j % 250 == 0:
                    explanation = scorer.explain(cid)
                    assert explanation.score.client_id == cid
                    assert explanation.score.probability == expected[cid]
                else:
                    row = scorer.features(cid)
                    if cid in features:
                        assert [x == y or (x != x and y != y) for x, y in
                                zip(row.tolist(), features[cid])] == [True] * len(row)
                    assert scorer.score(cid).probability == expected[cid]
            done.append(k)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(f"thread {k}: {type(exc).__name__}: {exc}")

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=advisor, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert errors == [] and sorted(done) == list(range(8))
    assert len(scorer._rows) == ROW_CACHE  # bounded: the least recently used were dropped
