"""The exceptions of the model layer: bad feature frames, bad bundles."""

from __future__ import annotations

from pathlib import Path


class FeatureFrameError(ValueError):
    """A feature frame cannot be trained on; raised before any training starts.

    ``str(error)`` says what is wrong in one sentence (the columns, what was expected, what
    was found). Structured attributes: ``detail`` (the sentence), ``columns`` (the columns
    concerned, possibly empty), ``path`` (the feature file, or ``None``).
    """

    def __init__(self, detail: str, columns=(), path: str | Path | None = None):
        self.detail = detail
        self.columns = tuple(columns)
        self.path = Path(path) if path is not None else None
        prefix = f"{self.path}: " if self.path is not None else ""
        super().__init__(prefix + detail)

    def __reduce__(self):
        return (type(self), (self.detail, self.columns, self.path))


class BundleError(ValueError):
    """A bundle folder is missing, incomplete, tampered with or of another format version.

    ``str(error)`` names the bundle and the file at fault and says why. Attributes:
    ``bundle`` (the folder), ``file`` (the file's path relative to the bundle, or ``None``)
    and ``detail``.
    """

    def __init__(self, detail: str, bundle: str | Path | None = None, file: str | None = None):
        self.detail = detail
        self.bundle = Path(bundle) if bundle is not None else None
        self.file = file
        where = ""
        if self.bundle is not None:
            where = f"{self.bundle / file if file else self.bundle}: "
        elif file:
            where = f"{file}: "
        super().__init__(where + detail)

    def __reduce__(self):
        return (type(self), (self.detail, self.bundle, self.file))
