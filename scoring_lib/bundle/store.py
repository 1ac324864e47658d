"""The bundle ``artifacts/<name>/``: write it atomically, load it only if it is intact.

Layout (format version 2)
-------------------------
``bundle.json``      the manifest: format and version, creation time, library versions, data
                     and code fingerprints, build parameters, cost weights, ``threshold``,
                     ``metrics`` (out-of-fold), the candidates' comparison, the calibration,
                     the feature names and metadata, the client-table layout and the size
                     and sha256 of every other file, then its own checksum
                     (``manifest_sha256``, over the canonical JSON of everything else).
``model.cbm``        the CatBoost model, in CatBoost's own format.
``scores.parquet``   one row per client, train and test, sorted by ``SK_ID_CURR``: SAMPLE,
                     TARGET, PROBA_RAW, PROBA (calibrated), DECISION, PROBA_OOF. Small
                     (a few columns): a dashboard loads it whole, and its row order is the
                     row order of the two client tables below.
``clients.arrow``    the application columns (descriptive, for display and comparison), as
                     an **Arrow IPC file** (zstd-compressed record batches of ``batch_rows``
                     rows, same row order as ``scores.parquet``): a few columns of every
                     client are read without the others.
``features.tiles``   the model features (and SK_ID_CURR first), same row order, as a float64
                     matrix cut into zstd-compressed tiles of 64 clients x 64 columns
                     (:mod:`.tiles`; categories as codes, the category lists, each column's
                     dtype and the tile sizes in the layout that ``bundle.json`` records):
                     one client is read with one ``pread`` and a few small decompressions
                     (about a millisecond), one column of every client in under a second.
``reports/``         the executed notebooks (``.ipynb`` and ``.html``).

No pickle anywhere: JSON, Parquet, Arrow IPC, the tile file and CatBoost's format only.
Arrow IPC was chosen over Parquet row groups because its footer stays small (one entry per
batch, not per batch and column: with ~700 columns and 350 row groups a Parquet footer is
tens of MB to parse on every open). Format version 1 kept the features in Arrow IPC too, but
reading one client there decodes ~700 column buffers of a whole batch (20-35 ms, whatever
the batch size): version 2 bundles are refused by older code and version 1 bundles by this
one, with a message that says to rebuild.

Files starting with ``.`` (e.g. ``reports/.ipynb_checkpoints``) are ignored by the checks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import platform
import shutil
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

from ..data.schema import KEY
from ..decision import decide
from .errors import BundleError
from .manifest import (
    CLIENTS_FILE,
    FEATURES_FILE,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MODEL_FILE,
    SCORES_FILE,
    check_manifest,
    check_scores,
)
from ..paths import DEMO_BUNDLE
from .tiles import TILE_ROWS, FeatureTiles, write_tiles

if TYPE_CHECKING:  # the calibration module imports scikit-learn: loaded only when used
    from ..model.training.calibration import Calibrator

TRAINING_FILE = "training.json"  # written by the modelling notebook, merged into MANIFEST
BATCH_ROWS = 1024
_CHUNK = 1 << 20

__all__ = ["BATCH_ROWS", "FORMAT_VERSION", "Bundle", "BundleError", "ClientRecord",
           "FeatureTiles", "complete_bundle", "finalize_bundle", "library_versions",
           "load_bundle", "sha256_file", "verify_bundle", "write_client_table", "write_tiles",
           "write_training_outputs"]


# ------------------------------------------------------------------------------ helpers
def sha256_file(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def jsonable(value):
    """``value`` with numpy scalars as Python numbers and NaN / inf as ``None``."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Path):
        return str(value)
    return value


def _canonical(manifest: dict) -> bytes:
    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode()


def library_versions() -> dict:
    import catboost
    import pyarrow
    import sklearn

    from .. import __version__ as scoring_lib_version

    return {"python": platform.python_version(), "scoring_lib": scoring_lib_version,
            "catboost": catboost.__version__, "scikit-learn": sklearn.__version__,
            "pandas": pd.__version__, "numpy": np.__version__, "pyarrow": pyarrow.__version__}


