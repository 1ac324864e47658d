"""The names of a bundle's files, and the checks of every value its manifest holds.

A bundle's ``bundle.json`` holds the sha256 of the other files and its own checksum
(``manifest_sha256``), but that checksum is not a signature: whoever can write the file can
recompute it. So the loader also checks that each value the product reads makes sense —
the threshold is a probability, the costs are weights, the feature lists agree with each
other and with the client tables' layout, every file named is a plain path inside the
bundle — and that the precomputed scores follow the threshold (a client is refused when
their probability is at or above it). A value that fails raises :class:`BundleError` with a
sentence that names the bundle, the key, the value found (as written in the JSON) and what
was expected.

Keys that only describe the build (``created``, ``libraries``, ``data``, ``params`` but its
costs, ``build_seconds``, ``reference_costs``, ``selection``...) are informational: no
scoring code reads them, so they are not checked beyond being JSON.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from ..data.schema import KEY, TARGET
from ..decision import DECISIONS, GRANTED, REFUSED, decide
from .errors import BundleError

FORMAT = "scoring_lib.bundle"
#: 3: the decisions are spelt as everywhere else, granted / refused (format 2 wrote
#: grant / refuse); 2: the features in zstd tiles (format 1: Arrow IPC)
FORMAT_VERSION = 3
MANIFEST = "bundle.json"
MODEL_FILE = "model.cbm"
SCORES_FILE = "scores.parquet"
CLIENTS_FILE = "clients.arrow"
FEATURES_FILE = "features.tiles"

#: calibration methods (those of :mod:`scoring_lib.model.training.calibration`, not imported
#: from it: it imports scikit-learn, which a dashboard process never loads)
CALIBRATIONS = ("none", "platt", "isotonic")
#: the threshold of "accept everyone", just above 1 (``cost.accept_all_threshold``): what the
#: build chooses when a missed default costs nothing (``--cost-fn 0``)
ACCEPT_ALL = float(np.nextafter(1.0, np.inf))

#: metrics that are probabilities or rates, and metrics that are non-negative
_UNIT_METRICS = ("cv_auc", "cv_auc_fold_mean", "cv_pr_auc", "cv_brier", "cv_brier_raw",
                 "cv_ece", "default_rate", "refused_share")
_POSITIVE_METRICS = ("cv_auc_fold_sd", "business_cost", "cost_accept_all", "cost_refuse_all",
                     "cost_at_0.5", "fit_seconds_per_fold")
_SHA256 = re.compile(r"[0-9a-f]{64}")

__all__ = ["ACCEPT_ALL", "CLIENTS_FILE", "FEATURES_FILE", "FORMAT", "FORMAT_VERSION",
           "MANIFEST", "MODEL_FILE", "SCORES_FILE", "check_manifest", "check_scores"]


# ------------------------------------------------------------------------------ helpers
def _show(value) -> str:
    """``value`` as bundle.json writes it, shortened."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class _Checks:
    def __init__(self, manifest: dict, bundle: Path):
        self.m = manifest
        self.bundle = bundle

    def fail(self, key: str, value, expected: str) -> BundleError:
        return BundleError(f"{key} is {_show(value)}, expected {expected}", self.bundle,
                           MANIFEST)

    def missing(self, key: str, expected: str) -> BundleError:
        return BundleError(f"no {key}, expected {expected}", self.bundle, MANIFEST)

    def get(self, record: dict, key: str, name: str, expected: str):
        if key not in record:
            raise self.missing(name, expected)
        return record[key]

    def number(self, value, name: str, low=-math.inf, high=math.inf, low_open=False,
               expected: str | None = None, integer=False) -> float:
        kind = "a whole number" if integer else "a number"
        if expected is None:
            expected = kind
            if low > -math.inf and high < math.inf:
                expected += f" from {low:g} to {high:g}"
            elif low > -math.inf:
                expected += f" {'>' if low_open else '>='} {low:g}"
        ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
              and math.isfinite(value) and (not integer or float(value).is_integer()))
        if not ok or value < low or value > high or (low_open and value == low):
            raise self.fail(name, value, expected)
        return float(value)

    def text(self, value, name: str, expected="a non-empty text") -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(name, value, expected)
        return value

    def names(self, value, name: str, empty=False) -> list[str]:
        expected = f"a{'' if empty else ' non-empty'} list of distinct names (texts)"
        if (not isinstance(value, list) or (not value and not empty)
                or not all(isinstance(v, str) and v for v in value)):
            raise self.fail(name, value, expected)
        seen = set()
        for v in value:
            if v in seen:
                raise self.fail(name, value, f"{expected}; {v!r} is there twice")
            seen.add(v)
        return value

    def record(self, value, name: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(name, value, "a JSON object")
        return value


# ------------------------------------------------------------------------------ manifest
def check_manifest(manifest: dict, bundle) -> None:
    """Raise :class:`BundleError` (naming ``bundle``'s manifest, the key, the value found
    and what was expected) at the first value of ``manifest`` that the product cannot use.
    Format, version and checksum are checked by the reader before."""
    c = _Checks(manifest, Path(bundle))
    _decision(c)
    features = _features(c)
    files = _files(c)
    _client_tables(c, features, files)
    _calibration(c)
    _metrics(c)


def _decision(c: _Checks) -> None:
    m = c.m
    threshold = c.number(c.get(m, "threshold", "threshold", "a probability from 0 to 1"),
                         "threshold", 0.0, ACCEPT_ALL,
                         expected="a probability from 0 to 1 (the refusal threshold)")
    costs = {}
    for key in ("cost_fn", "cost_fp"):
        costs[key] = c.number(c.get(m, key, key, "a finite cost >= 0"), key, 0.0,
                              expected="a finite cost >= 0")
    if costs["cost_fn"] == 0 and costs["cost_fp"] == 0:
        raise BundleError("cost_fn and cost_fp are both 0, expected at least one positive "
                          "cost", c.bundle, MANIFEST)
    choice = m.get("threshold_choice")
    if choice is not None:  # what the build chose: the threshold and costs must be those
        c.record(choice, "threshold_choice")
        for key, value in (("threshold", threshold), *costs.items()):
            if key in choice and choice[key] != value:
                raise c.fail(f"threshold_choice.{key}", choice[key],
                             f"the manifest's {key} {_show(value)} (the value the build "
                             f"chose): one of them was edited")
    params = m.get("params")
    if isinstance(params, dict):
        for key, value in costs.items():
            if key in params and params[key] != value:
                raise c.fail(f"params.{key}", params[key],
                             f"the manifest's {key} {_show(value)}: one of them was edited")


def _features(c: _Checks) -> list[str]:
    m = c.m
    features = c.names(c.get(m, "features", "features", "the model's feature names"),
                       "features")
    cats = c.names(c.get(m, "categorical_features", "categorical_features",
                         "a list of feature names"), "categorical_features", empty=True)
    unknown = [f for f in cats if f not in set(features)]
    if unknown:
        raise c.fail("categorical_features", cats,
                     f"names among the features; {unknown[0]!r} is not a feature")
    c.text(c.get(m, "missing_category", "missing_category",
                 "the model's text for a missing category"), "missing_category",
           "the model's text for a missing category")
    metadata = c.get(m, "feature_metadata", "feature_metadata",
                     "one record per feature")
    if not isinstance(metadata, list) or len(metadata) != len(features):
        raise c.fail("feature_metadata", metadata,
                     f"a list of {len(features)} records, one per feature, in feature order")
    for i, (record, name) in enumerate(zip(metadata, features)):
        key = f"feature_metadata[{i}]"
        c.record(record, key)
        if record.get("feature") != name:
            raise c.fail(f"{key}.feature", record.get("feature"),
                         f"{name!r}, feature {i} of features")
        for field, value in record.items():
            scalar = value is None or isinstance(value, (str, int, float, bool))
            if not scalar and not (isinstance(value, list)
                                   and all(isinstance(v, str) for v in value)):
                raise c.fail(f"{key}.{field}", value, "a text, a number or a list of texts")
    return features


def _files(c: _Checks) -> dict:
    files = c.record(c.get(c.m, "files", "files", "the size and sha256 of every file"),
                     "files")
    for rel, entry in files.items():
        path = PurePosixPath(rel)
        parts = path.parts
        if (not rel or path.is_absolute() or "\\" in rel or rel == MANIFEST
                or any(p in ("", ".", "..") or p.startswith(".") for p in parts)
                or str(path) != rel):
            raise c.fail("files", rel, "paths of files inside the bundle folder (relative, "
                         "no '..', no hidden name)")
        c.record(entry, f"files[{rel!r}]")
        c.number(entry.get("size"), f"files[{rel!r}].size", 0, integer=True)
        sha = entry.get("sha256")
        if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
            raise c.fail(f"files[{rel!r}].sha256", sha, "64 hexadecimal digits")
    for required in (MODEL_FILE, SCORES_FILE):
        if required not in files:
            raise c.fail("files", sorted(files), f"a list that names {required}")
    scores_file = c.m.get("scores_file", SCORES_FILE)
    if scores_file != SCORES_FILE:
        raise c.fail("scores_file", scores_file, _show(SCORES_FILE))
    return files


def _table_file(c: _Checks, layout: dict, name: str, files: dict) -> None:
    file = layout.get("file")
    if not isinstance(file, str) or file not in files:
        raise c.fail(f"{name}.file", file, "the name of a file listed in files (with its "
                     "sha256)")


def _client_tables(c: _Checks, features: list[str], files: dict) -> None:
    tables = c.record(c.get(c.m, "client_tables", "client_tables",
                            "the layout of the features and applications tables"),
                      "client_tables")
    name = "client_tables.features"
    layout = c.record(c.get(tables, "features", name, "the feature tiles' layout"), name)
    _table_file(c, layout, name, files)
    if layout.get("format") != "tiles":
        raise c.fail(f"{name}.format", layout.get("format"),
                     '"tiles" (an older bundle: rebuild it with `scoring build`)')
    rows = int(c.number(layout.get("rows"), f"{name}.rows", 0, integer=True))
    for key in ("tile_rows", "tile_columns"):
        c.number(layout.get(key), f"{name}.{key}", 1, integer=True)
    columns = c.names(layout.get("columns"), f"{name}.columns")
    if columns[0] != KEY:
        raise c.fail(f"{name}.columns", columns, f"{KEY} first, then the features")
    absent = [f for f in features if f not in set(columns)]
    if absent:
        raise c.fail(f"{name}.columns", columns, f"every feature; {absent[0]!r} is missing")
    kinds = layout.get("kinds")
    if not isinstance(kinds, list) or len(kinds) != len(columns):
        raise c.fail(f"{name}.kinds", kinds, f"a list of {len(columns)} kinds, one per column")
    for column, kind in zip(columns, kinds):
        if not _valid_kind(kind):
            raise c.fail(f"{name}.kinds", kind, f"a kind of column for {column!r} "
                         "(category, bool or a numpy integer or float type)")
    categories = c.record(layout.get("categories"), f"{name}.categories")
    for column, kind in zip(columns, kinds):
        key = f"{name}.categories[{column!r}]"
        if kind == "category":
            c.names(c.get(categories, column, key, "the category's levels"), key, empty=True)
    extra = [k for k in categories if k not in dict(zip(columns, kinds))
             or dict(zip(columns, kinds))[k] != "category"]
    if extra:
        raise c.fail(f"{name}.categories", sorted(categories),
                     f"levels of category columns only; {extra[0]!r} is not one")
    codec = layout.get("codec")
    import pyarrow as pa

    if not isinstance(codec, str) or not pa.Codec.is_available(codec):
        raise c.fail(f"{name}.codec", codec, "a compression codec of pyarrow (zstd)")

    name = "client_tables.applications"
    layout = c.record(c.get(tables, "applications", name, "the application table's layout"),
                      name)
    _table_file(c, layout, name, files)
    c.number(layout.get("rows"), f"{name}.rows", rows, rows, integer=True,
             expected=f"{rows}, the rows of the features table")
    c.number(layout.get("batch_rows"), f"{name}.batch_rows", 1, integer=True)
    columns = c.names(layout.get("columns"), f"{name}.columns")
    if KEY not in columns:
        raise c.fail(f"{name}.columns", columns, f"a list with {KEY}")


def _valid_kind(kind) -> bool:
    if kind in ("category", "bool"):
        return True
    if not isinstance(kind, str):
        return False
    try:
        return np.dtype(kind).kind in "iuf"
    except TypeError:
        return False


def _calibration(c: _Checks) -> None:
    record = c.record(c.get(c.m, "calibration", "calibration", "the calibration"),
                      "calibration")
    method = record.get("method")
    if method not in CALIBRATIONS:
        raise c.fail("calibration.method", method, f"one of {', '.join(CALIBRATIONS)}")
    if method == "platt":
        for key in ("a", "b"):
            c.number(record.get(key), f"calibration.{key}")
    elif method == "isotonic":
        x, y = record.get("x"), record.get("y")
        for key, values in (("x", x), ("y", y)):
            if not isinstance(values, list) or not values:
                raise c.fail(f"calibration.{key}", values, "a non-empty list of numbers")
        if len(x) != len(y):
            raise c.fail("calibration.y", y, f"{len(x)} numbers, as many as calibration.x")
        for i, value in enumerate(x):
            c.number(value, f"calibration.x[{i}]")
        for i, value in enumerate(y):
            c.number(value, f"calibration.y[{i}]", 0, 1)
        if any(b < a for a, b in zip(x, x[1:])):
            raise c.fail("calibration.x", x, "numbers in increasing order")


def _metrics(c: _Checks) -> None:
    metrics = c.record(c.get(c.m, "metrics", "metrics", "the cross-validated metrics"),
                       "metrics")
    c.text(c.get(metrics, "model", "metrics.model", "the retained model's name"),
           "metrics.model")
    c.number(c.get(metrics, "cv_auc", "metrics.cv_auc", "the cross-validated AUC"),
             "metrics.cv_auc", 0, 1)
    for key in _UNIT_METRICS + _POSITIVE_METRICS + ("folds", "n_train"):
        value = metrics.get(key)
        if value is None:  # absent, or not computed (NaN is written as null)
            continue
        if key in _UNIT_METRICS:
            c.number(value, f"metrics.{key}", 0, 1)
        elif key == "folds":
            c.number(value, f"metrics.{key}", 2, integer=True)
        elif key == "n_train":
            c.number(value, f"metrics.{key}", 1, integer=True)
        else:
            c.number(value, f"metrics.{key}", 0)
    candidates = c.m.get("candidates")
    if candidates is not None:
        if not isinstance(candidates, list) or not all(isinstance(r, dict)
                                                       for r in candidates):
            raise c.fail("candidates", candidates, "a list of records, one per model")
        c.names([r.get("model") for r in candidates], "candidates[].model", empty=True)


# ------------------------------------------------------------------------------ scores
def check_scores(scores: pd.DataFrame, manifest: dict, bundle) -> None:
    """Raise :class:`BundleError` naming ``scores.parquet`` unless the precomputed scores
    (indexed by SK_ID_CURR) are one row per client of the client tables, sorted, with a
    probability from 0 to 1 and the decision that the manifest's threshold gives."""
    bundle = Path(bundle)

    def fail(detail: str) -> BundleError:
        return BundleError(detail, bundle, SCORES_FILE)

    missing = [c for c in ("SAMPLE", TARGET, "PROBA", "DECISION") if c not in scores]
    if scores.index.name != KEY or missing:
        raise fail(f"expected the columns {KEY}, SAMPLE, {TARGET}, PROBA and DECISION; "
                   f"missing {', '.join(([KEY] if scores.index.name != KEY else []) + missing)}")
    rows = manifest["client_tables"]["features"]["rows"]
    if len(scores) != rows:
        raise fail(f"{len(scores):,d} clients, expected {rows:,d} as in the client tables "
                   f"(bundle.json's client_tables)")
    ids = scores.index
    if not (ids.is_unique and ids.is_monotonic_increasing):
        raise fail(f"expected one row per client, sorted by {KEY}")
    proba = pd.to_numeric(scores["PROBA"], errors="coerce").to_numpy(np.float64, na_value=np.nan)
    bad = ~((proba >= 0) & (proba <= 1))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        value = scores["PROBA"].iloc[i]
        raise fail(f"column PROBA: {int(bad.sum()):,d} value(s) that are not probabilities "
                   f"from 0 to 1, e.g. {_show(getattr(value, 'item', lambda: value)())} for "
                   f"client {ids[i]}")
    decision = scores["DECISION"].astype(object).to_numpy()
    known = np.isin(decision, DECISIONS)
    if not known.all():
        i = int(np.flatnonzero(~known)[0])
        raise fail(f"column DECISION: {int((~known).sum()):,d} value(s) other than "
                   f"{GRANTED!r} and {REFUSED!r}, e.g. {decision[i]!r} for client {ids[i]}")
    threshold = float(manifest["threshold"])
    expected = decide(proba, threshold)
    wrong = decision != expected
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise fail(f"{int(wrong.sum()):,d} client(s) whose DECISION is not the one that "
                   f"bundle.json's threshold {threshold!r} gives (refused when PROBA >= "
                   f"threshold), e.g. client {ids[i]}: PROBA {float(proba[i])!r}, DECISION "
                   f"{decision[i]!r}: the threshold or the scores were changed after the "
                   f"build")
