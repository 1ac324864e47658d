"""Client features stored as compressed tiles: one client in a millisecond, one column in less
than a second, at ~700 features and 356,255 clients.

The feature table of a bundle (``features.tiles``) is a float64 matrix, one row per client in
the row order of ``scores.parquet``, column 0 the client id (``SK_ID_CURR``), then the model
features. Every value is stored exactly as a float64: floats as they are (float32 widened),
integers and booleans as whole numbers (at most 2**53 in absolute value), categories as their
code in the category list that the layout records; a missing value is NaN.

The matrix is cut into tiles of ``tile_rows`` rows by ``tile_columns`` columns (64 x 64 by
default). A tile is stored column by column (the values of one feature side by side compress
better) and compressed alone (zstd, through pyarrow). File layout::

    b"SCLTILE1"                                   8 bytes
    tile (0, 0), tile (0, 1), ... tile (0, G-1)    the G tiles of rows 0 .. tile_rows-1
    tile (1, 0), ...                               then the next rows, and so on
    offsets                                        int64 x (n_tiles + 1), little-endian:
                                                   tile k is bytes offsets[k]..offsets[k+1]
    n_tiles, offsets position, b"SCLTILE1"        int64, int64, 8 bytes (the footer)

Reading client ``i``: one ``pread`` of the G tiles of its row block (contiguous, about 35 kB
compressed), G small decompressions, one row taken. Reading one column of every client: one
tile per row block. The file is read with ``pread``, not memory-mapped, so the pages of the
clients already read are not counted in the process's resident memory.

Measured on the first 40,960 clients of the full-scale synthetic features (691 features;
bench/RESULTS.md): one client in 0.2-1 ms against 21-31 ms from an Arrow IPC file with
zstd batches of 1,024 or 64 rows (Arrow decodes ~700 column buffers per read, whatever the
batch size); 0.38 GB at full scale against 0.40 GB for Arrow zstd batches of 1,024 rows.
Row blocks with every column in one tile were a little smaller and faster for one client,
but one column then costs a decompression of the whole file (about 3 s).
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.schema import KEY
from .errors import BundleError

MAGIC = b"SCLTILE1"
CODEC = "zstd"
TILE_ROWS = 64
TILE_COLUMNS = 64
_FOOTER = struct.Struct("<qq8s")
_MAX_EXACT = 2 ** 53
_WRITE_ROWS = 4096  # rows encoded at a time when writing (a multiple of tile_rows is used)

__all__ = ["CODEC", "TILE_COLUMNS", "TILE_ROWS", "FeatureTiles", "write_tiles"]


# ------------------------------------------------------------------------------ encoding
def _kind(name: str, series: pd.Series) -> tuple[str, list | None]:
    """How column ``name`` is stored: its kind and, for a category, the category list."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return "category", [str(c) for c in dtype.categories]
    if pd.api.types.is_bool_dtype(dtype):
        return "bool", None
    if pd.api.types.is_integer_dtype(dtype):
        known = series.dropna()
        if len(known) and (int(known.min()) < -_MAX_EXACT or int(known.max()) > _MAX_EXACT):
            raise ValueError(f"column {name!r}: integers beyond 2**53 cannot be stored exactly")
        return str(np.dtype(dtype.numpy_dtype if hasattr(dtype, "numpy_dtype") else dtype)), None
    if pd.api.types.is_float_dtype(dtype):
        return str(np.dtype(dtype.numpy_dtype if hasattr(dtype, "numpy_dtype") else dtype)), None
    if pd.api.types.is_string_dtype(dtype):
        levels = sorted({str(v) for v in series.dropna().unique()})
        return "category", levels
    raise ValueError(f"column {name!r}: dtype {dtype} cannot be stored in a feature table "
                     f"(expected numbers, booleans, categories or text)")


def _encode(series: pd.Series, kind: str, categories: list | None) -> np.ndarray:
    if kind == "category":
        if isinstance(series.dtype, pd.CategoricalDtype):
            codes = series.cat.codes.to_numpy()
        else:  # text: codes in the sorted list of its values
            codes = pd.Categorical(series, categories=categories).codes
        return np.where(codes < 0, np.nan, codes.astype(np.float64))
    return series.to_numpy(dtype=np.float64, na_value=np.nan)


