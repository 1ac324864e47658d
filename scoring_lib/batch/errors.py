"""The one error of batch scoring that a person can cause (bad input, a missing table, a
corrupt partition file): ``str(error)`` is one sentence naming the file and what to do."""

from __future__ import annotations


class BatchError(ValueError):
    """Bad input for ``scoring batch``; raised on the client or inside a Dask task (it
    pickles: one text argument), and printed by the CLI as ``error: <sentence>`` (exit 2)."""
