"""Matplotlib figures of the report notebooks (EDA, model comparison, calibration, cost).

Each ``plot_*`` takes the frames of :mod:`.eda`, :mod:`.cv`, :mod:`.cost` or
:mod:`.metrics` and returns a closed ``matplotlib.figure.Figure`` (a notebook displays it
when it is a cell's last expression; nothing is shown twice). No business logic here.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ...data.schema import TARGET
from .eda import readable_column
from ..training.metrics import reliability_table

COLORS = {0: "#4C72B0", 1: "#C44E52"}
__all__ = ["plot_calibration", "plot_category_default_rates", "plot_coverage",
           "plot_cost_curve", "plot_distributions_by_outcome", "plot_missing",
           "plot_grouped_shap_summary", "plot_model_comparison", "plot_score_distribution",
           "plot_shap_summary", "plot_target_balance"]


def _figure(nrows=1, ncols=1, size=(7, 4)):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(nrows, ncols, figsize=size, squeeze=False, layout="constrained")
    plt.close(fig)
    return fig, axes


def plot_target_balance(balance: pd.DataFrame):
    fig, ax = _figure(size=(5, 3))
    ax = ax[0, 0]
    bars = ax.bar(balance.index.astype(str), balance["clients"], color=[COLORS[0], COLORS[1]])
    for bar, share in zip(bars, balance["share"]):
        ax.annotate(f"{share:.1%}", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom")
    ax.set_ylabel("training clients")
    ax.set_title("Target balance")
    return fig


def plot_missing(missing: pd.DataFrame, top: int = 30, title: str = "Missing values"):
    data = missing.head(top).iloc[::-1]
    fig, ax = _figure(size=(7, max(2.5, 0.22 * len(data) + 1)))
    ax = ax[0, 0]
    ax.barh(data.index, data["missing"], color="#8172B2", label="missing")
    if "sentinel" in data and data["sentinel"].gt(0).any():
        ax.barh(data.index, data["sentinel"], left=data["missing"], color="#CCB974",
                label="365243 (not applicable)")
        ax.legend(loc="lower right")
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of rows")
    ax.set_title(title)
    ax.tick_params(axis="y", labelsize=7)
    return fig


def plot_distributions_by_outcome(train: pd.DataFrame, columns, bins: int = 40, ncols: int = 3):
    columns = list(columns)
    nrows = int(np.ceil(len(columns) / ncols))
    fig, axes = _figure(nrows, ncols, size=(4 * ncols, 2.8 * nrows))
    y = train[TARGET].to_numpy()
    for ax, column in zip(axes.ravel(), columns):
        s = readable_column(train, column)
        lo, hi = s.quantile([0.005, 0.995])
        edges = np.linspace(lo, hi, bins + 1) if hi > lo else bins
        for t, label in ((0, "repaid"), (1, "defaulted")):
            values = s[(y == t) & s.notna().to_numpy()]
            ax.hist(values.clip(lo, hi), bins=edges, density=True, histtype="step", lw=1.5,
                    color=COLORS[t], label=label)
        ax.set_title(column, fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[len(columns):]:
        ax.set_visible(False)
    axes[0, 0].legend(fontsize=8)
    return fig


def plot_category_default_rates(tables: dict, overall: float):
    """``tables``: column → :func:`~.eda.default_rate_by_category` frame."""
    n = len(tables)
    ncols = 2
    nrows = int(np.ceil(n / ncols))
    fig, axes = _figure(nrows, ncols, size=(11, 2.8 * nrows))
    for ax, (column, table) in zip(axes.ravel(), tables.items()):
        data = table.head(12).iloc[::-1]
        ax.barh(data.index.astype(str), data["default_rate"], color=COLORS[1])
        ax.axvline(overall, color="grey", ls="--", lw=1)
        ax.set_title(f"{column}: default rate by level", fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig


def plot_coverage(coverage: pd.DataFrame):
    data = coverage[coverage["present"].astype(bool)]
    fig, axes = _figure(1, 2, size=(11, 3.2))
    axes[0, 0].barh(data.index, data["clients_covered"], color="#55A868")
    axes[0, 0].set_xlim(0, 1)
    axes[0, 0].set_title("Training clients with at least one row")
    pos = np.arange(len(data))
    axes[0, 1].barh(pos - 0.2, data["default_rate_with_rows"], height=0.4, label="with rows",
                    color=COLORS[1])
    axes[0, 1].barh(pos + 0.2, data["default_rate_without_rows"], height=0.4,
                    label="without rows", color="#CCB974")
    axes[0, 1].set_yticks(pos, data.index)
    axes[0, 1].set_title("Default rate")
    axes[0, 1].legend(fontsize=8)
    return fig


def plot_model_comparison(metrics: pd.DataFrame):
    """AUC (with the folds' standard deviation), business cost and fit time per model."""
    labels = metrics["label"] if "label" in metrics else metrics.index
    fig, axes = _figure(1, 3, size=(13, 0.45 * len(metrics) + 1.5))
    pos = np.arange(len(metrics))
    err = metrics["auc_fold_sd"] if "auc_fold_sd" in metrics else None
    axes[0, 0].barh(pos, metrics["auc"], xerr=err, color="#4C72B0")
    axes[0, 0].set_xlim(max(0.5, metrics["auc"].min() - 0.05), min(1, metrics["auc"].max() + 0.02))
    axes[0, 0].set_title("AUC (out-of-fold)")
    axes[0, 0].set_yticks(pos, labels)
    axes[0, 1].barh(pos, metrics["cost"], color="#C44E52")
    axes[0, 1].set_xlim(metrics["cost"].min() * 0.95, metrics["cost"].max() * 1.02)
    axes[0, 1].set_title("Business cost at its best threshold")
    axes[0, 1].set_yticks(pos, [])
    axes[0, 2].barh(pos, metrics["fit_seconds"], color="#8172B2")
    axes[0, 2].set_title("Fit time, all folds (s)")
    axes[0, 2].set_yticks(pos, [])
    return fig


def plot_calibration(y, probas: dict, bins: int = 10):
    """Reliability diagram: mean predicted probability vs observed default rate per bin
    (bins of equal size), one line per entry of ``probas`` (name → probabilities)."""
    fig, axes = _figure(1, 2, size=(11, 4))
    ax, hist = axes[0, 0], axes[0, 1]
    top = 0.0
    for name, p in probas.items():
        table = reliability_table(y, p, bins)
        ax.plot(table["mean_predicted"], table["observed_rate"], marker="o", label=name)
        top = max(top, table["mean_predicted"].max(), table["observed_rate"].max())
        hist.hist(p, bins=50, histtype="step", lw=1.5, label=name)
    ax.plot([0, top], [0, top], color="grey", ls="--", lw=1, label="perfect")
    ax.set_xlabel("mean predicted probability")
    ax.set_ylabel("observed default rate")
    ax.set_title("Reliability (bins of equal size)")
    ax.legend(fontsize=8)
    hist.set_yscale("log")
    hist.set_xlabel("predicted probability")
    hist.set_title("Distribution of the probabilities")
    return fig


def plot_cost_curve(curve: pd.DataFrame, references: pd.DataFrame, threshold: float,
                    xmax: float | None = None):
    """Business cost against the threshold (exact: every distinct score), with the chosen
    threshold and the reference policies."""
    fig, ax = _figure(size=(8, 4.2))
    ax = ax[0, 0]
    data = curve[curve["threshold"] <= 1.0]
    ax.step(data["threshold"], data["cost"], where="post", color="#4C72B0",
            label="cost (refuse if probability >= threshold)")
    best = references.loc["best threshold"]
    ax.scatter([threshold], [best["cost"]], color="#C44E52", zorder=3,
               label=f"best threshold {threshold:.3f}: cost {best['cost']:.4f}")
    for name, style in (("accept all", ":"), ("refuse all", "--"), ("threshold 0.5", "-.")):
        ax.axhline(references.loc[name, "cost"], color="grey", ls=style, lw=1,
                   label=f"{name}: {references.loc[name, 'cost']:.4f}")
    ax.set_xlim(0, xmax if xmax is not None else min(1.0, max(0.5, threshold * 3)))
    ax.set_ylim(0, references["cost"].max() * 1.05)
    ax.set_xlabel("threshold (probability of default)")
    ax.set_ylabel("average cost per client")
    ax.set_title("Business cost by threshold")
    ax.legend(fontsize=8, loc="upper right")
    return fig


def plot_score_distribution(scores: pd.DataFrame, threshold: float):
    """Calibrated probability of every client, by sample and known outcome."""
    fig, ax = _figure(size=(8, 3.5))
    ax = ax[0, 0]
    edges = np.linspace(0, min(1, scores["PROBA"].quantile(0.999) * 1.1), 60)
    groups = {"train, repaid": (scores["SAMPLE"] == "train") & (scores[TARGET] == 0),
              "train, defaulted": (scores["SAMPLE"] == "train") & (scores[TARGET] == 1),
              "test": scores["SAMPLE"] == "test"}
    for (name, mask), color in zip(groups.items(), (COLORS[0], COLORS[1], "#55A868")):
        if mask.any():
            ax.hist(scores.loc[mask, "PROBA"], bins=edges, density=True, histtype="step",
                    lw=1.5, label=name, color=color)
    ax.axvline(threshold, color="black", ls="--", lw=1, label=f"threshold {threshold:.3f}")
    ax.set_xlabel("calibrated probability of default (final model)")
    ax.legend(fontsize=8)
    return fig


def plot_shap_summary(shap_values, features: pd.DataFrame, kind: str = "beeswarm",
                      max_display: int = 20):
    """The model's global summary, drawn by ``shap``: the ``max_display`` features with the
    largest mean |SHAP value|, as a beeswarm (``kind="beeswarm"``: one dot per client, its
    SHAP value across, coloured by the feature's value; text columns grey) or as bars of the
    mean |SHAP value| (``kind="bar"``).

    ``shap_values``: CatBoost's SHAP matrix of ``features``' rows (log-odds), with or without
    its last column (the expected value), e.g. from ``Trainer.shap_sample``.
    """
    values = np.asarray(shap_values, dtype=np.float64)
    if values.ndim != 2 or len(values) != len(features) or values.shape[1] not in (
            features.shape[1], features.shape[1] + 1):
        raise ValueError(f"shap_values must be a rows x features (or features + 1) matrix "
                         f"of the {len(features):,d} x {features.shape[1]:,d} features, got "
                         f"shape {values.shape}")
    if kind not in ("beeswarm", "bar"):
        raise ValueError(f"kind must be 'beeswarm' or 'bar', got {kind!r}")
    values = values[:, :features.shape[1]]
    return _summary(values, _numbers(features), kind, max_display,
                    f"What the model relies on ({len(features):,d} clients)")


def _numbers(features: pd.DataFrame) -> pd.DataFrame:
    """The colours of a beeswarm: numbers as they are, text columns all-NaN (grey)."""
    return features.apply(lambda c: pd.to_numeric(c, errors="coerce")
                          if pd.api.types.is_numeric_dtype(c) else
                          pd.Series(np.nan, index=c.index)).astype(np.float64)


def _summary(values: np.ndarray, numbers: pd.DataFrame, kind: str, max_display: int,
             title: str):
    import matplotlib.pyplot as plt
    import shap

    fig = plt.figure(figsize=(8, 0.32 * max_display + 1.5))
    with warnings.catch_warnings():  # a text column has no colour: all-NaN, drawn grey
        warnings.simplefilter("ignore", RuntimeWarning)
        shap.summary_plot(values, numbers, plot_type="dot" if kind == "beeswarm" else "bar",
                          max_display=max_display, show=False, plot_size=None)
    ax = fig.axes[0]
    ax.set_xlabel("SHAP value (effect on the model's log-odds)" if kind == "beeswarm"
                  else "mean |SHAP value| (log-odds)")
    ax.set_title(title)
    plt.close(fig)
    return fig


def plot_grouped_shap_summary(shap_values, features: pd.DataFrame, metadata: pd.DataFrame,
                              kind: str = "beeswarm", max_display: int = 20):
    """:func:`plot_shap_summary` of the variables a person knows, as the dashboard's model
    tab ranks them: each client's SHAP values summed over the features of a variable
    (:class:`scoring_lib.explain.grouping.Grouper`, ``metadata``: the feature metadata),
    each dot coloured by the value of the variable's feature of largest mean |SHAP value|
    (its name in brackets when the variable has several)."""
    from ...explain.grouping import Grouper

    values = np.asarray(shap_values, dtype=np.float64)[:, :features.shape[1]]
    if kind not in ("beeswarm", "bar"):
        raise ValueError(f"kind must be 'beeswarm' or 'bar', got {kind!r}")
    grouper = Grouper(metadata, list(features.columns))
    sums = np.zeros((len(values), grouper.n_groups))
    np.add.at(sums.T, grouper.codes, values.T)
    weight = np.abs(values).mean(axis=0)
    numbers = _numbers(features)
    colours, names = {}, []
    for g in range(grouper.n_groups):
        members = np.flatnonzero(grouper.codes == g)
        top = members[np.argmax(weight[members])]
        label = str(grouper.per_group["group_label_en"][top])
        if len(members) > 1:
            label = f"{label} [{features.columns[top]}]"
        names.append(label)
        colours[label] = numbers.iloc[:, top].to_numpy()
    frame = pd.DataFrame(colours, index=features.index)[names]
    return _summary(sums, frame, kind, max_display,
                    f"What the model relies on, by variable ({len(features):,d} clients)")
