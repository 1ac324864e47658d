"""Outputs replace only what the project wrote (issue #10, defect 1).

``scoring build`` / ``demo`` replace a bundle, ``synth`` a folder it generated, ``features``
a feature file; anything else (a home folder, a typo, a real download, the data folder
itself) is refused with a sentence naming the path and the way out, and left untouched.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from scoring_lib.cli import main
from scoring_lib.data import schema
from scoring_lib.data.synth import MARKER, synthesize, write_table
from scoring_lib.model.pipeline.build import bundle_refusal, check_bundle_output
from scoring_lib.outputs import OutputError, check_separate, sweep_stale

from test_features import tiny_tables

BUILD = ["--folds", "2", "--iterations", "5"]


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    """A small valid data folder (what a build would really run on)."""
    folder = tmp_path_factory.mktemp("data") / "raw"
    synthesize(folder, 300, 40, seed=1, fmt="parquet")
    return folder


def _snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------ scoring build / demo
def test_build_refuses_a_folder_that_is_not_a_bundle_and_leaves_it_untouched(raw, tmp_path,
                                                                            capsys, error_line):
    home = tmp_path / "home"
    (home / "photos").mkdir(parents=True)
    (home / "notes.txt").write_text("mine")
    (home / "photos" / "cat.jpg").write_bytes(b"\xff\xd8")
    before = _snapshot(home)
    assert main(["build", "--data", str(raw), "--out", str(home), *BUILD]) == 2
    assert error_line() == (
        f"error: --out {home} already exists and is not a bundle (it holds no bundle.json), "
        "so it is left untouched: choose another --out (a new or empty folder), or move that "
        "folder away yourself")
    assert _snapshot(home) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]  # no staging either


def test_build_refuses_its_own_data_folder_as_output(raw, capsys, error_line):
    before = _snapshot(raw)
    assert main(["build", "--data", str(raw), "--out", str(raw), *BUILD]) == 2
    assert error_line() == (
        f"error: --out {raw} is the same path as --data {raw}: writing there would replace "
        "the input; choose another --out")
    assert _snapshot(raw) == before


def test_build_refuses_an_output_that_holds_or_sits_inside_the_data(raw, capsys, error_line):
    before = _snapshot(raw)
    assert main(["build", "--data", str(raw), "--out", str(raw.parent), *BUILD]) == 2
    assert error_line() == (
        f"error: --data {raw} is inside --out {raw.parent}: replacing {raw.parent} would "
        f"delete it; choose an --out that does not hold {raw}")
    assert main(["build", "--data", str(raw), "--out", str(raw / "bundle"), *BUILD]) == 2
    assert error_line() == (
        f"error: --out {raw / 'bundle'} is inside --data {raw}: outputs never go into an "
        f"input; choose an --out outside {raw}")
    assert _snapshot(raw) == before


def test_build_refuses_a_file_and_a_folder_with_files_its_manifest_does_not_list(
        raw, tmp_path, capsys, error_line):
    file = tmp_path / "report.pdf"
    file.write_bytes(b"%PDF")
    assert main(["build", "--data", str(raw), "--out", str(file), *BUILD]) == 2
    assert error_line() == (
        f"error: --out {file} is a file, not a folder: choose another --out (a new or empty "
        "folder, or an existing bundle)")
    assert file.read_bytes() == b"%PDF"

    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "bundle.json").write_text(json.dumps(
        {"format": "scoring_lib.bundle", "format_version": 2, "files": {}}))
    (mixed / "thesis.tex").write_text("years of work")
    assert main(["build", "--data", str(raw), "--out", str(mixed), *BUILD]) == 2
    assert "(it holds thesis.tex, which bundle.json does not list)" in error_line()
    assert (mixed / "thesis.tex").read_text() == "years of work"


def test_a_bundle_an_empty_folder_or_a_new_path_may_be_replaced(raw, tmp_path):
    from test_scoring import build_tiny_bundle

    bundle = build_tiny_bundle(tmp_path, clients=200, test_clients=20)[0]
    (bundle / "reports" / ".ipynb_checkpoints").mkdir(parents=True)
    (bundle / "reports" / ".ipynb_checkpoints" / "x.ipynb").write_text("{}")
    assert bundle_refusal(bundle) is None
    check_bundle_output(raw, bundle)
    # an older format version, or a tampered manifest, is still a bundle: it gets rebuilt
    manifest = json.loads((bundle / "bundle.json").read_text())
    (bundle / "bundle.json").write_text(json.dumps({**manifest, "format_version": 1}))
    assert bundle_refusal(bundle) is None
    (tmp_path / "empty").mkdir()
    check_bundle_output(raw, tmp_path / "empty")
    check_bundle_output(raw, tmp_path / "new" / "name")
    (bundle / "bundle.json").write_text("{trunc")
    assert bundle_refusal(bundle) == "its bundle.json is not valid JSON"


def test_demo_refuses_a_foreign_output_before_generating_any_data(tmp_path, capsys, error_line):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("alias ll='ls -l'")
    data = tmp_path / "data" / "raw"
    assert main(["demo", "--data", str(data), "--out", str(home), "--clients", "200"]) == 2
    assert error_line().startswith(f"error: --out {home} already exists and is not a bundle")
    assert not data.exists() and (home / ".bashrc").exists()
    assert main(["demo", "--data", str(data), "--out", str(data)]) == 2
    assert "is the same path as --data" in error_line()


def test_demo_refuses_a_data_folder_holding_other_table_files(tmp_path, capsys, error_line):
    data = tmp_path / "raw"
    data.mkdir()
    write_table(tiny_tables()["bureau"], data / "bureau.parquet", "parquet")
    assert main(["demo", "--data", str(data), "--out", str(tmp_path / "demo")]) == 2
    assert error_line() == (
        f"error: --data {data} already exists and is not a folder of generated data (it holds "
        f"bureau.parquet, which the generator did not write there (no {MARKER} lists it)), so "
        "it is left untouched: choose another --data (a new or empty folder), or move that "
        "folder away yourself")
    assert sorted(p.name for p in data.iterdir()) == ["bureau.parquet"]


# ------------------------------------------------------------------ scoring features
def test_build_and_features_refuse_to_overwrite_a_file_that_is_not_a_feature_file(
        raw, tmp_path, capsys, error_line):
    precious = tmp_path / "loans.parquet"
    pd.DataFrame({"a": [1, 2]}).to_parquet(precious)
    before = precious.read_bytes()
    for argv in (["features", "--data", str(raw), "--out", str(precious)],
                 ["features", "--data", str(raw), "--out", str(precious), "--force"]):
        assert main(argv) == 2
        assert error_line() == (
            f"error: --out {precious} already exists and is not a feature file (no "
            "scoring_lib.features metadata in a Parquet schema: it was not written by scoring "
            "features), so it is left untouched: choose another --out, or move that file away "
            "yourself")
    assert main(["build", "--data", str(raw), "--out", str(tmp_path / "b"), "--features",
                 str(precious), *BUILD]) == 2
    assert error_line().startswith(f"error: --features {precious} already exists and is "
                                     "not a feature file")
    assert precious.read_bytes() == before
    assert not (tmp_path / "b").exists()


def test_features_refuse_a_folder_and_a_path_inside_the_data(raw, tmp_path, capsys, error_line):
    before = _snapshot(raw)
    assert main(["features", "--data", str(raw), "--out", str(tmp_path)]) == 2
    assert error_line() == (
        f"error: --out {tmp_path} is a folder, not a file: give a file path for the feature "
        f"file, e.g. {tmp_path / 'features.parquet'}")
    assert main(["features", "--data", str(raw), "--out", str(raw / "f.parquet")]) == 2
    assert "is inside --data" in error_line()
    assert main(["build", "--data", str(raw), "--out", str(tmp_path / "b"), "--features",
                 str(tmp_path / "b" / "f.parquet"), *BUILD]) == 2
    assert error_line() == (
        f"error: --features {tmp_path / 'b' / 'f.parquet'} is inside --out {tmp_path / 'b'}: "
        f"replacing {tmp_path / 'b'} would delete it; choose an --out that does not hold "
        f"{tmp_path / 'b' / 'f.parquet'}")
    assert _snapshot(raw) == before


# ------------------------------------------------------------------ scoring synth
def test_synth_never_deletes_or_overwrites_a_real_download(tmp_path, capsys, error_line):
    download = tmp_path / "kaggle"
    download.mkdir()
    tables = tiny_tables()
    for name in ("application_train", "bureau"):
        write_table(tables[name], download / f"{name}.parquet", "parquet")
    tables["application_test"].to_csv(download / "application_test.csv", index=False)
    before = _snapshot(download)
    for fmt in ("csv", "parquet"):
        assert main(["synth", "--clients", "50", "--out", str(download), "--format", fmt]) == 2
        err = error_line()
        assert err.startswith(f"error: --out {download} already exists and is not a folder of "
                              "generated data (it holds application_test.csv, which the "
                              "generator did not write there"), err
    assert _snapshot(download) == before


def test_synth_replaces_its_own_output_and_keeps_other_files(tmp_path):
    out = tmp_path / "raw"
    out.mkdir()
    (out / "README.txt").write_text("where these files come from")  # not a table file
    synthesize(out, 80, 10, seed=1, fmt="csv")
    marker = json.loads((out / MARKER).read_text())
    assert marker["files"] == sorted(f"{n}.csv" for n in schema.TABLE_NAMES)
    synthesize(out, 80, 10, seed=1, fmt="parquet")  # ours: replaced, the csv files removed
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{n}.parquet" for n in schema.TABLE_NAMES] + [MARKER, "README.txt"])
    assert (out / "README.txt").read_text() == "where these files come from"
    # a table file added by hand after generation is not the generator's: refused, kept
    (out / "application_train.csv").write_text("SK_ID_CURR,TARGET\n1,0\n")
    with pytest.raises(OutputError, match="application_train.csv, which the generator"):
        synthesize(out, 80, 10, seed=2, fmt="parquet")
    assert (out / "application_train.csv").read_text() == "SK_ID_CURR,TARGET\n1,0\n"


# ------------------------------------------------------------------ the rules themselves
def test_overlap_is_judged_on_resolved_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    with pytest.raises(OutputError, match="is the same path as --data"):
        check_separate("./data/../data", {"--data": tmp_path / "data"})
    (tmp_path / "link").symlink_to(tmp_path / "data")
    with pytest.raises(OutputError, match="is the same path as --data"):
        check_separate("link", {"--data": "data"})
    check_separate("data2", {"--data": "data", "--features": None})


def test_stale_staging_of_a_dead_process_is_swept_a_live_one_is_kept(tmp_path):
    import os
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    stale = tmp_path / f".demo.tmp-{dead_pid}-abc"
    live = tmp_path / f".demo.tmp-{os.getpid()}-def"
    legacy = tmp_path / ".demo.tmp-k2j3h4"  # older naming: owner unknown, never touched
    stale_file = tmp_path / f".features.parquet.tmp-{dead_pid}-x1"
    for folder in (stale, live, legacy):
        (folder / "reports").mkdir(parents=True)
    stale_file.write_bytes(b"half")
    # a replacement cut short between its two renames: the old bundle comes back
    (tmp_path / f".other.old-{dead_pid}").mkdir()
    (tmp_path / f".other.old-{dead_pid}" / "bundle.json").write_text("{}")
    assert sorted(p.name for p in sweep_stale(tmp_path)) == sorted([stale.name,
                                                                    stale_file.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [live.name, legacy.name, "other"])
    assert (tmp_path / "other" / "bundle.json").exists()


def test_write_atomic_replaces_whole_with_a_new_files_permissions_or_leaves_all_as_it_was(
        tmp_path):
    import os

    from scoring_lib.outputs import atomic_file, current_umask, write_atomic

    mask = os.umask(0o027)
    try:
        assert current_umask() == 0o027
        target = tmp_path / "out.txt"
        write_atomic(target, "première\n")
        assert target.read_text(encoding="utf-8") == "première\n"
        assert target.stat().st_mode & 0o777 == 0o640  # not mkstemp's private 0600
        write_atomic(target, b"second")
        assert target.read_bytes() == b"second"
        with pytest.raises(RuntimeError, match="cut"):
            with atomic_file(target) as tmp:
                tmp.write_bytes(b"half")
                raise RuntimeError("cut")
        assert target.read_bytes() == b"second"  # untouched
        assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no staging file left
    finally:
        os.umask(mask)
