"""The one exception the data layer raises for bad input files."""

from __future__ import annotations

from pathlib import Path


class DataError(ValueError):
    """A raw file does not match the schema, or cannot be read at all.

    ``str(error)`` is a complete sentence for a person: the file, the column, what was
    expected and the first offending rows, e.g.::

        /data/raw/application_train.csv: column AMT_CREDIT: expected a number (float),
        found 'abc' on line 7, 'x' on line 12 (2 rows in all)

    Line numbers are those of the file as a text editor shows them: the header is line 1, so
    the first data row is line 2 (one record per line; blank lines are not counted). For
    Parquet files, rows are numbered from 1 ("row N").

    Structured attributes for programs:

    ``path``      the file (``pathlib.Path``) or folder concerned, or ``None``
    ``column``    the column concerned, or ``None``
    ``rows``      line numbers (CSV) or row numbers (Parquet) of the first offending rows,
                  at most five, in file order (empty when the problem is not about rows)
    ``values``    the offending values found on those rows (same length as ``rows``, or
                  empty)
    ``expected``  short text: what was expected, or ``None``
    ``table``     the table name (``application_train``...), or ``None``
    ``detail``    the message without the path and column prefix
    """

    def __init__(self, detail: str, path: str | Path | None = None, column: str | None = None,
                 rows=(), *, values=(), expected: str | None = None, table: str | None = None):
        self.detail = detail
        self.path = Path(path) if path is not None else None
        self.column = column
        self.rows = tuple(int(r) for r in rows)
        self.values = tuple(v.item() if hasattr(v, "item") else v for v in values)
        self.expected = expected
        self.table = table
        prefix = f"{self.path}: " if self.path is not None else ""
        if column:
            prefix += f"column {column}: "
        super().__init__(prefix + detail)

    def __reduce__(self):  # keep the attributes through pickling (multiprocessing, caches)
        return (type(self), (self.detail, self.path, self.column, self.rows), {
            "values": self.values, "expected": self.expected, "table": self.table})

    def __setstate__(self, state):
        self.__dict__.update(state)