def _files(folder: Path) -> list[str]:
    """Relative paths of the files of ``folder`` (POSIX), hidden names skipped, sorted."""
    out = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if not name.startswith("."):
                out.append((Path(root) / name).relative_to(folder).as_posix())
    return sorted(out)


# ------------------------------------------------------------------------------ writing
def write_training_outputs(folder, model, calibrator: Calibrator, threshold: float,
                           info: dict, scores: pd.DataFrame) -> None:
    """What the modelling notebook hands to the build: ``model.cbm``, ``scores.parquet``
    and ``training.json`` (threshold, calibration, ``info``: metrics, candidates, params...).

    ``model``: a fitted
    :class:`~scoring_lib.model.training.estimators.CatBoostModel`. The record also
    keeps the text that stands for a missing category in the model's input
    (``missing_category``), so that a reader scores a client without the estimators module.
    """
    from ..model.training.estimators import MISSING_CATEGORY

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model.model_.save_model(str(folder / MODEL_FILE), format="cbm")
    scores.to_parquet(folder / SCORES_FILE, index=False, compression="zstd")
    record = {**info, "threshold": float(threshold), "calibration": calibrator.to_dict(),
              "features": [str(c) for c in model.feature_names_in_],
              "categorical_features": list(model.categorical_),
              "missing_category": MISSING_CATEGORY}
    (folder / TRAINING_FILE).write_text(json.dumps(jsonable(record), indent=1,
                                                   allow_nan=False))


def write_client_table(frame: pd.DataFrame, path, order: np.ndarray,
                       batch_rows: int = BATCH_ROWS) -> dict:
    """Write ``frame`` (indexed or keyed by SK_ID_CURR) as an Arrow IPC file, in the order of
    the ids ``order``, in zstd-compressed batches of ``batch_rows`` rows.

    Every id of ``order`` must be in ``frame``. Returns the layout recorded in the manifest.
    """
    if frame.index.name == KEY:
        frame = frame.reset_index()
    positions = pd.Index(frame[KEY]).get_indexer(order)
    if (positions < 0).any():
        missing = np.asarray(order)[positions < 0]
        raise ValueError(f"{Path(path).name}: no row for {len(missing)} client(s), e.g. "
                         f"{', '.join(map(str, missing[:5]))}")
    # batch by batch: at most one batch is copied at a time (full scale: ~2 GB of features)
    options = ipc.IpcWriteOptions(compression="zstd")
    schema = pa.Schema.from_pandas(frame.iloc[:0], preserve_index=False)
    with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, schema,
                                                          options=options) as writer:
        for start in range(0, len(positions), batch_rows):
            part = frame.iloc[positions[start:start + batch_rows]]
            writer.write_batch(pa.RecordBatch.from_pandas(part, schema=schema,
                                                          preserve_index=False))
    return {"file": Path(path).name, "rows": len(positions), "batch_rows": batch_rows,
            "columns": [str(c) for c in frame.columns]}


def complete_bundle(staging, target, features: pd.DataFrame, applications: pd.DataFrame,
                    manifest: dict, feature_metadata: list[dict] | None = None, *,
                    batch_rows: int = BATCH_ROWS, tile_rows: int = TILE_ROWS) -> Path:
    """Finish a bundle whose ``staging`` folder holds :func:`write_training_outputs`' files
    (and any ``reports/``): write the two client tables in the row order of the scores
    (features: :func:`~scoring_lib.bundle.tiles.write_tiles`; applications:
    :func:`write_client_table`),
    merge ``training.json`` and ``manifest`` into ``bundle.json``, then rename into place.

    ``features``: the feature frame (SK_ID_CURR as a column or the index); only the model's
    features are kept. ``applications``: the application columns of every client.
    ``feature_metadata``: one record per feature (default: just its name). ``batch_rows``,
    ``tile_rows``: rows per batch of the applications table and per tile of the features.
    """
    staging = Path(staging)
    training = json.loads((staging / TRAINING_FILE).read_text())
    if features.index.name == KEY:
        features = features.reset_index()
    order = pd.read_parquet(staging / SCORES_FILE, columns=[KEY])[KEY].to_numpy()
    layouts = {
        "features": write_tiles(features[[KEY] + training["features"]],
                                staging / FEATURES_FILE, order, tile_rows=tile_rows),
        "applications": write_client_table(applications, staging / CLIENTS_FILE, order,
                                           batch_rows),
    }
    by_name = {r["feature"]: r for r in feature_metadata or []}
    (staging / TRAINING_FILE).unlink()
    return finalize_bundle(staging, target, {
        **manifest, **training,
        "feature_metadata": [by_name.get(f, {"feature": f}) for f in training["features"]],
        "client_tables": layouts, "scores_file": SCORES_FILE})


