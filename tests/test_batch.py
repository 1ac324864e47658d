"""``scoring batch`` on a LocalCluster (2 worker processes, 1 thread each, loopback) over the
tiny bundle's own data (600 training + 100 test clients, written by the synth generator with
the bundle's seed): every probability equals the Scorer's to 1e-9, a client's features do not
depend on the partitioning (P = 1, 3, 7), a run killed mid-way finishes on restart with the
same output, and bad input (a missing child table, foreign clients in a child table, a
corrupt partition file) gets one clear sentence and no half-written part.

One cluster for the module, closed at its end.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from scoring_lib.batch import BatchError, partition_of, read_scores, run_batch
from scoring_lib.batch.partition import PARTITIONS, part_name, read_manifest
from scoring_lib.batch.run import SCORES, jobs, partition_features
from scoring_lib.cli import main
from scoring_lib.data.synth import synthesize
from scoring_lib.scoring import Scorer

KEY = "SK_ID_CURR"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as lc, Client(lc) as client:
        yield client


@pytest.fixture(scope="module")
def setup(tiny_bundle, tmp_path_factory):
    """(bundle path, data folder, full feature set) with the bundle's data as Parquet."""
    path, features, _ = tiny_bundle
    data = tmp_path_factory.mktemp("batch-data") / "raw"
    synthesize(data, 600, 100, seed=1, fmt="parquet")  # build_tiny_bundle's tables
    return path, data, features


@pytest.fixture(scope="module")
def scorer(setup):
    return Scorer.from_bundle(setup[0])


@pytest.fixture(scope="module")
def runs(setup, cluster, tmp_path_factory):
    """Outputs of the test applications with P = 1, 3, 7, and of the training ones (P=3)."""
    path, data, _ = setup
    root = tmp_path_factory.mktemp("batch-runs")
    out = {}
    for p in (1, 3, 7):
        out[p] = root / f"p{p}"
        run_batch(path, data, out[p], p, client=cluster, echo=lambda line: None)
    out["train"] = root / "train"
    run_batch(path, data, out["train"], 3, train=True, client=cluster, echo=lambda line: None)
    return out


def sorted_scores(out) -> pd.DataFrame:
    return read_scores(out).sort_values(KEY).reset_index(drop=True)


def test_probability_equals_the_scorer_for_every_client(runs, scorer):
    for run in (runs[1], runs[3], runs[7], runs["train"]):
        scores = read_scores(run)
        reference = np.array([scorer.score(i).probability for i in scores[KEY]])
        assert np.abs(scores["probability"].to_numpy() - reference).max() <= 1e-9
        decisions = [scorer.score(i).decision for i in scores[KEY]]
        assert scores["decision"].tolist() == decisions
        assert (scores["threshold"] == scorer.threshold).all()
    test_ids = set(read_scores(runs[1])[KEY])
    train_ids = set(read_scores(runs["train"])[KEY])
    assert len(test_ids) == 100 and len(train_ids) == 600 and not test_ids & train_ids
    assert test_ids | train_ids == set(scorer.client_ids)


def test_reason_codes_are_the_largest_shap_contributions(runs, scorer):
    scores = read_scores(runs[3])
    for _, row in scores.iloc[::17].iterrows():
        contributions, _ = scorer.contributions(int(row[KEY]))
        top = contributions.sort_values(ascending=False, kind="stable").iloc[:4]
        assert [row[f"reason_{i}"] for i in range(1, 5)] == list(top.index)
        got = [row[f"contribution_{i}"] for i in range(1, 5)]
        assert np.allclose(got, top.to_numpy(), atol=1e-9)
    assert set(scores["bundle_id"]) == {json.loads(
        (runs[3] / "summary.json").read_text())["bundle_id"]}


