"""Simulation and recourse (used by :class:`scoring_lib.scoring.Scorer`): what a client can
change at the counter (:mod:`.levers`), the grid search of the changes that make the model
grant (:mod:`.recourse`), and what both return (:mod:`.results`)."""

from .levers import DERIVED, LEVERS, Lever, WhatIfError, observed_ranges, resolve
from .results import Option, Recourse, WhatIf

__all__ = ["DERIVED", "LEVERS", "Lever", "Option", "Recourse", "WhatIf", "WhatIfError",
           "observed_ranges", "resolve"]
