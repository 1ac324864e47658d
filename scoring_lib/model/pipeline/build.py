"""``scoring build`` and ``scoring demo``: features, then the notebooks, then the bundle.

:func:`build_bundle` runs the stages in order inside a temporary folder beside the target
(``artifacts/.<name>.tmp-*``), which is renamed into place only at the end:

1. features of the raw tables (``scoring_lib.features``; a feature file is reused when up to
   date), checked by :func:`~scoring_lib.model.training.inputs.check_feature_frame` before anything
   is trained;
2. ``notebooks/01_eda.ipynb`` and ``notebooks/02_modelling.ipynb`` through papermill (kernel
   ``python3`` of this interpreter); the second writes the model, the scores and
   ``training.json`` into the temporary folder;
3. the model statistics ``model_view.json`` (:mod:`scoring_lib.monitor.statistics`:
   curves, fairness, importance and the drift reference, from the out-of-fold
   predictions), the client tables, the HTML copies of the reports and ``bundle.json``
   (:mod:`scoring_lib.bundle.store`).

:func:`build_demo` generates the demo data if absent and builds ``artifacts/demo`` unless a
bundle built from the same data, code and parameters is already there.

Both replace an existing ``out`` only if it is a bundle (:func:`bundle_refusal`) and refuse
an ``out`` that is, holds or lies inside the data folder or the feature file
(:func:`check_bundle_output`, rules in :mod:`scoring_lib.outputs`). The staging folder is
named after this process (``.<name>.tmp-<pid>-*``); the next build sweeps those whose
process is gone. An interrupted build (Ctrl-C, SIGTERM) removes its staging folder and
kills the notebook kernel it started.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
import weakref
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from ...bundle.store import (FORMAT, MANIFEST, BundleError, complete_bundle,
                             library_versions, read_manifest, verify_bundle)
from ...data import load_tables
from ...data.loader import find_table_files
from ...data.schema import TARGET
from ...outputs import (check_output_folder, check_separate, committed, staging_prefix,
                        sweep_stale)
from ...paths import DATA_RAW, DEMO_BUNDLE, REPORTS, processed_features
from .fingerprint import NOTEBOOKS, code_fingerprint, data_fingerprint

KERNEL = "python3"
EDA_NOTEBOOK = "01_eda.ipynb"
MODELLING_NOTEBOOK = "02_modelling.ipynb"

__all__ = ["DEMO_PARAMS", "BuildParams", "BuildReport", "build_bundle", "build_demo",
           "bundle_refusal", "bundle_status", "check_bundle_output", "kernel_command",
           "run_notebook"]


@dataclass(frozen=True)
class BuildParams:
    """Parameters of a build (recorded in ``bundle.json``; a change triggers a rebuild)."""

    cost_fn: float = 10.0
    cost_fp: float = 1.0
    folds: int = 5
    seed: int = 0
    iterations: int = 1000         # most boosting rounds (early stopping chooses fewer)
    sample: int | None = None      # training clients used for modelling (None: all)
    eda_sample: int = 20_000       # application rows drawn for the EDA plots

    def __post_init__(self):
        from ..training.cost import check_costs

        check_costs(self.cost_fn, self.cost_fp)
        for name, low in (("folds", 2), ("iterations", 1), ("eda_sample", 1)):
            value = getattr(self, name)
            if not isinstance(value, int) or value < low:
                raise ValueError(f"{name} must be a whole number of at least {low}, "
                                 f"got {value!r}")
        if self.sample is not None and (not isinstance(self.sample, int) or self.sample < 2):
            raise ValueError(f"sample must be None or a whole number of at least 2, "
                             f"got {self.sample!r}")

    def as_dict(self) -> dict:
        return asdict(self)


#: The demo's parameters, smaller than ``scoring build``'s defaults (5 folds) so that the first
#: ``make dashboard`` stays short on 2 cores: 3 folds. CatBoost's rounds are chosen by early
#: stopping in each fold (issue #16: 250-400 at 30,000 clients with the learning rate 0.05 of
#: ``estimators.learning_rate_for``), at most 1,000; before issue #16 the demo ran a fixed 150
#: rounds at CatBoost's own rate (bench/RESULTS.md, "Model quality — issue #16").
DEMO_PARAMS = BuildParams(folds=3, iterations=1000)


@dataclass
class BuildReport:
    path: Path
    seconds: float
    steps: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    threshold: float | None = None
    skipped: bool = False
    reason: str = ""


# ------------------------------------------------------------------------------ notebooks
@contextlib.contextmanager
def _kernel_environment():
    """The environment the notebook kernels start with, for the time they run.

    * ``JUPYTER_PATH`` starts with this interpreter's ``share/jupyter``: its ``python3``
      kernelspec wins over a user's (``~/.local/share/jupyter``) pointing elsewhere;
    * ``OMP_WAIT_POLICY=PASSIVE`` unless already set: OpenMP threads (HistGradientBoosting)
      sleep instead of spinning at each barrier. On 2 cores shared with another busy process,
      spinning made one HistGradientBoosting fit take 75 s instead of 12 s; passive, 7 s.
    """
    saved = {k: os.environ.get(k) for k in ("JUPYTER_PATH", "OMP_WAIT_POLICY")}
    own = str(Path(sys.prefix) / "share" / "jupyter")
    before = saved["JUPYTER_PATH"]
    os.environ["JUPYTER_PATH"] = own + (os.pathsep + before if before else "")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


#: the kernel managers papermill created in this process (to kill their kernels when the
#: build is interrupted: papermill leaves that to the interpreter's exit)
_MANAGERS: weakref.WeakSet = weakref.WeakSet()


def _kernel_manager_class():
    from jupyter_client import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        """The kernel logs errors only: ipykernel 7 warns on every start that its local TCP
        sockets are not encrypted, which would alarm whoever reads the build's output."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            _MANAGERS.add(self)

        def format_kernel_cmd(self, extra_arguments=None):
            return super().format_kernel_cmd(extra_arguments) + ["--IPKernelApp.log_level=ERROR"]

    return QuietKernelManager


