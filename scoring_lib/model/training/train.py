"""From cross-validation to the final model: selection, calibration, threshold, scores.

The lender's question is where to draw the line, so models are compared on the **business
cost at their own best threshold**, measured on **calibrated** out-of-fold probabilities
(each model with the calibration that suits it, cross-fitted: see
:mod:`scoring_lib.model.training.calibration`). AUC, PR-AUC and Brier score are reported beside it.

The bundle ships a CatBoost model (its own file format, native SHAP explanations), so
:func:`select_model` retains the best CatBoost variant and says plainly whether a baseline
beats it: ``beaten_by`` lists every baseline with both a lower cost and a higher AUC.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...decision import DECISIONS, decide
from .calibration import Calibrator, choose_calibration, compare_calibration, cross_fit
from .cost import best_threshold, reference_costs
from .cv import CVResult
from .estimators import LABELS
from .inputs import KEY, TARGET, ModelData, check_feature_frame, read_feature_frame

__all__ = ["Selection", "fit_final",
           "candidates_table", "load_training_data", "score_clients", "select_model",
           "summary_metrics", "threshold_for", "training_record"]


def load_training_data(path, folds: int = 5) -> tuple[ModelData, pd.DataFrame | None]:
    """Read and check a feature file: ``(ModelData, metadata frame or None)``.

    A file written by ``scoring features`` carries its feature metadata: any column it does
    not describe is refused as unexpected. A plain Parquet file (no metadata) is accepted
    when every feature column is numeric or categorical.
    """
    from ...features.cache import read_info
    from ...features.metadata import metadata_from_records

    info = read_info(path)
    frame = read_feature_frame(path)
    metadata = None if info is None else metadata_from_records(info["features"])
    features = None if metadata is None else list(metadata["feature"])
    return check_feature_frame(frame, folds=folds, features=features, path=path), metadata


@dataclass
class Selection:
    """What :func:`select_model` decided, and why."""

    retained: str                  # model name (a CatBoost variant)
    calibration: str               # method for the retained model
    calibrated: pd.DataFrame       # per model: its calibration and calibrated OOF metrics
    calibration_tables: dict = field(default_factory=dict)  # model -> compare_calibration
    beaten_by: list = field(default_factory=list)
    verdict: str = ""

    def proba(self, cv: CVResult) -> np.ndarray:
        """The retained model's calibrated (cross-fitted) out-of-fold probabilities."""
        return cross_fit(cv.get_oof(self.retained), cv.y, cv.fold, self.calibration)


def select_model(cv: CVResult, family: str = "catboost", ece_tolerance: float = 0.005) -> Selection:
    """Calibrate every model's OOF predictions, retain the best ``family`` variant.

    For each model, :func:`~.calibration.compare_calibration` measures
    ``none``, ``platt`` and ``isotonic``; :func:`~.calibration.choose_calibration`
    picks one (``ece_tolerance``: the calibration error below which raw probabilities are
    kept). The retained model is the ``family``
    variant with the lowest business cost (ties: the higher AUC).
    """
    tables, rows = {}, {}
    for name in cv.oof.columns:
        table = compare_calibration(cv.get_oof(name), cv.y, cv.fold, cv.cost_fn, cv.cost_fp)
        method = choose_calibration(table, ece_tolerance)
        tables[name] = table
        rows[name] = {"label": LABELS.get(name, name), "calibration": method,
                      **table.loc[method].to_dict(),
                      "brier_raw": float(table.loc["none", "brier"]),
                      "auc_raw": float(cv.metrics.loc[name, "auc"]),
                      "fit_seconds": float(cv.metrics.loc[name, "fit_seconds"])}
    calibrated = pd.DataFrame.from_dict(rows, orient="index")
    calibrated.index.name = "model"
    family_rows = calibrated[calibrated.index.str.startswith(family)]
    if family_rows.empty:
        raise ValueError(f"no {family} model among the cross-validated models "
                         f"({', '.join(cv.oof.columns)})")
    ranked = family_rows.sort_values(["cost", "auc_raw"], ascending=[True, False])
    retained = str(ranked.index[0])
    best = calibrated.loc[retained]
    others = calibrated[~calibrated.index.str.startswith(family)]
    beaten_by = [str(n) for n, r in others.iterrows()
                 if r["cost"] < best["cost"] and r["auc_raw"] > best["auc_raw"]]
    label = LABELS.get(retained, retained)
    if beaten_by:
        names = ", ".join(LABELS.get(n, n) for n in beaten_by)
        verdict = (f"{label} is retained for the bundle (CatBoost format, native "
                   f"explanations), but {names} beat{'s' if len(beaten_by) == 1 else ''} it "
                   f"on these folds (lower business cost and higher AUC).")
    else:
        closest = others.sort_values("cost").index[0] if len(others) else None
        verdict = f"{label} is retained: no baseline has both a lower cost and a higher AUC."
        if closest is not None:
            c = calibrated.loc[closest]
            verdict += (f" Closest baseline: {LABELS.get(closest, closest)} (cost "
                        f"{c['cost']:.4f} vs {best['cost']:.4f}, AUC {c['auc_raw']:.4f} vs "
                        f"{best['auc_raw']:.4f}).")
    return Selection(retained, str(best["calibration"]), calibrated, tables, beaten_by, verdict)


