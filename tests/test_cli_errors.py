"""Sentences, not tracebacks, for what a person can cause (issue #10, defect 8).

Tests run as root here, where permissions do not bite: unreadable folders, read-only and full
disks are simulated by making the OS call raise what the kernel would raise.
"""

from __future__ import annotations

import errno
import pathlib

import pytest

from scoring_lib.cli import main, os_error_message
from scoring_lib.data.synth import synthesize

FULL = ("no space left on the disk: free some space or write elsewhere, then run the command "
        "again")


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data") / "raw"
    synthesize(folder, 200, 20, seed=3, fmt="parquet")
    return folder


def _refuse(monkeypatch, method: str, path, exc):
    """Make ``pathlib.Path.<method>`` raise ``exc`` for ``path`` only."""
    original = getattr(pathlib.Path, method)

    def patched(self, *args, **kwargs):
        if pathlib.Path(self) == pathlib.Path(path):
            raise exc
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, method, patched)


# ------------------------------------------------------------------ reading
def test_an_unlistable_data_folder(raw, monkeypatch, capsys, error_line):
    _refuse(monkeypatch, "iterdir", raw,
            PermissionError(errno.EACCES, "Permission denied", str(raw)))
    assert main(["check", "--data", str(raw)]) == 2
    assert error_line() == (f"error: {raw}: permission denied: check the permissions of "
                              "that path, or choose another one")


def test_an_unreadable_bundle_file(tmp_path, monkeypatch, capsys, error_line):
    from test_scoring import build_tiny_bundle

    bundle = build_tiny_bundle(tmp_path, clients=200, test_clients=20)[0]
    manifest = bundle / "bundle.json"
    _refuse(monkeypatch, "read_text", manifest,
            PermissionError(errno.EACCES, "Permission denied", str(manifest)))
    assert main(["score", "--bundle", str(bundle), "--client", "100001"]) == 2
    assert error_line() == (f"error: {manifest}: permission denied: check the permissions "
                              "of that path, or choose another one")


# ------------------------------------------------------------------ writing
def test_a_full_disk_while_writing_the_feature_file(raw, tmp_path, monkeypatch, capsys, error_line):
    from scoring_lib.features import cache

    def full(table, where, **kwargs):  # what pyarrow raises: an errno, no file name
        pathlib.Path(where).write_bytes(b"PAR1 half")
        raise OSError(errno.ENOSPC, "Error writing bytes to file. Detail: [errno 28] No space "
                                    "left on device")

    monkeypatch.setattr(cache.pq, "write_table", full)
    out = tmp_path / "processed" / "features.parquet"
    assert main(["features", "--data", str(raw), "--out", str(out)]) == 2
    assert error_line() == f"error: {out}: {FULL}"
    assert list(out.parent.iterdir()) == []  # the half-written temporary file is gone


def test_a_read_only_output_folder(raw, tmp_path, monkeypatch, capsys, error_line):
    import tempfile

    out = tmp_path / "ro" / "features.parquet"

    def read_only(*args, dir=None, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(dir))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    assert main(["features", "--data", str(raw), "--out", str(out)]) == 2
    assert error_line() == (f"error: {out.parent}: read-only file system: choose a path on "
                              "a writable disk")


def test_a_full_disk_while_generating_data(tmp_path, monkeypatch, capsys, error_line):
    from scoring_lib.data import synth

    def full(frame, path, fmt):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(synth, "write_table", full)
    out = tmp_path / "raw"
    assert main(["synth", "--clients", "50", "--out", str(out)]) == 2
    err = error_line()
    assert err.startswith(f"error: {out}/.synth.tmp-")
    assert err.endswith(f"/application_train.csv: {FULL}")
    assert list(out.iterdir()) == []


def test_a_file_where_a_folder_is_expected(raw, tmp_path, capsys, error_line):
    file = tmp_path / "notes.txt"
    file.write_text("x")
    assert main(["synth", "--clients", "50", "--out", str(file / "raw")]) == 2
    assert error_line() == (f"error: {file / 'raw'}: a part of this path is a file where a "
                              "folder was expected: check the path")
    assert main(["synth", "--clients", "50", "--out", str(file)]) == 2
    assert error_line() == (f"error: --out {file} is a file, not a folder: choose another "
                              "--out (a new or empty folder, or an existing folder of "
                              "generated data)")
    assert main(["features", "--data", str(raw), "--out", str(file / "f.parquet")]) == 2
    assert error_line() == (f"error: {file}: already exists and is in the way (a file "
                              "where a folder is needed?): choose another path")
    assert main(["build", "--data", str(file), "--out", str(tmp_path / "b")]) == 2
    assert error_line() == f"error: {file}: is not a folder"
    assert file.read_text() == "x"


def test_a_full_disk_inside_a_notebook(raw, tmp_path, monkeypatch, capsys, error_line):
    from papermill.exceptions import PapermillExecutionError

    def notebook_fails(*args, **kwargs):
        raise PapermillExecutionError(7, 7, "model.save_model(...)", "OSError",
                                      "[Errno 28] No space left on device", [])

    monkeypatch.setattr("scoring_lib.model.pipeline.build.build_bundle", notebook_fails)
    out = tmp_path / "b"
    assert main(["build", "--data", str(raw), "--out", str(out)]) == 2
    assert error_line() == f"error: a notebook of the build failed: {out}: {FULL}"


# ------------------------------------------------------------------ arguments
def test_both_costs_zero_is_a_sentence_not_a_traceback(raw, tmp_path, capsys, error_line):
    assert main(["build", "--data", str(raw), "--out", str(tmp_path / "b"), "--cost-fn", "0",
                 "--cost-fp", "0"]) == 2
    assert error_line() == (
        "error: --cost-fn and --cost-fp are both 0, so every threshold would cost nothing: "
        "give at least one of them a positive cost (defaults: --cost-fn 10 --cost-fp 1)")
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize("argv, expected", [
    (["build", "--sample", "1"], "argument --sample: expected a whole number of at least 2, "
                                 "got 1"),
    (["build", "--folds", "two"], "argument --folds: expected a whole number of at least 2, "
                                  "got two"),
    (["build", "--cost-fn", "ten"], "argument --cost-fn: expected a finite number of 0 or "
                                    "more, got ten"),
    (["synth", "--out", "x", "--clients", "many"], "argument --clients: expected a whole "
                                                   "number of at least 1, got many"),
    (["serve", "--bundle", "b", "--render-timeout", "soon"], "argument --render-timeout: "
                                                             "expected a whole number of at "
                                                             "least 1, got soon"),
])
def test_bad_numbers_name_the_argument(argv, expected, tmp_path, capsys):
    if argv[0] == "build":
        argv = argv + ["--data", str(tmp_path), "--out", str(tmp_path / "b")]
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == f"scoring {argv[0]}: error: {expected}"
    assert "Traceback" not in err


# ------------------------------------------------------------------ real bugs still show
def test_a_bug_still_raises(raw, tmp_path, monkeypatch):
    def bug(*args, **kwargs):
        raise RuntimeError("a real bug")

    monkeypatch.setattr("scoring_lib.features.cache.build_feature_file", bug)
    with pytest.raises(RuntimeError, match="a real bug"):
        main(["features", "--data", str(raw), "--out", str(tmp_path / "f.parquet")])
    args = type("Args", (), {"command": "check", "data": "x"})()
    assert os_error_message(OSError(errno.EBADF, "Bad file descriptor"), args) is None
