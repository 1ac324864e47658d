"""Fixtures shared by several test files.

Tiny bundles are built once per session by ``test_scoring.build_tiny_bundle`` (the library's
``Trainer`` with given values; seconds each). A test that changes a bundle copies it first.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def tiny_bundle(tmp_path_factory):
    """``(path, feature set, tables)`` of the default tiny bundle (600 + 100 clients)."""
    from test_scoring import build_tiny_bundle

    return build_tiny_bundle(tmp_path_factory.mktemp("tiny-bundle"))


@pytest.fixture(scope="session")
def small_bundle(tmp_path_factory):
    """``(path, feature set, tables)`` of a smaller tiny bundle (300 + 50 clients), the one
    the server and browser tests open."""
    from test_scoring import build_tiny_bundle

    return build_tiny_bundle(tmp_path_factory.mktemp("small-bundle"), clients=300,
                             test_clients=50)


@pytest.fixture(scope="module")
def scorer(tiny_bundle):
    """A :class:`~scoring_lib.scoring.Scorer` on the tiny bundle, one per test module (a
    module may define its own ``scorer``, e.g. with other options)."""
    from scoring_lib.scoring import Scorer

    return Scorer.from_bundle(tiny_bundle[0])


@pytest.fixture
def error_line(capsys):
    """``error_line()``: the one line a CLI command wrote to stderr since the last read,
    checked to be a sentence (one line, no traceback)."""
    def read() -> str:
        err = capsys.readouterr().err
        assert "Traceback" not in err
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        return lines[0]

    return read