def test_features_do_not_depend_on_the_partitioning(runs, setup):
    _, _, full = setup
    names = [c for c in full.frame.columns if c != "TARGET"]
    expected = full.frame.set_index(KEY)
    for p in (1, 3, 7):
        manifest = read_manifest(runs[p] / PARTITIONS)
        assert manifest["partitions"] == p
        frames = []
        for job in jobs(runs[p], Path("unused"), "x", manifest):
            part = partition_features(job).frame
            assert (partition_of(part[KEY], p) == job.index).all()  # co-partitioned
            frames.append(part[names])
        got = pd.concat(frames).set_index(KEY).sort_index()
        want = expected.loc[got.index, got.columns]
        assert len(got) == 100
        for column in got.columns:  # values, whatever dtype a partition inferred
            a, b = got[column], want[column]
            if isinstance(b.dtype, pd.CategoricalDtype):
                assert a.astype(object).where(a.notna(), None).tolist() == \
                    b.astype(object).where(b.notna(), None).tolist(), column
            else:
                x = a.to_numpy(np.float64, na_value=np.nan)
                y = b.to_numpy(np.float64, na_value=np.nan)
                # polars sums a client's rows in an order that depends on the size of the
                # table (its chunks and threads): a mean or variance may differ in its last
                # bit (relative 1e-16), far below the float32 the model reads; a trend is
                # the difference of two such means, close to each other: its last bits are
                # relative to the means (absolute 1e-16 on shares), not to the difference
                atol = 1e-12 if column.endswith("_TREND") else 0
                np.testing.assert_allclose(x, y, rtol=1e-13, atol=atol, err_msg=column)
    one, three, seven = (sorted_scores(runs[p]) for p in (1, 3, 7))
    pd.testing.assert_frame_equal(one, three)
    pd.testing.assert_frame_equal(one, seven)


def test_child_rows_follow_their_client(runs):
    folder = runs[7] / PARTITIONS
    for p in range(7):
        part = folder / part_name(p)
        clients = set(pd.read_parquet(part / "application_test.parquet")[KEY])
        credits = pd.read_parquet(part / "bureau.parquet")
        assert set(credits[KEY]) <= clients
        balance = pd.read_parquet(part / "bureau_balance.parquet")
        assert set(balance["SK_ID_BUREAU"]) <= set(credits["SK_ID_BUREAU"])
        for table in ("previous_application", "installments_payments"):
            assert set(pd.read_parquet(part / f"{table}.parquet")[KEY]) <= clients


def test_cli_prints_progress_and_summary_then_restarts(setup, cluster, tmp_path, capsys):
    path, data, _ = setup
    out = tmp_path / "out"
    args = ["batch", "--bundle", str(path), "--data", str(data), "--out", str(out),
            "--scheduler", cluster.scheduler.address, "--partitions", "3"]
    assert main(args) == 0
    text = capsys.readouterr().out
    summary = json.loads((out / "summary.json").read_text())
    assert f"(id {summary['bundle_id']}, threshold " in text
    assert f"Partitioned 100 applications and their child tables into {out / PARTITIONS}" \
        in text
    assert "Partitions to score: 3 of 3 (0 already scored)" in text
    assert f"Dask scheduler: {cluster.scheduler.address} (2 worker(s))" in text
    assert f"Dask dashboard: {cluster.dashboard_link}\n" in text  # another's: as it is
    assert re.search(r"Scoring: 100%\|#+\| 3/3", text)
    scores = read_scores(out)
    granted = int((scores["decision"] == "granted").sum())
    assert summary["granted"] == granted and summary["clients"] == 100
    rate = f"{100 * granted / 100:.1f} %"
    assert (f"Scored 100 clients: {granted} granted, {100 - granted} refused "
            f"(approval rate {rate})") in text
    assert f"Wrote {out / SCORES} (3 part(s)) and {out / 'summary.json'}" in text
    # the same command again: nothing to redo, same summary
    assert main(args) == 0
    again = capsys.readouterr().out
    assert f"Reusing {out / PARTITIONS}" in again
    assert "Partitions to score: 0 of 3 (3 already scored)" in again
    assert "Dask scheduler" not in again  # no task, no cluster needed
    assert json.loads((out / "summary.json").read_text())["granted"] == granted


