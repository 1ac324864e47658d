"""Layer 3: training (:mod:`.training`), the build pipeline (:mod:`.pipeline`) and the report
figures (:mod:`.report`); the bundle format itself is its own package, :mod:`scoring_lib.bundle`.

* :mod:`.training` — ``inputs`` (the feature frame, :class:`FeatureFrameError`), ``cost``
  (business cost, exact threshold search), ``metrics``, ``calibration``, ``estimators``,
  ``cv`` (K-fold OOF), ``train`` (selection, final fit, client scores), ``trainer``
  (:class:`Trainer`: the training sequence, one method per step, that the modelling
  notebook, the tests and the benchmarks call);
* :mod:`.pipeline` — ``build`` (``scoring build`` / ``scoring demo``: features, papermill,
  bundle) and ``fingerprint`` (data and code fingerprints);
* :mod:`.report` — ``eda`` and ``plots``: frames and matplotlib figures of the report notebooks;
* :mod:`scoring_lib.bundle` — write and load ``artifacts/<name>/`` (:class:`BundleError`).

Nothing is imported with the package itself: each public name below is imported from its
module on first use (PEP 562 ``__getattr__``), so that ``from scoring_lib.model import X``
keeps working while ``from scoring_lib.bundle import load_bundle`` (what a dashboard process
needs) does not import scikit-learn through the training modules. Heavy imports (catboost,
papermill, matplotlib) happen inside the functions that need them.
"""

from __future__ import annotations

import importlib

#: where each public name lives
_NAMES = {
    "scoring_lib.bundle.store": ("Bundle", "ClientRecord", "load_bundle", "verify_bundle"),
    "scoring_lib.bundle.errors": ("BundleError", "FeatureFrameError"),
    ".training.calibration": ("Calibrator", "choose_calibration", "compare_calibration",
                              "cross_fit"),
    ".training.cost": ("ThresholdChoice", "best_threshold", "business_cost", "cost_curve",
                       "reference_costs"),
    ".training.cv": ("CVResult", "cross_validate", "make_folds"),
    ".training.estimators": ("LABELS", "CatBoostModel", "candidate_models"),
    ".training.inputs": ("ModelData", "check_feature_frame", "read_feature_frame",
                         "sample_training"),
    ".training.metrics": ("classification_metrics", "expected_calibration_error",
                          "reliability_table"),
    ".training.trainer": ("Trainer",),
    ".training.train": ("Selection", "candidates_table", "decide", "fit_final",
                        "load_training_data", "score_clients", "select_model",
                        "summary_metrics", "threshold_for", "training_record"),
}
_MODULE_OF = {name: module for module, names in _NAMES.items() for name in names}
#: the modules that lived in this package before it was split (``from scoring_lib.model
#: import plots`` keeps working; ``scoring_lib.model.plots`` as a dotted path does not)
_MOVED = {
    "bundle": "scoring_lib.bundle.store",
    **{name: f"scoring_lib.bundle.{name}" for name in ("errors", "manifest", "tiles")},
    **{name: f".training.{name}" for name in ("calibration", "cost", "cv", "estimators",
                                              "inputs", "metrics", "train")},
    **{name: f".pipeline.{name}" for name in ("build", "fingerprint")},
    **{name: f".report.{name}" for name in ("eda", "plots")},
}

__all__ = [
    "LABELS",
    "Bundle",
    "BundleError",
    "CVResult",
    "Calibrator",
    "CatBoostModel",
    "ClientRecord",
    "FeatureFrameError",
    "ModelData",
    "Selection",
    "ThresholdChoice",
    "Trainer",
    "best_threshold",
    "business_cost",
    "candidate_models",
    "candidates_table",
    "check_feature_frame",
    "choose_calibration",
    "classification_metrics",
    "compare_calibration",
    "cost_curve",
    "cross_fit",
    "cross_validate",
    "decide",
    "expected_calibration_error",
    "fit_final",
    "load_bundle",
    "load_training_data",
    "make_folds",
    "read_feature_frame",
    "reference_costs",
    "reliability_table",
    "sample_training",
    "score_clients",
    "select_model",
    "summary_metrics",
    "threshold_for",
    "training_record",
    "verify_bundle",
]


def __getattr__(name: str):
    if name in _MOVED:
        return importlib.import_module(_MOVED[name], __name__)
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # the next access does not come back here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
