"""The report notebooks: committed stripped, run by papermill with this interpreter's kernel,
and `scoring build` / `scoring demo` end to end on tiny data (all tables, then
application_train alone)."""

from __future__ import annotations

import ast
import json
import os
import shutil
import sys

import nbformat
import pandas as pd
import pytest

from scoring_lib.cli import main
from scoring_lib.model import BundleError, FeatureFrameError, load_bundle
from scoring_lib.model.pipeline.build import (NOTEBOOKS, BuildParams, build_bundle, build_demo,
                                     bundle_status, kernel_command)

PARAMETERS = {
    "01_eda.ipynb": {"data_dir", "sample_size", "seed"},
    "02_modelling.ipynb": {"features_path", "bundle_dir", "folds", "seed", "cost_fn", "cost_fp",
                           "iterations", "sample_size"},
}
TINY = BuildParams(folds=2, iterations=10, eda_sample=300)


# ------------------------------------------------------------------- committed notebooks
@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_notebooks_are_committed_stripped_with_a_parameters_cell(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]
    first = code[0]
    assert "parameters" in first.metadata.get("tags", [])
    assigned = {t.id for node in ast.parse(first.source).body for t in node.targets}
    assert assigned == PARAMETERS[name]
    # notebooks define no functions or classes of their own (DESIGN.md)
    for cell in code:
        tree = ast.parse(cell.source)
        assert not any(isinstance(n, (ast.FunctionDef, ast.ClassDef)) for n in ast.walk(tree))


def test_the_python3_kernel_is_this_interpreter(tmp_path, monkeypatch):
    # even when the user has a python3 kernelspec of another interpreter
    user = tmp_path / "user-data"
    spec = user / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": ["/usr/bin/false", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "other", "language": "python"}))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(user))
    assert kernel_command()[0] == sys.executable


def test_kernels_run_with_passive_openmp_threads_unless_told_otherwise(monkeypatch):
    from scoring_lib.model.pipeline.build import _kernel_environment

    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    with _kernel_environment():
        assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
    assert "OMP_WAIT_POLICY" not in os.environ
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    with _kernel_environment():
        assert os.environ["OMP_WAIT_POLICY"] == "ACTIVE"


