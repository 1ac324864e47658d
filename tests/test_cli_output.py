"""What each ``scoring`` subcommand prints for a person, read as text: ``--help`` naming its
options, synth's progress and "Done in", check's summary lines (not a Python list),
features' "Wrote"/"Reused", score's decision sentence and reasons, serve's startup lines.
(``build`` / ``demo``: their metrics line and "up to date" line are read in
tests/test_notebooks.py, on the real tiny build made there.)"""

from __future__ import annotations

import contextlib
import io
import os
import re

import pytest
from serve_harness import free_port

from scoring_lib.cli import build_parser, main
from scoring_lib.data import schema

SUBCOMMANDS = ("synth", "check", "features", "build", "demo", "score", "whatif", "recourse",
               "report", "serve", "batch", "monitor")


def _subparsers():
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return parser, action.choices


def test_the_subcommand_list_is_the_one_tested_here():
    assert set(_subparsers()[1]) == set(SUBCOMMANDS)


def test_scoring_help_names_every_subcommand(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: scoring ")
    for name in SUBCOMMANDS:
        assert re.search(rf"^    {name} +\S", out, re.M), name  # with its one-line help


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_each_subcommand_help_names_its_options(name, capsys):
    with pytest.raises(SystemExit) as stop:
        main([name, "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: scoring {name} ")
    options = [o for a in _subparsers()[1][name]._actions for o in a.option_strings]
    assert len(options) >= 2
    for option in options:
        assert re.search(rf"^  {re.escape(option)}\b", out, re.M) or f", {option}" in out, \
            option


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    """`scoring synth` into a new folder: the folder and what it printed."""
    folder = tmp_path_factory.mktemp("raw")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["synth", "--clients", "200", "--test-clients", "30", "--seed", "1",
                     "--out", str(folder), "--format", "parquet"]) == 0
    return folder, buffer.getvalue()


def test_synth_prints_what_it_generates_table_by_table_then_done(raw):
    folder, out = raw
    lines = out.splitlines()
    assert lines[0] == (f"Generating 200 training and 30 test clients (seed 1) into {folder} "
                        "as parquet")
    tables = [re.fullmatch(r"  (\w+) +([\d,]+) rows", line) for line in lines[1:-1]]
    assert all(tables), lines[1:-1]
    assert sorted(m.group(1) for m in tables) == sorted(schema.TABLE_NAMES)
    assert dict(m.groups() for m in tables)["application_train"] == "200"
    assert re.fullmatch(r"Done in \d+\.\d s\.", lines[-1])


def test_check_prints_one_line_per_fact_not_a_python_list(raw, capsys):
    folder, _ = raw
    assert main(["check", "--data", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "['" not in out and "']" not in out
    lines = out.splitlines()
    assert re.fullmatch(rf"Loaded 8 table\(s\), [\d,]+ rows, from {re.escape(str(folder))} "
                        r"in \d+\.\d s", lines[0]), lines[0]
    assert re.fullmatch(r"  application_train +200 rows  parquet +application_train\.parquet",
                        lines[1]), lines[1]
    assert re.fullmatch(r"  application_test +30 rows  parquet +application_test\.parquet",
                        lines[2]), lines[2]
    assert len([line for line in lines if line.startswith("  ")]) == 8


def test_features_says_wrote_then_reused(raw, tmp_path, capsys):
    folder, _ = raw
    out = tmp_path / "features.parquet"
    assert main(["features", "--data", str(folder), "--out", str(out)]) == 0
    first = capsys.readouterr().out
    wrote = re.fullmatch(rf"Wrote {re.escape(str(out))} \(230 clients x ([\d,]+) features\) "
                         r"in \d+\.\d s\.\n", first)
    assert wrote, first
    assert main(["features", "--data", str(folder), "--out", str(out)]) == 0
    second = capsys.readouterr().out
    assert re.fullmatch(rf"Reused {re.escape(str(out))} \(230 clients x {wrote.group(1)} "
                        r"features\): inputs and feature code unchanged "
                        r"\(fingerprint [0-9a-f]{12}\)\.\n", second), second


@pytest.mark.parametrize("lang, decisions, raises, lowers, ending", [
    ("fr", ("accordé", "refusé"), "Ce qui augmente le risque :", "Ce qui réduit le risque :",
     "risque."),
    ("en", ("granted", "refused"), "What raises the risk:", "What lowers the risk:", "risk."),
])
def test_score_prints_the_decision_sentence_and_the_reasons(small_bundle, lang, decisions,
                                                            raises, lowers, ending, capsys):
    from scoring_lib.scoring import Scorer

    bundle = small_bundle[0]
    client = int(Scorer.from_bundle(bundle).client_ids[5])
    assert main(["score", "--bundle", str(bundle), "--client", str(client),
                 "--lang", lang]) == 0
    lines = capsys.readouterr().out.splitlines()
    head = lines[0]
    assert head.startswith(f"Client {client}")
    assert len(re.findall(r"\d+(?:[.,]\d+)?\s?%", head)) == 2, head  # probability, threshold
    assert sum(word in head for word in decisions) == 1, head
    assert head.endswith(").")
    assert raises in lines or lowers in lines
    reasons = [line for line in lines[1:] if line not in (raises, lowers)]
    assert reasons and all(line.startswith("  - ") and line.endswith(ending)
                           for line in reasons), reasons
    assert "{" not in "\n".join(lines) and "nan" not in "\n".join(lines).lower()


def test_serve_prints_where_the_dashboard_is(small_bundle, monkeypatch, capsys):
    """`scoring serve` on loopback: the page, the bundle, the URL, the sessions, how to
    stop (Voilà's launch replaced: nothing listens)."""
    from voila.app import Voila

    monkeypatch.setattr(Voila, "launch_instance", lambda **kwargs: None)
    monkeypatch.setenv("SCORING_BUNDLE", "")  # restored after the test
    monkeypatch.delenv("SCORING_TOKEN", raising=False)
    bundle, port = small_bundle[0], free_port()
    assert main(["serve", "--bundle", str(bundle), "--port", str(port)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Serving dashboard.ipynb on the bundle {bundle.resolve()}"
    assert lines[1] == f"Dashboard: http://127.0.0.1:{port}/"
    assert re.fullmatch(r"Sessions: at most \d+ at a time \(about \d+ MiB each; "
                        r"--max-sessions to change\), beyond that visitors get a 'busy' page",
                        lines[2]), lines[2]
    assert lines[3:] == ["Stop with Ctrl-C."]
    assert os.environ["SCORING_BUNDLE"] == str(bundle.resolve())
