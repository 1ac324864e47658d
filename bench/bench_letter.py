"""Time per client report (issue 14): ``client_letter`` on clients of a bundle.

    flock /tmp/heavy.lock .venv/bin/python bench/bench_letter.py --bundle /tmp/full/scoring-full

Opens the bundle once, times one warm-up report (the first of the process: reportlab's
import, the fonts), then for ``--clients`` clients (half
refused, half granted, evenly spread over the ids; refused and borderline clients add the
recourse search) times the content (``letter_content``: explain, recourse, similar clients)
and the layout (``render``: reportlab) apart, in both languages alternately, and measures the
PDF's size and pages. Baseline in the same run: ``Scorer.explain`` of the same clients (what
the dashboard's explanation panel costs on a switch). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pypdfium2 as pdfium

from scoring_lib.decision import GRANTED, REFUSED
from scoring_lib.letter import letter_content, render
from scoring_lib.scoring import Scorer


def pct(values, q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q))


def spread(ids, n: int) -> list[int]:
    if len(ids) == 0 or n <= 0:
        return []
    at = np.linspace(0, len(ids) - 1, min(n, len(ids))).round().astype(int)
    return [int(ids[i]) for i in np.unique(at)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", required=True)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--keep", default=None, help="write the slowest report there (PDF)")
    args = parser.parse_args()

    started = time.perf_counter()
    scorer = Scorer.from_bundle(args.bundle)
    opened = time.perf_counter() - started
    clients = scorer.clients
    refused = clients.index[(clients["decision"] == REFUSED).to_numpy()]
    granted = clients.index[(clients["decision"] == GRANTED).to_numpy()]
    half = args.clients // 2
    chosen = spread(refused, half) + spread(granted, args.clients - half)
    bands = clients.loc[chosen, "risk_band"].astype(str).value_counts().to_dict()
    started = time.perf_counter()
    render(letter_content(scorer, chosen[0], "fr"))  # warm-up: reportlab, fonts, caches
    first = time.perf_counter() - started

    explain = []
    for i, cid in enumerate(chosen):
        t = time.perf_counter()
        scorer.explain(cid, lang="fr" if i % 2 == 0 else "en")
        explain.append(time.perf_counter() - t)
    content, layout, total, sizes, pages = [], [], [], [], []
    slowest = (0.0, None)
    for i, cid in enumerate(chosen):
        lang = "fr" if i % 2 == 0 else "en"
        t0 = time.perf_counter()
        letter = letter_content(scorer, cid, lang)
        t1 = time.perf_counter()
        data = render(letter)
        t2 = time.perf_counter()
        content.append(t1 - t0)
        layout.append(t2 - t1)
        total.append(t2 - t0)
        sizes.append(len(data))
        pdf = pdfium.PdfDocument(data)
        pages.append(len(pdf))
        pdf.close()
        if t2 - t0 > slowest[0]:
            slowest = (t2 - t0, data, cid)
    if args.keep and slowest[1] is not None:
        with open(args.keep, "wb") as f:
            f.write(slowest[1])

    def ms(values) -> str:
        return (f"{1000 * statistics.median(values):.0f} / {1000 * pct(values, 95):.0f} / "
                f"{1000 * max(values):.0f} ms")

    print(f"bundle {args.bundle}: {len(scorer.client_ids):,d} clients, opened in "
          f"{opened:.1f} s; {len(chosen)} clients ({sum(c in set(refused) for c in chosen)} "
          f"refused), bands {bands}")
    print(f"first report of the process (imports reportlab, registers the fonts): "
          f"{first:.2f} s")
    print("\n| step | median / p95 / max |\n| --- | --- |")
    print(f"| report (content + PDF) | {ms(total)} |")
    print(f"| content (explain, recourse, similar clients) | {ms(content)} |")
    print(f"| PDF layout (reportlab) | {ms(layout)} |")
    print(f"| baseline: Scorer.explain alone | {ms(explain)} |")
    print(f"\nreport / explain, medians: {statistics.median(total) / statistics.median(explain):.1f}x")
    print(f"size: median {statistics.median(sizes) / 1000:.0f} kB, max {max(sizes) / 1000:.0f} kB; "
          f"pages: {dict(sorted({p: pages.count(p) for p in set(pages)}.items()))}")
    if args.keep:
        print(f"slowest report ({1000 * slowest[0]:.0f} ms, client {slowest[2]}) written to "
              f"{args.keep}")


if __name__ == "__main__":
    main()
