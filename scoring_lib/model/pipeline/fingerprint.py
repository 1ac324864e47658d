"""Fingerprints that decide whether a bundle is up to date: the data and the code."""

from __future__ import annotations

import hashlib
import importlib.resources
import json
from pathlib import Path

from ...bundle.store import sha256_file
from ...data.loader import find_table_files

PACKAGE = Path(__file__).resolve().parents[2]
#: the notebooks ``scoring build`` runs: package data of ``scoring_lib`` (so a non-editable
#: install builds bundles too); the repository's ``notebooks/`` is a link to this folder
NOTEBOOKS = Path(str(importlib.resources.files("scoring_lib").joinpath("notebooks")))

__all__ = ["code_fingerprint", "data_fingerprint"]


def data_fingerprint(folder) -> dict:
    """``{"sha256": ..., "files": [{"file", "size", "sha256"}, ...]}`` of the table files of
    ``folder``: a hash of their contents (not their dates), so a copy of the same files has
    the same fingerprint."""
    files = [{"file": path.name, "size": path.stat().st_size, "sha256": sha256_file(path)}
             for path in find_table_files(folder).values()]
    text = json.dumps(files, sort_keys=True)
    return {"sha256": hashlib.sha256(text.encode()).hexdigest(), "files": files}


#: The packages whose code decides what a bundle holds (the layers above ``model`` do not).
BUILD_PACKAGES = ("data", "features", "model", "bundle")


def code_fingerprint(notebooks=NOTEBOOKS) -> str:
    """sha256 of the code a bundle is built with: the source (``*.py``, ``*.json``) of
    ``scoring_lib``'s data, features, model and bundle packages and its ``__init__``, and the
    notebooks the build runs. Changing the dashboard does not make a bundle stale."""
    digest = hashlib.sha256()
    paths = [PACKAGE / "__init__.py"]
    for package in BUILD_PACKAGES:
        paths += sorted(p for p in (PACKAGE / package).rglob("*")
                        if p.suffix in (".py", ".json") and "__pycache__" not in p.parts)
    paths += sorted(Path(notebooks).glob("*.ipynb"))
    for path in paths:
        rel = (path.relative_to(PACKAGE).as_posix() if path.is_relative_to(PACKAGE)
               else f"notebooks/{path.name}")
        digest.update(rel.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