def finalize_bundle(staging, target, manifest: dict) -> Path:
    """Hash every file of ``staging``, write ``bundle.json``, then rename ``staging`` to
    ``target`` (an existing ``target`` is replaced; it is moved aside first, so ``target``
    is always either the old bundle or the complete new one)."""
    staging, target = Path(staging), Path(target)
    files = {}
    for rel in _files(staging):
        if rel == MANIFEST:
            continue
        path = staging / rel
        files[rel] = {"size": path.stat().st_size, "sha256": sha256_file(path)}
    manifest = jsonable({"format": FORMAT, "format_version": FORMAT_VERSION,
                         "created": dt.datetime.now(dt.timezone.utc).isoformat(
                             timespec="seconds"), **manifest, "files": files})
    manifest["manifest_sha256"] = hashlib.sha256(_canonical(manifest)).hexdigest()
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, allow_nan=False))
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


# ------------------------------------------------------------------------------ reading
def read_manifest(path) -> dict:
    """``bundle.json`` of the bundle ``path``, checked for format, version and checksum,
    then value by value (:func:`~scoring_lib.bundle.manifest.check_manifest`: the threshold,
    the costs, the feature lists, the client tables' layout, the files' paths...)."""
    path = Path(path)
    if not path.is_dir():
        raise BundleError("bundle folder not found", path)
    file = path / MANIFEST
    if not file.is_file():
        raise BundleError("not found: this folder is not a bundle (or an incomplete one)",
                          path, MANIFEST)
    try:
        manifest = json.loads(file.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"not valid JSON (truncated or edited?): {exc}", path,
                          MANIFEST) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleError(f"not a {FORMAT} manifest", path, MANIFEST)
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise BundleError(f"format version {version!r}, this scoring_lib reads version "
                          f"{FORMAT_VERSION} only: rebuild the bundle with `scoring build` "
                          f"(`scoring demo` rebuilds {DEMO_BUNDLE})", path, MANIFEST)
    try:
        expected = hashlib.sha256(_canonical(manifest)).hexdigest()
    except ValueError as exc:
        raise BundleError(f"invalid content: {exc}", path, MANIFEST) from None
    if manifest.get("manifest_sha256") != expected:
        raise BundleError("checksum mismatch: the manifest was edited after the build",
                          path, MANIFEST)
    check_manifest(manifest, path)
    return manifest


def verify_bundle(path) -> dict:
    """Check format, version and every file's size and sha256; returns the manifest.

    Raises :class:`BundleError` naming the first file that is missing, truncated,
    changed or not listed in the manifest.
    """
    path = Path(path)
    manifest = read_manifest(path)
    files = manifest.get("files") or {}
    for rel, expected in sorted(files.items()):
        file = path / rel
        if not file.is_file():
            raise BundleError("missing file listed in bundle.json", path, rel)
        size = file.stat().st_size
        if size != expected["size"]:
            what = "truncated" if size < expected["size"] else "size changed"
            raise BundleError(f"{what}: {size:,} bytes, expected {expected['size']:,}",
                              path, rel)
        if sha256_file(file) != expected["sha256"]:
            raise BundleError("content changed: sha256 does not match bundle.json", path, rel)
    extra = [rel for rel in _files(path) if rel != MANIFEST and rel not in files]
    if extra:
        raise BundleError("unexpected file, not listed in bundle.json", path, extra[0])
    return manifest