def write_tiles(frame: pd.DataFrame, path, order, tile_rows: int = TILE_ROWS,
                tile_columns: int = TILE_COLUMNS, codec: str = CODEC) -> dict:
    """Write ``frame`` (keyed or indexed by SK_ID_CURR) as a tile file, clients in the order
    of the ids ``order``; returns the layout recorded in the manifest.

    Every id of ``order`` must be in ``frame``. The frame is encoded a few thousand rows at a
    time, so the writer holds one such slice of the matrix at most.
    """
    import pyarrow as pa

    if tile_rows < 1 or tile_columns < 1:
        raise ValueError(f"tile_rows and tile_columns must be at least 1, got {tile_rows} "
                         f"and {tile_columns}")
    path = Path(path)
    if frame.index.name == KEY:
        frame = frame.reset_index()
    if KEY not in frame.columns:
        raise ValueError(f"{path.name}: the frame has no {KEY} column")
    columns = [KEY] + [str(c) for c in frame.columns if c != KEY]
    positions = pd.Index(frame[KEY]).get_indexer(order)
    if (positions < 0).any():
        missing = np.asarray(order)[positions < 0]
        raise ValueError(f"{path.name}: no row for {len(missing)} client(s), e.g. "
                         f"{', '.join(map(str, missing[:5]))}")
    kinds, categories = [], {}
    for name in columns:
        kind, levels = _kind(name, frame[name])
        kinds.append(kind)
        if levels is not None:
            categories[name] = levels
    n, width = len(positions), len(columns)
    groups = -(-width // tile_columns)
    compressor = pa.Codec(codec)
    offsets = [len(MAGIC)]
    step = max(1, _WRITE_ROWS // tile_rows) * tile_rows
    with open(path, "wb") as f:
        f.write(MAGIC)
        for start in range(0, n, step):
            part = frame.iloc[positions[start:start + step]]
            matrix = np.empty((len(part), width), dtype=np.float64)
            for j, name in enumerate(columns):
                matrix[:, j] = _encode(part[name], kinds[j], categories.get(name))
            for r in range(0, len(part), tile_rows):
                for g in range(groups):
                    tile = np.ascontiguousarray(
                        matrix[r:r + tile_rows, g * tile_columns:(g + 1) * tile_columns].T)
                    data = compressor.compress(tile, asbytes=True)
                    f.write(data)
                    offsets.append(offsets[-1] + len(data))
        index = np.asarray(offsets, dtype="<i8")
        f.write(index.tobytes())
        f.write(_FOOTER.pack(len(offsets) - 1, offsets[-1], MAGIC))
    return {"file": path.name, "format": "tiles", "rows": n, "columns": columns,
            "kinds": kinds, "categories": categories, "tile_rows": tile_rows,
            "tile_columns": tile_columns, "codec": codec}


# ------------------------------------------------------------------------------ reading
class FeatureTiles:
    """Random access to a tile file (see the module docstring) by row position.

    ``layout``: the record :func:`write_tiles` returned (kept in ``bundle.json``). Opening
    reads the footer and the offsets only, and checks them against the layout and the file's
    size: a truncated file or one written with another layout raises :class:`BundleError`
    naming it. The file stays open (read with ``pread``: safe from several threads).
    """

    def __init__(self, path, layout: dict, bundle=None):
        import pyarrow as pa

        self.path = Path(path)
        self._bundle = bundle
        try:
            self.names = list(layout["columns"])
            self.kinds = list(layout["kinds"])
            self.categories = {k: list(v) for k, v in layout["categories"].items()}
            self.n_rows = int(layout["rows"])
            self.tile_rows = int(layout["tile_rows"])
            self.tile_columns = int(layout["tile_columns"])
            self._codec = pa.Codec(layout["codec"])
        except (KeyError, TypeError, ValueError) as exc:
            raise self._error(f"bundle.json describes no tile layout for it ({exc})") from None
        if (len(self.kinds) != len(self.names) or not self.names
                or self.names[0] != KEY or self.tile_rows < 1 or self.tile_columns < 1):
            raise self._error("bundle.json describes an inconsistent tile layout")
        self.width = len(self.names)
        self.groups = -(-self.width // self.tile_columns)
        self.blocks = -(-self.n_rows // self.tile_rows)
        self._file = open(self.path, "rb")  # noqa: SIM115 (kept open for pread)
        self._fd = self._file.fileno()
        self._offsets = self._read_index()
        self._index = {name: j for j, name in enumerate(self.names)}
        self._decoders = self._make_decoders()

    def _error(self, detail: str) -> BundleError:
        if self._bundle is not None:
            return BundleError(detail, self._bundle, self.path.name)
        return BundleError(detail, file=str(self.path))

    def _pread(self, size: int, offset: int) -> bytes:
        data = os.pread(self._fd, size, offset)
        if len(data) != size:
            raise self._error(f"truncated: {size:,} bytes expected at offset {offset:,}, "
                              f"{len(data):,} read")
        return data

    def _read_index(self) -> np.ndarray:
        size = os.fstat(self._fd).st_size
        expected = self.blocks * self.groups
        if size < len(MAGIC) + _FOOTER.size or self._pread(len(MAGIC), 0) != MAGIC:
            raise self._error("not a feature tile file (or truncated)")
        count, at, magic = _FOOTER.unpack(self._pread(_FOOTER.size, size - _FOOTER.size))
        if magic != MAGIC:
            raise self._error("truncated: the footer of the tile file is missing")
        if count != expected or at + 8 * (count + 1) + _FOOTER.size != size:
            raise self._error(f"{count} tiles where bundle.json's layout gives {expected}, "
                              f"or a size that does not match ({size:,} bytes)")
        offsets = np.frombuffer(self._pread(8 * (count + 1), at), dtype="<i8").astype(np.int64)
        if (offsets[0] != len(MAGIC) or offsets[-1] != at or (np.diff(offsets) <= 0).any()):
            raise self._error("the tile offsets are inconsistent")
        return offsets

    def close(self) -> None:
        self._file.close()

    # -- decoding
    def _make_decoders(self):
        kinds = np.asarray(self.kinds)
        ints = np.flatnonzero([k.startswith(("int", "uint")) for k in self.kinds])
        bools = np.flatnonzero(kinds == "bool")
        cats = [(j, np.asarray(self.categories[self.names[j]], dtype=object))
                for j in np.flatnonzero(kinds == "category")]
        return ints.tolist(), bools.tolist(), cats

    def values(self, vector: np.ndarray) -> list:
        """A row (float64 vector of every column) as Python values: ``None`` when missing,
        ``int`` for integer columns, ``bool``, ``str`` for categories, else ``float``."""
        out = vector.tolist()
        for j in np.flatnonzero(np.isnan(vector)).tolist():
            out[j] = None
        ints, bools, cats = self._decoders
        for j in ints:
            if out[j] is not None:
                out[j] = int(out[j])
        for j in bools:
            if out[j] is not None:
                out[j] = bool(out[j])
        for j, levels in cats:
            if out[j] is not None:
                out[j] = levels[int(out[j])]
        return out

    def _series(self, j: int, values: np.ndarray) -> pd.api.extensions.ExtensionArray:
        kind = self.kinds[j]
        missing = np.isnan(values)
        if kind == "category":
            codes = np.where(missing, -1, values).astype(np.int64)
            return pd.Categorical.from_codes(codes, categories=self.categories[self.names[j]])
        if kind == "bool":
            return (values.astype(bool) if not missing.any() else
                    np.where(missing, None, values.astype(bool)).astype(object))
        if kind.startswith(("int", "uint")):
            return values if missing.any() else values.astype(kind)
        return values.astype(kind)

    def frame(self, matrix: np.ndarray, columns=None) -> pd.DataFrame:
        """A float64 ``matrix`` of rows (columns ``columns``, default all, KEY first) as a
        frame with each column's own dtype, indexed by SK_ID_CURR."""
        columns = self.names if columns is None else list(columns)
        js = [self._index[c] for c in columns]
        data = {c: self._series(j, matrix[:, k]) for k, (c, j) in enumerate(zip(columns, js))}
        return pd.DataFrame(data).set_index(KEY)

    # -- reading
    def _tile(self, raw: bytes, block: int, group: int) -> np.ndarray:
        rows = min(self.tile_rows, self.n_rows - block * self.tile_rows)
        cols = min(self.tile_columns, self.width - group * self.tile_columns)
        try:
            data = self._codec.decompress(raw, decompressed_size=rows * cols * 8)
        except (OSError, ValueError) as exc:  # pyarrow's ArrowIOError / ArrowInvalid
            raise self._error(f"tile ({block}, {group}) cannot be decompressed "
                              f"(file changed?): {exc}") from None
        return np.frombuffer(data, dtype=np.float64).reshape(cols, rows)

    def block(self, block: int, groups=None) -> np.ndarray:
        """The rows of row block ``block`` (float64, rows x every column; the columns of
        tile groups not in ``groups`` are left NaN)."""
        first = block * self.groups
        lo, hi = int(self._offsets[first]), int(self._offsets[first + self.groups])
        raw = memoryview(self._pread(hi - lo, lo))
        rows = min(self.tile_rows, self.n_rows - block * self.tile_rows)
        out = np.full((rows, self.width), np.nan)
        for g in range(self.groups) if groups is None else groups:
            a = int(self._offsets[first + g]) - lo
            b = int(self._offsets[first + g + 1]) - lo
            c = g * self.tile_columns
            out[:, c:c + self.tile_columns] = self._tile(raw[a:b], block, g).T
        return out

    def row_vector(self, pos: int) -> np.ndarray:
        """Every column of the client at row ``pos`` (float64, KEY first)."""
        if not 0 <= pos < self.n_rows:
            raise IndexError(f"{self.path.name}: row {pos} out of range (0..{self.n_rows - 1})")
        block, row = divmod(int(pos), self.tile_rows)
        first = block * self.groups
        lo, hi = int(self._offsets[first]), int(self._offsets[first + self.groups])
        raw = memoryview(self._pread(hi - lo, lo))
        out = np.empty(self.width)
        for g in range(self.groups):
            a = int(self._offsets[first + g]) - lo
            b = int(self._offsets[first + g + 1]) - lo
            tile = self._tile(raw[a:b], block, g)
            out[g * self.tile_columns:g * self.tile_columns + len(tile)] = tile[:, row]
        return out

    def row_values(self, pos: int) -> list:
        """Every column of the client at row ``pos`` as Python values (see :meth:`values`)."""
        return self.values(self.row_vector(pos))

    def matrix(self, start: int, stop: int, columns=None) -> np.ndarray:
        """Rows ``start:stop`` of the columns ``columns`` (default all), float64."""
        js = np.arange(self.width) if columns is None else np.asarray(
            [self._index[c] for c in columns], dtype=np.int64)
        groups = np.unique(js // self.tile_columns).tolist()
        out = np.empty((max(0, stop - start), len(js)))
        first, last = start // self.tile_rows, -(-stop // self.tile_rows)
        for b in range(first, last):
            rows = self.block(b, groups)
            lo = b * self.tile_rows
            a, z = max(start, lo), min(stop, lo + len(rows))
            out[a - start:z - start] = rows[a - lo:z - lo][:, js]
        return out

    def column(self, name: str) -> np.ndarray:
        """One column of every client (float64, codes for a category)."""
        j = self._index[name]
        g, k = divmod(j, self.tile_columns)
        out = np.empty(self.n_rows)
        for b in range(self.blocks):
            t = b * self.groups + g
            lo, hi = int(self._offsets[t]), int(self._offsets[t + 1])
            start = b * self.tile_rows
            tile = self._tile(self._pread(hi - lo, lo), b, g)
            out[start:start + tile.shape[1]] = tile[k]
        return out

    # -- the interface of the bundle's client tables
    def rows(self, positions) -> pd.DataFrame:
        """The rows at ``positions`` (in that order), indexed by SK_ID_CURR, each column in
        its own dtype (integers with a missing value as float64, as pandas does)."""
        positions = np.asarray(positions, dtype=np.int64)
        if len(positions) and (positions.min() < 0 or positions.max() >= self.n_rows):
            raise IndexError(f"{self.path.name}: row positions out of range")
        matrix = np.empty((len(positions), self.width))
        blocks = positions // self.tile_rows
        for b in np.unique(blocks).tolist():
            inside = np.flatnonzero(blocks == b)
            matrix[inside] = self.block(b)[positions[inside] - b * self.tile_rows]
        return self.frame(matrix)

    def columns(self, names) -> pd.DataFrame:
        """A few columns of every client (indexed by SK_ID_CURR): one tile per row block
        and tile group."""
        names = [KEY] + [n for n in names if n != KEY]
        unknown = [n for n in names if n not in self._index]
        if unknown:
            raise KeyError(f"{self.path.name}: no column(s) {', '.join(unknown)}")
        return self.frame(np.column_stack([self.column(n) for n in names]), names)
