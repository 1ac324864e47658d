"""Realism of ``scoring synth`` against the real facts, per table, as a Markdown table.

    .venv/bin/python bench/realism.py --clients 30000 --test-clients 5000 --seed 0

KS: Kolmogorov–Smirnov distance between generated values and the real rows' quantiles
(``scoring_lib.data.reference.ks_at_quantiles``); gaps are absolute differences of shares.
Then the building-information family (the 47 *_AVG / *_MODE / *_MEDI columns): how many
have a missing rate within one point of the real one, and the largest gaps.
"""

from __future__ import annotations

import argparse

from scoring_lib.data.realism import building_missing, compare_to_real
from scoring_lib.data.synth import generate_tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=30_000)
    parser.add_argument("--test-clients", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--largest", type=int, default=8,
                        help="how many building-information gaps to list (default 8)")
    args = parser.parse_args()
    tables = dict(generate_tables(args.clients, args.test_clients, args.seed))
    r = compare_to_real(tables)
    r["missing_gap"] = (r.missing - r.real_missing).abs()
    g = r.groupby("table", sort=False).agg(
        columns=("column", "size"), median_ks=("ks", "median"), max_ks=("ks", "max"),
        max_missing_gap=("missing_gap", "max"), max_level_gap=("level_gap", "max"))
    print("| table | columns | median KS | max KS | max missing-rate gap | max level-share gap |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for table, row in g.iterrows():
        cells = [f"{row[c]:.3f}" if row[c] == row[c] else "–" for c in
                 ("median_ks", "max_ks", "max_missing_gap", "max_level_gap")]
        print(f"| {table} | {int(row['columns'])} | " + " | ".join(cells) + " |")
    app = tables["application_train"]
    emp = r[(r.table == "application_train") & (r.column == "DAYS_EMPLOYED")].iloc[0]
    print(f"\nTARGET rate {app.TARGET.mean():.4f} (real 0.0807); DAYS_EMPLOYED = 365243 share "
          f"{emp.sentinel:.3f} (real sample {emp.real_sentinel:.3f})")
    report_building(r, args.largest)


def report_building(r, largest: int, tolerance: float = 0.01) -> None:
    b = building_missing(r)
    within = int((b.gap.abs() <= tolerance).sum())
    print(f"\nBuilding information: {within} of {len(b)} columns within {tolerance:.0%} "
          f"(one point) of the real missing rate; largest gap {b.gap.abs().max():.3f}, "
          f"mean absolute gap {b.gap.abs().mean():.3f}.\n")
    print("| column | missing | real | gap | |")
    print("| --- | ---: | ---: | ---: | --- |")
    for _, row in b.head(largest).iterrows():
        status = "OK" if abs(row.gap) <= tolerance else "outside"
        print(f"| {row.column} | {row.missing:.3f} | {row.real_missing:.3f} | "
              f"{row.gap:+.3f} | {status} |")


if __name__ == "__main__":
    main()
