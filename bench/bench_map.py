"""Live map: frame times with 10,000 units ticking at 4 Hz, 5,000 cells and 20,000 cases.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_map.py [--units N] [--cases N]

The map (``widgets.map.live_map.LiveMap``) is shown at 1920×1080 on the offscreen platform
and fed through the real path: position frames applied to the ``ClientStore``, its
coalesced signals flushed, the layers invalidated, the viewport repainted synchronously
(``repaint()``: the whole frame is painted before the clock stops).

* steady frame = one tick (a position frame of every unit applied to the store, the map's
  arrays refreshed) + the repaint; budget p95 ≤ 16.7 ms.
* pan/zoom frame = a pan by 5 % or a zoom step of 1.25 (alternating, in and out, so the
  view wanders around the district) + the repaint; budget p95 ≤ 33 ms.

The baseline, measured in the same run on the same data: the naive map, one
``QGraphicsEllipseItem`` per unit moved with ``setPos`` each tick and one
``QGraphicsPolygonItem`` per cell (cases left out, which only flatters it). Each run is
repeated ``--repeats`` times; the figures are the medians of the runs' p50 and p95.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QBrush, QColor, QPen, QPolygonF
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPolygonItem,
)

from console.item_models import Reference
from console.map_projection import MapProjection
from console.store import StoreSignals
from tests.map_scenario import NOW, CityScenario
from widgets.map.live_map import LiveMap

WIDTH, HEIGHT = 1920, 1080


def percentiles(times: list[float]) -> tuple[float, float]:
    ms = np.asarray(times) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 95))


def frames(step: Callable[[int], object], repaint: Callable[[], object], n: int) -> list[float]:
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        step(i)
        repaint()
        times.append(time.perf_counter() - t0)
    return times


def wander(i: int) -> tuple[str, float, float]:
    """The i-th pan/zoom gesture: pans in a square, zooms in twice, out twice."""
    k = i % 8
    if k in (1, 5):
        return ("zoom", 1.25 if k == 1 else 1 / 1.25, 0.0)
    return ("pan", [0.05, 0.0, -0.05, 0.0][k // 2], [0.0, 0.05, 0.0, -0.05][k // 2])


def run_live(scenario: CityScenario, n: int, app: QApplication) -> tuple[list[float], list[float]]:
    signals = StoreSignals(scenario.store)
    live = LiveMap(scenario.store, signals, Reference(), clock=lambda: NOW.timestamp())
    live.resize(WIDTH, HEIGHT)
    live.show()
    signals.flush()
    app.processEvents()
    canvas = live.canvas
    # Zoom in to where a dispatcher works (a few streets), not the whole district.
    canvas.zoom(2.0)
    app.processEvents()
    viewport = canvas.viewport()
    viewport.repaint()

    # Frames are made before the clock runs: they arrive decoded from the socket.
    ticks = [scenario.next_frame() for _ in range(n + 8)]

    def tick(i: int) -> None:
        scenario.store.apply(ticks[i])
        signals.flush()

    def gesture(i: int) -> None:
        kind, a, b = wander(i)
        if kind == "zoom":
            canvas.zoom(a)
        else:
            canvas.pan(a, b)

    frames(tick, viewport.repaint, 8)  # warm-up
    steady = frames(lambda i: tick(i + 8), viewport.repaint, n)
    frames(gesture, viewport.repaint, 8)
    moving = frames(gesture, viewport.repaint, n)
    live.close()
    live.deleteLater()
    app.processEvents()
    return steady, moving


def run_naive(scenario: CityScenario, n: int, app: QApplication) -> tuple[list[float], list[float]]:
    projection = MapProjection()
    view = pg.GraphicsView(background=QColor("#14181E"))
    box = pg.ViewBox(lockAspect=True, enableMenu=False)
    view.setCentralItem(box)
    view.resize(WIDTH, HEIGHT)
    view.show()
    pen = QPen(QColor("#55606E"), 0.5)
    pen.setCosmetic(True)
    fill = QBrush(QColor("#FDBE6E"))
    for cell in scenario.city.cells:
        x, y = projection.forward([p[0] for p in cell.ring], [p[1] for p in cell.ring])
        polygon = QGraphicsPolygonItem(
            QPolygonF([QPointF(a, b) for a, b in zip(x, y, strict=True)])
        )
        polygon.setPen(pen)
        polygon.setBrush(fill)
        box.addItem(polygon)
    unit_brush = QBrush(QColor("#56B4E9"))
    items = []
    for _ in scenario.unit_ids:
        item = QGraphicsEllipseItem(-6, -6, 12, 12)
        item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        item.setBrush(unit_brush)
        box.addItem(item, ignoreBounds=True)
        items.append(item)
    box.autoRange()
    box.scaleBy((0.5, 0.5))
    app.processEvents()
    viewport = view.viewport()

    ticks = [scenario.next_frame() for _ in range(n + 2)]
    index = {unit_id: i for i, unit_id in enumerate(scenario.unit_ids)}

    def tick(i: int) -> None:
        frame = ticks[i]
        x, y = projection.forward(frame.lons, frame.lats)
        unit_items = [items[index[u]] for u in frame.unit_ids]
        for item, a, b in zip(unit_items, x.tolist(), y.tolist(), strict=True):
            item.setPos(a, b)

    def gesture(i: int) -> None:
        kind, a, b = wander(i)
        if kind == "zoom":
            box.scaleBy((1 / a, 1 / a))
        else:
            r = box.viewRect()
            box.translateBy(x=r.width() * a, y=r.height() * b)

    frames(tick, viewport.repaint, 2)
    steady = frames(lambda i: tick(i + 2), viewport.repaint, n)
    moving = frames(gesture, viewport.repaint, n)
    view.close()
    view.deleteLater()
    app.processEvents()
    return steady, moving


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--frames", type=int, default=80)
    parser.add_argument("--naive-frames", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    results: dict[str, list[tuple[float, float]]] = {}
    for _ in range(args.repeats):
        for name, run, n in (
            ("map", run_live, args.frames),
            ("naive", run_naive, args.naive_frames),
        ):
            scenario = CityScenario(args.units, args.cases)
            gc.collect()
            steady, moving = run(scenario, n, app)
            results.setdefault(f"{name} steady", []).append(percentiles(steady))
            results.setdefault(f"{name} pan/zoom", []).append(percentiles(moving))
    print(
        f"{args.units} units, {len(CityScenario(1, 1).city.cells)} cells, {args.cases} cases, "
        f"{WIDTH}x{HEIGHT}, {args.repeats} runs (median of runs)"
    )
    summary = {}
    for key, runs in results.items():
        p50 = statistics.median(r[0] for r in runs)
        p95 = statistics.median(r[1] for r in runs)
        summary[key] = (p50, p95)
        print(
            f"{key:18s} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   runs p95: "
            + ", ".join(f"{r[1]:.1f}" for r in runs)
        )
    for kind in ("steady", "pan/zoom"):
        ratio = summary[f"naive {kind}"][1] / summary[f"map {kind}"][1]
        print(f"{kind}: naive p95 / map p95 = {ratio:.1f}x")


if __name__ == "__main__":
    main()
