"""Similar clients: the k nearest neighbours on a few descriptive variables.

Similarity is measured on what an advisor would call "a client like this one", not on the
model's ~700 features. The variables (:data:`VARIABLES`), each computed from the application
columns, then standardised (minus the mean, divided by the standard deviation, both learnt by
:meth:`NeighbourIndex.fit`) so that each weighs the same:

=================  ======================================================================
``age``            years: -DAYS_BIRTH / 365.25
``income``         log(1 + AMT_INCOME_TOTAL)   (logs: amounts are very skewed)
``credit``         log(1 + AMT_CREDIT)
``annuity``        log(1 + AMT_ANNUITY)
``employment``     years in the current job: -DAYS_EMPLOYED / 365.25; 0 for the 365243
                   sentinel (no current job: pensioners, unemployed)
``ext_source_1``   EXT_SOURCE_1 (and _2, _3): the external scores
``family_size``    CNT_FAM_MEMBERS
``gender``         1 for CODE_GENDER M, 0 for F, 0.5 otherwise
``contract_type``  1 for revolving loans, 0 for cash loans
=================  ======================================================================

A missing value is replaced by the median learnt at ``fit`` (the external scores are often
missing: EXT_SOURCE_1 for about half the real clients). The distance is Euclidean on the
standardised values.

At full scale (356,255 clients) the index is a float32 matrix of 11 x 356,255 (16 MB), one
contiguous row per variable; a query adds up the squared differences variable by variable
(no BLAS call: OpenBLAS threads left spinning after a matrix product slow down the next
computation on a 2-core machine) and takes the k smallest with ``argpartition``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data.schema import DAYS_SENTINEL, KEY

VARIABLES = ("age", "income", "credit", "annuity", "employment", "ext_source_1",
             "ext_source_2", "ext_source_3", "family_size", "gender", "contract_type")
#: the application columns the variables are computed from
COLUMNS = ("DAYS_BIRTH", "AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY", "DAYS_EMPLOYED",
           "EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3", "CNT_FAM_MEMBERS", "CODE_GENDER",
           "NAME_CONTRACT_TYPE")


def _float(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype=np.float64, na_value=np.nan)


def _is(series: pd.Series, level: str) -> np.ndarray:
    return (series == level).to_numpy(dtype=bool, na_value=False)


def descriptive_variables(frame: pd.DataFrame) -> pd.DataFrame:
    """The :data:`VARIABLES` of each row of ``frame`` (which needs the :data:`COLUMNS`),
    before imputation and standardisation (missing stays missing)."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"frame: missing column(s) {', '.join(missing)} needed for similar "
                         f"clients")
    employed = _float(frame["DAYS_EMPLOYED"])
    employed = np.where(employed == DAYS_SENTINEL, 0.0, -employed / 365.25)
    gender = np.where(_is(frame["CODE_GENDER"], "M"), 1.0,
                      np.where(_is(frame["CODE_GENDER"], "F"), 0.0, 0.5))
    out = {
        "age": -_float(frame["DAYS_BIRTH"]) / 365.25,
        "income": np.log1p(np.clip(_float(frame["AMT_INCOME_TOTAL"]), 0, None)),
        "credit": np.log1p(np.clip(_float(frame["AMT_CREDIT"]), 0, None)),
        "annuity": np.log1p(np.clip(_float(frame["AMT_ANNUITY"]), 0, None)),
        "employment": employed,
        "ext_source_1": _float(frame["EXT_SOURCE_1"]),
        "ext_source_2": _float(frame["EXT_SOURCE_2"]),
        "ext_source_3": _float(frame["EXT_SOURCE_3"]),
        "family_size": _float(frame["CNT_FAM_MEMBERS"]),
        "gender": gender,
        "contract_type": _is(frame["NAME_CONTRACT_TYPE"], "Revolving loans").astype(float),
    }
    return pd.DataFrame(out, index=frame.index)[list(VARIABLES)]


