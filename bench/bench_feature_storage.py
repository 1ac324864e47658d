"""How to store the client features of a bundle: time to read one client, size, one column.

Candidates, on the first ``--rows`` clients of a feature file (``scoring features`` output):
Arrow IPC files with zstd or lz4 record batches of several sizes (format 1 of the bundle
wrote zstd batches of 1,024 rows), a float64 matrix in compressed row blocks (every column in
one block), raw row-major float32 / float64 matrices read with one ``pread`` per client, and
the tiles of :mod:`scoring_lib.bundle.tiles` (format 2) for a few tile sizes. Categories are
stored as codes in the matrices. "One client" is the whole path to a list of Python values;
"column" is one column of every client, extrapolated to ``--full-rows`` clients; sizes are
extrapolated the same way.

    .venv/bin/python bench/bench_feature_storage.py --features /tmp/feat/features_full.parquet
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from scoring_lib.bundle.tiles import FeatureTiles, write_tiles
from scoring_lib.data.schema import KEY, TARGET



def stats(times) -> str:
    ms = np.asarray(times) * 1000
    return f"p50 {np.median(ms):6.2f} ms  p95 {np.percentile(ms, 95):6.2f} ms"


class Bench:
    def __init__(self, table: pa.Table, folder: Path, queries: int, full_rows: int):
        self.table, self.folder, self.full_rows = table, folder, full_rows
        self.frame = table.to_pandas()
        self.n = len(self.frame)
        columns = [c for c in self.frame.columns if c != KEY]
        self.matrix = np.empty((self.n, len(columns) + 1))
        self.matrix[:, 0] = self.frame[KEY].to_numpy(np.float64)
        for j, c in enumerate(columns, 1):
            s = self.frame[c]
            self.matrix[:, j] = (np.where(s.cat.codes < 0, np.nan, s.cat.codes)
                                 if isinstance(s.dtype, pd.CategoricalDtype)
                                 else s.to_numpy(np.float64, na_value=np.nan))
        self.queries = np.random.default_rng(0).choice(self.n, min(queries, self.n),
                                                       replace=False)

    def report(self, name: str, size: int, times, column_s: float | None = None) -> None:
        scale = self.full_rows / self.n
        col = f"  column {column_s * scale:5.2f} s" if column_s is not None else ""
        print(f"{name:34s} {size * scale / 1e9:5.2f} GB  one client {stats(times)}{col}",
              flush=True)

    def arrow(self, codec: str, rows: int) -> None:
        path = self.folder / f"arrow-{codec}-{rows}.arrow"
        options = ipc.IpcWriteOptions(compression=codec)
        with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, self.table.schema,
                                                              options=options) as writer:
            for batch in self.table.to_batches(max_chunksize=rows):
                writer.write_batch(batch)
        reader = ipc.open_file(pa.OSFile(str(path), "rb"))
        times = []
        for pos in self.queries:
            t0 = time.perf_counter()
            b, i = divmod(int(pos), rows)
            one = reader.get_batch(b).slice(i, 1)
            [one.column(j)[0].as_py() for j in range(one.num_columns)]
            times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        ipc.open_file(pa.memory_map(str(path), "r"), options=ipc.IpcReadOptions(
            included_fields=[300])).read_all()
        self.report(f"Arrow IPC {codec}, batches of {rows}", path.stat().st_size, times,
                    time.perf_counter() - t0)
        path.unlink()

    def row_blocks(self, codec: str, rows: int) -> None:
        path = self.folder / "blocks.bin"
        compressor, offsets = pa.Codec(codec), [0]
        with open(path, "wb") as f:
            for s in range(0, self.n, rows):
                data = compressor.compress(np.ascontiguousarray(self.matrix[s:s + rows].T),
                                           asbytes=True)
                f.write(data)
                offsets.append(offsets[-1] + len(data))
        width, times = self.matrix.shape[1], []
        with open(path, "rb") as f:
            for pos in self.queries:
                t0 = time.perf_counter()
                b, i = divmod(int(pos), rows)
                raw = os.pread(f.fileno(), offsets[b + 1] - offsets[b], offsets[b])
                n = min(rows, self.n - b * rows)
                buf = compressor.decompress(raw, decompressed_size=n * width * 8)
                np.frombuffer(buf, dtype=np.float64).reshape(width, n)[:, i].tolist()
                times.append(time.perf_counter() - t0)
        self.report(f"row blocks {codec}, {rows} rows", path.stat().st_size, times)
        path.unlink()

    def raw(self, dtype) -> None:
        path = self.folder / "raw.bin"
        self.matrix.astype(dtype).tofile(path)
        size, times = self.matrix.shape[1] * np.dtype(dtype).itemsize, []
        with open(path, "rb") as f:
            for pos in self.queries:
                t0 = time.perf_counter()
                np.frombuffer(os.pread(f.fileno(), size, int(pos) * size), dtype=dtype).tolist()
                times.append(time.perf_counter() - t0)
        self.report(f"raw row-major {np.dtype(dtype).name}", path.stat().st_size, times)
        path.unlink()

    def tiles(self, rows: int, columns: int) -> None:
        path = self.folder / "f.tiles"
        layout = write_tiles(self.frame, path, self.frame[KEY].to_numpy(), rows, columns)
        table, times = FeatureTiles(path, layout), []
        for pos in self.queries:
            t0 = time.perf_counter()
            table.row_values(int(pos))
            times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        table.column(table.names[300])
        self.report(f"tiles {rows} x {columns} (zstd)", path.stat().st_size, times,
                    time.perf_counter() - t0)
        table.close()
        path.unlink()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--features", required=True, help="a feature file (Parquet)")
    p.add_argument("--rows", type=int, default=40_960, help="clients used")
    p.add_argument("--full-rows", type=int, default=356_255, help="clients extrapolated to")
    p.add_argument("--queries", type=int, default=300)
    args = p.parse_args(argv)
    table = pq.read_table(args.features).slice(0, args.rows)
    table = table.drop_columns([c for c in (TARGET,) if c in table.column_names])
    with open("/proc/loadavg") as f:
        print(f"{table.num_rows:,d} clients x {table.num_columns - 1} features, sizes and "
              f"column times scaled to {args.full_rows:,d} clients; load average "
              f"{f.read().split()[0]}", flush=True)
    with tempfile.TemporaryDirectory(dir=Path(args.features).parent) as tmp:
        bench = Bench(table, Path(tmp), args.queries, args.full_rows)
        for codec, rows in (("zstd", 1024), ("lz4", 1024), ("zstd", 64), ("lz4", 64),
                            ("zstd", 16)):
            bench.arrow(codec, rows)
        for codec, rows in (("zstd", 1), ("zstd", 16), ("zstd", 64), ("lz4", 16)):
            bench.row_blocks(codec, rows)
        bench.raw(np.float64)
        bench.raw(np.float32)
        for rows, columns in ((16, 1024), (64, 64), (128, 64), (64, 128)):
            bench.tiles(rows, columns)
    return 0


if __name__ == "__main__":
    sys.exit(main())
