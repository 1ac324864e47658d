"""Layer 4: explanations a client advisor can read out.

* :mod:`.labels` — a French and English label for every feature, and its variable group
  (:func:`describe_features`: the features dictionary, built once per model);
* :mod:`.units` — values in human units ("43 ans", "135 000 €", "sans objet");
* :mod:`.grouping` — contributions (log-odds) summed by variable, ranked;
* :mod:`.reasons` — at most four sentences that raise the risk and four that lower it.

Hand-written words live in :mod:`.application_labels`, :mod:`.history_labels` and
:mod:`.levels` (category levels).
"""

from .grouping import GROUP_COLUMNS, Grouper, group_contributions
from .labels import describe_features, feature_label, group_label
from .levels import level_text
from .reasons import REASON_COLUMNS, reasons, sentence
from .units import Unit, feature_unit, format_value

__all__ = ["GROUP_COLUMNS", "REASON_COLUMNS", "Grouper", "Unit", "describe_features",
           "feature_label", "feature_unit", "format_value", "group_contributions", "group_label",
           "level_text", "reasons", "sentence"]
