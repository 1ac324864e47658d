"""Layer 4: how a client compares with other clients.

* :mod:`.percentiles` — where a value stands (mid-rank percentile, shares below / equal /
  above);
* :mod:`.groups` — named groups of clients (gender, age range, family status, ...);
* :mod:`.distributions` — a client against a reference group: quantiles, histograms split by
  outcome, percentiles;
* :mod:`.neighbours` — the k most similar clients, their default rate and scores;
* :mod:`.cache` — what makes comparing one client after another fast (kept references).
"""

from .cache import ComparisonCache, Position, Recent
from .distributions import Comparison, compare
from .groups import FILTERS, group, group_mask
from .neighbours import NeighbourIndex, SimilarClients, descriptive_variables, similar_clients
from .percentiles import RankShares, SortedColumns, SortedReference, percentile, rank_shares

__all__ = ["FILTERS", "Comparison", "ComparisonCache", "NeighbourIndex", "Position",
           "RankShares", "Recent", "SimilarClients", "SortedColumns", "SortedReference",
           "compare", "descriptive_variables", "group", "group_mask", "percentile",
           "rank_shares", "similar_clients"]