# ------------------------------------------------------------------------ tiny builds
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`build_demo` into an empty folder: generates tiny data, then builds.

    The code fingerprint is pinned: others may edit the library while the tests run.
    """
    root = tmp_path_factory.mktemp("demo")
    data, out = root / "data" / "raw", root / "artifacts" / "demo"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("scoring_lib.model.pipeline.build.code_fingerprint", lambda: "pinned")
        report = build_demo(data, out, clients=600, test_clients=80, params=TINY,
                            progress=False, log=lambda *_: None)
        yield data, out, report


def test_the_demo_build_writes_a_verified_bundle(demo):
    data, out, report = demo
    assert not report.skipped and report.path == out
    bundle = load_bundle(out)
    m = bundle.metrics
    assert m["folds"] == 2 and m["n_train"] == 600 and m["model"].startswith("catboost")
    for key in ("cv_auc", "business_cost", "cost_accept_all", "cost_refuse_all", "cost_at_0.5",
                "cv_brier", "calibration"):
        assert key in m, key
    assert m["business_cost"] <= min(m["cost_accept_all"], m["cost_refuse_all"]) + 1e-12
    assert 0 < bundle.threshold < 1
    # the final model's rounds and learning rate are recorded (issue #16)
    boosting = bundle.manifest["boosting"]
    assert boosting["final_rounds"] == m["final_rounds"] <= TINY.iterations
    assert boosting["learning_rate"] == m["learning_rate"] == pytest.approx(0.05)
    assert len(boosting["cv_rounds"]) == 2 and boosting["rounds_cap"] == TINY.iterations
    assert bundle.manifest["params"] == TINY.as_dict()
    assert {c["model"] for c in bundle.manifest["candidates"]} == {
        "logreg", "logreg_balanced", "random_forest", "hist_gbm", "catboost",
        "catboost_balanced"}
    assert len(bundle.feature_names) > 600  # every table present
    assert len(bundle.feature_metadata) == len(bundle.feature_names)
    assert set(bundle.feature_metadata["table"]) >= {"application", "bureau",
                                                    "installments_payments"}
    assert len(bundle.scores) == 680 and set(bundle.scores["SAMPLE"]) == {"train", "test"}
    for lib in ("catboost", "scikit-learn", "pandas", "numpy", "pyarrow", "python"):
        assert lib in bundle.manifest["libraries"]
    assert len(bundle.manifest["data_fingerprint"]) == 64
    # the same client, through the stored model, gets its stored probability
    some = bundle.scores.index[[0, 333, 679]]
    proba = bundle.predict_proba(bundle.get_features(some))
    assert proba == pytest.approx(bundle.scores.loc[some, "PROBA"].to_numpy(), abs=1e-9)
    # the model statistics are listed in the manifest, and the slider's point at the
    # bank's threshold is the bundle's own out-of-fold cost and refused share
    from scoring_lib.monitor.statistics import MODEL_VIEW_FILE, read_model_view

    assert MODEL_VIEW_FILE in bundle.manifest["files"]
    view = read_model_view(bundle)
    at = view["thresholds"]["bank_index"]
    assert view["thresholds"]["threshold"][at] == bundle.threshold
    assert view["thresholds"]["cost"][at] == pytest.approx(m["business_cost"])
    assert 1 - view["thresholds"]["approval_rate"][at] == pytest.approx(m["refused_share"])
    assert len(view["reference"]["features"]) == len(bundle.feature_names)
    # no temporary folder is left beside the bundle; the features went to data/processed
    assert sorted(p.name for p in out.parent.iterdir()) == ["demo"]
    assert (data.parent / "processed" / "features.parquet").is_file()


def test_the_executed_notebooks_are_in_the_bundle_with_outputs(demo):
    _, out, _ = demo
    for name in PARAMETERS:
        nb = nbformat.read(out / "reports" / name, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count is not None for c in code), name
        assert not [o for c in code for o in c.outputs if o.output_type == "error"]
        images = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
        assert len(images) >= 4, name
        assert (out / "reports" / name.replace(".ipynb", ".html")).stat().st_size > 10_000
    modelling = (out / "reports" / "02_modelling.ipynb").read_text()
    assert "CatBoost" in modelling and "best threshold" in modelling


def test_demo_is_skipped_when_up_to_date_and_rebuilt_when_not(demo, monkeypatch):
    data, out, _ = demo
    again = build_demo(data, out, params=TINY, progress=False, log=lambda *_: None)
    assert again.skipped and "unchanged" in again.reason, again.reason
    assert bundle_status(out, data, BuildParams(folds=2, iterations=11, eda_sample=300)) == (
        False, "build parameters changed")
    monkeypatch.setattr("scoring_lib.model.pipeline.build.code_fingerprint", lambda: "other")
    assert bundle_status(out, data, TINY) == (False, "code or notebooks changed")


def test_build_and_demo_print_the_metrics_line_then_up_to_date(demo, monkeypatch, capsys):
    """What `scoring build` / `scoring demo` print at the end of a build (the report of the
    tiny build above), and `scoring demo` run again: the data kept, nothing to do."""
    import re

    from scoring_lib.cli import _report_build

    data, out, report = demo
    _report_build(report)
    line = capsys.readouterr().out
    assert re.fullmatch(r"catboost(_balanced)?: cv_auc 0\.\d{4} \(2-fold, out-of-fold\), "
                        r"threshold 0\.\d{4}, business cost \d\.\d{4} per client "
                        r"\(accept all \d\.\d{4}, refuse all \d\.\d{4}, 0\.5 \d\.\d{4}\), "
                        r"calibration (none|platt|isotonic)\n", line), line
    monkeypatch.setattr("scoring_lib.model.pipeline.build.DEMO_PARAMS", TINY)
    monkeypatch.setattr("scoring_lib.model.pipeline.build.code_fingerprint", lambda: "pinned")
    assert main(["demo", "--data", str(data), "--out", str(out)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"==> keeping the data in {data}/",
        f"==> {out} is up to date (data, code and parameters unchanged, every file intact): "
        "nothing to do"]


def test_a_tampered_demo_bundle_is_rebuilt_not_trusted(demo, tmp_path):
    data, out, _ = demo
    copy = tmp_path / "demo"
    shutil.copytree(out, copy)
    with open(copy / "model.cbm", "r+b") as f:
        f.seek(100)
        byte = f.read(1)
        f.seek(100)
        f.write(bytes([byte[0] ^ 1]))
    current, reason = bundle_status(copy, data, TINY)
    assert not current and "model.cbm: content changed" in reason
    with pytest.raises(BundleError, match="model.cbm"):
        load_bundle(copy)


@pytest.mark.slow
def test_scoring_build_on_application_train_alone(demo, tmp_path, capsys):
    data, _, _ = demo
    only = tmp_path / "raw"
    only.mkdir()
    for name in ("application_train", "application_test"):
        shutil.copy(data / f"{name}.csv", only)
    out = tmp_path / "artifacts" / "apponly"
    code = main(["build", "--data", str(only), "--out", str(out), "--folds", "2",
                 "--iterations", "10", "--cost-fn", "5"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "cv_auc" in printed and "threshold" in printed
    bundle = load_bundle(out)
    assert set(bundle.feature_metadata["table"]) == {"application"}
    assert bundle.cost_fn == 5.0 and bundle.manifest["params"]["cost_fn"] == 5.0
    eda = (out / "reports" / "01_eda.ipynb").read_text()
    assert "Only the application tables are present" in eda


def test_a_single_class_target_stops_the_build_before_training(demo, tmp_path):
    data, _, _ = demo
    bad = tmp_path / "raw"
    bad.mkdir()
    train = pd.read_csv(data / "application_train.csv")
    train.assign(TARGET=0).to_csv(bad / "application_train.csv", index=False)
    out = tmp_path / "artifacts" / "bad"
    with pytest.raises(FeatureFrameError, match="single class"):
        build_bundle(bad, out, TINY, progress=False, log=lambda *_: None)
    assert sorted(p.name for p in (tmp_path / "artifacts").iterdir()) == []
    code = main(["build", "--data", str(bad), "--out", str(out), "--folds", "3"])
    assert code == 2


def test_too_few_rows_for_the_folds_stop_the_build_before_any_notebook(demo, tmp_path):
    data, _, _ = demo
    out = tmp_path / "artifacts" / "small"
    logged = []
    # 600 clients with about 8 % defaults: a sample of 30 holds 2 defaults, fewer than 3 folds
    params = BuildParams(folds=3, iterations=10, eda_sample=300, sample=30)
    with pytest.raises(FeatureFrameError, match="too small for 3 folds"):
        build_bundle(data, out, params, progress=False, log=logged.append)
    assert not any("notebook" in line for line in logged), logged
    assert sorted(p.name for p in (tmp_path / "artifacts").iterdir()) == []
    code = main(["build", "--data", str(data), "--out", str(out), "--folds", "200"])
    assert code == 2 and not out.exists()


def test_build_parameters_are_checked():
    with pytest.raises(ValueError, match="folds"):
        BuildParams(folds=1)
    with pytest.raises(ValueError, match="cost_fn"):
        BuildParams(cost_fn=-1)
    with pytest.raises(ValueError, match="sample"):
        BuildParams(sample=1)