def _kill_kernels() -> None:
    """Kill the kernels still running (and their own children: jupyter_client starts each
    kernel as the leader of a new session, so its process group is the kernel's pid)."""
    for km in list(_MANAGERS):
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is None or process.poll() is not None:
            continue
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            process.kill()
        with contextlib.suppress(Exception):
            process.wait(timeout=10)
        with contextlib.suppress(Exception):
            km.cleanup_connection_file()


def kernel_command(kernel_name: str = KERNEL) -> list[str]:
    """The command papermill starts for ``kernel_name`` (as jupyter_client resolves it)."""
    with _kernel_environment():
        km = _kernel_manager_class()(kernel_name=kernel_name)
        return km.format_kernel_cmd()


def run_notebook(name: str, output, parameters: dict, progress: bool | str = True,
                 notebooks=NOTEBOOKS) -> Path:
    """Execute ``notebooks/<name>`` with papermill into ``output`` (kernel ``python3``).

    ``progress``: ``True`` shows papermill's bar over cells; ``"stderr"`` instead streams
    the notebook's own stderr (its text progress bars, e.g. the cross-validation's) to this
    process's stderr as it runs; ``False`` shows nothing.
    """
    import papermill as pm

    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    stream = progress == "stderr"
    with _kernel_environment():
        try:
            pm.execute_notebook(str(Path(notebooks) / name), str(output),
                                parameters=parameters, kernel_name=KERNEL,
                                progress_bar=bool(progress) and not stream, log_output=False,
                                stderr_file=sys.stderr if stream else None,
                                cwd=str(output.parent),
                                kernel_manager_class=_kernel_manager_class())
        except BaseException:
            _kill_kernels()
            raise
    return output


def export_html(notebook) -> Path:
    """An HTML copy of an executed notebook, beside it."""
    import nbformat
    from nbconvert import HTMLExporter

    notebook = Path(notebook)
    quiet = logging.getLogger("scoring_lib.nbconvert")  # not "alternative text is missing"
    quiet.setLevel(logging.ERROR)
    exporter = HTMLExporter(log=quiet)
    body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    out = notebook.with_suffix(".html")
    out.write_text(body, encoding="utf-8")
    return out


# ------------------------------------------------------------------------------ building
def _applications(data) -> pd.DataFrame:
    present = find_table_files(data)
    names = [t for t in ("application_train", "application_test") if t in present]
    tables = load_tables(data, tables=names)
    frames = [tables[n] for n in names]
    apps = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return apps.drop(columns=[TARGET], errors="ignore")


