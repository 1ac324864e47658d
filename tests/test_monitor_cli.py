"""scoring monitor: the applications of a data folder against a bundle's training
population, end to end (a drift injected into one variable is flagged, the others stay
stable), and what it prints and writes."""

from __future__ import annotations

import html
import json
import os
import shutil

import pandas as pd
import pytest

from model_view_bundle import model_view_bundle
from scoring_lib.cli import main
from scoring_lib.explain.application_labels import APPLICATION
from scoring_lib.data.synth import synthesize
from scoring_lib.monitor.monitor import MonitorError, run_monitor


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    path, fs, tables = model_view_bundle()
    data = tmp_path_factory.mktemp("monitor") / "raw"
    synthesize(data, 1500, 400, 3, "parquet")   # the data the bundle was built from
    return path, data


@pytest.fixture(scope="module")
def shifted(setup, tmp_path_factory):
    """A copy of the data whose new applications have EXT_SOURCE_3 raised by 0.25."""
    _, data = setup
    copy = tmp_path_factory.mktemp("shifted") / "raw"
    shutil.copytree(data, copy)
    test = pd.read_parquet(copy / "application_test.parquet")
    test["EXT_SOURCE_3"] = (test["EXT_SOURCE_3"] + 0.25).clip(upper=1.0)
    test.to_parquet(copy / "application_test.parquet", index=False)
    return copy


def test_the_same_population_is_stable(setup):
    path, data = setup
    report = run_monitor(path, data)
    assert report["n_new"] == 400 and report["n_reference"] == 1500
    assert report["reference_source"] == "model_view.json"
    flagged = [r["feature"] for r in report["features"] if r["band"] != "stable"]
    assert flagged == []
    assert report["score_band"] == "stable"
    assert len(report["features"]) == len(json.loads((path / "bundle.json").read_text())
                                          ["features"])


def test_a_shifted_variable_is_flagged_act_and_the_others_stay_stable(setup, shifted):
    path, _ = setup
    report = run_monitor(path, shifted)
    first = report["features"][0]
    assert first["feature"] == "EXT_SOURCE_3" and first["band"] == "act"
    assert first["psi"] > 0.25 and first["p_value"] < report["alpha_per_feature"]
    # the variables made from it (e.g. a mean of the external scores) may move with it;
    # every variable made without it stays stable
    metadata = json.loads((path / "bundle.json").read_text())["feature_metadata"]
    touched = {r["feature"] for r in metadata
               if "EXT_SOURCE_3" in (r.get("derived_from") or [r.get("column")])}
    others = [r for r in report["features"] if r["feature"] not in touched]
    assert len(others) >= len(report["features"]) - 10
    assert {r["band"] for r in others} == {"stable"}
    unshifted = run_monitor(path, setup[1])
    assert report["score_psi"] > unshifted["score_psi"]