@dataclass
class ClientRecord:
    """One client: ``score`` (SAMPLE, TARGET, PROBA, DECISION...), ``application`` (the
    descriptive columns) and ``features`` (the model's input), each a Series."""

    sk_id_curr: int
    score: pd.Series
    application: pd.Series
    features: pd.Series


class _ClientTable:
    """Random access to an Arrow IPC client table by row position (memory-mapped)."""

    def __init__(self, path: Path, batch_rows: int):
        self.path = path
        self.batch_rows = batch_rows
        self._reader = ipc.open_file(pa.memory_map(str(path), "r"))

    @property
    def schema(self) -> pa.Schema:
        return self._reader.schema

    def rows(self, positions) -> pd.DataFrame:
        """The rows at ``positions`` (in that order), indexed by SK_ID_CURR."""
        positions = np.asarray(positions, dtype=np.int64)
        batches = positions // self.batch_rows
        order = np.argsort(batches, kind="stable")  # the order in which rows are read
        parts = []
        for b in np.unique(batches):
            inside = positions[batches == b] - b * self.batch_rows
            parts.append(self._reader.get_batch(int(b)).take(pa.array(inside)))
        frame = pa.Table.from_batches(parts, schema=self.schema).to_pandas()
        inverse = np.empty_like(order)
        inverse[order] = np.arange(len(order))
        return frame.iloc[inverse].set_index(KEY)

    def columns(self, names) -> pd.DataFrame:
        names = [KEY] + [n for n in names if n != KEY]
        indices = [self.schema.get_field_index(n) for n in names]
        unknown = [n for n, i in zip(names, indices) if i < 0]
        if unknown:
            raise KeyError(f"{self.path.name}: no column(s) {', '.join(unknown)}")
        reader = ipc.open_file(pa.memory_map(str(self.path), "r"),
                               options=ipc.IpcReadOptions(included_fields=indices))
        return reader.read_all().to_pandas().set_index(KEY)


