"""Batch scoring of a whole book of clients on Dask (``scoring batch``).

:mod:`.partition` co-partitions the applications and their child tables by client;
:mod:`.run` is the task of one partition (features by the feature layer, scores, SHAP
reason codes, an atomic output part); :mod:`.driver` runs the tasks on a Dask cluster (a
LocalCluster, or an existing scheduler) and writes the summary; :mod:`.command` is the CLI.
"""

#: default partition size (clients): the number of partitions is the applications / this,
#: rounded up; a worker's peak memory follows the partition size (README: Batch scoring)
PARTITION_CLIENTS = 25_000

_NAMES = {"run_batch": ".driver", "BatchError": ".errors",
          "partition_of": ".partition", "read_scores": ".run"}
__all__ = sorted([*_NAMES, "PARTITION_CLIENTS"])


def __getattr__(name):  # PEP 562: `scoring --help` does not import pandas and Dask
    if name not in _NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(_NAMES[name], __name__), name)
