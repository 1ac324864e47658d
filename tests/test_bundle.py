"""The bundle: round trip, one-client reads, the feature tiles (exact values of every
client), and refusal of tampered, truncated or older-format files.

These bundles are assembled directly (no papermill) from a small synthetic frame, so the
tests are fast; tests/test_notebooks.py builds real ones with `scoring build`.
"""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pandas as pd
import pytest

from scoring_lib.bundle.errors import BundleError
from scoring_lib.bundle.store import (
    FEATURES_FILE,
    FORMAT_VERSION,
    MANIFEST,
    _canonical,
    complete_bundle,
    load_bundle,
    verify_bundle,
)
from scoring_lib.bundle.tiles import FeatureTiles, write_tiles
from scoring_lib.decision import GRANTED, REFUSED
from scoring_lib.model.training.estimators import CatBoostModel
from scoring_lib.model.training.inputs import check_feature_frame
from scoring_lib.model.training.trainer import Trainer

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
    trainer = Trainer(check_feature_frame(frame, folds=3), folds=3)
    trainer.fit_final(CatBoostModel(iterations=20, thread_count=1))
    trainer.calibrate("platt")
    trainer.choose_threshold(0.15)
    scores = trainer.score()
    staging = staging_parent / f".{target.name}.tmp"
    trainer.write(staging, info={"metrics": {"model": "catboost", "cv_auc": 0.7,
                                             "business_cost": 0.5},
                                 "candidates": [{"model": "catboost", "auc": 0.7}]})
    data = trainer.data
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
        "clients.arrow", "features.tiles", "model.cbm", "reports/02_modelling.html",
        "scores.parquet"]
    assert not (path / "training.json").exists()
    s = bundle.scores
    assert s.index.is_monotonic_increasing and len(s) == N_TRAIN + N_TEST
    pd.testing.assert_series_equal(s["PROBA"], scores.set_index("SK_ID_CURR")["PROBA"])
    assert (s["DECISION"] == REFUSED).eq(s["PROBA"] >= bundle.threshold).all()
    assert list(s["DECISION"].cat.categories) == [GRANTED, REFUSED] == ["granted", "refused"]
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


@pytest.mark.parametrize("name", ["model.cbm", "features.tiles", "clients.arrow",
                                  "scores.parquet", "reports/02_modelling.html"])
def test_one_changed_byte_is_refused_naming_the_file(copy, name):
    path = copy / name
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(BundleError, match=f"{name}: content changed") as info:
        load_bundle(copy)
    assert info.value.file == name


@pytest.mark.parametrize("name", ["model.cbm", "features.tiles"])
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
    write_version(copy, FORMAT_VERSION + 1)
    with pytest.raises(BundleError, match=f"format version {FORMAT_VERSION + 1}.*rebuild"):
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
            assert path.suffix in {".json", ".cbm", ".parquet", ".arrow", ".tiles", ".html",
                                   ".ipynb"}
            assert path.read_bytes()[:2] not in (b"\x80\x04", b"\x80\x05"), path


