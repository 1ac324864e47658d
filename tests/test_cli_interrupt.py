"""Interrupted commands (issue #10, defect 7), with real processes and real signals.

A build stopped with SIGTERM (a container stop, ``kill``) or Ctrl-C ends with one line and
exit code 130, removes its staging folder and kills its notebook kernel; the staging folder
of a build killed outright (SIGKILL) is swept by the next build, a live build's never.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scoring_lib.data.synth import synthesize
from scoring_lib.model import load_bundle

CLI = [sys.executable, "-m", "scoring_lib.cli"]
TINY = ["--folds", "2", "--iterations", "5"]


def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _descendants(root: int) -> set[int]:
    pids = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]
    parent = {pid: _ppid(pid) for pid in pids}
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, pp in parent.items() if pp in frontier} - found
        found |= frontier
    return found


def _kernels(root: int) -> set[int]:
    kernels = set()
    for pid in _descendants(root):
        try:
            if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes():
                kernels.add(pid)
        except OSError:
            pass
    return kernels


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _staging(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f".{name}.tmp-*"))


def _start_build(raw, out) -> subprocess.Popen:
    return subprocess.Popen(CLI + ["build", "--data", str(raw), "--out", str(out), *TINY],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_kernel(process, out, timeout=240) -> set[int]:
    """Wait until the build has its staging folder and a notebook kernel running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        kernels = _kernels(process.pid)
        if kernels and _staging(out.parent, out.name):
            return kernels
        time.sleep(0.2)
    process.kill()
    pytest.fail(f"no kernel within {timeout} s: {process.communicate()}")


def _wait_gone(pids, timeout=20) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.2)
    return {p for p in pids if _alive(p)}


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data") / "raw"
    synthesize(folder, 300, 40, seed=1, fmt="parquet")
    return folder


@pytest.mark.slow
def test_sigterm_stops_a_build_with_one_line_and_leaves_nothing(raw, tmp_path):
    out = tmp_path / "artifacts" / "tiny"
    build = _start_build(raw, out)
    kernels = _wait_for_kernel(build, out)
    build.send_signal(signal.SIGTERM)
    stdout, stderr = build.communicate(timeout=120)
    assert build.returncode == 130, stderr
    assert stderr.rstrip().splitlines()[-1] == f"interrupted: nothing was written to {out}"
    assert stderr.count("interrupted") == 1
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert not out.exists()
    assert list(out.parent.iterdir()) == []  # no staging folder left
    assert _wait_gone(kernels) == set(), "the notebook kernel outlived the build"


@pytest.mark.slow
def test_a_killed_builds_staging_is_swept_by_the_next_build_a_live_one_kept(raw, tmp_path):
    out = tmp_path / "artifacts" / "tiny"
    build = _start_build(raw, out)
    kernels = _wait_for_kernel(build, out)
    build.kill()  # SIGKILL: no chance to clean up
    build.communicate(timeout=60)
    stale = _staging(out.parent, out.name)
    assert len(stale) == 1 and f".tiny.tmp-{build.pid}-" in stale[0].name
    # its kernel notices that its parent is gone and stops by itself
    assert _wait_gone(kernels) == set(), "the kernel of a killed build kept running"
    live = out.parent / f".tiny.tmp-{os.getpid()}-live"  # as if this process were building
    live.mkdir()

    again = subprocess.run(CLI + ["build", "--data", str(raw), "--out", str(out), *TINY],
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in out.parent.iterdir()) == sorted([live.name, "tiny"])
    assert load_bundle(out).metrics["folds"] == 2


def test_ctrl_c_while_generating_data_writes_nothing(tmp_path):
    out = tmp_path / "raw"
    synth = subprocess.Popen(CLI + ["synth", "--clients", "300000", "--out", str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(out.glob(".synth*")) and time.monotonic() < deadline:  # its staging
        assert synth.poll() is None, synth.communicate()
        time.sleep(0.1)
    synth.send_signal(signal.SIGINT)
    _, stderr = synth.communicate(timeout=120)
    assert synth.returncode == 130, stderr
    assert stderr.strip().splitlines() == [f"interrupted: nothing was written to {out}"]
    assert list(out.iterdir()) == []


def test_the_line_says_what_was_written_before_the_interruption(tmp_path, monkeypatch,
                                                                 capsys):
    from scoring_lib.cli import main
    from scoring_lib.outputs import committed

    out, features = tmp_path / "b", tmp_path / "f.parquet"
    features.write_bytes(b"PAR1")

    def interrupted_build(data, out, params, features=None):
        committed(features)  # the feature file was complete when the build was stopped
        raise KeyboardInterrupt

    monkeypatch.setattr("scoring_lib.model.pipeline.build.build_bundle", interrupted_build)
    assert main(["build", "--data", str(tmp_path), "--out", str(out), "--features",
                 str(features)]) == 130
    assert capsys.readouterr().err == (f"interrupted: nothing was written to {out} "
                                       f"({features} had been written completely before)\n")

    def interrupted_right_after(out, *args):
        out.mkdir()
        committed(out)  # Ctrl-C held during the last renames takes effect just after
        raise KeyboardInterrupt

    monkeypatch.setattr("scoring_lib.data.synth.synthesize",
                        lambda out, *a: interrupted_right_after(Path(out)))
    assert main(["synth", "--clients", "10", "--out", str(tmp_path / "raw")]) == 130
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"interrupted after {tmp_path / 'raw'} was written completely")