class Bundle:
    """A loaded (and, by default, verified) bundle. Cheap to open: the scores table (a few
    columns) is read and checked by :func:`load_bundle`, the client tables are
    memory-mapped, the model is loaded on first use."""

    def __init__(self, path, manifest: dict):
        self.path = Path(path)
        self.manifest = manifest

    # -- manifest
    @property
    def threshold(self) -> float:
        return float(self.manifest["threshold"])

    @property
    def cost_fn(self) -> float:
        return float(self.manifest["cost_fn"])

    @property
    def cost_fp(self) -> float:
        return float(self.manifest["cost_fp"])

    @property
    def metrics(self) -> dict:
        return self.manifest["metrics"]

    @property
    def feature_names(self) -> list[str]:
        return list(self.manifest["features"])

    @property
    def categorical_features(self) -> list[str]:
        return list(self.manifest["categorical_features"])

    @cached_property
    def feature_metadata(self) -> pd.DataFrame:
        return pd.DataFrame(self.manifest["feature_metadata"])

    @cached_property
    def candidates(self) -> pd.DataFrame:
        return pd.DataFrame(self.manifest["candidates"]).set_index("model")

    @cached_property
    def calibrator(self) -> Calibrator:
        from ..model.training.calibration import Calibrator

        return Calibrator.from_dict(self.manifest["calibration"])

    # -- data
    @cached_property
    def scores(self) -> pd.DataFrame:
        """Every client's scores, indexed by SK_ID_CURR (sorted)."""
        return pd.read_parquet(self.path / SCORES_FILE).set_index(KEY)

    @cached_property
    def _positions(self) -> pd.Index:
        return self.scores.index

    def _layout(self, key: str) -> dict:
        layout = (self.manifest.get("client_tables") or {}).get(key)
        if not isinstance(layout, dict) or "file" not in layout:
            raise BundleError(f"no layout of the {key} table in client_tables", self.path,
                              MANIFEST)
        return layout

    @cached_property
    def applications(self) -> _ClientTable:
        layout = self._layout("applications")
        return _ClientTable(self.path / layout["file"], int(layout["batch_rows"]))

    @cached_property
    def features(self) -> FeatureTiles:
        """The model features (:class:`~scoring_lib.bundle.tiles.FeatureTiles`, opened on
        first use: ``rows(positions)``, ``columns(names)``, ``row_values(position)``)."""
        layout = self._layout("features")
        if layout.get("format") != "tiles":
            raise BundleError("the features table is not a tile file: rebuild the bundle "
                              "with `scoring build`", self.path, MANIFEST)
        return FeatureTiles(self.path / layout["file"], layout, bundle=self.path)

    @property
    def missing_category(self) -> str:
        """The text that stands for a missing category in the model's input."""
        value = self.manifest.get("missing_category")
        if not isinstance(value, str):
            raise BundleError("no missing_category (the model's text for a missing "
                              "category): rebuild the bundle", self.path, MANIFEST)
        return value

    def positions(self, ids) -> np.ndarray:
        ids = np.atleast_1d(np.asarray(ids))
        pos = self._positions.get_indexer(ids)
        if (pos < 0).any():
            raise KeyError(f"unknown client(s) SK_ID_CURR {', '.join(map(str, ids[pos < 0][:5]))}")
        return pos

    def get_client(self, sk_id_curr: int) -> ClientRecord:
        """Scores, application columns and features of one client (reads one batch of the
        application table and one row block of the feature tiles)."""
        pos = self.positions([sk_id_curr])
        return ClientRecord(int(sk_id_curr), self.scores.iloc[pos[0]],
                            self.applications.rows(pos).iloc[0],
                            self.features.rows(pos).iloc[0])

    def get_features(self, ids) -> pd.DataFrame:
        """Model features of the clients ``ids`` (indexed by SK_ID_CURR, in ``ids`` order)."""
        return self.features.rows(self.positions(ids))

    def get_applications(self, ids) -> pd.DataFrame:
        return self.applications.rows(self.positions(ids))

    def get_application_columns(self, columns) -> pd.DataFrame:
        """A few application columns of every client (reads only those columns)."""
        return self.applications.columns(columns)

    # -- model
    @cached_property
    def model(self):
        """The CatBoost model (``catboost.CatBoostClassifier``)."""
        from catboost import CatBoostClassifier

        model = CatBoostClassifier()
        model.load_model(str(self.path / MODEL_FILE), format="cbm")
        return model

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated probability of default for the rows of a feature frame."""
        from ..model.training.estimators import catboost_frame

        X = catboost_frame(X[self.feature_names], self.categorical_features)
        return self.calibrator.transform(self.model.predict_proba(X)[:, 1])

    def decide(self, proba) -> np.ndarray:
        """:func:`scoring_lib.decision.decide` at the bundle's threshold."""
        return decide(proba, self.threshold)

    def __repr__(self) -> str:
        m = self.metrics
        return (f"Bundle({str(self.path)!r}, model={m.get('model')!r}, cv_auc="
                f"{m.get('cv_auc', float('nan')):.4f}, threshold={self.threshold:.4f})")


def load_bundle(path, verify: bool = True) -> Bundle:
    """Open the bundle ``path``. ``verify`` (default) checks the format version and the
    sha256 of every file first and raises :class:`BundleError` naming the file at fault.

    Always (``verify`` or not) every value of the manifest is checked, and the precomputed
    scores are read and checked against it (one row per client, probabilities from 0 to 1,
    each decision the one the threshold gives: :func:`~.manifest.check_scores`)."""
    manifest = verify_bundle(path) if verify else read_manifest(path)
    bundle = Bundle(path, manifest)
    try:
        scores = bundle.scores
    except (OSError, pa.ArrowException) as exc:
        raise BundleError(f"cannot be read ({exc})", path, SCORES_FILE) from None
    except KeyError as exc:
        raise BundleError(f"no column {exc}", path, SCORES_FILE) from None
    check_scores(scores, manifest, path)
    return bundle
