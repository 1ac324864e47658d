"""Layer 3: training, cross-validation, business cost and threshold, calibration, bundle I/O.

Modules, each small and named after what it holds:

* :mod:`.inputs` — the feature frame, checked before any training (:class:`FeatureFrameError`);
* :mod:`.cost` — business cost and the exact O(n log n) threshold search;
* :mod:`.metrics`, :mod:`.calibration` — scores of probabilities, leak-free calibration;
* :mod:`.estimators`, :mod:`.cv` — the candidate models and the K-fold runner (OOF);
* :mod:`.train` — selection, final fit, client scores;
* :mod:`.bundle` — write and load ``artifacts/<name>/`` (:class:`BundleError`);
* :mod:`.build` — ``scoring build`` / ``scoring demo`` (features, papermill, bundle);
* :mod:`.eda`, :mod:`.plots` — frames and matplotlib figures of the report notebooks.

Nothing is imported with the package itself: each name below is imported from its module on
first use (PEP 562 ``__getattr__``), so that ``from scoring_lib.model.bundle import
load_bundle`` (what a dashboard process needs) does not import scikit-learn through the
training modules. Heavy imports (catboost, papermill, matplotlib) happen inside the functions
that need them.
"""

from __future__ import annotations

import importlib

#: where each public name lives
_NAMES = {
    "bundle": ("Bundle", "ClientRecord", "load_bundle", "verify_bundle"),
    "calibration": ("Calibrator", "choose_calibration", "compare_calibration", "cross_fit"),
    "cost": ("ThresholdChoice", "best_threshold", "business_cost", "cost_curve",
             "reference_costs"),
    "cv": ("CVResult", "cross_validate", "make_folds"),
    "errors": ("BundleError", "FeatureFrameError"),
    "estimators": ("LABELS", "CatBoostModel", "candidate_models"),
    "inputs": ("ModelData", "check_feature_frame", "read_feature_frame", "sample_training"),
    "metrics": ("classification_metrics", "expected_calibration_error", "reliability_table"),
    "train": ("Selection", "candidates_table", "decide", "fit_final", "load_training_data",
              "score_clients", "select_model", "summary_metrics", "threshold_for",
              "training_record"),
}
_MODULE_OF = {name: module for module, names in _NAMES.items() for name in names}

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
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # the next access does not come back here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