def bundle_refusal(path: Path) -> str | None:
    """None if the folder ``path`` is a bundle a build wrote: a ``bundle.json`` of this
    format (any version, even one whose checksum no longer matches: it is rebuilt) and no
    file that the manifest does not list (``.ipynb_checkpoints`` aside); else why not."""
    file = path / MANIFEST
    if not file.is_file():
        return f"it holds no {MANIFEST}"
    try:
        manifest = json.loads(file.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError):
        return f"its {MANIFEST} is not valid JSON"
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return f"its {MANIFEST} is not a {FORMAT} manifest"
    files = manifest.get("files")
    listed = set(files) if isinstance(files, dict) else set()
    for item in sorted(path.rglob("*")):
        rel = item.relative_to(path)
        if ".ipynb_checkpoints" in rel.parts or item.is_dir() and not item.is_symlink():
            continue
        if rel.as_posix() not in listed | {MANIFEST}:
            return f"it holds {rel.as_posix()}, which {MANIFEST} does not list"
    return None


def check_bundle_output(data, out, features=None, features_arg: str = "--features") -> None:
    """Raise :class:`~scoring_lib.outputs.OutputError` unless the build may write ``out``
    (absent, an empty folder or a bundle) and ``features`` (absent or a feature file),
    neither of them being, holding or inside the data folder, nor one inside the other."""
    from ...features.cache import check_feature_output

    check_separate(out, {"--data": data, features_arg: features})
    check_output_folder(out, bundle_refusal, "bundle")
    if features:
        check_feature_output(data, features, features_arg)


