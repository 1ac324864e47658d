"""``build_features``: the loaded tables in, one row per client out, with each feature's metadata.

The output frame has the columns ``SK_ID_CURR``, ``TARGET`` (float64; missing for test
clients), then the features in a fixed order: application columns, ratios and combinations,
bureau (``BURO_``, ``ACTIVE_``, ``CLOSED_``), previous applications (``PREV_``,
``PREV_APPROVED_``, ``PREV_REFUSED_``), ``POS_``, ``INSTAL_``, ``CC_``, then the recent
history of :mod:`.recent` (last 6 / 12 months, trends, the last previous application). Which features
exist depends only on which tables are present, never on the data: a missing table
contributes no column and no error. Rows are application_train's clients then
application_test's, each in table order; child rows of unknown clients are ignored.

``TARGET`` is never read by any feature computation (a test shuffles it and checks).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..data.schema import TABLE_NAMES, get_spec
from .application import TARGET, application_features, application_metadata, stack_applications
from .bureau import bureau_features, bureau_metadata
from .engine import KEY
from .metadata import Feature, metadata_frame
from .monthly import monthly_features, monthly_metadata
from .previous import previous_features, previous_metadata
from .recent import recent_features, recent_metadata

#: Bump whenever a feature's definition changes: cached feature files are then rebuilt.
FEATURE_VERSION = "features-2"


@dataclass
class FeatureSet:
    """``frame``: SK_ID_CURR, TARGET, then one column per feature; ``metadata``: one row per
    feature (see :mod:`scoring_lib.features.metadata`), in column order."""

    frame: pd.DataFrame
    metadata: pd.DataFrame

    @property
    def feature_names(self) -> list[str]:
        return list(self.metadata["feature"])

    @property
    def X(self) -> pd.DataFrame:
        return self.frame[self.feature_names]


def feature_list(present) -> list[Feature]:
    """The features :func:`build_features` makes when the tables ``present`` are given."""
    present = set(present)
    return (application_metadata() + bureau_metadata(present) + previous_metadata(present)
            + monthly_metadata(present) + recent_metadata(present))


def feature_metadata(present=TABLE_NAMES) -> pd.DataFrame:
    """The metadata frame of the features made from the tables ``present`` (default: all)."""
    return metadata_frame(feature_list(present))


def _check_tables(tables) -> None:
    if not isinstance(tables, Mapping):
        raise TypeError(f"tables: expected a mapping of table name to DataFrame (as "
                        f"load_tables returns), got {type(tables).__name__}")
    unknown = [n for n in tables if n not in TABLE_NAMES]
    if unknown:
        raise ValueError(f"tables: unknown table name(s) {', '.join(map(repr, unknown))}; "
                         f"known tables: {', '.join(TABLE_NAMES)}")
    if "application_train" not in tables:
        raise ValueError("tables: application_train is required, got only "
                         f"{', '.join(tables) or 'no table'}")
    for name, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"tables[{name!r}]: expected a pandas DataFrame, "
                            f"got {type(frame).__name__}")
        missing = [c for c in get_spec(name).names if c not in frame.columns]
        if missing:
            raise ValueError(f"tables[{name!r}]: missing column(s) {', '.join(missing)}")


def build_features(tables: Mapping[str, pd.DataFrame]) -> FeatureSet:
    """One row per client of application_train and application_test, from the ``tables``
    present (a mapping table name → DataFrame with the schema's dtypes, as
    :func:`scoring_lib.data.load_tables` returns; only application_train is required)."""
    _check_tables(tables)
    apps = stack_applications(tables)
    ids = apps[KEY]
    if not ids.is_unique:
        dup = ids[ids.duplicated()].unique()[:5]
        raise ValueError(f"tables: {KEY} must be unique across application_train and "
                         f"application_test; repeated: {', '.join(map(str, dup))}")
    clients = pd.Index(ids.to_numpy(), name=KEY)
    blocks = [bureau_features(tables, clients), previous_features(tables, clients),
              monthly_features(tables, clients), recent_features(tables, clients)]
    parts = [apps[[KEY, TARGET]], application_features(apps)]
    parts += [b.frame.reset_index(drop=True) for b in blocks if b.features]
    del apps
    frame = pd.concat(parts, axis=1)
    del parts
    features = application_metadata() + [f for b in blocks for f in b.features]
    expected = feature_list(tables)
    if features != expected or list(frame.columns[2:]) != [f.feature for f in features]:
        raise AssertionError("internal error: feature columns and metadata disagree")
    return FeatureSet(frame, metadata_frame(features))
