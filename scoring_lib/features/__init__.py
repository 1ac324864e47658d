"""Layer 2: features. Pure functions from the loaded tables to one row per client.

:func:`build_features` is the entry point; :mod:`.metadata` describes the metadata of each
feature; :mod:`.cache` writes and reuses the Parquet feature file of ``scoring features``.
Families, one module each: :mod:`.application`, :mod:`.bureau`, :mod:`.previous`,
:mod:`.monthly` (POS_CASH_balance, installments_payments, credit_card_balance), and
:mod:`.recent` (the last 6 / 12 months of each child table, trends, the last previous
application).
"""

from .build import FEATURE_VERSION, FeatureSet, build_features, feature_list, feature_metadata
from .metadata import AGGREGATIONS, FIELDS, SUBSETS, Feature

__all__ = ["AGGREGATIONS", "FEATURE_VERSION", "FIELDS", "SUBSETS", "Feature", "FeatureSet",
           "build_features", "feature_list", "feature_metadata"]
