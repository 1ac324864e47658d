"""How many advisor sessions one ``scoring serve`` can hold: the default of ``--max-sessions``.

Each session is one kernel that has loaded the bundle. Its resident memory (RSS) was 330-340
MiB on the demo bundle (35,000 clients) in the load benchmark (bench/RESULTS.md, issue #10:
peak RSS of the kernels / kernels, 5 to 30 sessions), and 444 MiB at full scale (356,255
clients, issue #6), i.e. about 320 MiB of Python, pandas, CatBoost and widgets plus about
0.5 KiB per client for the client tables held in memory (``clients.arrow``'s descriptive
columns, ``scores.parquet``; the features stay on disk in ``features.tiles``). RSS counts
the shared libraries in every kernel, so this errs on the safe side. So::

    kernel MiB   = 320 + 0.5 * clients / 1024                       (kernel_footprint_mib)
    max sessions = (available MiB - 1024) // kernel MiB - 1         (default_max_sessions)

1 GiB is left to the server process and the system, one kernel to the preheated pool; the
result is at least 1 and at most 15 per CPU (a session is idle most of the time, but pages
are prepared one or two at a time, see :mod:`.sessions`: beyond 15 per CPU the queue of
pages to prepare gets longer than a visitor will wait).
"""

from __future__ import annotations

import math
import os

BASE_KERNEL_MIB = 320
KIB_PER_CLIENT = 0.5
RESERVED_MIB = 1024
SESSIONS_PER_CPU = 15
POOL_KERNELS = 1


def kernel_footprint_mib(clients: int) -> int:
    """Resident memory of one session kernel on a bundle of ``clients`` clients, in MiB."""
    if clients < 0:
        raise ValueError(f"clients must be >= 0, got {clients}")
    return math.ceil(BASE_KERNEL_MIB + KIB_PER_CLIENT * clients / 1024)


def default_max_sessions(available_bytes: int, clients: int, cpus: int | None = None,
                         pool: int = POOL_KERNELS) -> int:
    """The default cap on concurrent sessions (see the module's formula)."""
    cpus = max(1, cpus or os.cpu_count() or 1)
    budget_mib = available_bytes / 2**20 - RESERVED_MIB
    fits = math.floor(budget_mib / kernel_footprint_mib(clients)) - pool
    return max(1, min(fits, SESSIONS_PER_CPU * cpus))


def bundle_clients(manifest: dict) -> int:
    """The number of clients whose tables a kernel holds (train and test), from
    ``bundle.json``'s ``client_tables``; 0 when the manifest does not say."""
    tables = manifest.get("client_tables") or {}
    for name in ("applications", "features"):
        rows = (tables.get(name) or {}).get("rows")
        if isinstance(rows, int) and rows >= 0:
            return rows
    return 0


def available_memory() -> int:
    """Memory available to new processes now, in bytes (psutil's ``available``)."""
    import psutil

    return int(psutil.virtual_memory().available)