def _scalar(value) -> float:
    try:
        return np.nan if value is None or pd.isna(value) else float(value)
    except (TypeError, ValueError):
        return np.nan


def client_variables(client) -> np.ndarray:
    """The :data:`VARIABLES` of one client (a Series or mapping with the :data:`COLUMNS`),
    computed like :func:`descriptive_variables` without building a frame (fast path)."""
    missing = [c for c in COLUMNS if c not in client]
    if missing:
        raise ValueError(f"client: missing value(s) for {', '.join(missing)}")
    employed = _scalar(client["DAYS_EMPLOYED"])
    gender = client["CODE_GENDER"]
    amounts = [np.log1p(max(x, 0.0)) if not np.isnan(x) else np.nan
               for x in (_scalar(client[c]) for c in ("AMT_INCOME_TOTAL", "AMT_CREDIT",
                                                       "AMT_ANNUITY"))]
    return np.array([
        -_scalar(client["DAYS_BIRTH"]) / 365.25, *amounts,
        0.0 if employed == DAYS_SENTINEL else -employed / 365.25,
        _scalar(client["EXT_SOURCE_1"]), _scalar(client["EXT_SOURCE_2"]),
        _scalar(client["EXT_SOURCE_3"]), _scalar(client["CNT_FAM_MEMBERS"]),
        1.0 if gender == "M" else 0.0 if gender == "F" else 0.5,
        1.0 if client["NAME_CONTRACT_TYPE"] == "Revolving loans" else 0.0,
    ])


class NeighbourIndex:
    """k nearest neighbours of a client among all clients (scikit-learn style: ``fit``
    learns the attributes ending in ``_``).

    Attributes after ``fit``: ``ids_`` (SK_ID_CURR of each row), ``medians_``, ``means_``,
    ``scales_`` (per variable), ``columns_`` (float32, standardised, one row per variable)
    and ``matrix_``, its clients x variables view.
    """

    def __init__(self, variables=VARIABLES):
        self.variables = variables

    def fit(self, frame: pd.DataFrame, ids=None) -> NeighbourIndex:
        """Learn the imputation and scaling on ``frame`` and index its rows.

        ``ids``: the client id of each row (default: the ``SK_ID_CURR`` column).
        """
        unknown = [v for v in self.variables if v not in VARIABLES]
        if unknown:
            raise ValueError(f"variables: unknown {unknown}; known: {list(VARIABLES)}")
        if ids is None:
            if KEY not in frame.columns:
                raise ValueError(f"frame: needs a {KEY} column, or pass ids")
            ids = frame[KEY]
        ids = np.asarray(ids)
        if len(ids) != len(frame):
            raise ValueError(f"ids: expected {len(frame)} ids, got {len(ids)}")
        raw = descriptive_variables(frame)[list(self.variables)]
        d = len(self.variables)
        self.medians_, self.means_, self.scales_ = np.zeros(d), np.zeros(d), np.ones(d)
        # stored variable by variable (d x n, each row contiguous); matrix_ is its n x d view
        self.columns_ = np.empty((d, len(raw)), dtype=np.float32)
        self.matrix_ = self.columns_.T
        for j, name in enumerate(raw.columns):  # column by column: small temporaries
            x = raw[name].to_numpy()
            median = np.nanmedian(x) if not np.isnan(x).all() else 0.0
            x = np.where(np.isnan(x), median, x)
            mean, scale = x.mean(), x.std()
            self.medians_[j], self.means_[j] = median, mean
            self.scales_[j] = scale if scale > 0 else 1.0
            self.columns_[j] = (x - mean) / self.scales_[j]
        del raw
        self.ids_ = ids
        self._columns = [VARIABLES.index(v) for v in self.variables]
        self._position = pd.Index(ids)
        self._position.get_indexer(ids[:1])  # build the hash table now, not on a query
        return self

    def _check(self):
        if not hasattr(self, "matrix_"):
            raise RuntimeError("this NeighbourIndex is not fitted yet: call fit(frame) first")

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        """Standardised, imputed variables of ``frame``'s rows (float32)."""
        self._check()
        raw = descriptive_variables(frame)[list(self.variables)].to_numpy()
        filled = np.where(np.isnan(raw), self.medians_, raw)
        return ((filled - self.means_) / self.scales_).astype(np.float32)

    def kneighbors(self, client: pd.Series | pd.DataFrame, k: int = 10,
                   exclude=None) -> pd.DataFrame:
        """The ``k`` clients closest to ``client`` (a row with the :data:`COLUMNS`).

        ``exclude``: a client id (or ids) to leave out, typically the client's own.
        Returns a frame with columns ``SK_ID_CURR``, ``distance`` (ascending; ties by id).
        """
        self._check()
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        if isinstance(client, pd.DataFrame):
            if len(client) != 1:
                raise ValueError(f"client: expected one row, got {len(client)}")
            client = client.iloc[0]
        raw = client_variables(client)[self._columns]
        q = ((np.where(np.isnan(raw), self.medians_, raw) - self.means_)
             / self.scales_).astype(np.float32)
        # squared distances, one variable at a time: no BLAS call (whose idle threads spin
        # and slow down whatever runs next on a 2-core machine), no temporary n x d array
        d2 = np.zeros(len(self.ids_), dtype=np.float32)
        tmp = np.empty_like(d2)
        for j, column in enumerate(self.columns_):
            np.subtract(column, q[j], out=tmp)
            np.multiply(tmp, tmp, out=tmp)
            d2 += tmp
        if exclude is not None:
            for client_id in np.atleast_1d(exclude):
                where = self._position.get_indexer([client_id])[0]
                if where >= 0:
                    d2[where] = np.inf
        k = min(k, int(np.isfinite(d2).sum()))
        if k == 0:
            return pd.DataFrame({KEY: self.ids_[:0], "distance": np.zeros(0)})
        part = np.argpartition(d2, k - 1)[:k] if k < len(d2) else np.arange(len(d2))
        # distances of the k chosen, in float64
        diff = self.matrix_[part].astype(np.float64) - q.astype(np.float64)
        dist = np.sqrt((diff * diff).sum(axis=1))
        order = np.lexsort((self.ids_[part], dist))
        return pd.DataFrame({KEY: self.ids_[part][order], "distance": dist[order]})


