"""The Scorer: score, explain and compare one client of a bundle, fast and read-only.

    scorer = Scorer.from_bundle("artifacts/demo")      # verifies every file of the bundle
    scorer.score(100002)        # probability, decision, threshold, distance, risk band
    scorer.explain(100002)      # contributions (CatBoost SHAP, log-odds), groups, reasons
    scorer.similar_clients(100002, k=10)
    scorer.group({"gender": "F", "age": (30, 40)})
    scorer.compare(100002, reference={"gender": "F"})
    scorer.what_if(100002, {"AMT_CREDIT": 250000})   # scoring_lib.simulation: nothing written
    scorer.recourse(100002)     # up to 3 verified sets of changes that would get it granted

What it holds in memory (built once by ``from_bundle``): the scores of every client
(``scores.parquet``), a few descriptive application columns of every client
(:data:`DESCRIPTIVE_COLUMNS`, for groups, comparisons and similar clients), the neighbour
index (:class:`~scoring_lib.compare.NeighbourIndex`), the features dictionary (labels, units,
groups) and a sample of clients' numeric features, sorted, for the percentiles of the reason
sentences. It never loads every client's ~700 features: one client's features are read from
the bundle's tile file (:mod:`scoring_lib.model.tiles`: one ``pread`` of the client's row
block, about a millisecond), and the file is read, not memory-mapped, so that the pages of
the clients already seen do not pile up in the process's resident memory.

**Imports.** ``from scoring_lib.scoring import Scorer`` imports numpy, pandas and the
explain / compare layers only; loading a bundle adds pyarrow (Parquet, Arrow IPC) and
CatBoost, never scikit-learn, papermill or matplotlib (the model package's ``__init__`` is
lazy, and the bundle module imports the calibration or training modules only when a caller
uses them).

**Probability, decision, risk band.** The probability is the bundle's calibrated probability
of default; the client is refused when it is at or above the threshold (the bundle's, chosen
by business cost). ``distance`` = probability - threshold (positive: refused). The risk band
says how sure the decision is: ``"borderline"`` when the probability is within
:data:`BORDERLINE_WIDTH` (0.02, i.e. 2 percentage points) of the threshold (``threshold -
width <= probability < threshold + width``), else ``"low"`` (below) or ``"high"`` (above).
A borderline client may be granted or refused: the decision is the threshold's.

**Contributions** are CatBoost's own SHAP values (``get_feature_importance(type=
"ShapValues")``) in log-odds of the model's raw output: ``base_value + sum(contributions) ==
raw_output`` exactly, and ``sigmoid(raw_output)`` is the uncalibrated probability. The
calibration that maps it to the displayed probability is monotone, so a contribution that
raises the raw score raises the displayed probability too. ``Explanation.grouped["points"]``
says each group's effect on the displayed probability in percentage points, from the average
client's probability (``base_probability``, the calibrated probability of ``base_value``) to
the client's: an exact decomposition of the path (:mod:`scoring_lib.explain.probability`).

**Percentiles** in the reasons are those of the client's value among the clients whose value
is known (an average of late days is compared with the clients who have instalments), in a
sample of :data:`SAMPLE_ROWS` clients (runs of :data:`SAMPLE_RUN` consecutive clients evenly
spread over the sorted order; every client when there are fewer): with 16,384 clients the
standard error of a percentile is under half a point, finer than the whole percents the
sentences print. Comparisons
(:meth:`Scorer.compare`) use every client of the reference group.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .compare import (
    Comparison,
    ComparisonCache,
    NeighbourIndex,
    Recent,
    SimilarClients,
    SortedColumns,
    compare,
    group_mask,
    similar_clients,
)
from .compare.groups import DECISION, FILTERS, RISK_BAND
from .compare.neighbours import COLUMNS as NEIGHBOUR_COLUMNS
from .data.schema import DAYS_SENTINEL, KEY, SENTINEL_COLUMNS, TARGET
from .decision import (BORDERLINE_WIDTH, DECISIONS, GRANTED, RISK_BANDS, decide,
                       risk_band, risk_band_codes)
from .explain import Grouper, describe_features, reasons
from .explain.probability import ProbabilityMap, probability_effects
from .words import check_lang, colon, percent, score_sentence, tr

__all__ = ["BORDERLINE_WIDTH", "COMPARE_VARIABLES", "DESCRIPTIVE_COLUMNS", "KEY", "RISK_BANDS",
           "Explanation", "Score", "Scorer", "UnknownClientError", "risk_band"]
SAMPLE_ROWS = 16_384
SAMPLE_RUN = 1024
ROW_CACHE = 32
#: recourse options bring the probability to threshold * (1 - RECOURSE_MARGIN) or below
RECOURSE_MARGIN = 0.05
#: application columns kept in memory for every client
DESCRIPTIVE_COLUMNS = tuple(dict.fromkeys(
    [*NEIGHBOUR_COLUMNS, *(FILTERS[f][0] for f in FILTERS if f not in (DECISION, RISK_BAND))]))
#: default variables of :meth:`Scorer.compare`
COMPARE_VARIABLES = ("AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY", "DAYS_BIRTH",
                     "EXT_SOURCE_3", "probability")


class UnknownClientError(KeyError):
    """The client id is not in the bundle. ``client_id``: the id asked for."""

    def __init__(self, client_id):
        self.client_id = client_id
        super().__init__(f"unknown client: {KEY} {client_id!r} is not in this bundle")

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class Score:
    client_id: int
    probability: float   # calibrated probability of default
    decision: str        # scoring_lib.decision: "granted" | "refused"
    threshold: float
    distance: float      # probability - threshold (>= 0: refused)
    risk_band: str       # scoring_lib.decision: "low" | "borderline" | "high"
    borderline_width: float
    sample: str | None   # "train" | "test"
    target: float | None  # the known outcome of a training client (1: defaulted)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Explanation:
    score: Score
    base_value: float            # log-odds: the model's average raw output
    raw_output: float            # log-odds: base_value + contributions.sum()
    contributions: pd.Series     # per feature, log-odds, index: feature names
    grouped: pd.DataFrame        # group_contributions(...)
    reasons: pd.DataFrame        # reasons(...)
    lang: str
    #: the average client's probability of default, P(base_value) (calibrated, as shown)
    base_probability: float = float("nan")

    @property
    def points(self) -> pd.Series:
        """Each group's effect on the probability of default, in percentage points
        (``grouped["points"]``, index: the groups): they add up to ``100 *
        (score.probability - base_probability)`` (:mod:`scoring_lib.explain.probability`)."""
        return pd.Series(self.grouped["points"].to_numpy(dtype=np.float64),
                         index=self.grouped["group"].to_numpy(), name="points")

    def sentences(self, direction: str) -> list[str]:
        """The reason sentences that ``"raises"`` or ``"lowers"`` the risk."""
        return list(self.reasons.loc[self.reasons["direction"] == direction, "sentence"])

    def to_text(self) -> str:
        """The decision and its reasons, as an advisor reads them (in ``lang``)."""
        s = self.score
        return "\n".join([score_sentence(s.client_id, s.probability, s.threshold, s.decision,
                                         s.risk_band, self.lang), *self.reason_lines()])

    def reason_lines(self) -> list[str]:
        """The reasons as :meth:`to_text` prints them: a heading per direction, then one
        ``"  - "`` line per sentence (also under a simulation's outcome)."""
        lines = []
        for direction in ("raises", "lowers"):
            sentences = self.sentences(direction)
            if sentences:
                lines.append(colon(tr(direction, self.lang), self.lang))
                lines += [f"  - {x}" for x in sentences]
        return lines

    def to_dict(self) -> dict:
        return {**self.score.to_dict(), "lang": self.lang, "base_value": self.base_value,
                "raw_output": self.raw_output, "base_probability": self.base_probability,
                "reasons": {"raises": self.sentences("raises"),
                            "lowers": self.sentences("lowers")},
                "groups": [{"group": r.group, "label": getattr(r, f"label_{self.lang}"),
                            "contribution": float(r.contribution),
                            "points": float(r.points)}
                           for r in self.grouped.head(10).itertuples()]}


class Scorer:
    """Score, explain and compare clients of one bundle (see the module docstring).

    Build it with :meth:`from_bundle`; ``bundle`` is a loaded
    :class:`scoring_lib.model.Bundle`.
    """

    def __init__(self, bundle, borderline_width: float = BORDERLINE_WIDTH,
                 sample_rows: int = SAMPLE_ROWS):
        if not 0 <= borderline_width < 1:
            raise ValueError(f"borderline_width must be in [0, 1), got {borderline_width!r}")
        self.bundle = bundle
        self.borderline_width = float(borderline_width)
        self.sample_rows = int(sample_rows)
        self.threshold = float(bundle.threshold)
        self.feature_names = list(bundle.feature_names)
        self._feature_index = pd.Index(self.feature_names, dtype=object)
        self._load()

    @classmethod
    def from_bundle(cls, path, verify: bool = True, **kwargs) -> Scorer:
        """Open the bundle ``path`` through the model package's loader (which checks the
        format version and, with ``verify``, every file's sha256) and prepare it."""
        from .bundle.store import load_bundle

        return cls(load_bundle(Path(path), verify=verify), **kwargs)

    # ------------------------------------------------------------------------- loading
    def _load(self) -> None:
        b = self.bundle
        scores = b.scores
        self.client_ids = scores.index
        probability = scores["PROBA"].to_numpy(dtype=np.float64)
        clients = b.get_application_columns(list(DESCRIPTIVE_COLUMNS))
        if not clients.index.equals(scores.index):  # the documented layout: same order
            clients = clients.reindex(scores.index)
        clients["probability"] = probability
        # the bundle checked that every DECISION is one of DECISIONS and follows the threshold
        clients[DECISION] = pd.Categorical(scores["DECISION"].astype(object).to_numpy(),
                                           categories=list(DECISIONS))
        codes = risk_band_codes(probability, self.threshold, self.borderline_width)
        clients[RISK_BAND] = pd.Categorical.from_codes(codes, categories=list(RISK_BANDS))
        clients[TARGET] = scores[TARGET].to_numpy(dtype=np.float64, na_value=np.nan)
        clients["SAMPLE"] = scores["SAMPLE"].to_numpy()
        self.clients = clients
        self.neighbours = NeighbourIndex().fit(clients, ids=clients.index.to_numpy())
        metadata = b.feature_metadata
        metadata = metadata[metadata["feature"].isin(self.feature_names)]
        self.dictionary = describe_features(metadata)
        self._grouper = Grouper(self.dictionary, self.feature_names)
        #: raw score (log-odds) -> the displayed, calibrated probability
        self.to_probability = ProbabilityMap.from_record(b.manifest["calibration"])
        self._open_features()
        self._sample = self._feature_sample()
        self._model = b.model
        self._missing_category = b.missing_category
        self._cat_indices = [self.feature_names.index(c) for c in b.categorical_features]
        self._is_cat = [i in set(self._cat_indices) for i in range(len(self.feature_names))]
        self._columns = Recent(16)
        self._rows = Recent(ROW_CACHE)
        self._applications = Recent(ROW_CACHE)
        self._comparisons = None
        self._ranges = None
        self._position_of_feature = {f: i for i, f in enumerate(self.feature_names)}

    def _open_features(self) -> None:
        """Open the bundle's feature tiles (:class:`~scoring_lib.model.tiles.FeatureTiles`:
        client ``i`` of the sorted order is row ``i``, the client id its first column)."""
        table = self.bundle.features
        if table.n_rows != len(self.client_ids):
            raise ValueError(f"{table.path.name}: {table.n_rows:,d} rows for "
                             f"{len(self.client_ids):,d} clients in the scores")
        missing = [f for f in [KEY, *self.feature_names] if f not in table.names]
        if missing:
            raise ValueError(f"{table.path.name}: no column(s) {', '.join(missing[:5])}")
        self._table = table
        self._fields = [table.names.index(f) for f in self.feature_names]

    def _feature_sample(self) -> SortedColumns:
        """Numeric features of about ``sample_rows`` clients (runs of :data:`SAMPLE_RUN`
        consecutive clients, evenly spread over the sorted order), as float32."""
        n = len(self.client_ids)
        runs = -(-n // SAMPLE_RUN)
        take = min(runs, max(1, -(-self.sample_rows // SAMPLE_RUN)))
        chosen = np.unique(np.linspace(0, runs - 1, take).round().astype(np.int64))
        numeric = [f for f in self.feature_names
                   if self.dictionary.loc[f, "kind"] != "categorical"]
        parts = [self._table.matrix(int(r) * SAMPLE_RUN, min(n, (int(r) + 1) * SAMPLE_RUN),
                                    numeric).astype(np.float32) for r in chosen]
        matrix = np.asfortranarray(np.concatenate(parts)) if parts else np.empty(
            (0, len(numeric)), dtype=np.float32)
        return SortedColumns.from_matrix(numeric, matrix)

    # -------------------------------------------------------------------------- lookup
    def _position(self, client_id) -> int:
        try:
            key = int(client_id)
        except (TypeError, ValueError):
            raise UnknownClientError(client_id) from None
        if isinstance(client_id, float) and not float(client_id).is_integer():
            raise UnknownClientError(client_id)
        pos = self.client_ids.get_indexer([key])[0]
        if pos < 0:
            raise UnknownClientError(client_id)
        return int(pos)

    def client(self, client_id) -> pd.Series:
        """The descriptive columns, probability, decision and risk band of one client."""
        return self.clients.iloc[self._position(client_id)]

    def _row(self, pos: int) -> list:
        """The model features of the client at ``pos``, as Python values in feature order;
        the last :data:`ROW_CACHE` clients read are kept (an advisor comes back to the same
        client: another language, another comparison). Safe from several threads."""
        return self._rows.get(pos, lambda: self._read_row(pos))

    def _read_row(self, pos: int) -> list:
        """One row of the feature tiles (the client id checked), as Python values: ``None``
        when missing, ``int``, ``float``, ``str`` for categories."""
        values = self._table.row_values(pos)
        if values[0] != int(self.client_ids[pos]):
            raise RuntimeError(f"bundle layout: row {pos} of the feature table holds client "
                               f"{values[0]}, expected {self.client_ids[pos]}")
        return [values[j] for j in self._fields]

    def features(self, client_id) -> pd.Series:
        """The model features of one client (object Series, index: feature names)."""
        return pd.Series(self._row(self._position(client_id)), index=self._feature_index,
                         dtype=object)

    # --------------------------------------------------------------------------- score
    def score(self, client_id) -> Score:
        row = self.client(client_id)
        p = float(row["probability"])
        target = row[TARGET]
        return Score(int(row.name), p, str(row[DECISION]), self.threshold,
                     p - self.threshold, str(row[RISK_BAND]), self.borderline_width,
                     None if pd.isna(row["SAMPLE"]) else str(row["SAMPLE"]),
                     None if pd.isna(target) else float(target))

    # ------------------------------------------------------------------------- explain
    def contributions(self, client_id) -> tuple[pd.Series, float]:
        """CatBoost SHAP values of one client (log-odds, index: feature names) and the base
        value: ``base + contributions.sum()`` is the model's raw output for the client."""
        values, base = self._shap(self._row(self._position(client_id)))
        return pd.Series(values, index=self._feature_index), base

    def _shap(self, features: list) -> tuple[np.ndarray, float]:
        """CatBoost SHAP values (in feature order) of a row of ``features`` (Python values in
        feature order) and the base value.

        The row goes to CatBoost as a plain list (categories as text, missing ones as the
        bundle's ``missing_category``, as in training): building a one-row Pool from a
        ~700-column DataFrame costs more than the SHAP values themselves.
        """
        from catboost import Pool

        pool = Pool([self._catboost_row(features)], cat_features=self._cat_indices,
                    feature_names=self.feature_names)
        values = self._model.get_feature_importance(pool, type="ShapValues",
                                                    thread_count=1)[0]
        return values[:-1], float(values[-1])

    def _catboost_row(self, features: list) -> list:
        """A row of features as CatBoost reads it: categories as text, missing ones as the
        bundle's ``missing_category`` (as in training), numbers as float, NaN if missing."""
        row = []
        for value, is_cat in zip(features, self._is_cat):
            missing = value is None or value is pd.NA or value != value  # NaN != NaN
            if is_cat:
                row.append(self._missing_category if missing else str(value))
            else:
                row.append(np.nan if missing else float(value))
        return row

    def percentiles(self, features: pd.Series, names) -> dict:
        """Shares of the sampled clients below / equal to / above the client's value, in
        percent: ``{feature: (below, equal, above)}`` for the numeric features ``names``."""
        out = {}
        for name in names:
            if name in self._sample:
                s = self._sample.shares(name, features.get(name))
                out[name] = (s.below, s.equal, s.above)
        return out

    def explain(self, client_id, lang: str = "fr", max_reasons: int = 4) -> Explanation:
        """Why this score: contributions, grouped by variable, and reason sentences."""
        check_lang(lang)
        pos = self._position(client_id)
        return self._explain_row(self.score(client_id), self._row(pos), lang, max_reasons)

    def _explain_row(self, score: Score, row: list, lang: str,
                     max_reasons: int) -> Explanation:
        """The explanation of the features ``row`` (Python values in feature order) whose
        score is ``score`` (:meth:`explain`, :meth:`what_if`)."""
        values, base = self._shap(row)
        grouped = self._grouper.group(values)
        effects, base_probability, _ = probability_effects(
            grouped["contribution"].to_numpy(dtype=np.float64), base, self.to_probability)
        grouped["points"] = 100.0 * effects
        # the top feature of the first groups of each sign: those the sentences are about
        c = grouped["contribution"].to_numpy()
        tops = grouped["top_feature"].to_numpy()
        about = [*tops[c > 0][:max_reasons], *tops[c < 0][:max_reasons]]
        features = pd.Series(row, index=self._feature_index, dtype=object)
        text = reasons(grouped, features, self.percentiles(features, about), lang,
                       max_reasons)
        contributions = pd.Series(values, index=self._feature_index)
        return Explanation(score, base, base + float(values.sum()), contributions, grouped,
                           text, lang, base_probability)

    # ---------------------------------------------------------------------- simulation
    @property
    def simulation_ranges(self) -> dict:
        """The plausible range of each actionable variable, ``{name: (low, high)}``: the
        smallest and largest values among the training clients of the bundle's client table
        (:func:`scoring_lib.simulation.observed_ranges`; read once, kept)."""
        if self._ranges is None:
            from .simulation import observed_ranges
            from .simulation.levers import RAW

            apps = self.bundle.get_application_columns(list(RAW)).reindex(self.client_ids)
            train = (self.clients["SAMPLE"] == "train").to_numpy()
            self._ranges = observed_ranges(apps[train] if train.any() else apps)
        return self._ranges

    def actionable_variables(self, lang: str = "fr") -> list[dict]:
        """What a simulation may change (:data:`scoring_lib.simulation.LEVERS`): name, label
        (in ``lang``), kind (``"amount"`` | ``"months"``), step, plausible low and high."""
        from .simulation import LEVERS

        check_lang(lang)
        ranges = self.simulation_ranges
        return [{"name": v.name, "label": v.label(lang), "label_fr": v.label_fr,
                 "label_en": v.label_en, "kind": v.kind, "step": v.step,
                 "low": ranges[v.name][0], "high": ranges[v.name][1]} for v in LEVERS.values()]

    def _application(self, pos: int) -> pd.DataFrame:
        """The client's raw application row (one-row frame), the last :data:`ROW_CACHE`
        kept like the feature rows: a what-if form re-scores the same client again and again,
        and :meth:`recourse` verifies each option with :meth:`what_if`."""
        return self._applications.get(pos, lambda: self.bundle.applications.rows([pos]))

    def _raw_values(self, application: pd.DataFrame) -> dict:
        from .simulation.levers import RAW

        row = application.iloc[0]
        return {n: (float(row[n]) if pd.notna(row[n]) else float("nan")) for n in RAW}

    def _simulated_rows(self, pos: int, application: pd.DataFrame, variants: list[dict]):
        """The client's stored features with the features derived from the actionable
        columns recomputed by the feature layer for each of ``variants`` (raw values), and
        their probabilities: ``(rows, probabilities)``."""
        from catboost import Pool

        from .simulation.levers import DERIVED, derived_features

        derived = derived_features(application, variants)
        names = [f for f in DERIVED if f in self._position_of_feature]
        places = [self._position_of_feature[f] for f in names]
        columns = derived[names].to_numpy(dtype=np.float64)
        stored = self._row(pos)
        rows = []
        for values in columns:
            row = list(stored)
            for j, v in zip(places, values):
                row[j] = None if np.isnan(v) else float(v)
            rows.append(row)
        pool = Pool([self._catboost_row(r) for r in rows], cat_features=self._cat_indices,
                    feature_names=self.feature_names)
        raw = self._model.predict(pool, prediction_type="RawFormulaVal", thread_count=1)
        return rows, np.atleast_1d(self.to_probability(np.asarray(raw, dtype=np.float64)))

    def _simulated_score(self, real: Score, p: float) -> Score:
        return Score(real.client_id, p, str(decide(p, self.threshold)), self.threshold,
                     p - self.threshold, risk_band(p, self.threshold, self.borderline_width),
                     self.borderline_width, real.sample, real.target)

    def what_if(self, client_id, changes: dict, lang: str = "fr", max_reasons: int = 4):
        """The client's application with ``changes`` (actionable variable -> value: see
        :mod:`scoring_lib.simulation.levers`), re-featurised by the feature layer, re-scored
        (same model, calibration, threshold) and re-explained: a
        :class:`~scoring_lib.simulation.WhatIf`. Nothing is written anywhere. Raises
        :class:`~scoring_lib.simulation.WhatIfError` for an unknown variable or a value that
        is not a number or is outside the plausible range."""
        from .simulation import WhatIf, resolve

        check_lang(lang)
        pos = self._position(client_id)
        real = self.score(client_id)
        application = self._application(pos)
        before = self._raw_values(application)
        values = resolve(before, changes, self.simulation_ranges)
        rows, p = self._simulated_rows(pos, application, [values])
        score = self._simulated_score(real, float(p[0]))
        explanation = self._explain_row(score, rows[0], lang, max_reasons)
        return WhatIf(dict(changes), values, before, explanation, real,
                      pd.Series(rows[0], index=self._feature_index, dtype=object))

    def recourse(self, client_id, max_options: int = 3, margin: float = RECOURSE_MARGIN,
                 lang: str = "fr"):
        """Up to ``max_options`` different sets of changes (at most 3 variables each, as
        small as the grid allows) that bring the probability to ``threshold * (1 - margin)``
        or below (:mod:`scoring_lib.simulation.recourse`); each verified by :meth:`what_if`.
        A :class:`~scoring_lib.simulation.Recourse`: options, or a message (already granted;
        nothing within the limits, with the reasons that weigh most)."""
        from .simulation import Option, Recourse
        from .simulation.recourse import search

        check_lang(lang)
        if not 0 <= margin < 1:
            raise ValueError(f"margin: expected a share in [0, 1), got {margin!r}")
        if int(max_options) < 1:
            raise ValueError(f"max_options: expected at least 1, got {max_options!r}")
        pos = self._position(client_id)
        real = self.score(client_id)
        target = self.threshold * (1 - margin)
        out = Recourse(real, target, lang=lang)
        if real.decision == GRANTED and real.probability <= target:
            out.message = tr("recourse_granted", lang, t=percent(target, lang))
            return out
        application = self._application(pos)
        base = self._raw_values(application)
        found = search(base, self.simulation_ranges,
                       lambda variants: self._simulated_rows(pos, application, variants)[1],
                       target, int(max_options))
        for changes, values, _, change in found:
            checked = self.what_if(client_id, changes, lang=lang)  # verified, not assumed
            if checked.probability <= target and checked.decision == GRANTED:
                out.options.append(Option(changes, checked.values, checked.probability,
                                          checked.decision, change))
        if not out.options:
            out.message = tr("recourse_none", lang, t=percent(target, lang))
            out.weighs_most = self.explain(client_id, lang=lang).sentences("raises")[:3]
        return out

    # ------------------------------------------------------------------------- compare
    def similar_clients(self, client_id, k: int = 10) -> SimilarClients:
        """The ``k`` clients most like this one (the client excluded), with their default
        rate (training clients) and probabilities."""
        row = self.client(client_id)
        return similar_clients(self.neighbours, row, k,
                               outcomes=self.clients[TARGET],
                               scores=self.clients["probability"], exclude=row.name)

    def group_mask(self, filters=None) -> np.ndarray:
        return group_mask(self.clients, filters)

    def group(self, filters=None) -> pd.DataFrame:
        """The clients matching ``filters`` (see :mod:`scoring_lib.compare.groups`): their
        descriptive columns, probability, decision, risk band, outcome."""
        return self.clients[self.group_mask(filters)]

    def _column(self, name: str) -> pd.Series:
        """A comparison variable for every client: descriptive, or a model feature read
        from the bundle (all clients, that column only; kept for later calls)."""
        if name in self.clients.columns:
            series = self.clients[name]
        elif name in self.feature_names:
            series = self._columns.get(name, lambda: self._table.columns([name])[name]
                                       .reindex(self.client_ids))
        else:
            raise ValueError(f"variables: {name!r} is neither a descriptive column nor a "
                             f"model feature of this bundle")
        if name in SENTINEL_COLUMNS["application_train"]:
            series = series.mask(series == DAYS_SENTINEL)  # "not applicable", not a number
        return series

    @property
    def comparisons(self) -> ComparisonCache:
        """Comparisons of one client after another with what does not depend on the client
        kept (:class:`~scoring_lib.compare.cache.ComparisonCache`: the dashboard's client
        switch): the same histograms and percentiles as :meth:`compare`."""
        if self._comparisons is None:
            self._comparisons = ComparisonCache(
                self.client_ids,
                lambda name: self._column(name).to_numpy(dtype=np.float64, na_value=np.nan),
                self.clients[TARGET].to_numpy(), self.group_mask,
                lambda client_id, k: self.similar_clients(client_id, k).neighbours[KEY]
                .to_numpy())
        return self._comparisons

    def compare(self, client_id, reference=None, variables=COMPARE_VARIABLES,
                k: int = 100, bins: int = 20) -> Comparison:
        """The client against a reference group on ``variables``.

        ``reference``: ``None`` or ``"all"`` (every client), a dict of group filters, or
        ``"similar"`` (the ``k`` most similar clients). Histograms are split by outcome
        (training clients: repaid / defaulted).
        """
        pos = self._position(client_id)
        if isinstance(variables, str):
            variables = [variables]
        if reference is None or (isinstance(reference, str) and reference == "all"):
            rows = slice(None)
        elif isinstance(reference, str) and reference == "similar":
            near = self.similar_clients(client_id, k).neighbours[KEY]
            rows = self.client_ids.get_indexer(near)
        elif isinstance(reference, dict):
            rows = np.flatnonzero(self.group_mask(reference))
        else:
            raise ValueError(f"reference: expected None, 'all', 'similar' or a dict of "
                             f"filters, got {reference!r}")
        frame = pd.DataFrame({v: self._column(v).to_numpy() for v in variables},
                             index=self.client_ids)
        client = frame.iloc[pos]
        target = self.clients[TARGET].to_numpy()
        return compare(client, frame.iloc[rows], variables, target=target[rows], bins=bins)