def test_cli_refuses_a_folder_it_did_not_write(setup, tmp_path, error_line):
    path, data, _ = setup
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    assert main(["batch", "--bundle", str(path), "--data", str(data), "--out",
                 str(out)]) == 2
    line = error_line()
    assert f"--out {out} already exists and is not a batch output folder" in line
    assert (out / "notes.txt").read_text() == "keep me" and len(list(out.iterdir())) == 1


def test_restart_after_a_killed_run_gives_identical_output(setup, runs, cluster, tmp_path):
    path, data, _ = setup
    out = tmp_path / "killed"
    command = [sys.executable, "-m", "scoring_lib.cli", "batch", "--bundle", str(path),
               "--data", str(data), "--out", str(out), "--workers", "1",
               "--partitions", "7"]
    printed = tmp_path / "printed.txt"
    with printed.open("w") as sink:
        proc = subprocess.Popen(command, cwd=REPO, start_new_session=True, stdout=sink,
                                stderr=subprocess.STDOUT)
    parts = out / SCORES
    deadline = time.monotonic() + 90
    try:
        while not list(parts.glob("part-*.parquet")):
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.01)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its local cluster's worker
        proc.wait()
    done = list(parts.glob("part-*.parquet"))
    assert 1 <= len(done) < 7, "killed too late to test a restart"
    text = printed.read_text()  # its own local cluster: the dashboard link and what it shows
    assert re.search(r"^Dask scheduler: tcp://127\.0\.0\.1:\d+ \(1 worker\(s\)\)$", text, re.M)
    link = re.search(r"^Dask dashboard: (http://127\.0\.0\.1:\d+)/status(.*)$", text, re.M)
    assert link, text
    assert link.group(2) in ("", f" (its graphs need the bokeh package, not installed here; "
                                 f"the worker pages work without it: {link.group(1)}"
                                 "/info/main/workers.html)")
    lines = []
    summary = run_batch(path, data, out, 7, client=cluster, echo=lines.append)
    assert f"Partitions to score: {7 - len(done)} of 7 ({len(done)} already scored)" in lines
    assert any(line.startswith(f"Reusing {out / PARTITIONS}") for line in lines)
    assert summary["partitions_reused"] == len(done) and summary["clients"] == 100
    pd.testing.assert_frame_equal(sorted_scores(out), sorted_scores(runs[7]))
    assert sorted(p.name for p in parts.iterdir()) == [f"{part_name(i)}.parquet"
                                                       for i in range(7)]


def _copy(data: Path, to: Path, without=()) -> Path:
    to.mkdir()
    for f in data.iterdir():
        if f.name.split(".")[0] not in without:
            shutil.copy2(f, to / f.name)
    return to


def test_a_missing_child_table_is_named_and_nothing_is_written(setup, tmp_path, error_line):
    path, data, _ = setup
    partial = _copy(data, tmp_path / "raw", without=("bureau_balance",))
    out = tmp_path / "out"
    assert main(["batch", "--bundle", str(path), "--data", str(partial), "--out",
                 str(out)]) == 2
    line = error_line()
    assert re.fullmatch(rf"error: {partial}: the bureau_balance table is missing "
                        r"\(bureau_balance\.csv or \.parquet\.\.\.\), and the bundle's model "
                        r"uses \d+ feature\(s\) computed from it \(e\.g\. BURO_\w+, .*\): its "
                        r"clients cannot be scored as the model expects; add bureau_balance "
                        rf"to {partial}", line), line
    assert not out.exists()


