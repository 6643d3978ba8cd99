"""Benchmark: which grid cell contains a point, on the demo city.

Run: ``.venv/bin/python bench/bench_cell_lookup.py``

Measures, in one run so that the ratio is fair on a shared, noisy machine:

* ``CellIndex.locate_many`` on 1,000,000 random points uniform over the demo city's
  bounding box (about half fall outside every cell) and on 1,000,000 points inside cells;
* ``CellIndex.locate`` (one Python call per point) on 20,000 points;
* a naive baseline: a pure-Python loop over all cells per point, with a bounding-box test
  before the crossing-number test, on 2,000 points, scaled to points/s;
* demo city generation and index build times.

Every figure is the median of repeated runs. The index answers are checked against the
baseline on the baseline's sample.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.cell_index import CellIndex
from models.demo_city import generate_demo_city
from models.geo import point_in_ring
from models.geography import Cell

N_POINTS = 1_000_000
N_NAIVE = 2_000
N_SCALAR = 20_000


def median_seconds(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def naive_locate(cells: tuple[Cell, ...], lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    boxes = [
        (
            min(p[0] for p in c.ring),
            min(p[1] for p in c.ring),
            max(p[0] for p in c.ring),
            max(p[1] for p in c.ring),
            c.ring,
        )
        for c in cells
    ]
    out = np.full(lons.size, -1, dtype=np.int64)
    for k, (x, y) in enumerate(zip(lons.tolist(), lats.tolist(), strict=True)):
        for i, (x0, y0, x1, y1, ring) in enumerate(boxes):
            if x0 <= x <= x1 and y0 <= y <= y1 and point_in_ring(x, y, ring):
                out[k] = i
                break
    return out


def main() -> None:
    gen_s = median_seconds(generate_demo_city, 5)
    city = generate_demo_city()
    cells = city.cells
    build_s = median_seconds(lambda: CellIndex(cells), 5)
    index = CellIndex(cells)

    rng = np.random.default_rng(2026)
    xs = np.array([p[0] for c in cells for p in c.ring])
    ys = np.array([p[1] for c in cells for p in c.ring])
    lons = rng.uniform(xs.min(), xs.max(), N_POINTS)
    lats = rng.uniform(ys.min(), ys.max(), N_POINTS)
    inside_frac = float((index.locate_many(lons, lats) >= 0).mean())
    # Points inside cells: a random cell, then a random point in its box (cells are
    # lattice rectangles, so the box is the cell).
    pick = rng.integers(0, len(cells), N_POINTS)
    x0 = np.array([c.ring[0][0] for c in cells])
    x1 = np.array([c.ring[2][0] for c in cells])
    y0 = np.array([c.ring[0][1] for c in cells])
    y1 = np.array([c.ring[2][1] for c in cells])
    in_lons = x0[pick] + (x1[pick] - x0[pick]) * rng.random(N_POINTS)
    in_lats = y0[pick] + (y1[pick] - y0[pick]) * rng.random(N_POINTS)

    bbox_s = median_seconds(lambda: index.locate_many(lons, lats), 7)
    inside_s = median_seconds(lambda: index.locate_many(in_lons, in_lats), 7)
    sl, sa = lons[:N_SCALAR].tolist(), lats[:N_SCALAR].tolist()
    scalar_s = median_seconds(
        lambda: [index.locate_index(x, y) for x, y in zip(sl, sa, strict=True)], 5
    )
    nl, na = lons[:N_NAIVE], lats[:N_NAIVE]
    naive_s = median_seconds(lambda: naive_locate(cells, nl, na), 3)
    agree = np.array_equal(naive_locate(cells, nl, na), index.locate_many(nl, na))

    rows = [
        ("locate_many, uniform over bbox", N_POINTS, bbox_s),
        ("locate_many, inside cells", N_POINTS, inside_s),
        ("locate (scalar calls)", N_SCALAR, scalar_s),
        ("naive Python loop + bbox", N_NAIVE, naive_s),
    ]
    print(f"demo city: {len(cells)} cells, {len(city.communities)} communities")
    print(f"generate_demo_city: {gen_s * 1000:.0f} ms (median of 5)")
    print(
        f"CellIndex build: {build_s * 1000:.0f} ms (median of 5), "
        f"{index.mixed_bucket_count} mixed buckets"
    )
    print(f"points inside a cell (uniform sample): {inside_frac:.1%}")
    print()
    print(f"{'method':34} {'points':>10} {'median s':>10} {'points/s':>14}")
    for name, n, secs in rows:
        print(f"{name:34} {n:>10,} {secs:>10.4f} {n / secs:>14,.0f}")
    print()
    naive_rate = N_NAIVE / naive_s
    print(
        f"locate_many / naive: {N_POINTS / bbox_s / naive_rate:,.0f}x (uniform), "
        f"{N_POINTS / inside_s / naive_rate:,.0f}x (inside)"
    )
    print(f"index agrees with naive on {N_NAIVE} points: {agree}")


if __name__ == "__main__":
    main()