def fit_final(estimator, data: ModelData):
    """Fit ``estimator`` on every training row of ``data``; returns the fitted estimator."""
    return estimator.fit(data.X, data.y)


def score_clients(model, calibrator: Calibrator, data: ModelData, threshold: float,
                  oof: pd.Series | None = None) -> pd.DataFrame:
    """Probability and decision for every client of ``data`` (training and test).

    Columns: ``SK_ID_CURR`` (sorted), ``SAMPLE`` (``train`` / ``test``), ``TARGET``
    (missing for test clients), ``PROBA_RAW`` (the final model), ``PROBA`` (calibrated),
    ``DECISION`` (:data:`scoring_lib.decision.DECISIONS`: ``granted`` / ``refused`` at
    ``threshold``, :func:`scoring_lib.decision.decide`) and ``PROBA_OOF``: the
    calibrated out-of-fold probability of a training client (``oof``, indexed by
    SK_ID_CURR), the honest estimate for a client the final model has seen.
    """
    X = data.all_clients()
    raw = model.predict_proba(X)[:, 1]
    proba = calibrator.transform(raw)
    n_train = data.n_train
    out = pd.DataFrame({
        KEY: X.index.to_numpy(),
        "SAMPLE": pd.Categorical(["train"] * n_train + ["test"] * (len(X) - n_train),
                                 categories=["train", "test"]),
        TARGET: np.r_[data.y.astype(np.float64), np.full(len(X) - n_train, np.nan)],
        "PROBA_RAW": raw,
        "PROBA": proba,
        "DECISION": pd.Categorical(decide(proba, threshold), categories=list(DECISIONS)),
    })
    out["PROBA_OOF"] = (oof.reindex(out[KEY]).to_numpy() if oof is not None
                        else np.full(len(out), np.nan))
    return out.sort_values(KEY, kind="stable").reset_index(drop=True)


def summary_metrics(cv: CVResult, selection: Selection, threshold: float) -> dict:
    """The headline metrics of the bundle, all out-of-fold, for the retained model."""
    name = selection.retained
    proba = selection.proba(cv)
    row = selection.calibrated.loc[name]
    refs = reference_costs(cv.y, proba, cv.cost_fn, cv.cost_fp, threshold)
    m = cv.metrics.loc[name]
    return {
        "model": name,
        "folds": int(len(np.unique(cv.fold))),
        "n_train": int(len(cv.y)),
        "default_rate": float(np.mean(cv.y)),
        "cv_auc": float(m["auc"]),
        "cv_auc_fold_mean": float(m["auc_fold_mean"]),
        "cv_auc_fold_sd": float(m["auc_fold_sd"]),
        "cv_pr_auc": float(row["pr_auc"]),
        "cv_brier": float(row["brier"]),
        "cv_brier_raw": float(row["brier_raw"]),
        "cv_ece": float(row["ece"]),
        "calibration": selection.calibration,
        "business_cost": float(refs.loc["best threshold", "cost"]),
        "refused_share": float(refs.loc["best threshold", "refused"]),
        "cost_accept_all": float(refs.loc["accept all", "cost"]),
        "cost_refuse_all": float(refs.loc["refuse all", "cost"]),
        "cost_at_0.5": float(refs.loc["threshold 0.5", "cost"]),
        "fit_seconds_per_fold": float(m["fit_seconds_per_fold"]),
    }


def threshold_for(cv: CVResult, selection: Selection):
    """The exact best threshold on the retained model's calibrated OOF probabilities."""
    return best_threshold(cv.y, selection.proba(cv), cv.cost_fn, cv.cost_fp)


def candidates_table(cv: CVResult, selection: Selection) -> pd.DataFrame:
    """Every candidate's cross-validated metrics: ranking (raw OOF AUC, fold mean and sd),
    calibration (method, Brier before and after, ECE), business cost at its own best
    threshold on calibrated OOF probabilities, and fit time."""
    raw = cv.metrics[["label", "auc", "auc_fold_mean", "auc_fold_sd", "brier",
                      "fit_seconds", "fit_seconds_per_fold"]].rename(columns={"brier": "brier_raw"})
    cal = selection.calibrated[["calibration", "pr_auc", "brier", "ece", "log_loss", "cost",
                                "threshold", "refused", "cost_at_0.5"]]
    out = raw.join(cal)
    out["retained"] = out.index == selection.retained
    return out


def training_record(cv: CVResult, selection: Selection, choice, references: pd.DataFrame,
                    metrics: dict) -> dict:
    """What the modelling notebook records for the bundle manifest (JSON-ready)."""
    return {
        "metrics": metrics,
        "threshold_choice": choice.as_dict(),
        "reference_costs": references.reset_index().to_dict("records"),
        "candidates": candidates_table(cv, selection).reset_index().to_dict("records"),
        "selection": {"retained": selection.retained, "calibration": selection.calibration,
                      "beaten_by": list(selection.beaten_by), "verdict": selection.verdict},
    }
