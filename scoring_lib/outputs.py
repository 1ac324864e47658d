"""Where the commands write: replace only what the project wrote, never lose an input.

Every command that writes (``scoring synth``, ``features``, ``build``, ``demo``) asks this
module before it touches an existing path:

* :func:`check_separate`: the output is neither one of the inputs, nor inside one, nor a
  folder that holds one (replacing it would delete the input);
* :func:`check_output_folder` / :func:`check_output_file`: an existing output is replaced
  only if the format's own ``recognise(path)`` says the project wrote it (a bundle with its
  ``bundle.json``, a feature file with its metadata, a folder of generated data with its
  marker); an empty folder is fine; anything else is refused with :class:`OutputError`,
  whose message names the path and the way out. ``--force`` never lifts these refusals.

Writers build their output in a *staging* path beside (or inside) the target, named
``.<name>.tmp-<pid>-<random>`` (:func:`staging_prefix`), then rename it into place.
:func:`sweep_stale` removes the staging paths whose process is gone (a build killed with
SIGKILL, a power cut), never those of a live process; a ``.<name>.old-<pid>`` left by a
replacement cut short between its two renames is renamed back when ``<name>`` is missing.
:func:`deferred_interrupts` holds Ctrl-C and SIGTERM during such a commit of a few renames.
:func:`atomic_file` (and :func:`write_atomic` for bytes or text) is that sequence for one
file: staging file beside the target, permissions of a new file (the umask), rename under
:func:`deferred_interrupts`, staging file removed if anything fails.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
import threading
from pathlib import Path
from typing import Callable, Iterator

#: ``recognise(path)`` returns None when the project wrote ``path``, else why not (a clause
#: such as "it holds no bundle.json").
Recognise = Callable[[Path], "str | None"]

_STAGING = re.compile(r"^\.(?P<name>.+)\.(?:tmp-(?P<pid>\d+)-.+|(?P<old>old)-(?P<opid>\d+))$")
#: paths committed by this process (for the message of an interrupted command)
COMMITTED: list[Path] = []


class OutputError(ValueError):
    """An output path the command refuses to write: ``str(error)`` is a sentence for a person
    that names the path and what to do instead; ``path`` is that path."""

    def __init__(self, message: str, path=None):
        super().__init__(message)
        self.path = Path(path) if path is not None else None


# ------------------------------------------------------------------------------ checks
def _resolved(path) -> Path:
    return Path(path).expanduser().resolve()


def check_separate(out, inputs: dict, out_arg: str = "--out") -> None:
    """Refuse ``out`` equal to, inside, or holding one of ``inputs`` (``{argument: path}``;
    None paths are skipped)."""
    target = _resolved(out)
    for arg, path in inputs.items():
        if path is None:
            continue
        source = _resolved(path)
        if target == source:
            raise OutputError(f"{out_arg} {out} is the same path as {arg} {path}: writing "
                              f"there would replace the input; choose another {out_arg}", out)
        if target.is_relative_to(source):
            raise OutputError(f"{out_arg} {out} is inside {arg} {path}: outputs never go "
                              f"into an input; choose an {out_arg} outside {path}", out)
        if source.is_relative_to(target):
            raise OutputError(f"{arg} {path} is inside {out_arg} {out}: replacing {out} "
                              f"would delete it; choose an {out_arg} that does not hold "
                              f"{path}", out)


def check_output_folder(out, recognise: Recognise, what: str, out_arg: str = "--out") -> None:
    """Allow ``out`` if absent, an empty folder, or a folder ``recognise`` accepts."""
    out = Path(out)
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir():
        raise OutputError(f"{out_arg} {out} is a file, not a folder: choose another "
                          f"{out_arg} (a new or empty folder, or an existing {what})", out)
    if any(out.iterdir()):
        _refuse_unrecognised(out, recognise, what, out_arg, " (a new or empty folder)",
                             "folder")


def check_output_file(out, recognise: Recognise, what: str, out_arg: str = "--out") -> None:
    """Allow ``out`` if absent or a file ``recognise`` accepts."""
    out = Path(out)
    if not out.exists() and not out.is_symlink():
        return
    if out.is_dir():
        raise OutputError(f"{out_arg} {out} is a folder, not a file: give a file path for "
                          f"the {what}, e.g. {out / 'features.parquet'}", out)
    _refuse_unrecognised(out, recognise, what, out_arg, "", "file")


def _refuse_unrecognised(out: Path, recognise: Recognise, what: str, out_arg: str,
                         choice: str, noun: str) -> None:
    """Refuse the existing ``out`` unless ``recognise`` accepts it as a ``what``."""
    reason = recognise(out)
    if reason is not None:
        raise OutputError(f"{out_arg} {out} already exists and is not a {what} ({reason}), "
                          f"so it is left untouched: choose another {out_arg}{choice}, or "
                          f"move that {noun} away yourself", out)


# ------------------------------------------------------------------------------ staging
def staging_prefix(name: str) -> str:
    """Prefix of this process's staging paths for the output ``name``."""
    return f".{name}.tmp-{os.getpid()}-"


def pid_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (on this machine)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def sweep_stale(folder) -> list[Path]:
    """Remove the staging paths in ``folder`` whose process is gone; returns them.

    A ``.<name>.old-<pid>`` (the previous output, moved aside) is renamed back to ``<name>``
    when ``<name>`` is missing, and removed otherwise.
    """
    folder = Path(folder)
    swept = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return swept
    for path in entries:
        match = _STAGING.match(path.name)
        if not match or pid_alive(int(match["pid"] or match["opid"])):
            continue
        target = folder / match["name"]
        if match["old"] and not target.exists() and not target.is_symlink():
            os.replace(path, target)
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        swept.append(path)
    return swept


@contextlib.contextmanager
def deferred_interrupts():
    """Hold SIGINT and SIGTERM for the duration (a commit of a few renames): an interruption
    arriving meanwhile takes effect right after, once the output is whole."""
    main = threading.current_thread() is threading.main_thread()
    signals = {signal.SIGINT, signal.SIGTERM}
    if main:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        if main:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


def committed(path) -> None:
    """Record that ``path`` was written completely (see :data:`COMMITTED`)."""
    COMMITTED.append(Path(path))


def current_umask() -> int:
    """The process's umask, read without changing it where Linux tells it (``/proc``), so
    that another thread never creates a file under a zero umask; elsewhere set and reset."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_file(path) -> Iterator[Path]:
    """A staging file beside ``path`` for the caller to write (``with atomic_file(p) as
    tmp: ...``). On a normal exit it gets a new file's permissions (``0o666`` less the
    umask: ``mkstemp`` makes it private) and is renamed over ``path`` under
    :func:`deferred_interrupts`, then recorded (:func:`committed`); on any exception it is
    removed and ``path`` is left as it was. The folder of ``path`` must exist."""
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=staging_prefix(path.name), dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~current_umask())
        with deferred_interrupts():
            os.replace(tmp, path)
            committed(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path, data: "bytes | str") -> Path:
    """Write ``data`` (bytes, or text as UTF-8) to ``path`` with :func:`atomic_file`."""
    with atomic_file(path) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
    return Path(path)


__all__ = ["COMMITTED", "OutputError", "atomic_file", "check_output_file",
           "check_output_folder", "check_separate", "committed", "current_umask",
           "deferred_interrupts", "pid_alive", "staging_prefix", "sweep_stale", "write_atomic"]