# ------------------------------------------------------------------------- feature tiles
def assert_same_values(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Same index, columns, dtypes and values (NaN where NaN), bit for bit."""
    assert list(got.columns) == list(want.columns)
    assert got.index.equals(want.index)
    for c in want.columns:
        a, b = got[c], want[c]
        assert a.dtype == b.dtype, (c, a.dtype, b.dtype)
        if isinstance(b.dtype, pd.CategoricalDtype):
            assert list(a.cat.categories) == list(b.cat.categories), c
            assert np.array_equal(a.cat.codes, b.cat.codes), c
        elif b.dtype == object:
            assert a.tolist() == b.tolist(), c
        else:
            x, y = a.to_numpy(), b.to_numpy()
            assert np.array_equal(x.view(np.uint8), y.view(np.uint8)), c  # -0.0, NaN too


def rich_frame(n=203, seed=3):
    """Every kind of column a feature table may hold, with missing values."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n) * 10.0 ** rng.integers(-30, 30, n)
    x[rng.random(n) < 0.3] = np.nan
    x[:4] = [np.inf, -np.inf, -0.0, 5e-324]
    levels = ["Working", "Pensioner", "Commercial associate", "État"]
    counts = rng.integers(-5, 9, n).astype(float)
    counts[rng.random(n) < 0.2] = np.nan
    return pd.DataFrame({
        "SK_ID_CURR": rng.permutation(np.arange(100_000, 100_000 + n)),
        "FLOAT": x,
        "FLOAT32": rng.normal(size=n).astype(np.float32),
        "DAYS": -rng.integers(0, 30_000, n),
        "BIG": rng.choice([2 ** 53, -(2 ** 53), 0, 7], n),
        "COUNT": pd.array(counts, dtype="Int64"),  # integers with missing values
        "FLAG": rng.random(n) < 0.5,
        "CAT": pd.Categorical(rng.choice(levels + [None], n), categories=levels),
        "TEXT": pd.array(rng.choice(["a", "b", None], n), dtype="str"),
    })


@pytest.mark.parametrize("tile_rows,tile_columns", [(64, 64), (7, 3), (1, 1), (500, 2)])
def test_tiles_give_back_every_value_of_every_client(tmp_path, tile_rows, tile_columns):
    frame = rich_frame()
    order = np.sort(frame["SK_ID_CURR"].to_numpy())[::-1]  # neither the frame's nor sorted
    path = tmp_path / "f.tiles"
    layout = write_tiles(frame, path, order, tile_rows, tile_columns)
    layout = json.loads(json.dumps(layout))  # as bundle.json keeps it
    table = FeatureTiles(path, layout)
    want = frame.set_index("SK_ID_CURR").loc[order]
    want["COUNT"] = want["COUNT"].astype(float)  # integers with missing values: float64
    want["TEXT"] = pd.Categorical(want["TEXT"], categories=["a", "b"])  # text: categories
    everyone = np.arange(len(order))
    assert_same_values(table.rows(everyone), want)
    shuffled = np.random.default_rng(0).permutation(everyone)
    assert_same_values(table.rows(shuffled), want.iloc[shuffled])
    assert_same_values(table.columns(["CAT", "FLOAT"]), want[["CAT", "FLOAT"]])
    for pos in everyone:  # one client at a time, as Python values
        values = table.row_values(int(pos))
        row = want.iloc[pos]
        assert values[0] == order[pos] and type(values[0]) is int
        for name, value in zip(table.names[1:], values[1:]):
            expected = row[name]
            if pd.isna(expected):
                assert value is None, (pos, name)
            else:
                assert value == expected and type(value) is type(
                    {"DAYS": 1, "BIG": 1, "COUNT": 1, "FLAG": True, "CAT": "", "TEXT": ""}
                    .get(name, 1.0)), (pos, name, value)
            if name == "FLOAT" and value == 0:
                assert np.signbit(value) == np.signbit(expected)
    numeric = ["FLOAT", "DAYS", "FLOAT32"]
    block = table.matrix(5, 150, numeric)
    np.testing.assert_array_equal(block, want[numeric].iloc[5:150].to_numpy(np.float64))


def test_a_frame_that_tiles_cannot_hold_exactly_is_refused(tmp_path):
    frame = rich_frame(20)
    ids = frame["SK_ID_CURR"].to_numpy()
    too_big = frame.assign(BIG=2 ** 53 + 1)
    with pytest.raises(ValueError, match="'BIG': integers beyond 2\\*\\*53"):
        write_tiles(too_big, tmp_path / "a.tiles", ids)
    dates = frame.assign(WHEN=pd.Timestamp("2020-01-01"))
    with pytest.raises(ValueError, match="'WHEN': dtype datetime64"):
        write_tiles(dates, tmp_path / "b.tiles", ids)
    with pytest.raises(ValueError, match="no row for 1 client"):
        write_tiles(frame, tmp_path / "c.tiles", np.append(ids, 1))


def test_truncated_or_foreign_tiles_are_refused_naming_the_file(tmp_path):
    frame = rich_frame(300)
    path = tmp_path / "f.tiles"
    layout = write_tiles(frame, path, frame["SK_ID_CURR"].to_numpy(), 16, 4)
    raw = path.read_bytes()
    for cut in (len(raw) - 1, len(raw) // 2, 10, 0):
        path.write_bytes(raw[:cut])
        with pytest.raises(BundleError, match="f.tiles: .*(truncated|not a feature tile)"):
            FeatureTiles(path, layout)
    path.write_bytes(raw)
    with pytest.raises(BundleError, match="f.tiles: .*tiles where bundle.json's layout"):
        FeatureTiles(path, {**layout, "rows": layout["rows"] + 16})
    with pytest.raises(BundleError, match="f.tiles: bundle.json describes no tile layout"):
        FeatureTiles(path, {k: v for k, v in layout.items() if k != "kinds"})
    # a tile whose bytes changed (a bundle opened without verification)
    first = FeatureTiles(path, layout)._offsets[0]
    broken = bytearray(raw)
    broken[first:first + 8] = b"\x00" * 8  # the zstd frame's magic number
    path.write_bytes(bytes(broken))
    with pytest.raises(BundleError, match="f.tiles: tile \\(0, 0\\) cannot be decompressed"):
        FeatureTiles(path, layout).row_values(0)


def test_every_client_of_a_bundle_reads_back_exactly(built):
    path, frame, _, _ = built
    bundle = load_bundle(path)
    ids = bundle.scores.index.to_numpy()
    got = bundle.get_features(ids)
    want = frame.set_index("SK_ID_CURR").loc[ids, bundle.feature_names]
    assert_same_values(got, want)
    layout = bundle.manifest["client_tables"]["features"]
    assert layout["file"] == FEATURES_FILE and layout["format"] == "tiles"
    assert layout["rows"] == len(ids) and layout["categories"] == {"CAT": ["a", "b"]}


def test_truncated_tiles_are_refused_even_without_verification(copy):
    path = copy / FEATURES_FILE
    path.write_bytes(path.read_bytes()[:-100])
    bundle = load_bundle(copy, verify=False)
    with pytest.raises(BundleError, match="features.tiles: truncated") as info:
        bundle.get_client(int(bundle.scores.index[0]))
    assert info.value.file == FEATURES_FILE


def write_version(bundle, version):
    manifest = bundle / MANIFEST
    content = json.loads(manifest.read_text())
    content["format_version"] = version
    content["manifest_sha256"] = __import__("hashlib").sha256(_canonical(content)).hexdigest()
    manifest.write_text(json.dumps(content))


def test_a_format_2_bundle_with_the_old_decision_words_is_refused_with_a_rebuild_message(
        copy, tmp_path):
    """Format 2 spelt the decisions "grant" / "refuse"; format 3 "granted" / "refused" as
    the rest of the product. An old bundle is not read through a mapping: it is refused,
    names its version and says to rebuild, and ``scoring demo`` rebuilds it."""
    from scoring_lib.model.pipeline.build import DEMO_PARAMS, bundle_status

    scores = pd.read_parquet(copy / "scores.parquet")
    old = {GRANTED: "grant", REFUSED: "refuse"}
    scores["DECISION"] = pd.Categorical(scores["DECISION"].astype(object).map(old),
                                        categories=["grant", "refuse"])
    scores.to_parquet(copy / "scores.parquet", index=False)
    write_version(copy, 2)
    with pytest.raises(BundleError, match="bundle.json: format version 2, this scoring_lib "
                                          "reads version 3 only: rebuild the bundle with "
                                          "`scoring build`"):
        load_bundle(copy, verify=False)
    current, reason = bundle_status(copy, tmp_path, DEMO_PARAMS)
    assert not current and "format version 2" in reason
    # the old words in a bundle that says format 3: refused by the decisions' check
    write_version(copy, FORMAT_VERSION)
    from scoring_lib.bundle.store import sha256_file

    content = json.loads((copy / MANIFEST).read_text())
    path = copy / "scores.parquet"
    content["files"]["scores.parquet"] = {"size": path.stat().st_size,
                                          "sha256": sha256_file(path)}
    (copy / MANIFEST).write_text(json.dumps(content))
    edit_manifest(copy, ("name",), "edited")  # recomputes the checksum
    with pytest.raises(BundleError, match=r"column DECISION: [\d,]+ value\(s\) other than "
                                          r"'granted' and 'refused', e.g. '(grant|refuse)' "
                                          r"for client \d+"):
        load_bundle(copy)


def test_a_format_1_bundle_is_refused_and_not_up_to_date(copy, tmp_path):
    """Format 1 kept the features in Arrow IPC: its readers are gone, it must be rebuilt
    (and ``scoring demo`` rebuilds it instead of calling it up to date)."""
    from scoring_lib.model.pipeline.build import DEMO_PARAMS, bundle_status

    write_version(copy, 1)
    with pytest.raises(BundleError, match="bundle.json: format version 1, this scoring_lib "
                                          "reads version 3 only: rebuild the bundle") as info:
        load_bundle(copy)
    assert info.value.file == MANIFEST
    current, reason = bundle_status(copy, tmp_path, DEMO_PARAMS)
    assert not current and "format version 1" in reason and "rebuild" in reason


@pytest.mark.parametrize("package", ["scoring_lib.model", "scoring_lib.bundle"])
def test_the_model_package_gives_every_public_name_on_first_use(package):
    """Old ``from scoring_lib.model import X`` keeps working after the split into
    ``scoring_lib.bundle`` and ``scoring_lib.model.{training,pipeline,report}``."""
    import importlib

    model = importlib.import_module(package)
    assert set(model.__all__) <= set(dir(model))
    for name in model.__all__:
        value = getattr(model, name)
        module = value.__module__ if hasattr(value, "__module__") else None
        assert module is None or module.startswith(("scoring_lib.model.training.",
                                                    "scoring_lib.bundle.",
                                                    "scoring_lib.decision")), (name, module)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        model.nothing  # noqa: B018


def test_the_modules_that_left_the_model_package_are_still_found_there():
    """``from scoring_lib.model import plots`` (the modelling notebook of a build before the
    split did so) gives the module at its new home."""
    from scoring_lib.bundle import store
    from scoring_lib.model import bundle, build, estimators, plots, tiles
    from scoring_lib.model.pipeline import build as new_build
    from scoring_lib.model.report import plots as new_plots

    assert bundle is store and build is new_build and plots is new_plots
    assert estimators.__name__ == "scoring_lib.model.training.estimators"
    assert tiles.__name__ == "scoring_lib.bundle.tiles"


# ----------------------------------------------------------- values of an edited manifest
class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


DELETE = _Delete()


def edit_manifest(bundle, key_path, value):
    """Set (or delete) one value of bundle.json and recompute its checksum, as someone who
    edits the manifest on purpose would: the sha256 of the other files stay valid."""
    manifest = bundle / MANIFEST
    content = json.loads(manifest.read_text())
    *parents, last = key_path
    record = content
    for key in parents:
        record = record[key]
    if value is DELETE:
        del record[last]
    else:
        record[last] = value
    try:
        content["manifest_sha256"] = __import__("hashlib").sha256(
            _canonical(content)).hexdigest()
    except ValueError:  # Infinity or NaN: no canonical form, the old checksum stays
        pass
    manifest.write_text(json.dumps(content))


BAD_VALUES = [
    (("threshold",), -5, 'threshold is -5, expected a probability from 0 to 1'),
    (("threshold",), 1.5, 'threshold is 1.5, expected a probability from 0 to 1'),
    (("threshold",), "0.15", 'threshold is "0.15", expected a probability from 0 to 1'),
    (("threshold",), None, 'threshold is null, expected a probability'),
    (("threshold",), True, 'threshold is true, expected a probability'),
    (("threshold",), DELETE, 'no threshold, expected a probability'),
    (("cost_fn",), -10, 'cost_fn is -10, expected a finite cost >= 0'),
    (("cost_fp",), "1", 'cost_fp is "1", expected a finite cost >= 0'),
    (("cost_fn",), 1e400, None),  # JSON's Infinity: refused by the checksum's canonical form
    (("features",), [], 'features is \\[\\], expected a non-empty list of distinct names'),
    (("features",), ["X0", "X1", "X0", "CAT"], "'X0' is there twice"),
    (("features",), ["X0", 1, "X2", "CAT"], 'features is \\["X0", 1, "X2", "CAT"\\], expected'),
    (("features",), ["X0", "X1", "X2", "CAT", "X9"],
     'feature_metadata is .*, expected a list of 5 records, one per feature'),
    (("categorical_features",), ["CAT", "OTHER"], "'OTHER' is not a feature"),
    (("feature_metadata", 1, "feature"), "X2",
     'feature_metadata\\[1\\].feature is "X2", expected \'X1\', feature 1 of features'),
    (("missing_category",), 0, "missing_category is 0, expected the model's text"),
    (("client_tables", "features", "categories", "CAT"), ["a", 2],
     'client_tables.features.categories\\[\'CAT\'\\] is \\["a", 2\\], expected a list of '
     'distinct names'),
    (("client_tables", "features", "categories", "X0"), ["a"],
     "levels of category columns only; 'X0' is not one"),
    (("client_tables", "features", "kinds", 1), "complex128", 'kind of column for \'X0\''),
    (("client_tables", "features", "rows"), -1, 'client_tables.features.rows is -1, expected '
                                                 'a whole number >= 0'),
    (("client_tables", "features", "tile_rows"), 0, 'tile_rows is 0, expected a whole number '
                                                     '>= 1'),
    (("client_tables", "features", "columns", 0), "ID", "SK_ID_CURR first"),
    (("client_tables", "applications", "rows"), 2, 'applications.rows is 2, expected 2900, '
                                                    'the rows of the features table'),
    (("client_tables", "applications", "file"), "../../etc/passwd",
     'client_tables.applications.file is "../../etc/passwd", expected the name of a file '
     'listed in files'),
    (("client_tables", "applications", "batch_rows"), 2.5, 'batch_rows is 2.5, expected a '
                                                           'whole number >= 1'),
    (("files", "../outside.txt"), {"size": 1, "sha256": "0" * 64},
     'files is "../outside.txt", expected paths of files inside the bundle folder'),
    (("files", "model.cbm", "sha256"), "xyz", 'sha256 is "xyz", expected 64 hexadecimal'),
    (("files", "model.cbm"), DELETE, "expected a list that names model.cbm"),
    (("calibration", "method"), "magic", 'calibration.method is "magic", expected one of '
                                         'none, platt, isotonic'),
    (("calibration", "a"), None, "calibration.a is null, expected a number"),
    (("metrics", "cv_auc"), 1.5, 'metrics.cv_auc is 1.5, expected a number from 0 to 1'),
    (("metrics", "cv_auc"), "high", 'metrics.cv_auc is "high", expected a number'),
    (("metrics", "business_cost"), -0.5, 'metrics.business_cost is -0.5, expected a number '
                                         '>= 0'),
    (("metrics", "model"), None, 'metrics.model is null, expected a non-empty text'),
    (("threshold_choice",), {"threshold": 0.2, "cost_fn": 10.0},
     'threshold_choice.threshold is 0.2, expected the manifest\'s threshold 0.15'),
    (("params",), {"cost_fn": 5.0}, "params.cost_fn is 5.0, expected the manifest's cost_fn "
                                    "10.0"),
]


@pytest.mark.parametrize("key_path,value,message", BAD_VALUES,
                         ids=[f"{'.'.join(map(str, k))}={v!r}"[:60] for k, v, _ in BAD_VALUES])
def test_each_bad_value_of_an_edited_manifest_is_refused_with_a_sentence(copy, key_path,
                                                                        value, message):
    edit_manifest(copy, key_path, value)
    for verify in (True, False):  # the values are checked even without the sha256
        with pytest.raises(BundleError) as info:
            load_bundle(copy, verify=verify)
        text = str(info.value)
        assert text.startswith(f"{copy / MANIFEST}: "), text  # the bundle's manifest
        assert info.value.file == MANIFEST
        if message is None:
            assert "invalid content" in text
        else:
            assert re.search(message, text), text


def test_a_threshold_moved_within_range_is_refused_by_the_decisions(copy):
    """0.15 -> 0.3 is a probability, but the precomputed decisions were made at 0.15."""
    edit_manifest(copy, ("threshold",), 0.3)
    with pytest.raises(BundleError) as info:
        load_bundle(copy)
    text = str(info.value)
    assert text.startswith(f"{copy / 'scores.parquet'}: ")
    assert re.search(r"\d+ client\(s\) whose DECISION is not the one that bundle.json's "
                     r"threshold 0.3 gives \(refused when PROBA >= threshold\), e.g. client "
                     r"\d+: PROBA 0.\d+, DECISION 'refused': the threshold or the scores were "
                     r"changed after the build", text), text


def test_the_build_s_extreme_thresholds_are_accepted(copy):
    """``--cost-fn 0`` makes the build accept everyone: a threshold just above 1."""
    from scoring_lib.model.training.cost import accept_all_threshold
    from scoring_lib.bundle.manifest import ACCEPT_ALL

    assert accept_all_threshold([0.2, 1.0]) == ACCEPT_ALL
    scores = pd.read_parquet(copy / "scores.parquet")
    scores["DECISION"] = pd.Categorical([GRANTED] * len(scores), categories=[GRANTED, REFUSED])
    scores.to_parquet(copy / "scores.parquet", index=False)
    content = json.loads((copy / MANIFEST).read_text())
    from scoring_lib.bundle.store import sha256_file

    path = copy / "scores.parquet"
    content["files"]["scores.parquet"] = {"size": path.stat().st_size,
                                          "sha256": sha256_file(path)}
    (copy / MANIFEST).write_text(json.dumps(content))
    edit_manifest(copy, ("threshold",), ACCEPT_ALL)
    assert load_bundle(copy).threshold == ACCEPT_ALL


def test_bad_scores_are_refused_naming_the_scores_file(copy):
    from scoring_lib.bundle.store import sha256_file

    def rewrite(scores):
        path = copy / "scores.parquet"
        scores.to_parquet(path, index=False)
        content = json.loads((copy / MANIFEST).read_text())
        content["files"]["scores.parquet"] = {"size": path.stat().st_size,
                                              "sha256": sha256_file(path)}
        (copy / MANIFEST).write_text(json.dumps(content))
        edit_manifest(copy, ("name",), "edited")  # recomputes the checksum
        with pytest.raises(BundleError) as info:
            load_bundle(copy)
        assert info.value.file == "scores.parquet"
        return str(info.value)

    original = pd.read_parquet(copy / "scores.parquet")
    bad = original.copy()
    bad.loc[5, "PROBA"] = 1.7
    assert re.search(r"column PROBA: 1 value\(s\) that are not probabilities from 0 to 1, "
                     r"e.g. 1.7 for client \d+", rewrite(bad))
    assert "2,899 clients, expected 2,900" in rewrite(original.iloc[1:])
    assert "one row per client, sorted by SK_ID_CURR" in rewrite(original.iloc[::-1])


def test_the_manifest_s_private_words_agree_with_the_training_modules():
    """The manifest checks name the calibrations without importing the training modules
    (scikit-learn): the words must stay those the build writes. The decisions have one home,
    scoring_lib.decision, which the build and the checks both import."""
    from scoring_lib.bundle import manifest
    from scoring_lib.model.training import calibration

    assert manifest.CALIBRATIONS == calibration.METHODS
    assert not hasattr(manifest, "GRANT") and not hasattr(manifest, "REFUSE")