@dataclass
class SimilarClients:
    """Neighbours of a client and what became of them."""

    neighbours: pd.DataFrame  # SK_ID_CURR, distance, [target], [probability]
    n_known: int              # neighbours whose outcome is known (training clients)
    default_rate: float       # share of those who defaulted (NaN if none known)
    scores: pd.Series         # describe() of the neighbours' predicted probabilities


def similar_clients(index: NeighbourIndex, client: pd.Series, k: int = 10,
                    outcomes: pd.Series | None = None, scores: pd.Series | None = None,
                    exclude=None) -> SimilarClients:
    """The ``k`` nearest neighbours of ``client`` with their default rate and scores.

    ``outcomes``: TARGET by client id (0/1; missing for test clients); ``scores``: predicted
    probability by client id. The default rate counts only neighbours with a known outcome.
    """
    near = index.kneighbors(client, k, exclude=exclude)
    ids = near[KEY]
    if outcomes is not None:
        near["target"] = outcomes.reindex(ids.to_numpy()).to_numpy(dtype=np.float64,
                                                                   na_value=np.nan)
    if scores is not None:
        near["probability"] = scores.reindex(ids.to_numpy()).to_numpy(dtype=np.float64,
                                                                      na_value=np.nan)
    known = near["target"].dropna() if "target" in near else pd.Series(dtype=float)
    rate = float(known.mean()) if len(known) else np.nan
    summary = (near["probability"].describe() if "probability" in near
               else pd.Series(dtype=float))
    return SimilarClients(near, int(len(known)), rate, summary)
