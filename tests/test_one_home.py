"""One home for each name (issue 11): the client key, the target and the child tables' keys
are defined in ``scoring_lib.data.schema`` and imported everywhere else, never spelt again
as a string literal in Python code."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat

from scoring_lib.data import schema

ROOT = Path(__file__).resolve().parents[1]
NAMES = {schema.KEY, schema.TARGET, schema.BUREAU_KEY, schema.PREVIOUS_KEY}

#: where the names may be spelt out: their home, and the synthetic generator, whose column
#: lists are data (every column of the files it writes, keys included, as the schema lists)
HOME = ("scoring_lib/data/schema.py", "scoring_lib/data/synth/")


def literal_names(source: str) -> list[tuple[int, str]]:
    """``(line, name)`` of every string literal of ``source`` that is exactly one of the
    names: not docstrings, comments, ``__all__`` (names of Python objects) or longer texts
    that mention a name."""
    tree = ast.parse(source)
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            skip.update(id(n) for n in ast.walk(node.value))
    return sorted((node.lineno, node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and node.value in NAMES
                  and isinstance(node.value, str) and id(node) not in skip)


def python_sources():
    for folder in ("scoring_lib", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if not rel.startswith(HOME):
                yield rel, path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "scoring_lib" / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                code = "\n".join(line for line in cell.source.splitlines()
                                 if not line.lstrip().startswith(("%", "!")))
                yield f"{path.relative_to(ROOT).as_posix()} cell {i}", code


def test_the_check_finds_a_spelt_out_key_and_ignores_texts():
    code = ('KEY = "SK_ID_CURR"\nx = frame[\'TARGET\']\n"""SK_ID_CURR in a docstring"""\n'
            'msg = f"{KEY} and TARGET"  # "SK_ID_PREV" in a comment\n'
            '__all__ = ["KEY", "TARGET"]\n')
    assert literal_names(code) == [(1, "SK_ID_CURR"), (2, "TARGET")]


def test_key_and_target_names_have_one_home_the_schema():
    offenders = [f"{where}:{line}: {name!r}" for where, source in python_sources()
                 for line, name in literal_names(source)]
    assert not offenders, ("spelt out instead of imported from scoring_lib.data.schema "
                           "(KEY, TARGET, BUREAU_KEY, PREVIOUS_KEY):\n" + "\n".join(offenders))


def test_the_training_inputs_still_give_the_names():
    from scoring_lib.model.training import inputs

    assert (inputs.KEY, inputs.TARGET) == (schema.KEY, schema.TARGET)


# ------------------------------------------------------------------------- default paths
def _parameters(name: str) -> dict:
    nb = nbformat.read(ROOT / "scoring_lib" / "notebooks" / name, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    return {node.targets[0].id: ast.literal_eval(node.value)
            for node in ast.parse(first.source).body}


def test_default_paths_have_one_home_scoring_lib_paths():
    from scoring_lib import paths
    from scoring_lib.cli import build_parser
    from scoring_lib.model.pipeline.build import build_demo

    assert paths.processed_features(paths.DATA_RAW).as_posix() == paths.FEATURES
    demo = build_parser().parse_args(["demo"])
    assert (demo.data, demo.out) == (paths.DATA_RAW, paths.DEMO_BUNDLE)
    assert build_demo.__defaults__[:2] == (paths.DATA_RAW, paths.DEMO_BUNDLE)
    # the notebooks' parameter cells (papermill overrides them) say the same
    assert _parameters("01_eda.ipynb")["data_dir"] == paths.DATA_RAW
    assert _parameters("02_modelling.ipynb")["features_path"] == paths.FEATURES
    # the page's default bundle is imported, not spelt out
    page = (ROOT / "scoring_lib" / "dashboard" / "page" / "dashboard.ipynb").read_text()
    assert "DEMO_BUNDLE" in page and paths.DEMO_BUNDLE not in page


def test_no_default_path_is_spelt_out_in_the_library_code():
    from scoring_lib import paths

    spelt = [f"{where}:{node.lineno}: {node.value!r}" for where, source in python_sources()
             if not where.startswith(("scoring_lib/paths.py", "scoring_lib/notebooks/"))
             for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Constant) and node.value in {
                 paths.DATA_RAW, paths.DEMO_BUNDLE, paths.PROCESSED, paths.FEATURES}]
    assert not spelt, "import it from scoring_lib.paths:\n" + "\n".join(spelt)
