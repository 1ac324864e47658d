"""The monitoring notebook (``notebooks/03_monitoring.ipynb``) run by papermill into an
output folder, with its HTML copy: the same report as ``scoring monitor``, with figures."""

from __future__ import annotations

from pathlib import Path

NOTEBOOK = "03_monitoring.ipynb"

__all__ = ["NOTEBOOK", "run_monitoring_notebook"]


def run_monitoring_notebook(bundle, data, out, table: str = "application_test",
                            lang: str = "en", progress: bool = False) -> Path:
    """Execute the monitoring notebook on ``bundle`` and ``data`` into the folder ``out``
    (``out/03_monitoring.ipynb`` and ``.html``); returns the HTML file."""
    from ..model.pipeline.build import export_html, run_notebook

    executed = run_notebook(NOTEBOOK, Path(out) / NOTEBOOK, {
        "bundle_dir": str(Path(bundle).resolve()), "data_dir": str(Path(data).resolve()),
        "table": table, "lang": lang}, progress)
    return export_html(executed)
