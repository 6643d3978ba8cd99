"""The live map: the store's city, cases and units on a :class:`MapCanvas`, kept current.

Data flows one way: the store's coalesced signals update the plain arrays of
:mod:`console.map_data` and invalidate the layers, which rebuild once, in the next paint;
what the user does on the map (a click, a box) goes back as intent through the store's
selection methods, and comes back as ``selection_changed`` like any other selection.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime

import numpy as np
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QPainterPath, QPixmapCache
from PySide6.QtWidgets import QToolTip, QVBoxLayout, QWidget

from console import i18n
from console.basemap import BasemapSpec
from console.convening import open_operations
from console.item_models import STATE_NAMES, UNIT_STATUS_NAMES, URGENCY_NAMES, Reference, tr
from console.joint_texts import participant_state_name
from console.map_data import (
    MEASURE_BREAKS,
    CaseMarkers,
    CellMeasure,
    CoverageTracker,
    TrailBuffer,
    UnitMarkers,
    case_counts_per_cell,
    classify,
    in_box,
    in_circle,
    nearest,
)
from console.map_projection import Datum, MapProjection
from console.store import STATUSES, ClientStore, Selection, StoreSignals
from models.cell_index import CellIndex
from models.errors import InvalidInput, LoadError
from models.geography import CityMap
from models.joint import Recommendation, recommend_units
from models.shifts import default_schedule
from widgets.map.area_layers import (
    BoundaryLayer,
    CellLayer,
    LabelLayer,
    PatrolAreaLayer,
    ProjectedRings,
    ZoomBand,
    project_rings,
    zoom_band,
)
from widgets.map.basemap_layer import BasemapLayer, problem_text
from widgets.map.layer_stack import LayerStack, MapLayer
from widgets.map.map_canvas import MapCanvas
from widgets.map.marker_layers import (
    CaseLayer,
    Convergence,
    ConvergenceLayer,
    OverdueLayer,
    SelectionLayer,
    TrailLayer,
    UnitLayer,
)
from widgets.map.style import AGENCY_STYLES, CELL_CLASS_COLOURS, COVERAGE_CLASS_COLOURS, MARKER_PX

PICK_PX = MARKER_PX * 0.75
"""How near (in pixels) a click must be to a marker to pick it."""

MEASURE_REFRESH_MS = 1000
"""Cell classes follow the cases at most once a second: a choropleth need not flicker."""

TRAIL_SAMPLE_MS = 10_000
TRAIL_SAMPLES = 60
"""Trails keep the last ten minutes, one point every ten seconds."""

PULSE_MS = 150

PIXMAP_CACHE_KB = 256 * 1024
PULSE_PERIOD_S = 1.2


class LiveMap(QWidget):
    """The map of a console: layers over a canvas, fed by the store.

    Args:
        store: The console's store (read; selection written through its methods).
        signals: The store's coalesced signals.
        reference: Names of categories and streets.
        agencies: Department codes with their own unit style, legend order.
        clock: Unix seconds, for stale units and trails (tests pass their own).
        read_only: Show only (the leader wall): clicks, boxes and circles select nothing
            and :meth:`begin_pick` does nothing; the store is never written.
        parent: Qt parent.

    Attributes:
        layers: Layer name → layer, for toggles and opacity (see :meth:`set_layer`).

    Signals:
        cursor_moved(float, float, str): WGS-84 longitude, latitude and the cell code under
            the cursor ("" outside the grid).
        picked(float, float): The place clicked after :meth:`begin_pick` (WGS-84).
        following_changed(str): The followed unit ("" when none).
        nearby_found(int, list): Units near a case: the case id and its recommendations.
    """

    cursor_moved = Signal(float, float, str)
    picked = Signal(float, float)
    following_changed = Signal(str)
    nearby_found = Signal(int, object)

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        reference: Reference,
        agencies: Sequence[str] = tuple(AGENCY_STYLES),
        clock: Callable[[], float] = time.time,
        read_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("liveMap")
        self.read_only = read_only
        self.store = store
        self.signals = signals
        self.reference = reference
        self.clock = clock
        self.projection = MapProjection()
        self.city: CityMap | None = None
        self.cell_index: CellIndex | None = None
        self._cell_rings: ProjectedRings | None = None
        self.measure = CellMeasure.OPEN_CASES
        self.following: str | None = None
        self._own_selection: Selection | None = None
        self._picking = False
        self.basemap: BasemapLayer | None = None

        # Static layers are cached by Qt as device pixmaps in QPixmapCache; its default
        # 10 MB holds one 1080p layer, a 4K wall needs about 33 MB per layer.
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), PIXMAP_CACHE_KB))
        self.canvas = MapCanvas(self)
        dpr = self.devicePixelRatioF()
        self.units = UnitMarkers(agencies, self.projection)
        self.cases = CaseMarkers(self.projection, {})
        self.trails = TrailBuffer(TRAIL_SAMPLES)
        self.coverage: CoverageTracker | None = None

        self.cell_layer = CellLayer()
        self.boundary_layer = BoundaryLayer()
        self.label_layer = LabelLayer()
        self.trail_layer = TrailLayer()
        self.patrol_layer = PatrolAreaLayer()
        self.patrol_area: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
        self.case_layer = CaseLayer(self.cases, dpr)
        self.overdue_layer = OverdueLayer(self.case_layer, dpr)
        self.unit_layer = UnitLayer(self.units, dpr)
        self.joint_layer = ConvergenceLayer(self.units, "#CC79A7")
        self.nearby_layer = ConvergenceLayer(self.units, "#2F8CFF")
        self.selection_layer = SelectionLayer(self.units, self.cases)
        self.layers: dict[str, MapLayer] = {
            "cells": self.cell_layer,
            "boundaries": self.boundary_layer,
            "labels": self.label_layer,
            "patrol": self.patrol_layer,
            "trails": self.trail_layer,
            "cases": self.case_layer,
            "overdue": self.overdue_layer,
            "units": self.unit_layer,
            "joint": self.joint_layer,
            "nearby": self.nearby_layer,
            "selection": self.selection_layer,
        }
        static = ("cells", "boundaries", "labels", "cases")
        self.static_stack = LayerStack([self.layers[n] for n in static], cached=True)
        self.live_stack = LayerStack(
            [layer for name, layer in self.layers.items() if name not in static], cached=False
        )
        for z, stack in enumerate((self.static_stack, self.live_stack)):
            stack.setZValue(z)
            self.canvas.view.addItem(stack, ignoreBounds=True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)

        self._measure_timer = QTimer(self)
        self._measure_timer.setSingleShot(True)
        self._measure_timer.setInterval(MEASURE_REFRESH_MS)
        self._measure_timer.timeout.connect(self.refresh_measure)
        self._trail_timer = QTimer(self)
        self._trail_timer.setInterval(TRAIL_SAMPLE_MS)
        self._trail_timer.timeout.connect(self.sample)
        self._trail_timer.start()
        self._pulse_timer = QTimer(self)
        self._pulse_timer.setInterval(PULSE_MS)
        self._pulse_timer.timeout.connect(self._pulse)
        self._pulse_timer.start()

        signals.city_changed.connect(self._city_changed)
        signals.cases_changed.connect(self._cases_changed)
        signals.cases_removed.connect(self._cases_removed)
        signals.units_changed.connect(self._units_changed)
        signals.units_removed.connect(self._units_removed)
        signals.units_moved.connect(self._units_moved)
        signals.selection_changed.connect(self._selection_changed)
        signals.joint_changed.connect(self._joint_changed)
        self.canvas.view_changed.connect(self._view_changed)
        self.canvas.hovered.connect(self._hovered)
        if not read_only:
            self.canvas.view.clicked.connect(self._clicked)
            self.canvas.view.box_selected.connect(self._box_selected)
            self.canvas.view.circle_selected.connect(self._circle_selected)

        # The store may have been filled before the map was made (a panel opened later).
        if store.city is not None:
            self._city_changed(store.city)
        if store.units:
            self._units_changed(set(store.units))
            self._units_moved()
        if store.cases:
            self._cases_changed(set(store.cases))
        self._selection_changed(store.selection)
        self._joint_changed(set(store.joint_operations))

    # -- data from the store

    def _city_changed(self, city: object) -> None:
        city = self.store.city
        if city is None or city is self.city:
            return
        self.city = city
        self.cell_index = CellIndex(city.cells)
        self.cases.cell_position = {c.code: i for i, c in enumerate(city.cells)}
        self.coverage = CoverageTracker(self.cell_index, len(city.cells), default_schedule())
        self.cases.update(self.store.cases.values())  # cells are known now
        rings = self._project_city(city)
        self._draw_patrol_area()
        self.canvas.set_home(
            QRectF(
                float(rings.x.min()),
                float(rings.y.min()),
                float(np.ptp(rings.x)),
                float(np.ptp(rings.y)),
            )
        )

    def _project_city(self, city: CityMap) -> ProjectedRings:
        self._cell_rings = rings = project_rings([[c.ring] for c in city.cells], self.projection)
        for layer in (self.cell_layer, self.boundary_layer, self.label_layer):
            layer.set_city(city, self.projection)
        self.refresh_measure()
        return rings

    def set_datum(self, datum: Datum) -> None:
        """Draw everything in another datum (the basemap's), so that it lines up with it.

        The view stays on the same place on the ground.
        """
        if datum == self.projection.datum:
            return
        view, home = self.canvas.view.viewRect(), self.canvas.home
        centre = self.projection.lonlat(view.center().x(), view.center().y())
        home_centre = self.projection.lonlat(home.center().x(), home.center().y())
        self.projection = MapProjection(datum)
        self.units.projection = self.projection
        self.cases.reproject(self.projection)
        self.trails = TrailBuffer(TRAIL_SAMPLES)  # trails are kept in map metres
        if self.city is not None:
            self._project_city(self.city)
            self._draw_patrol_area()
        self._joint_changed(set())
        self._units_moved()
        self.case_layer.changed()
        self._own_selection = self.store.selection  # redraw the rings, do not recentre
        self._selection_changed(self.store.selection)
        x, y = self.projection.point(*home_centre)
        self.canvas.home = home.translated(x - home.center().x(), y - home.center().y())
        self.canvas.centre_on(*self.projection.point(*centre))

    def _cases_changed(self, case_ids: set[int]) -> None:
        cases = self.store.cases
        self.cases.update(cases[i] for i in case_ids if i in cases)
        self.case_layer.changed()
        self.overdue_layer.changed()
        self._schedule_measure()

    def _cases_removed(self, case_ids: set[int]) -> None:
        self.cases.remove(case_ids)
        self.case_layer.changed()
        self.overdue_layer.changed()
        self._schedule_measure()

    def _units_changed(self, unit_ids: set[str]) -> None:
        units = self.store.units
        self.units.set_units(units[i] for i in unit_ids if i in units)

    def _units_removed(self, unit_ids: set[str]) -> None:
        self.units.forget(unit_ids)
        self._joint_changed(set())  # the rows of the units moved

    def _units_moved(self) -> None:
        p = self.store.positions
        self.units.refresh(p.ids, p.lon, p.lat, p.heading, p.status, p.last_fix, self.clock())
        self.unit_layer.changed()
        if self.following is not None:
            row = p.row_of(self.following)
            if row is not None and np.isfinite(self.units.x[row]):
                self.canvas.centre_on(float(self.units.x[row]), float(self.units.y[row]))
        self.selection_layer.changed()
        self.joint_layer.changed()
        self.nearby_layer.changed()

    # -- cell measure

    def set_measure(self, measure: CellMeasure) -> None:
        """Fill the cells by another measure."""
        self.measure = measure
        self.refresh_measure()

    def _schedule_measure(self) -> None:
        if not self._measure_timer.isActive():
            self._measure_timer.start()

    def measure_values(self) -> np.ndarray:
        """The current measure per cell."""
        cells = len(self.city.cells) if self.city else 0
        if self.measure is CellMeasure.COVERAGE:
            return self.coverage.visits if self.coverage is not None else np.zeros(cells, np.int64)
        return case_counts_per_cell(
            self.cases, cells, overdue_only=self.measure is CellMeasure.OVERDUE_CASES
        )

    def measure_colours(self) -> tuple[str, ...]:
        return (
            COVERAGE_CLASS_COLOURS if self.measure is CellMeasure.COVERAGE else CELL_CLASS_COLOURS
        )

    def refresh_measure(self) -> None:
        if self.city is None:
            return
        breaks = MEASURE_BREAKS[self.measure]
        colours = self.measure_colours()[: len(breaks)]
        self.cell_layer.set_classes(classify(self.measure_values(), breaks), colours)

    # -- trails, pulse, zoom

    def sample(self) -> None:
        """Record where every unit is now, for the trails and the shift's coverage (the
        timer calls this every ten seconds: a walker crosses no cell unseen in that time,
        and a position tick stays free of it)."""
        m = self.units
        if m.x.size:
            self.trails.sample(m.ids, m.x, m.y)
            self._update_trails()
        if self.coverage is not None:
            p = self.store.positions
            at = datetime.fromtimestamp(self.clock(), UTC)
            self.coverage.record(p.lon[: p.count], p.lat[: p.count], at)
            if self.measure is CellMeasure.COVERAGE:
                self._schedule_measure()

    def _update_trails(self) -> None:
        chosen = set(self.store.selection.units)
        if self.following:
            chosen.add(self.following)
        self.trail_layer.set_trails(*self.trails.trails(sorted(chosen)))

    def _pulse(self) -> None:
        self.overdue_layer.set_phase((time.monotonic() % PULSE_PERIOD_S) / PULSE_PERIOD_S)

    def _view_changed(self, rect: QRectF, pixel_size: float) -> None:
        band = zoom_band(pixel_size)
        self.boundary_layer.set_band(band)
        self.label_layer.set_band(band)
        self.case_layer.set_pixel_size(pixel_size)
        self.unit_layer.show_headings = band is ZoomBand.CELL
        self.unit_layer.compact = band is ZoomBand.DISTRICT

    # -- picking

    def unit_at(self, x: float, y: float, radius: float) -> str | None:
        """The unit drawn at (x, y), if the units layer is shown."""
        if not self.layers["units"].visible:
            return None
        m = self.units
        row = nearest(m.x, m.y, m.visible_rows(), x, y, radius)
        return m.ids[row] if row >= 0 else None

    def case_at(self, x: float, y: float, radius: float) -> list[int]:
        """The cases of the marker or cluster under (x, y): one case, a cluster's cases, or
        none. Nothing when the cases layer is hidden."""
        if not self.layers["cases"].visible:
            return []
        clusters = self.case_layer.clusters()
        if clusters.count.size == 0:
            return []
        k = nearest(
            clusters.x,
            clusters.y,
            np.arange(clusters.count.size),
            x,
            y,
            radius * (1.0 + 0.6 * (clusters.count > 1).any()),
        )
        if k < 0:
            return []
        return [self.cases.ids[r] for r in clusters.members(k)]

    def cell_at(self, lon: float, lat: float) -> str | None:
        return self.cell_index.locate(lon, lat) if self.cell_index is not None else None

    def _pick_radius(self) -> float:
        return PICK_PX * self.canvas.pixel_size()

    def begin_pick(self) -> None:
        """The next click on the map picks a place (``picked``) instead of selecting."""
        if self.read_only:
            return
        self._picking = True
        self.canvas.setCursor(Qt.CursorShape.CrossCursor)

    def _clicked(self, point: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        add = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        x, y = point.x(), point.y()
        if self._picking:
            self._picking = False
            self.canvas.unsetCursor()
            self.picked.emit(*self.projection.lonlat(x, y))
            return
        radius = self._pick_radius()
        unit = self.unit_at(x, y, radius)
        if unit is not None:
            self._select(units=[unit], add=add)
            return
        cases = self.case_at(x, y, radius)
        if len(cases) == 1:
            self._select(cases=cases, add=add)
            return
        if cases:  # a cluster: show its cases
            rows = [self.cases.row_of[c] for c in cases]
            xs, ys = self.cases.x[rows], self.cases.y[rows]
            self.canvas.show_rect(
                QRectF(float(xs.min()), float(ys.min()), float(np.ptp(xs)), float(np.ptp(ys))),
                padding=0.3,
            )
            return
        lon, lat = self.projection.lonlat(x, y)
        cell = self.cell_at(lon, lat)
        self._select(cells=[cell] if cell else [], add=add)

    def _select(
        self,
        *,
        units: Sequence[str] = (),
        cases: Sequence[int] = (),
        cells: Sequence[str] = (),
        add: bool = False,
    ) -> None:
        store = self.store
        if not add:
            store.clear_selection()
        store.select_units(units, add=True)
        store.select_cases(cases, add=True)
        store.select_cells(cells, add=True)
        self._own_selection = store.selection

    def _box_selected(self, rect: QRectF) -> None:
        box = (rect.left(), rect.top(), rect.right(), rect.bottom())
        u = in_box(self.units.x, self.units.y, self.units.visible_rows(), box)
        c = in_box(self.cases.x, self.cases.y, self.cases.visible_rows(), box)
        self._select(units=[self.units.ids[r] for r in u], cases=[self.cases.ids[r] for r in c])

    def _circle_selected(self, centre: QPointF, radius: float) -> None:
        x, y = centre.x(), centre.y()
        u = in_circle(self.units.x, self.units.y, self.units.visible_rows(), x, y, radius)
        c = in_circle(self.cases.x, self.cases.y, self.cases.visible_rows(), x, y, radius)
        self._select(units=[self.units.ids[r] for r in u], cases=[self.cases.ids[r] for r in c])

    # -- selection from anywhere

    def _selection_changed(self, selection: object) -> None:
        sel = self.store.selection
        index = self.store.positions.index
        unit_rows = [index[u] for u in sel.units if u in index]
        case_rows = [self.cases.row_of[c] for c in sel.cases if c in self.cases.row_of]
        cell_path = QPainterPath()
        if self.city is not None and self._cell_rings is not None and sel.cells:
            chosen = np.zeros(len(self.city.cells), np.bool_)
            for code in sel.cells:
                try:
                    chosen[self.city.cell_position(code)] = True
                except KeyError:
                    continue
            cell_path = self._cell_rings.path(chosen)
        self.selection_layer.set_selection(unit_rows, case_rows, cell_path)
        self._update_trails()
        # A selection made elsewhere (a table, the palette) is brought into view.
        if sel != self._own_selection and (unit_rows or case_rows or not cell_path.isEmpty()):
            self.centre_on_selection(unit_rows, case_rows, cell_path)
        self._own_selection = None

    def centre_on_selection(
        self, unit_rows: Sequence[int], case_rows: Sequence[int], cell_path: QPainterPath
    ) -> None:
        xs = np.r_[self.units.x[unit_rows], self.cases.x[case_rows]]
        ys = np.r_[self.units.y[unit_rows], self.cases.y[case_rows]]
        finite = np.isfinite(xs) & np.isfinite(ys)
        if not cell_path.isEmpty():
            box = cell_path.boundingRect()
            xs = np.r_[xs[finite], box.left(), box.right()]
            ys = np.r_[ys[finite], box.top(), box.bottom()]
        else:
            xs, ys = xs[finite], ys[finite]
        if xs.size == 0:
            return
        if xs.size == 1 or (np.ptp(xs) < 1 and np.ptp(ys) < 1):
            self.canvas.centre_on(float(xs.mean()), float(ys.mean()))
        else:
            rect = QRectF(float(xs.min()), float(ys.min()), float(np.ptp(xs)), float(np.ptp(ys)))
            if not self.canvas.view.viewRect().contains(rect):
                self.canvas.show_rect(rect, padding=0.2)

    def show_place(self, lon: float, lat: float, metres_per_pixel: float = 2.0) -> None:
        """Centre on a place at a street-level zoom (e.g. a case's surroundings)."""
        x, y = self.projection.point(lon, lat)
        view = self.canvas.view
        half_w = max(view.width(), 1.0) * metres_per_pixel / 2
        half_h = max(view.height(), 1.0) * metres_per_pixel / 2
        view.setRange(xRange=(x - half_w, x + half_w), yRange=(y - half_h, y + half_h), padding=0)

    # -- follow, nearby, joint operations

    def follow(self, unit_id: str | None) -> None:
        """Keep a unit in the centre as it moves (``None``: stop)."""
        self.following = unit_id if unit_id in self.store.positions.index else None
        self.following_changed.emit(self.following or "")
        self._units_moved()
        self._update_trails()

    def show_nearby(self, case_id: int, per_agency: int = 3) -> dict[str, list[Recommendation]]:
        """Who is near this case: the nearest available units per agency, with lines and
        distances on the map; emits ``nearby_found``."""
        case = self.store.cases.get(case_id)
        if case is None:
            self.nearby_layer.set_convergences((), {})
            return {}
        now = datetime.fromtimestamp(self.clock(), UTC)
        found = recommend_units(
            self.store.live_units(),
            case.location.lon,
            case.location.lat,
            self.units.agencies,
            now,
            per_agency=per_agency,
            rank_by="distance",
        )
        chosen = [r for recs in found.values() for r in recs]
        x, y = self.projection.point(case.location.lon, case.location.lat)
        self.nearby_layer.set_convergences(
            [
                Convergence(
                    x,
                    y,
                    tuple(r.unit_id for r in chosen),
                    tuple(format_distance(r.distance_m) for r in chosen),
                )
            ],
            self.store.positions.index,
        )
        self.nearby_found.emit(case_id, found)
        return found

    def clear_nearby(self) -> None:
        self.nearby_layer.set_convergences((), {})

    def set_joint_operations(self, convergences: Sequence[Convergence]) -> None:
        """Joint operations to draw: meeting points and their units."""
        self.joint_layer.set_convergences(convergences, self.store.positions.index)

    def _joint_changed(self, _operation_ids: set[int]) -> None:
        """Draw every open joint operation of the store: its meeting point, and a line from
        each engaged unit labelled with its call sign and step."""
        convergences = []
        for op in open_operations(self.store.joint_operations.values()):
            x, y = self.projection.point(op.lon, op.lat)
            engaged = op.engaged
            convergences.append(
                Convergence(
                    x,
                    y,
                    tuple(p.unit_id for p in engaged),
                    tuple(f"{p.callsign} · {participant_state_name(p.state)}" for p in engaged),
                )
            )
        self.set_joint_operations(convergences)

    def set_patrol_area(self, assigned: Collection[str], visited: Collection[str]) -> None:
        """Show a patrol area: its ``assigned`` cells outlined, the ``visited`` ones filled
        (both empty: none)."""
        self.patrol_area = (frozenset(assigned), frozenset(visited))
        self._draw_patrol_area()

    def _draw_patrol_area(self) -> None:
        city, rings = self.city, self._cell_rings
        if city is None or rings is None:
            return
        assigned, visited = self.patrol_area
        masks = []
        for codes in (assigned, visited):
            mask = np.zeros(len(city.cells), np.bool_)
            for code in codes:
                if city.has_code(code):
                    mask[city.cell_position(code)] = True
            masks.append(mask)
        self.patrol_layer.set_area(rings.path(masks[0]), rings.path(masks[1]))

    # -- hover

    def _hovered(self, point: QPointF) -> None:
        x, y = point.x(), point.y()
        lon, lat = self.projection.lonlat(x, y)
        cell = self.cell_at(lon, lat) or ""
        self.cursor_moved.emit(lon, lat, cell)
        text = self.tooltip_at(x, y)
        if text:
            QToolTip.showText(QCursor.pos(), text, self.canvas)
        else:
            QToolTip.hideText()

    def tooltip_at(self, x: float, y: float) -> str:
        """What the tooltip says about the thing at (x, y), or ``""``."""
        chinese = is_chinese()
        radius = self._pick_radius()
        unit_id = self.unit_at(x, y, radius)
        if unit_id is not None:
            return self._unit_tooltip(unit_id, chinese)
        cases = self.case_at(x, y, radius)
        if len(cases) == 1:
            case = self.store.cases[cases[0]]
            lines = [
                f"{case.number} · {self.reference.category(case.category, chinese)}",
                f"{tr(STATE_NAMES[case.state])} · {tr(URGENCY_NAMES[case.urgency])}",
                case.location.address,
            ]
            if case.overdue:
                lines.append(self.tr("Overdue"))
            return "\n".join(line for line in lines if line)
        if cases:
            return self.tr("%n cases here (click to zoom in)", "", len(cases))
        return ""

    def _unit_tooltip(self, unit_id: str, chinese: bool) -> str:
        unit = self.store.units.get(unit_id)
        p = self.store.positions
        row = p.row_of(unit_id)
        if unit is None or row is None:
            return unit_id
        status = STATUSES[p.status[row]]
        age = self.clock() - float(p.last_fix[row]) if math.isfinite(p.last_fix[row]) else math.inf
        lines = [
            f"{unit.callsign} · {self.reference.department(unit.department, chinese)}",
            tr(UNIT_STATUS_NAMES[status]),
            self.tr("Last report %1 s ago").replace("%1", f"{age:.0f}")
            if math.isfinite(age)
            else self.tr("Never reported"),
        ]
        if self.units.stale[row]:
            lines.append(self.tr("Stale: no recent report"))
        return "\n".join(lines)

    def set_basemap(self, spec: BasemapSpec | None) -> str | None:
        """Show a basemap under the layers (``None``: none), drawing everything in its datum.

        Returns:
            Why the basemap cannot be shown, in words; ``None`` when it is shown.
        """
        if self.basemap is not None:
            self.basemap.close()
            self.canvas.view.removeItem(self.basemap)
            self.basemap = None
        if spec is None:
            self.set_datum(Datum.WGS84)
            return None
        try:
            layer = BasemapLayer(spec)
        except (LoadError, InvalidInput) as exc:
            self.set_datum(Datum.WGS84)
            return problem_text(spec.name, str(exc))
        self.basemap = layer
        self.canvas.view.addItem(layer, ignoreBounds=True)
        layer.update_view(self.canvas.view.viewRect(), self.canvas.pixel_size())
        self.set_datum(layer.datum)
        return None

    def set_layer(
        self, name: str, *, visible: bool | None = None, opacity: float | None = None
    ) -> None:
        """Show, hide or fade a layer."""
        layer = self.layers[name]
        if visible is not None:
            layer.visible = visible
        if opacity is not None:
            layer.opacity = min(1.0, max(0.0, opacity))
        layer.changed()

    def retranslate(self) -> None:
        self.label_layer.set_chinese(is_chinese())


def is_chinese() -> bool:
    app = QCoreApplication.instance()
    return app is not None and i18n.current_language(app) == i18n.CHINESE


def format_distance(metres: float) -> str:
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"