def test_cli_json_text_and_html_report(setup, shifted, tmp_path, capsys):
    path, _ = setup
    assert main(["monitor", "--bundle", str(path), "--data", str(shifted), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"score_psi", "features", "n_new", "n_reference", "unseen_categories"} <= set(report)
    assert set(report["features"][0]) >= {"feature", "psi", "band"}
    assert report["features"][0]["feature"] == "EXT_SOURCE_3"

    out = tmp_path / "reports" / "drift.html"
    assert main(["monitor", "--bundle", str(path), "--data", str(shifted), "--out", str(out),
                 "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "400 new applications (application_test) compared with the 1,500 training " \
           "clients." in text
    act, watch = report["bands"]["act"], report["bands"]["watch"]
    assert act >= 1 and f"Variables: {act} to act on, {watch} to watch," in text
    # the variable as a person knows it, its code name beside it for a data scientist
    ext3 = APPLICATION["EXT_SOURCE_3"]
    line = next(li for li in text.splitlines() if "EXT_SOURCE_3" in li)
    assert line.split()[:3] == ["PSI", _psi_text(report, "en"), "act"]
    assert line.endswith(f" {ext3.en} (EXT_SOURCE_3)")
    assert "PSI (population stability index): how far a variable's distribution" in text
    page = out.read_text()
    assert "Model monitoring: population stability" in page
    assert f"<td>{html.escape(ext3.en)}</td><td><code>EXT_SOURCE_3</code></td>" in page
    assert "<th>Variable</th><th>Name in the data</th><th>PSI</th>" in page
    saved = json.loads(out.with_suffix(".json").read_text())
    first = saved["features"][0]   # JSON: feature stays the code name, the labels beside
    assert (first["feature"], first["label_fr"], first["label_en"]) == (
        "EXT_SOURCE_3", ext3.fr, ext3.en)
    # French, and the report replaced in place (it is one of ours)
    assert main(["monitor", "--bundle", str(path), "--data", str(shifted), "--out", str(out)
                 ]) == 0
    text = capsys.readouterr().out
    assert f"Variables : {act} à traiter, {watch} à surveiller," in text
    line = next(li for li in text.splitlines() if "EXT_SOURCE_3" in li)
    assert line.split()[:4] == ["PSI", _psi_text(report, "fr"), "à", "traiter"]
    assert line.endswith(f" {ext3.fr} (EXT_SOURCE_3)")
    assert "PSI (indice de stabilité de la population) : l'écart entre" in text
    page = out.read_text()
    assert "Surveillance du modèle" in page
    assert f"<td>{html.escape(ext3.fr)}</td><td><code>EXT_SOURCE_3</code></td>" in page
    assert "<th>Nom dans les données</th>" in page


def _psi_text(report: dict, lang: str) -> str:
    from scoring_lib.words import number

    return number(report["features"][0]["psi"], 3, lang)


def test_a_variable_without_a_label_is_said_by_its_code_and_unseen_levels_by_label():
    from scoring_lib.monitor.report import report_html, report_text

    report = {"score_psi": 0.3, "score_band": "act", "n_new": 10, "n_reference": 20,
              "table": "application_test", "bands": {"stable": 1, "watch": 0, "act": 1},
              "features": [{"feature": "NAME_INCOME_TYPE", "psi": 0.3, "band": "act",
                            "label_fr": "Type de revenu", "label_en": "Income type"},
                           {"feature": "X_NEW", "psi": 0.0, "band": "stable"}],
              "unseen_categories": {"NAME_INCOME_TYPE": {"Lottery": 3}}}
    text = report_text(report, "en").splitlines()
    assert "  PSI   0.300  act           Income type (NAME_INCOME_TYPE)" in text
    assert "  PSI   0.000  stable        X_NEW" in text
    assert "  Income type (NAME_INCOME_TYPE): Lottery (3)" in text
    assert "  Type de revenu (NAME_INCOME_TYPE) : Lottery (3)" in report_text(report, "fr")
    page = report_html(report, "fr")
    assert "<td>Type de revenu</td><td><code>NAME_INCOME_TYPE</code></td>" in page
    assert "<td>X_NEW</td><td><code>X_NEW</code></td>" in page


def test_the_staging_files_of_an_interrupted_run_are_swept(tmp_path):
    from scoring_lib.monitor.command import write_report
    from scoring_lib.outputs import staging_prefix

    report = {"score_psi": 0.01, "score_band": "stable", "n_new": 1, "n_reference": 2,
              "features": [], "bands": {"stable": 0, "watch": 0, "act": 0}}
    dead = tmp_path / (staging_prefix("drift.html").replace(f"-{os.getpid()}-", "-999999999-")
                       + "k2x9q")
    dead.write_text("half a page")          # a run killed while writing (its pid is gone)
    write_report(report, tmp_path / "drift.html", "en")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drift.html", "drift.json"]
    assert oct((tmp_path / "drift.html").stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_cli_refuses_what_it_must_not_replace_or_cannot_read(setup, tmp_path, capsys,
                                                             error_line):
    path, data = setup
    mine = tmp_path / "notes.html"
    mine.write_text("<html>my notes</html>")
    assert main(["monitor", "--bundle", str(path), "--data", str(data), "--out",
                 str(mine)]) == 2
    assert error_line().startswith(f"error: --out {mine} already exists and is not a "
                                   "monitoring report")
    assert mine.read_text() == "<html>my notes</html>"
    assert main(["monitor", "--bundle", str(path), "--data", str(data), "--out",
                 str(tmp_path / "r.txt")]) == 2
    assert "expected a file name ending in .html" in error_line()
    (tmp_path / "old.json").write_text('{"a": 1}')
    assert main(["monitor", "--bundle", str(path), "--data", str(data), "--out",
                 str(tmp_path / "old.html")]) == 2
    assert error_line() == (f"error: --out {tmp_path / 'old.json'} already exists and is not a "
                            "monitoring report in JSON (it has no score_psi and features), so "
                            "it is left untouched: choose another --out, or move that file "
                            "away yourself")
    (tmp_path / "pages.html").mkdir()
    assert main(["monitor", "--bundle", str(path), "--data", str(data), "--out",
                 str(tmp_path / "pages.html")]) == 2
    assert error_line() == (f"error: --out {tmp_path / 'pages.html'} is a folder, not a file: "
                            f"give a file path for the report, e.g. "
                            f"{tmp_path / 'pages.html' / 'drift.html'}")
    assert not (tmp_path / "old.html").exists() and not (tmp_path / "pages.json").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["monitor", "--bundle", str(path), "--data", str(empty)]) == 2
    assert error_line() == (f"error: --data {empty}: no application_test file (looked for "
                            "application_test.csv, .csv.zip, .parquet); the new applications "
                            "are read from it")


def test_a_bundle_without_statistics_is_profiled_from_its_tables(tiny_bundle, capsys):
    path, fs, tables = tiny_bundle
    assert not (path / "model_view.json").exists()
    data = path.parent / "tiny-data"
    if not data.exists():
        data.mkdir()
        for name, frame in tables.items():
            frame.to_parquet(data / f"{name}.parquet", index=False)
    report = run_monitor(path, data, log=print)
    assert "has no model_view.json" in capsys.readouterr().out
    assert report["reference_source"] == "the bundle's tables"
    assert report["n_new"] == 100 and report["n_reference"] == 600
    assert {r["band"] for r in report["features"]} == {"stable"}


def test_a_wrong_data_folder_is_said_before_the_bundle_is_profiled(tiny_bundle, tmp_path,
                                                                   error_line):
    path, _, _ = tiny_bundle
    lines = []
    with pytest.raises(MonitorError) as caught:
        run_monitor(path, tmp_path / "nope", log=lines.append)
    assert str(caught.value) == f"--data {tmp_path / 'nope'}: folder does not exist"
    assert lines == []   # nothing profiled before the error
    (tmp_path / "empty").mkdir()
    assert main(["monitor", "--bundle", str(path), "--data", str(tmp_path / "empty")]) == 2
    # one line on stderr: the error, no profiling line before it
    assert error_line().startswith(f"error: --data {tmp_path / 'empty'}: no application_test")


def test_the_monitoring_notebook_is_committed_stripped_and_reports_the_drift(setup, shifted,
                                                                             tmp_path):
    import ast

    import nbformat

    from scoring_lib.model.pipeline.fingerprint import NOTEBOOKS
    from scoring_lib.monitor.notebook import NOTEBOOK, run_monitoring_notebook

    nb = nbformat.read(NOTEBOOKS / NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    assigned = {t.id for node in ast.parse(code[0].source).body for t in node.targets}
    assert assigned == {"bundle_dir", "data_dir", "table", "lang"}
    for cell in code:
        assert not any(isinstance(n, (ast.FunctionDef, ast.ClassDef))
                       for n in ast.walk(ast.parse(cell.source)))

    page = run_monitoring_notebook(setup[0], shifted, tmp_path / "out").read_text()
    bands = run_monitor(setup[0], shifted)["bands"]
    assert f"Variables: {bands['act']} to act on, {bands['watch']} to watch," in page
    assert "EXT_SOURCE_3" in page and "image/png" in page
    executed = nbformat.read(tmp_path / "out" / NOTEBOOK, as_version=4)
    assert not [o for c in executed.cells if c.cell_type == "code" for o in c.outputs
                if o.output_type == "error"]


def test_the_html_report_prints_names_and_levels_as_text():
    from scoring_lib.monitor.report import report_html

    report = {"score_psi": 0.3, "score_band": "act", "n_new": 10, "n_reference": 20,
              "table": "application_test", "bands": {"stable": 0, "watch": 0, "act": 1},
              "features": [{"feature": "A&B<i>", "psi": 0.3, "band": "act"}],
              "unseen_categories": {"A&B<i>": {"<script>alert(1)</script>": 3}}}
    page = report_html(report, "en")
    assert "<script>" not in page and "<i>" not in page
    assert "A&amp;B&lt;i&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; (3)" in page
    # the monitoring notebook shows the page inside its own: no rule for the whole page
    style = page[page.index("<style>"):page.index("</style>")]
    assert all(rule.startswith(".scoring-monitor") for rule in style[7:].split("}") if rule)
