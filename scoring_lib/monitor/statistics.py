"""The model statistics a bundle keeps (``model_view.json``), computed once at build time so
that no page waits for them, and read back by the model tab and ``scoring monitor``.

What it holds (JSON, version :data:`VERSION`):

* ``importance``: mean |SHAP| (log-odds) per variable a person knows, on a sample of
  training clients, the features' SHAP values summed by group first
  (:class:`scoring_lib.explain.grouping.Grouper`), largest first;
* ``curves``: ROC, precision-recall, the operating point, calibration, score distributions
  by outcome (:mod:`.curves`), all on the **out-of-fold** probabilities of the training
  clients (``PROBA_OOF``);
* ``thresholds``: a grid of thresholds with the bank's own at ``bank_index``, the cost and
  approval rate at each, and ``cells``: each fairness group's four counts at each
  threshold (:mod:`.fairness`) — what the page's threshold slider simulates from;
* ``fairness``: the fairness table at the bank's threshold, with bootstrap intervals;
* ``reference``: the fixed bins of the score and of every model feature over the training
  population (:func:`.drift.reference_profile`), what ``scoring monitor`` compares with.

A bundle without the file still opens (the file is optional, listed in ``bundle.json`` with
its checksum like any other when present): :func:`read_model_view` then returns None and
the page says how to rebuild.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.schema import KEY, TARGET
from .curves import (calibration_curve, cost_by_threshold, operating_point, pr_curve,
                     roc_curve, score_distributions, threshold_grid)
from .drift import reference_profile
from .fairness import cell_counts, cells_at_thresholds, fairness_table, protected_groups

MODEL_VIEW_FILE = "model_view.json"
VERSION = 1
SHAP_ROWS = 2000

__all__ = ["MODEL_VIEW_FILE", "VERSION", "build_model_view", "global_importance",
           "model_view", "read_model_view", "write_model_view"]


def global_importance(shap_values: np.ndarray, features, metadata: pd.DataFrame) -> list[dict]:
    """Mean |SHAP| per variable group: ``shap_values`` (clients x features, log-odds, the
    expected-value column dropped) summed by group per client, then the mean of the
    absolute sums. One record per group (``group, label_fr, label_en, mean_abs_shap,
    n_features``), largest first."""
    from ..explain.grouping import Grouper

    grouper = Grouper(metadata, list(features))
    values = np.asarray(shap_values, dtype=np.float64)
    sums = np.zeros((values.shape[0], grouper.n_groups))
    np.add.at(sums.T, grouper.codes, values.T)
    mean_abs = np.abs(sums).mean(axis=0)
    first = {c: i for i, c in reversed(list(enumerate(grouper.codes)))}
    order = np.lexsort((grouper.groups.astype(str), -mean_abs))
    return [{"group": str(grouper.groups[g]),
             "label_fr": str(grouper.per_group["group_label_fr"][first[g]]),
             "label_en": str(grouper.per_group["group_label_en"][first[g]]),
             "mean_abs_shap": float(mean_abs[g]), "n_features": int(grouper.n_features[g])}
            for g in order.tolist()]


def model_view(scores: pd.DataFrame, applications: pd.DataFrame, threshold: float,
               cost_fn: float, cost_fp: float, profile: dict | None = None,
               importance: list | None = None, seed: int = 0) -> dict:
    """Everything but the importance and the reference (given: ``importance``,
    ``profile``) from the bundle's ``scores`` (indexed or keyed by SK_ID_CURR, with
    TARGET and PROBA_OOF) and ``applications`` (for the fairness groups)."""
    if scores.index.name != KEY:
        scores = scores.set_index(KEY)
    oof = scores[scores["PROBA_OOF"].notna() & scores[TARGET].notna()]
    if not len(oof):
        raise ValueError("scores: no client has an out-of-fold probability (PROBA_OOF); "
                         "the model statistics need the cross-validation of a build")
    y = oof[TARGET].to_numpy().astype(np.int64)
    p = oof["PROBA_OOF"].to_numpy(dtype=np.float64)
    apps = applications.set_index(KEY) if applications.index.name != KEY else applications
    groups = protected_groups(apps.reindex(oof.index))
    grid = threshold_grid(p, threshold)
    bank = int(np.flatnonzero(grid == threshold)[0])
    cells = cells_at_thresholds(y, p, groups, grid)
    table = cell_counts(y, p >= threshold, groups)
    return {
        "version": VERSION,
        "n_oof": int(len(y)),
        "threshold": float(threshold), "cost_fn": float(cost_fn), "cost_fp": float(cost_fp),
        "importance": importance,
        "curves": {"roc": roc_curve(y, p), "pr": pr_curve(y, p),
                   "operating_point": operating_point(y, p, threshold),
                   "calibration": calibration_curve(y, p),
                   "distributions": score_distributions(y, p)},
        "thresholds": {**cost_by_threshold(y, p, grid, cost_fn, cost_fp),
                       "bank_index": bank,
                       "groups": table[["attribute", "group"]].to_dict("records"),
                       "cells": cells.tolist()},
        "fairness": fairness_table(table, seed=seed).to_dict("records"),
        "reference": profile,
    }


def build_model_view(folder, features: pd.DataFrame, applications: pd.DataFrame,
                     feature_metadata: pd.DataFrame, cost_fn: float, cost_fp: float,
                     seed: int = 0,
                     shap_rows: int = SHAP_ROWS) -> dict:
    """The statistics of the bundle being built in ``folder`` (it holds ``model.cbm``,
    ``scores.parquet`` and the training record ``training.json``: see
    :func:`scoring_lib.bundle.store.write_training_outputs`); ``features``: the feature
    frame of every client (SK_ID_CURR as a column or the index); ``feature_metadata``: its
    metadata frame; ``cost_fn``, ``cost_fp``: the build's cost weights. Returns the dict,
    with the seconds of each part in ``["seconds"]``."""
    from catboost import CatBoostClassifier, Pool

    from ..bundle.manifest import MODEL_FILE, SCORES_FILE
    from ..bundle.store import TRAINING_FILE
    from ..model.training.estimators import catboost_frame

    folder = Path(folder)
    seconds = {}
    start = time.perf_counter()
    training = json.loads((folder / TRAINING_FILE).read_text())
    names, categorical = training["features"], training["categorical_features"]
    scores = pd.read_parquet(folder / SCORES_FILE).set_index(KEY)
    if features.index.name != KEY:
        features = features.set_index(KEY)
    train_ids = scores.index[scores["SAMPLE"].astype(str) == "train"]
    positions = features.index.get_indexer(train_ids)
    if (positions < 0).any():
        raise ValueError(f"features: no row for {int((positions < 0).sum())} training "
                         "client(s) of the scores")
    profile = reference_profile(features, scores.loc[train_ids, "PROBA"], categorical,
                                columns=names, rows=positions)
    seconds["reference"] = time.perf_counter() - start

    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(positions, min(shap_rows, len(positions)), replace=False))
    model = CatBoostClassifier()
    model.load_model(str(folder / MODEL_FILE), format="cbm")
    X = catboost_frame(features.iloc[sample][names], categorical)
    shap = model.get_feature_importance(Pool(X, cat_features=categorical),
                                        type="ShapValues")[:, :-1]
    importance = global_importance(shap, names, feature_metadata)
    seconds["importance"] = time.perf_counter() - start

    start = time.perf_counter()
    view = model_view(scores, applications, training["threshold"], cost_fn, cost_fp,
                      profile, importance, seed)
    seconds["curves_fairness"] = time.perf_counter() - start
    view["seconds"] = {k: round(v, 2) for k, v in seconds.items()}
    return view


def write_model_view(folder, view: dict) -> Path:
    """Write ``view`` as ``model_view.json`` into the bundle folder being built."""
    from ..bundle.store import jsonable

    path = Path(folder) / MODEL_VIEW_FILE
    path.write_text(json.dumps(jsonable(view), separators=(",", ":"), allow_nan=False))
    return path


def read_model_view(bundle) -> dict | None:
    """The statistics of ``bundle`` (a :class:`~scoring_lib.bundle.store.Bundle` or a
    folder), or None when the bundle has none (built before they existed). The file's
    checksum is that of ``bundle.json`` (checked when the bundle was loaded)."""
    path = Path(getattr(bundle, "path", bundle))
    manifest = getattr(bundle, "manifest", None)
    if manifest is not None and MODEL_VIEW_FILE not in (manifest.get("files") or {}):
        return None
    file = path / MODEL_VIEW_FILE
    if not file.is_file():
        return None
    view = json.loads(file.read_text())
    if view.get("version") != VERSION:
        return None
    return view


def at_threshold(view: dict, index: int, n_boot: int = 200, seed: int = 0) -> dict:
    """What the threshold ``index`` of the grid of ``view`` (:func:`model_view`) does, on
    the out-of-fold clients: ``threshold``, ``approval_rate``, ``cost`` (per client),
    ``accept_all``, ``refuse_all``, the confusion counts and rates (``tpr``, ``fpr``,
    ``precision``, ``fnr``: defaulters granted), ``is_bank`` and the fairness table
    (:func:`.fairness.fairness_table`, ``n_boot`` replicates) as records."""
    from .fairness import CELLS

    grid = view["thresholds"]
    if not 0 <= int(index) < len(grid["threshold"]):
        raise ValueError(f"index must be from 0 to {len(grid['threshold']) - 1}, got {index}")
    index = int(index)
    cells = np.asarray(grid["cells"], dtype=np.int64)[:, index, :]
    groups = pd.DataFrame(grid["groups"])
    first = (groups["attribute"] == groups["attribute"].iloc[0]).to_numpy()
    gg, gb, rg, rb = (int(v) for v in cells[first].sum(axis=0))  # one attribute: everybody
    table = fairness_table(pd.concat([groups, pd.DataFrame(cells, columns=list(CELLS))],
                                     axis=1), n_boot=n_boot, seed=seed)

    def share(a, b):
        return a / b if b else float("nan")

    return {"index": index, "threshold": float(grid["threshold"][index]),
            "is_bank": index == int(grid["bank_index"]),
            "approval_rate": float(grid["approval_rate"][index]),
            "cost": float(grid["cost"][index]),
            "accept_all": float(grid["accept_all"]), "refuse_all": float(grid["refuse_all"]),
            "granted_good": gg, "granted_bad": gb, "refused_good": rg, "refused_bad": rb,
            "tpr": share(rb, gb + rb), "fnr": share(gb, gb + rb), "fpr": share(rg, gg + rg),
            "precision": share(rb, rg + rb), "fairness": table.to_dict("records")}