def test_foreign_clients_in_a_child_table_are_refused(setup, cluster, tmp_path):
    path, data, _ = setup
    bad = _copy(data, tmp_path / "raw")
    bureau = pq.read_table(bad / "bureau.parquet").to_pandas()
    extra = bureau.iloc[:3].copy()
    extra[KEY] = [990001, 990002, 990002]
    extra["SK_ID_BUREAU"] = [9_000_001, 9_000_002, 9_000_003]
    pd.concat([bureau, extra], ignore_index=True).to_parquet(bad / "bureau.parquet")
    out = tmp_path / "out"
    with pytest.raises(BatchError) as info:
        run_batch(path, bad, out, 3, client=cluster, echo=lambda line: None)
    assert str(info.value) == (
        f"{bad / 'bureau.parquet'}: 3 row(s) of the bureau table belong to clients that are "
        "in no application table (application_train or application_test), e.g. SK_ID_CURR "
        "990001, 990002; every child row must belong to a client of the applications: "
        "remove those rows or add their applications")
    assert not (out / PARTITIONS).exists() and not (out / SCORES).exists()
    assert [p.name for p in out.iterdir()] == ["batch.json"]  # no staging left behind


def test_a_corrupt_partition_file_is_named_and_no_part_is_half_written(setup, runs, cluster,
                                                                        tmp_path):
    path, data, _ = setup
    out = tmp_path / "out"
    shutil.copytree(runs[3], out)
    victim = out / PARTITIONS / part_name(1) / "installments_payments.parquet"
    victim.write_bytes(victim.read_bytes()[:200])  # truncated: a disk that failed
    (out / SCORES / f"{part_name(1)}.parquet").unlink()
    (out / SCORES / f"{part_name(2)}.parquet").unlink()
    with pytest.raises(BatchError) as info:
        run_batch(path, data, out, 3, client=cluster, echo=lambda line: None)
    message = str(info.value)
    assert message.startswith(f"partition file {victim} cannot be read (")
    assert message.endswith(f"it is corrupt or was changed after partitioning; delete "
                            f"{out / PARTITIONS} and run scoring batch again to partition "
                            "the data anew")
    assert sorted(p.name for p in (out / SCORES).iterdir()) == [
        f"{part_name(0)}.parquet", f"{part_name(2)}.parquet"]  # 2 redone, 1 not written
    # as the message says: delete the partitions, run again: the same output
    shutil.rmtree(out / PARTITIONS)
    run_batch(path, data, out, 3, client=cluster, echo=lambda line: None)
    pd.testing.assert_frame_equal(sorted_scores(out), sorted_scores(runs[3]))


def test_csv_files_give_the_same_scores_as_parquet(setup, runs, cluster, tmp_path):
    path, _, _ = setup
    data = tmp_path / "csv"
    synthesize(data, 600, 100, seed=1, fmt="csv")  # streamed by pyarrow's CSV reader
    out = tmp_path / "out"
    run_batch(path, data, out, 3, client=cluster, echo=lambda line: None)
    pd.testing.assert_frame_equal(sorted_scores(out), sorted_scores(runs[3]))


def test_a_client_twice_in_the_applications_is_refused(setup, cluster, tmp_path):
    path, data, _ = setup
    bad = _copy(data, tmp_path / "raw")
    test = pd.read_parquet(bad / "application_test.parquet")
    pd.concat([test, test.iloc[[3, 5]]]).to_parquet(bad / "application_test.parquet")
    out = tmp_path / "out"
    with pytest.raises(BatchError) as info:
        run_batch(path, bad, out, 3, client=cluster, echo=lambda line: None)
    ids = sorted(test[KEY].iloc[[3, 5]])
    assert str(info.value) == (
        f"{bad / 'application_test.parquet'}: 2 SK_ID_CURR value(s) appear more than once "
        f"(e.g. {ids[0]}, {ids[1]}); an application table has one row per client")
    assert not (out / PARTITIONS).exists() and not (out / SCORES).exists()


def test_an_interruption_says_what_is_kept_and_how_to_finish(runs, tmp_path):
    from scoring_lib.batch.command import interrupted_message

    out = tmp_path / "out"
    shutil.copytree(runs[3], out)
    (out / SCORES / f"{part_name(2)}.parquet").unlink()
    assert interrupted_message(out) == (
        f"interrupted: 2 part(s) were written completely to {out / SCORES}; run the same "
        "command again to score the rest")


