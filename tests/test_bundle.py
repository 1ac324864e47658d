"""The bundle: round trip, one-client reads, and refusal of tampered or truncated files.

These bundles are assembled directly (no papermill) from a small synthetic frame, so the
tests are fast; tests/test_notebooks.py builds real ones with `scoring build`.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from scoring_lib.model import (BundleError, Calibrator, CatBoostModel, check_feature_frame,
                               load_bundle, score_clients, verify_bundle)
from scoring_lib.model.bundle import (FORMAT_VERSION, MANIFEST, _canonical, complete_bundle,
                                      write_training_outputs)

N_TRAIN, N_TEST = 2500, 400  # several batches of 1,024 rows in the client tables


def synthetic_frame(seed=0):
    rng = np.random.default_rng(seed)
    total = N_TRAIN + N_TEST
    x = rng.normal(size=(total, 3))
    cat = rng.choice(["a", "b", None], total)
    y = (rng.random(total) < 1 / (1 + np.exp(2.5 - x[:, 0]))).astype(float)
    y[N_TRAIN:] = np.nan
    ids = rng.permutation(np.arange(100_000, 100_000 + total))  # unsorted on purpose
    return pd.DataFrame({"SK_ID_CURR": ids, "TARGET": y, "X0": x[:, 0], "X1": x[:, 1],
                         "X2": np.where(rng.random(total) < 0.2, np.nan, x[:, 2]),
                         "CAT": pd.Categorical(cat, categories=["a", "b"])})


def make_bundle(target, frame, staging_parent):
    data = check_feature_frame(frame, folds=3)
    model = CatBoostModel(iterations=20, thread_count=1).fit(data.X, data.y)
    raw = model.predict_proba(data.X)[:, 1]
    calibrator = Calibrator("platt").fit(raw, data.y)
    threshold = 0.15
    scores = score_clients(model, calibrator, data, threshold)
    staging = staging_parent / f".{target.name}.tmp"
    info = {"metrics": {"model": "catboost", "cv_auc": 0.7, "business_cost": 0.5},
            "candidates": [{"model": "catboost", "auc": 0.7}]}
    write_training_outputs(staging, model, calibrator, threshold, info, scores)
    (staging / "reports").mkdir()
    (staging / "reports" / "02_modelling.html").write_text("<html>report</html>")
    applications = frame[["SK_ID_CURR"]].assign(
        AMT_INCOME_TOTAL=np.arange(len(frame)) * 10.0,
        NAME_CONTRACT_TYPE=pd.Categorical(["Cash loans"] * len(frame)))
    complete_bundle(staging, target, frame, applications,
                    {"cost_fn": 10.0, "cost_fp": 1.0, "name": target.name},
                    [{"feature": "X0", "table": "application"}])
    return data, scores


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("bundles")
    frame = synthetic_frame()
    data, scores = make_bundle(root / "ref", frame, root)
    return root / "ref", frame, data, scores


@pytest.fixture
def copy(built, tmp_path):
    target = tmp_path / "bundle"
    shutil.copytree(built[0], target)
    return target


def test_round_trip(built):
    path, frame, data, scores = built
    bundle = load_bundle(path)
    assert bundle.threshold == 0.15 and bundle.cost_fn == 10.0 and bundle.cost_fp == 1.0
    assert bundle.metrics["cv_auc"] == 0.7
    assert bundle.feature_names == ["X0", "X1", "X2", "CAT"]
    assert bundle.categorical_features == ["CAT"]
    assert bundle.feature_metadata.loc[0, "table"] == "application"
    assert bundle.manifest["format_version"] == FORMAT_VERSION
    assert sorted(bundle.manifest["files"]) == [
        "clients.arrow", "features.arrow", "model.cbm", "reports/02_modelling.html",
        "scores.parquet"]
    assert not (path / "training.json").exists()
    s = bundle.scores
    assert s.index.is_monotonic_increasing and len(s) == N_TRAIN + N_TEST
    pd.testing.assert_series_equal(s["PROBA"], scores.set_index("SK_ID_CURR")["PROBA"])
    assert (s["DECISION"] == "refuse").eq(s["PROBA"] >= bundle.threshold).all()
    assert bundle.calibrator.method == "platt"


def test_one_client_and_a_few_clients(built):
    path, frame, data, scores = built
    bundle = load_bundle(path)
    ids = frame["SK_ID_CURR"].to_numpy()
    client = bundle.get_client(int(ids[7]))
    original = frame.set_index("SK_ID_CURR").loc[ids[7]]
    assert client.features["X0"] == original["X0"]
    assert client.application["AMT_INCOME_TOTAL"] == 70.0
    assert client.score["PROBA"] == pytest.approx(
        scores.set_index("SK_ID_CURR").loc[ids[7], "PROBA"])
    # several clients, spread over batches, in the order asked
    some = [int(ids[i]) for i in (2800, 3, 1500, 3)]
    feats = bundle.get_features(some)
    assert list(feats.index) == some
    assert feats["X1"].tolist() == frame.set_index("SK_ID_CURR").loc[some, "X1"].tolist()
    assert isinstance(feats["CAT"].dtype, pd.CategoricalDtype)
    # the stored model and calibrator reproduce the stored probabilities
    proba = bundle.predict_proba(feats)
    assert proba == pytest.approx(bundle.scores.loc[some, "PROBA"].to_numpy(), abs=1e-9)
    assert list(bundle.decide(proba)) == list(bundle.scores.loc[some, "DECISION"])
    column = bundle.get_application_columns(["AMT_INCOME_TOTAL"])
    assert list(column.columns) == ["AMT_INCOME_TOTAL"] and len(column) == N_TRAIN + N_TEST
    with pytest.raises(KeyError, match="unknown client"):
        bundle.get_client(1)


@pytest.mark.parametrize("name", ["model.cbm", "features.arrow", "clients.arrow",
                                  "scores.parquet", "reports/02_modelling.html"])
def test_one_changed_byte_is_refused_naming_the_file(copy, name):
    path = copy / name
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(BundleError, match=f"{name}: content changed") as info:
        load_bundle(copy)
    assert info.value.file == name


@pytest.mark.parametrize("name", ["model.cbm", "features.arrow"])
def test_truncated_files_are_refused_naming_the_file(copy, name):
    path = copy / name
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) - 100])
    with pytest.raises(BundleError, match=f"{name}: truncated"):
        load_bundle(copy)


def test_an_edited_manifest_is_refused(copy):
    manifest = copy / MANIFEST
    text = manifest.read_text()
    manifest.write_text(text.replace('"threshold": 0.15', '"threshold": 0.25'))
    with pytest.raises(BundleError, match="bundle.json: checksum mismatch"):
        load_bundle(copy)


def test_a_truncated_manifest_is_refused(copy):
    manifest = copy / MANIFEST
    manifest.write_bytes(manifest.read_bytes()[:-50])
    with pytest.raises(BundleError, match="bundle.json: not valid JSON"):
        load_bundle(copy)


def test_another_format_version_is_refused(copy):
    manifest = copy / MANIFEST
    content = json.loads(manifest.read_text())
    content["format_version"] = FORMAT_VERSION + 1
    content["manifest_sha256"] = __import__("hashlib").sha256(_canonical(content)).hexdigest()
    manifest.write_text(json.dumps(content))
    with pytest.raises(BundleError, match="format version 2.*rebuild"):
        load_bundle(copy)


def test_missing_and_unexpected_files_are_refused(copy):
    (copy / "extra.txt").write_text("x")
    with pytest.raises(BundleError, match="extra.txt: unexpected file"):
        verify_bundle(copy)
    (copy / "extra.txt").unlink()
    (copy / "reports" / ".ipynb_checkpoints").mkdir()  # hidden: ignored
    verify_bundle(copy)
    (copy / "clients.arrow").unlink()
    with pytest.raises(BundleError, match="clients.arrow: missing file"):
        verify_bundle(copy)


def test_not_a_bundle(tmp_path):
    with pytest.raises(BundleError, match="bundle folder not found"):
        load_bundle(tmp_path / "nothing")
    with pytest.raises(BundleError, match="bundle.json: not found"):
        load_bundle(tmp_path)


def test_rewriting_replaces_the_old_bundle_atomically(built, tmp_path):
    target = tmp_path / "b"
    frame = synthetic_frame(seed=1)
    make_bundle(target, frame, tmp_path)
    first = load_bundle(target).manifest["manifest_sha256"]
    make_bundle(target, frame.assign(X1=frame["X1"] * 2), tmp_path)
    assert load_bundle(target).manifest["manifest_sha256"] != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]  # no staging or old copy left


def test_no_pickle_in_a_bundle(built):
    for path in built[0].rglob("*"):
        if path.is_file():
            assert path.suffix in {".json", ".cbm", ".parquet", ".arrow", ".html", ".ipynb"}
            assert path.read_bytes()[:2] not in (b"\x80\x04", b"\x80\x05"), path
