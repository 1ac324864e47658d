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

Heavy imports (catboost, papermill, matplotlib) happen inside the functions that need them.
"""

from .bundle import Bundle, ClientRecord, load_bundle, verify_bundle
from .calibration import Calibrator, choose_calibration, compare_calibration, cross_fit
from .cost import (ThresholdChoice, best_threshold, business_cost, cost_curve,
                   reference_costs)
from .cv import CVResult, cross_validate, make_folds
from .errors import BundleError, FeatureFrameError
from .estimators import LABELS, CatBoostModel, candidate_models
from .inputs import ModelData, check_feature_frame, read_feature_frame, sample_training
from .metrics import classification_metrics, expected_calibration_error, reliability_table
from .train import (Selection, candidates_table, decide, fit_final, load_training_data,
                    score_clients, select_model, summary_metrics, threshold_for,
                    training_record)

__all__ = ["LABELS", "Bundle", "BundleError", "CVResult", "Calibrator", "CatBoostModel",
           "ClientRecord", "FeatureFrameError", "ModelData", "Selection", "ThresholdChoice",
           "best_threshold", "business_cost", "candidate_models", "candidates_table",
           "check_feature_frame",
           "choose_calibration", "classification_metrics", "compare_calibration",
           "cost_curve", "cross_fit", "cross_validate", "decide", "expected_calibration_error",
           "fit_final", "load_bundle", "load_training_data", "make_folds", "read_feature_frame",
           "reference_costs", "reliability_table", "sample_training", "score_clients",
           "select_model", "summary_metrics", "threshold_for", "training_record",
           "verify_bundle"]