def test_outputs_get_a_new_files_permissions_not_a_staging_files(runs):
    """The parts, summary.json and the marker are readable as any file the user writes
    (0666 less the umask), not private like the mkstemp file they were staged in."""
    from scoring_lib.outputs import current_umask

    out = runs[3]
    files = [out / "batch.json", out / "summary.json", *sorted((out / SCORES).iterdir())]
    assert len(files) == 5
    want = oct(0o666 & ~current_umask())
    assert {f.name: oct(f.stat().st_mode & 0o777) for f in files} == {f.name: want
                                                                      for f in files}


def test_an_empty_partition_gives_a_part_that_reads_with_the_others(setup, runs, tmp_path):
    """A partition without clients (more partitions than clients hash into) writes a part
    whose columns have the types of the others: ``OUT/scores/`` reads as one table with any
    Parquet reader, as the README says."""
    from scoring_lib.batch.run import Job, bundle_id, score_partition

    path = setup[0]
    folder = tmp_path / SCORES
    shutil.copytree(runs[3] / SCORES, folder)
    empty = folder / f"{part_name(3)}.parquet"
    job = Job(3, str(tmp_path / "unused"), str(empty), str(path), bundle_id(path), "id",
              "application_test", (), 0)
    assert score_partition(job)["clients"] == 0
    assert pq.read_schema(empty).remove_metadata() == pq.read_schema(
        folder / f"{part_name(0)}.parquet").remove_metadata()
    pd.testing.assert_frame_equal(pd.read_parquet(folder), read_scores(runs[3]))


def test_a_file_changed_while_partitioning_is_partitioned_again_on_the_next_run(setup,
                                                                                tmp_path):
    """The manifest holds the fingerprint of the files as they were read: a file touched
    during partitioning makes the next run partition anew instead of reusing a mix."""
    from scoring_lib.batch.partition import ensure_partitions, write_partitions
    from scoring_lib.features.cache import input_fingerprint

    data = tmp_path / "raw"
    shutil.copytree(setup[1], data)
    before, _ = input_fingerprint(data)
    touched = []

    def touch(table, rows):
        if not touched:
            os.utime(data / "bureau.parquet", ns=(time.time_ns(), time.time_ns() + 10**9))
            touched.append(table)

    manifest = write_partitions(data, tmp_path / "parts", 2, progress=touch)
    assert touched and manifest["fingerprint"] == before != input_fingerprint(data)[0]
    out = tmp_path / "out"
    out.mkdir()
    shutil.move(tmp_path / "parts", out / PARTITIONS)
    assert ensure_partitions(data, out, 2)[1] is False  # not reused


def test_bench_fresh_deletes_only_a_batch_output(tmp_path):
    out = tmp_path / "not-a-batch"
    out.mkdir()
    (out / "keep.txt").write_text("keep me")
    proc = subprocess.run([sys.executable, str(REPO / "bench" / "bench_batch.py"), "batch",
                           "--bundle", str(tmp_path / "none"), "--data", str(tmp_path),
                           "--out", str(out), "--fresh"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode != 0
    assert f"--fresh: {out} is left untouched (it holds no batch.json" in proc.stderr
    assert (out / "keep.txt").read_text() == "keep me"


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_column_of_the_wrong_type_is_named(setup, tmp_path, fmt):
    from scoring_lib.batch.partition import write_partitions

    data = tmp_path / "raw"
    shutil.copytree(setup[1], data)
    frame = pd.read_parquet(data / "application_test.parquet")
    frame["AMT_CREDIT"] = frame["AMT_CREDIT"].astype(str)
    frame.loc[3, "AMT_CREDIT"] = "abc"
    (data / "application_test.parquet").unlink()
    path = data / f"application_test.{fmt}"
    frame.to_parquet(path) if fmt == "parquet" else frame.to_csv(path, index=False)
    with pytest.raises(BatchError) as info:
        write_partitions(data, tmp_path / "parts", 2)
    assert str(info.value).startswith(f"{path}: column AMT_CREDIT cannot be read as numbers (")
    assert "'abc'" in str(info.value)