def build_bundle(data, out, params: BuildParams | None = None, features=None,
                 progress: bool = True, log=print) -> BuildReport:
    """Build the bundle ``out`` from the raw tables in ``data`` (see the module docstring).

    ``features``: where to keep the feature file (reused when up to date); default a
    temporary file inside the build. Raises ``DataError`` for bad raw files,
    ``FeatureFrameError`` for a feature frame that cannot be trained on (both before any
    training), ``OutputError`` for an ``out`` or ``features`` it must not replace (before
    anything is done) and ``papermill.PapermillExecutionError`` if a notebook fails.
    """
    from ...features.cache import build_feature_file, read_info
    from ...features.metadata import metadata_from_records
    from ...monitor.statistics import MODEL_VIEW_FILE, build_model_view, write_model_view
    from ..training.inputs import sample_training
    from ..training.train import load_training_data

    params = params or BuildParams()
    start = time.perf_counter()
    data, out = Path(data), Path(out)
    check_bundle_output(data, out, features)
    if (out / MANIFEST).is_file():
        log(f"==> {out} holds a bundle: the new one replaces it at the end")
    out.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(out.parent)
    staging = Path(tempfile.mkdtemp(prefix=staging_prefix(out.name), dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)  # mkdtemp's 0700 would stay on the bundle folder
    steps = {}

    def step(name):
        steps[name] = time.perf_counter()
        log(f"==> {name}")

    def done(name):
        steps[name] = round(time.perf_counter() - steps[name], 2)

    try:
        step("fingerprints")
        data_fp = data_fingerprint(data)
        code_fp = code_fingerprint()
        done("fingerprints")

        step("features")
        feature_file = Path(features) if features else staging / "_work" / "features.parquet"
        result = build_feature_file(data, feature_file, out_arg="--features")
        log(f"    {'reused' if result.reused else 'wrote'} {feature_file} "
            f"({result.rows:,d} clients x {result.features:,d} features)")
        checked, _ = load_training_data(feature_file, folds=params.folds)  # fails early
        log(f"    {checked.n_train:,d} training clients ({checked.y.mean():.2%} defaults), "
            f"{len(checked.X_test):,d} test clients")
        if params.sample is not None:  # the notebook's sample must allow the folds too
            sample_training(checked, params.sample, params.seed, folds=params.folds)
        del checked
        done("features")

        step("notebook 01_eda")
        reports = staging / REPORTS
        run_notebook(EDA_NOTEBOOK, reports / EDA_NOTEBOOK, {
            "data_dir": str(data.resolve()), "sample_size": params.eda_sample,
            "seed": params.seed}, progress)
        done("notebook 01_eda")

        step("notebook 02_modelling")
        run_notebook(MODELLING_NOTEBOOK, reports / MODELLING_NOTEBOOK, {
            "features_path": str(feature_file.resolve()), "bundle_dir": str(staging.resolve()),
            "folds": params.folds, "seed": params.seed, "cost_fn": params.cost_fn,
            "cost_fp": params.cost_fp, "iterations": params.iterations,
            "sample_size": params.sample}, "stderr" if progress else False)
        done("notebook 02_modelling")

        step("reports (HTML)")
        for nb in sorted(reports.glob("*.ipynb")):
            export_html(nb)
        done("reports (HTML)")

        last = "client tables and manifest"
        step(last)
        manifest = {
            "name": out.name,
            "libraries": library_versions(),
            "data_fingerprint": data_fp["sha256"],
            "data": {"folder": str(data.resolve()), "files": data_fp["files"]},
            "code_fingerprint": code_fp,
            "params": params.as_dict(),
            "cost_fn": params.cost_fn,
            "cost_fp": params.cost_fp,
            "build_seconds": {**{k: v for k, v in steps.items() if k != last},
                              "total_before_tables": round(time.perf_counter() - start, 2)},
        }
        info = read_info(feature_file) or {}
        frame = pd.read_parquet(feature_file)
        if not features:
            shutil.rmtree(staging / "_work", ignore_errors=True)
        applications = _applications(data)
        started = time.perf_counter()
        view = build_model_view(staging, frame, applications,
                                metadata_from_records(info.get("features") or []),
                                params.cost_fn, params.cost_fp, params.seed)
        write_model_view(staging, view)
        manifest["build_seconds"]["model_statistics"] = round(
            time.perf_counter() - started, 2)
        log(f"    model statistics ({MODEL_VIEW_FILE}) in "
            f"{manifest['build_seconds']['model_statistics']:.1f} s")
        del view
        check_output_folder(out, bundle_refusal, "bundle")  # again: it may have changed
        complete_bundle(staging, out, frame, applications, manifest, info.get("features"))
        committed(out)
        del frame, applications
        done("client tables and manifest")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    seconds = time.perf_counter() - start
    log(f"Bundle written to {out} in {seconds:.0f} s.")
    manifest = read_manifest(out)
    return BuildReport(out, seconds, steps, manifest["metrics"], manifest["threshold"])


def bundle_status(out, data, params: BuildParams) -> tuple[bool, str]:
    """``(up_to_date, reason)``: whether ``out`` is an intact bundle built from the same
    data (content fingerprint), code and parameters."""
    out = Path(out)
    if not (out / MANIFEST).exists():
        return False, f"no bundle in {out}"
    try:
        manifest = read_manifest(out)
    except BundleError as exc:
        return False, str(exc)
    if manifest.get("params") != params.as_dict():
        return False, "build parameters changed"
    if manifest.get("code_fingerprint") != code_fingerprint():
        return False, "code or notebooks changed"
    if manifest.get("data_fingerprint") != data_fingerprint(data)["sha256"]:
        return False, "data changed"
    try:
        verify_bundle(out)
    except BundleError as exc:
        return False, str(exc)
    return True, "data, code and parameters unchanged, every file intact"


def build_demo(data=DATA_RAW, out=DEMO_BUNDLE, clients: int = 30_000,
               test_clients: int = 5_000, seed: int = 0, params: BuildParams = DEMO_PARAMS,
               force: bool = False, progress: bool = True, log=print) -> BuildReport:
    """Generate the demo data into ``data`` if it holds no application_train file, then
    build ``out`` unless it is up to date (``force`` rebuilds anyway)."""
    from ...data.synth import synthesize

    from ...data.synth import check_synth_output

    data, out = Path(data), Path(out)
    features = processed_features(data)
    check_bundle_output(data, out, features, "the feature file")  # before generating data
    start = time.perf_counter()
    if data.exists() and "application_train" in find_table_files(data):
        log(f"==> keeping the data in {data}/")
    else:
        check_synth_output(data, "--data")
        log(f"==> generating {clients:,d} training and {test_clients:,d} test clients "
            f"(seed {seed}) into {data}/")
        synthesize(data, clients, test_clients, seed, "csv")
    if not force:
        current, reason = bundle_status(out, data, params)
        if current:
            log(f"==> {out} is up to date ({reason}): nothing to do")
            return BuildReport(out, time.perf_counter() - start, skipped=True, reason=reason)
        log(f"==> building {out}: {reason}")
    return build_bundle(data, out, params, features=features, progress=progress, log=log)
