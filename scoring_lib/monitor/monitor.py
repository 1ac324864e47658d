"""``scoring monitor``: new applications against the bundle's training population.

The new applications are a table of Kaggle files without TARGET (``application_test`` by
default) with their rows of the child tables, turned into features by the feature layer's
own :func:`scoring_lib.features.build_features` (only the new clients' child rows are kept,
table by table, so memory follows the new population, not the whole data folder), then
scored by the bundle's model. The reference is the training population's fixed bins, kept
in the bundle's ``model_view.json`` (:mod:`.statistics`); a bundle built before it existed
is profiled from its own tables (slower: the command says so).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.schema import BUREAU_KEY, KEY, TARGET, TABLE_NAMES
from .drift import drift_report, reference_profile
from .psi import ALPHA

DEFAULT_TABLE = "application_test"
APPLICATION_TABLES = ("application_test", "application_train")
CHUNK = 128  # feature columns profiled at a time from a bundle's tiles
CHILD_TABLES = tuple(t for t in TABLE_NAMES if not t.startswith("application"))
logger = logging.getLogger("scoring_lib.monitor")

__all__ = ["APPLICATION_TABLES", "DEFAULT_TABLE", "MonitorError", "add_labels", "data_files",
           "feature_labels", "new_features", "profile_of_bundle", "run_monitor"]


class MonitorError(ValueError):
    """Monitoring cannot run on these inputs (``str``: one sentence naming the file or
    argument, what was expected and what was found)."""


def data_files(data, table: str = DEFAULT_TABLE) -> dict:
    """The table files of the data folder ``data`` (``find_table_files``), checked to hold
    the new applications ``table`` (:class:`MonitorError` naming ``--data`` otherwise):
    cheap, so that a wrong folder is said before any profiling or loading."""
    from ..data.errors import DataError
    from ..data.loader import find_table_files

    if table not in APPLICATION_TABLES:
        raise MonitorError(f"--table must be one of {', '.join(APPLICATION_TABLES)}, got "
                           f"{table!r}")
    try:
        present = find_table_files(Path(data))
    except DataError as exc:
        raise MonitorError(f"--data {exc}") from None
    if table not in present:
        raise MonitorError(f"--data {data}: no {table} file (looked for {table}.csv, "
                           f".csv.zip, .parquet); the new applications are read from it")
    return present


def new_features(data, table: str = DEFAULT_TABLE) -> pd.DataFrame:
    """The features (indexed by SK_ID_CURR) of the applications of ``table`` in the data
    folder ``data``, from the child tables present there."""
    from ..data.loader import load_tables
    from ..features import build_features

    data = Path(data)
    present = data_files(data, table)
    apps = load_tables(data, tables=[table])[table]
    apps = apps.drop(columns=[TARGET], errors="ignore")
    apps.insert(1, TARGET, np.full(len(apps), np.nan))
    ids = pd.Index(apps[KEY].to_numpy())
    tables = {"application_train": apps.iloc[:0], "application_test": apps}
    credits = None
    for name in CHILD_TABLES:  # bureau comes before bureau_balance in TABLE_NAMES
        if name not in present:
            continue
        frame = load_tables(data, tables=[name])[name]
        if name == "bureau_balance":
            if credits is None:
                continue
            frame = frame[frame[BUREAU_KEY].isin(credits)]
        else:
            frame = frame[frame[KEY].isin(ids)]
        if name == "bureau":
            credits = pd.Index(frame[BUREAU_KEY].to_numpy())
        tables[name] = frame.reset_index(drop=True)
        del frame
    features = build_features(tables)
    return features.frame.set_index(KEY).drop(columns=[TARGET])


def profile_of_bundle(bundle) -> dict:
    """The reference profile of a bundle that has no ``model_view.json``: its training
    clients' features, read from the tiles ``CHUNK`` columns at a time (each tile
    decompressed once per chunk), and their scores."""
    scores = bundle.scores
    train = np.flatnonzero(scores["SAMPLE"].astype(str).to_numpy() == "train")
    names = bundle.feature_names
    tiles = bundle.features
    profile = {"n": int(len(train)), "features": {}}
    for start in range(0, len(names), CHUNK):
        columns = [KEY, *names[start:start + CHUNK]]
        chunk = tiles.frame(tiles.matrix(0, tiles.n_rows, columns), columns)
        part = reference_profile(chunk, categorical=bundle.categorical_features,
                                 rows=train)
        profile["features"].update(part["features"])
    profile["score"] = reference_profile(pd.DataFrame(index=scores.index[train]),
                                         scores["PROBA"].to_numpy()[train])["score"]
    return profile


def feature_labels(bundle) -> dict[str, tuple[str, str]]:
    """``{feature: (label_fr, label_en)}``: how a person knows each model variable (the
    features dictionary of :mod:`scoring_lib.explain`, from the bundle's feature metadata);
    empty (the reports then say the code names) for a bundle whose metadata gives no
    labels (logged)."""
    from ..explain import describe_features

    try:
        d = describe_features(bundle.feature_metadata)
    except (KeyError, ValueError) as exc:
        logger.warning("monitor: no labels for the features of %s (%s): code names are shown",
                       bundle.path, exc)
        return {}
    return dict(zip(d.index, zip(d["label_fr"], d["label_en"])))


def add_labels(report: dict, labels: dict[str, tuple[str, str]]) -> dict:
    """Give each feature record of ``report`` its ``label_fr`` and ``label_en`` (``feature``
    stays the code name); a feature without a label is left as it is."""
    for record in report["features"]:
        if record["feature"] in labels:
            record["label_fr"], record["label_en"] = labels[record["feature"]]
    return report


def run_monitor(bundle, data, table: str = DEFAULT_TABLE, alpha: float = ALPHA,
                log=None) -> dict:
    """The drift report (:func:`.drift.drift_report`) of the applications of ``table`` in
    ``data`` against the training population of ``bundle`` (a path or a loaded Bundle),
    with ``table``, ``data``, ``bundle``, ``reference_source`` ("model_view.json" or "the
    bundle's tables") and ``seconds`` added, and each feature's ``label_fr`` / ``label_en``
    (:func:`feature_labels`; ``feature`` is the code name)."""
    from ..bundle.store import Bundle, load_bundle
    from .statistics import MODEL_VIEW_FILE, read_model_view

    start = time.perf_counter()
    bundle = bundle if isinstance(bundle, Bundle) else load_bundle(bundle)
    data_files(data, table)  # a wrong --data is said before the profiling below
    view = read_model_view(bundle)
    if view is not None and view.get("reference"):
        profile, source = view["reference"], MODEL_VIEW_FILE
    else:
        if log:
            log(f"{bundle.path} has no {MODEL_VIEW_FILE}: profiling its training clients "
                "from its tables (rebuild it with `scoring build` to keep the profile)")
        profile, source = profile_of_bundle(bundle), "the bundle's tables"
    features = new_features(data, table)
    if not len(features):
        raise MonitorError(f"--data {data}: {table} holds no application")
    missing = [n for n in bundle.feature_names if n not in features.columns]
    if missing:
        raise MonitorError(f"--data {data}: {len(missing)} model feature(s) cannot be made "
                           f"from its files, e.g. {', '.join(missing[:3])}: the tables the "
                           f"bundle was trained with must all be there")
    X = features[bundle.feature_names]
    score = bundle.predict_proba(X)
    report = drift_report(profile, X, score, alpha)
    add_labels(report, feature_labels(bundle))
    report.update(table=table, data=str(Path(data)), bundle=str(bundle.path),
                  reference_source=source,
                  seconds=round(time.perf_counter() - start, 2))
    return report
