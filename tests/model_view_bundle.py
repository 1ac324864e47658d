"""A small bundle with out-of-fold predictions and its model statistics (``model_view.json``),
built once per test session (seconds) for the monitoring and model-tab tests.

Like ``test_scoring.build_tiny_bundle`` but cross-validated (2 folds, one small CatBoost),
so that the threshold is the business-cost optimum of the out-of-fold probabilities and the
statistics are those a ``scoring build`` writes.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from scoring_lib.data.synth import generate_tables
from scoring_lib.features import build_features


@functools.cache
def model_view_bundle(clients: int = 1500, test_clients: int = 400, seed: int = 3):
    """``(path, feature set, tables)`` of the bundle (a temporary folder, removed at exit)."""
    from scoring_lib.bundle.store import complete_bundle
    from scoring_lib.model.training.estimators import CatBoostModel
    from scoring_lib.model.training.inputs import check_feature_frame
    from scoring_lib.model.training.trainer import Trainer
    from scoring_lib.monitor.statistics import build_model_view, write_model_view

    folder = Path(tempfile.mkdtemp(prefix="model-view-bundle-"))
    atexit.register(shutil.rmtree, folder, True)
    tables = dict(generate_tables(clients, test_clients, seed=seed))
    fs = build_features(tables)
    trainer = Trainer(check_feature_frame(fs.frame, folds=2), folds=2, seed=seed)
    trainer.cross_validate({"catboost": CatBoostModel(iterations=40, depth=4,
                                                      thread_count=1)})
    trainer.choose()
    trainer.calibrate()
    trainer.choose_threshold()
    trainer.fit_final(CatBoostModel(iterations=40, depth=4, thread_count=1))
    trainer.score()
    staging = folder / "staging"
    trainer.write(staging)
    apps = pd.concat([tables["application_train"], tables["application_test"]],
                     ignore_index=True).drop(columns=["TARGET"])
    view = build_model_view(staging, fs.frame, apps, fs.metadata, 10.0, 1.0, seed=seed,
                            shap_rows=300)
    write_model_view(staging, view)
    out = complete_bundle(staging, folder / "mv", fs.frame, apps,
                          {"cost_fn": 10.0, "cost_fp": 1.0},
                          json.loads(fs.metadata.to_json(orient="records")))
    return out, fs, tables
