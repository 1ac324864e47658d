"""The bundle ``artifacts/<name>/``: its format, its feature tiles, its verification.

What a Scorer process needs and nothing else: it imports neither scikit-learn nor scipy nor
papermill nor matplotlib (a subprocess test checks it).

* :mod:`.store` — write the bundle atomically, load it only if intact (:class:`Bundle`);
* :mod:`.manifest` — ``bundle.json``: its fields, its checks, the file names of the format;
* :mod:`.tiles` — the model features as compressed tiles, one client read with one ``pread``;
* :mod:`.errors` — :class:`BundleError` (and :class:`FeatureFrameError`, raised by training).

Names are imported from their module on first use (PEP 562 ``__getattr__``).
"""

from __future__ import annotations

import importlib

#: where each public name lives
_NAMES = {
    "store": ("Bundle", "ClientRecord", "complete_bundle", "load_bundle", "read_manifest",
              "verify_bundle", "write_training_outputs"),
    "errors": ("BundleError", "FeatureFrameError"),
    "tiles": ("FeatureTiles", "write_tiles"),
}
_MODULE_OF = {name: module for module, names in _NAMES.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # the next access does not come back here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
