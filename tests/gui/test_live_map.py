"""The live map as a dispatcher uses it: it draws the demo city with the expected colours,
picks the right thing under the mouse, shares the selection with the store both ways,
follows units, finds who is near a case, and answers the keyboard.

The map is fed through a real store (a snapshot, then position frames), on Qt's offscreen
platform; clicks and keys are real Qt events sent to the view.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.basemap import BasemapSpec, SourceKind, tile_at
from console.item_models import Reference
from console.map_data import CellMeasure
from console.map_projection import Datum, MapProjection
from console.store import StoreSignals
from models.geo import haversine_m
from models.org import UnitStatus
from tests.map_scenario import NOW, CityScenario
from tests.tiles import tile_png, write_mbtiles
from views.map_panel import MapPanel
from widgets.map.area_layers import ZoomBand
from widgets.map.live_map import LiveMap
from widgets.map.marker_layers import Convergence
from widgets.map.style import AGENCY_STYLES, CELL_CLASS_COLOURS

SIZE = (1200, 800)


@pytest.fixture(scope="module")
def scenario() -> CityScenario:
    return CityScenario(units=3000, cases=4000, seed=21)


@pytest.fixture
def live(qtbot: QtBot, scenario: CityScenario) -> Iterator[LiveMap]:
    signals = StoreSignals(scenario.store)
    scenario.store.clear_selection()
    signals.flush()
    live_map = LiveMap(
        scenario.store,
        signals,
        Reference(),
        clock=lambda: (NOW + timedelta(seconds=30)).timestamp(),
    )
    qtbot.addWidget(live_map)
    live_map.resize(*SIZE)
    live_map.show()
    qtbot.waitExposed(live_map)
    yield live_map
    live_map.follow(None)


def flush(live: LiveMap) -> None:
    live.signals.flush()


def device(live: LiveMap, x: float, y: float) -> QPoint:
    """Where a map point is on the canvas's viewport, in pixels."""
    canvas = live.canvas
    return canvas.mapFromScene(canvas.view.mapViewToScene(QPointF(x, y)))


def render(live: LiveMap) -> QImage:
    return live.canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def count_colour(image: QImage, colour: str, tolerance: int = 6) -> int:
    """Pixels within ``tolerance`` of ``colour`` in each channel."""
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8).reshape(height, image.bytesPerLine() // 4, 4)
    rgb = data[:, :width, 2::-1].astype(int)  # BGRA in memory
    target = QColor(colour)
    want = np.array([target.red(), target.green(), target.blue()])
    return int((np.abs(rgb - want) <= tolerance).all(axis=2).sum())


def zoom_to(live: LiveMap, x: float, y: float, metres_per_pixel: float) -> None:
    canvas = live.canvas
    width, height = canvas.view.width(), canvas.view.height()
    half_w, half_h = width * metres_per_pixel / 2, height * metres_per_pixel / 2
    canvas.view.setRange(
        xRange=(x - half_w, x + half_w), yRange=(y - half_h, y + half_h), padding=0
    )
    QApplication.processEvents()


def test_demo_city_renders_with_its_layers_colours(live: LiveMap) -> None:
    image = render(live)
    assert image.width() > 0
    assert live.canvas.pixel_size() > 20  # the whole district is in view
    # Cells are filled by open cases: several classes show, as the legend says.
    filled = [count_colour(image, c) for c in CELL_CLASS_COLOURS]
    assert sum(n > 50 for n in filled) >= 3, filled
    police = AGENCY_STYLES["GA"][1]
    assert count_colour(image, police) > 100
    # Not a flat picture: many distinct colours.
    distinct = np.unique(
        np.frombuffer(image.constBits(), np.uint32)[: image.width() * image.height()]
    )
    assert distinct.size > 50

    # Layer toggles: each colour goes with its layer, and comes back.
    live.set_layer("cells", visible=False)
    hidden = render(live)
    assert sum(count_colour(hidden, c) for c in CELL_CLASS_COLOURS) < sum(filled) / 20
    live.set_layer("cells", visible=True)
    live.set_layer("units", visible=False)
    assert count_colour(render(live), police) < count_colour(image, police) / 10
    live.set_layer("units", visible=True)
    assert count_colour(render(live), police) > 100
    # Opacity fades the cells.
    live.set_layer("cells", opacity=0.3)
    assert count_colour(render(live), CELL_CLASS_COLOURS[0]) < filled[0] / 10
    live.set_layer("cells", opacity=1.0)


def test_overdue_measure_and_coverage_fill_the_cells(live: LiveMap, scenario: CityScenario) -> None:
    open_classes = live.cell_layer.classes.copy()
    live.set_measure(CellMeasure.OVERDUE_CASES)
    overdue = live.cell_layer.classes
    assert 0 < (overdue > 0).sum() < (open_classes > 0).sum()
    live.set_measure(CellMeasure.COVERAGE)
    scenario.tick()
    flush(live)
    live.sample()  # the ten-second sampling of trails and coverage
    live.refresh_measure()
    assert live.coverage is not None
    assert (live.cell_layer.classes > 0).sum() > 500
    assert 0.1 < live.coverage.share < 1
    live.set_measure(CellMeasure.OPEN_CASES)


def test_a_click_picks_the_unit_under_the_mouse_among_thousands(
    live: LiveMap, scenario: CityScenario, qtbot: QtBot
) -> None:
    store = scenario.store
    m = live.units
    rng = np.random.default_rng(4)
    visible = m.visible_rows()
    viewport = live.canvas.viewport()
    for row in rng.choice(visible, 15, replace=False):
        x, y = float(m.x[row]), float(m.y[row])
        zoom_to(live, x, y, 3.0)
        QTest.mouseClick(
            viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, device(live, x, y)
        )
        flush(live)
        # The unit under the pointer, or one drawn exactly as near (markers can overlap).
        chosen = next(iter(store.selection.units))
        other = store.positions.row_of(chosen)
        assert other is not None
        assert np.hypot(m.x[other] - x, m.y[other] - y) <= 3.0 * 2
        if np.hypot(*(np.c_[m.x[visible], m.y[visible]] - [x, y]).T).tolist().count(0.0) == 1:
            assert chosen == m.ids[row]
        assert list(live.selection_layer.unit_rows) == [other]


def test_a_click_on_a_case_and_on_an_empty_cell(live: LiveMap, scenario: CityScenario) -> None:
    store = scenario.store
    cases = live.cases
    row = int(cases.visible_rows()[10])
    x, y = float(cases.x[row]), float(cases.y[row])
    zoom_to(live, x, y, 0.5)
    viewport = live.canvas.viewport()
    QTest.mouseClick(
        viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, device(live, x, y)
    )
    flush(live)
    assert store.selection.cases == {cases.ids[row]}
    # Ctrl+click elsewhere, on nothing but a cell: the cell joins the selection.
    empty = QPoint(5, 5)
    point = live.canvas.view.mapSceneToView(live.canvas.mapToScene(empty))
    lon, lat = live.projection.lonlat(point.x(), point.y())
    cell = live.cell_at(lon, lat)
    QTest.mouseClick(
        viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, empty
    )
    flush(live)
    assert store.selection.cases == {cases.ids[row]}
    assert store.selection.cells == ({cell} if cell else set())
    # Picking a place (for a new case): the click names the place, the selection stays.
    picked: list[tuple[float, float]] = []
    live.picked.connect(lambda lon, lat: picked.append((lon, lat)))
    live.begin_pick()
    QTest.mouseClick(
        viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, device(live, x, y)
    )
    flush(live)
    assert picked[0] == pytest.approx(live.projection.lonlat(x, y), abs=1e-5)
    assert store.selection.cases == {cases.ids[row]}


def test_a_cluster_click_zooms_in_to_its_cases(live: LiveMap) -> None:
    live.canvas.show_rect(live.canvas.home)
    live.set_layer("units", visible=False)  # hidden units are not picked
    flush(live)
    clusters = live.case_layer.clusters()
    k = int(np.argmax(clusters.count))
    assert clusters.count[k] > 1
    before = live.canvas.pixel_size()
    text = live.tooltip_at(float(clusters.x[k]), float(clusters.y[k]))
    assert f"{clusters.count[k]} cases" in text
    QTest.mouseClick(
        live.canvas.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        device(live, float(clusters.x[k]), float(clusters.y[k])),
    )
    assert live.canvas.pixel_size() < before / 2
    live.set_layer("units", visible=True)


def test_selection_made_elsewhere_is_centred_and_highlighted(
    live: LiveMap, scenario: CityScenario
) -> None:
    store = scenario.store
    case_id = live.cases.ids[int(live.cases.visible_rows()[123])]
    row = live.cases.row_of[case_id]
    store.select_cases([case_id])  # as the case table would
    flush(live)
    centre = live.canvas.view.viewRect().center()
    assert abs(centre.x() - live.cases.x[row]) < live.canvas.pixel_size() * 2
    assert abs(centre.y() - live.cases.y[row]) < live.canvas.pixel_size() * 2
    assert list(live.selection_layer.case_rows) == [row]
    # A selected cell is outlined.
    cell = scenario.city.cells[42].code
    store.select_cells([cell])
    flush(live)
    assert not live.selection_layer.cell_path.isEmpty()
    assert live.canvas.view.viewRect().contains(
        live.selection_layer.cell_path.boundingRect().center()
    )


def drag(live: LiveMap, start: QPoint, end: QPoint, modifier: Qt.KeyboardModifier) -> None:
    """A left-button drag with a modifier held, as real mouse events."""
    viewport = live.canvas.viewport()
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton

    def send(
        kind: QEvent.Type, at: QPoint, button: Qt.MouseButton, buttons: Qt.MouseButton
    ) -> None:
        event = QMouseEvent(
            kind, QPointF(at), QPointF(viewport.mapToGlobal(at)), button, buttons, modifier
        )
        QApplication.sendEvent(viewport, event)

    send(QEvent.Type.MouseButtonPress, start, left, left)
    for k in range(1, 6):
        send(QEvent.Type.MouseMove, start + (end - start) * (k / 5), none, left)
    send(QEvent.Type.MouseButtonRelease, end, left, none)


def test_box_and_circle_selection(live: LiveMap, scenario: CityScenario, qtbot: QtBot) -> None:
    store = scenario.store
    m = live.units
    row = int(m.visible_rows()[0])
    x, y = float(m.x[row]), float(m.y[row])
    zoom_to(live, x, y, 5.0)
    centre = device(live, x, y)
    drag(
        live,
        centre - QPoint(150, 100),
        centre + QPoint(150, 100),
        Qt.KeyboardModifier.ShiftModifier,
    )
    flush(live)
    assert m.ids[row] in store.selection.units
    box = live.canvas.view.viewRect()
    for unit_id in store.selection.units:
        r = store.positions.row_of(unit_id)
        assert r is not None
        assert box.contains(QPointF(m.x[r], m.y[r]))
    qtbot.wait(QApplication.doubleClickInterval() + 50)  # a second press, not a double click
    drag(live, centre, centre + QPoint(60, 0), Qt.KeyboardModifier.ControlModifier)
    flush(live)
    radius = 60 * live.canvas.pixel_size()
    chosen = store.selection.units
    assert m.ids[row] in chosen
    for unit_id in chosen:
        r = store.positions.row_of(unit_id)
        assert r is not None
        assert np.hypot(m.x[r] - x, m.y[r] - y) <= radius * 1.05


def test_follow_keeps_the_unit_in_the_centre(live: LiveMap, scenario: CityScenario) -> None:
    m = live.units
    unit_id = m.ids[int(np.flatnonzero(~m.stale)[3])]
    live.follow(unit_id)
    for _ in range(3):
        scenario.tick(step_deg=0.002)
        flush(live)
        row = scenario.store.positions.row_of(unit_id)
        assert row is not None
        centre = live.canvas.view.viewRect().center()
        assert centre.x() == pytest.approx(m.x[row], abs=1.0)
        assert centre.y() == pytest.approx(m.y[row], abs=1.0)
    live.follow(None)
    assert live.following is None


def test_who_is_near_a_case(live: LiveMap, scenario: CityScenario) -> None:
    case = scenario.cases[7]
    found = live.show_nearby(case.id)
    now = NOW + timedelta(seconds=30)
    live_units = {u.unit_id: u for u in scenario.store.live_units()}
    assert set(found) == set(live.units.agencies)
    for agency, recs in found.items():
        candidates = [
            u
            for u in live_units.values()
            if u.department == agency and u.is_available(now, timedelta(minutes=5))
        ]
        distances = sorted(
            haversine_m(u.lon or 0.0, u.lat or 0.0, case.location.lon, case.location.lat)
            for u in candidates
        )
        assert [round(r.distance_m) for r in recs] == [round(d) for d in distances[: len(recs)]]
        for rec in recs:
            unit = live_units[rec.unit_id]
            assert unit.status is UnitStatus.PATROL
            assert not live.units.stale[scenario.store.positions.row_of(rec.unit_id)]
    assert live.nearby_layer.convergences[0].unit_ids


def test_keyboard_pans_zooms_and_goes_home(live: LiveMap) -> None:
    canvas = live.canvas
    canvas.setFocus()
    home_size = canvas.pixel_size()
    QTest.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.pixel_size() == pytest.approx(home_size / 1.5, rel=0.01)
    before = canvas.view.viewRect().center()
    QTest.keyClick(canvas, Qt.Key.Key_Right)
    assert canvas.view.viewRect().center().x() > before.x()
    QTest.keyClick(canvas, Qt.Key.Key_Minus)
    QTest.keyClick(canvas, Qt.Key.Key_Minus)
    QTest.keyClick(canvas, Qt.Key.Key_Home)
    assert canvas.pixel_size() == pytest.approx(home_size, rel=0.05)


def test_detail_appears_by_zoom(live: LiveMap) -> None:
    live.canvas.show_rect(live.canvas.home)
    bands = [live.boundary_layer.band]
    row = int(live.cases.visible_rows()[0])
    zoom_to(live, float(live.cases.x[row]), float(live.cases.y[row]), 4.0)
    bands.append(live.boundary_layer.band)
    assert bands == [ZoomBand.DISTRICT, ZoomBand.CELL]
    assert live.label_layer.band is ZoomBand.CELL
    assert live.unit_layer.show_headings


def test_tooltips_say_what_is_under_the_mouse(
    live: LiveMap, scenario: CityScenario, english: None
) -> None:
    m = live.units
    row = int(np.flatnonzero(live.units.stale)[0])
    zoom_to(live, float(m.x[row]), float(m.y[row]), 0.2)
    text = live.tooltip_at(float(m.x[row]), float(m.y[row]))
    unit = scenario.store.units[m.ids[row]]
    assert unit.callsign in text
    assert "Stale" in text
    case = scenario.cases[0]
    crow = live.cases.row_of[case.id]
    zoom_to(live, float(live.cases.x[crow]), float(live.cases.y[crow]), 0.2)
    assert case.number in live.tooltip_at(float(live.cases.x[crow]), float(live.cases.y[crow]))


def test_joint_operation_drawn_with_its_units(live: LiveMap) -> None:
    m = live.units
    rows = np.flatnonzero(~m.stale)[:3]
    x, y = float(m.x[rows].mean()), float(m.y[rows].mean())
    zoom_to(live, x, y, 20.0)
    before = count_colour(render(live), "#CC79A7")
    live.set_joint_operations([Convergence(x, y, tuple(m.ids[r] for r in rows))])
    assert count_colour(render(live), "#CC79A7") > before + 50


def test_map_panel_controls(qtbot: QtBot, scenario: CityScenario, english: None) -> None:
    signals = StoreSignals(scenario.store)
    live_map = LiveMap(scenario.store, signals, Reference())
    panel = MapPanel(live_map, scenario.store, signals)
    qtbot.addWidget(panel)
    panel.resize(*SIZE)
    panel.show()
    signals.flush()
    # A bookmark per street/town, and the whole district.
    assert panel.bookmarks.count() == len(scenario.city.streets) + 1
    street = scenario.city.streets[5]
    panel.bookmarks.setCurrentIndex(panel.bookmarks.findData(street.code))
    panel.bookmarks.activated.emit(panel.bookmarks.currentIndex())
    seat = QPointF(*live_map.projection.point(street.seat_lon, street.seat_lat))
    assert live_map.canvas.view.viewRect().contains(seat)
    # Layer toggles in the menu hide the layer.
    panel.layer_actions["units"].setChecked(False)
    assert not live_map.layers["units"].visible
    panel.layer_actions["units"].setChecked(True)
    # The measure box changes the fill and the legend.
    panel.measure.setCurrentIndex(panel.measure.findData(CellMeasure.OVERDUE_CASES.value))
    assert live_map.measure is CellMeasure.OVERDUE_CASES
    assert "≥ 5" in panel.legend.texts()
    # Who is near: enabled with a case selected, lists units per agency.
    assert not panel.nearby_button.isEnabled()
    scenario.store.select_cases([scenario.cases[3].id])
    signals.flush()
    assert panel.nearby_button.isEnabled()
    panel.nearby_button.click()
    assert panel.nearby_list.topLevelItemCount() >= len(live_map.units.agencies)
    # The context menu on a case offers what can be done there.
    case_row = live_map.cases.row_of[scenario.cases[3].id]
    at = QPointF(live_map.cases.x[case_row], live_map.cases.y[case_row])
    zoom_to(live_map, at.x(), at.y(), 0.5)
    texts = [a.text() for a in panel.context_menu_at(at).actions()]
    assert "Who is near this case" in texts
    assert "New case here" in texts
    scenario.store.clear_selection()
    signals.flush()


def test_a_gcj02_basemap_moves_every_layer_together(live: LiveMap, scenario: CityScenario) -> None:
    case = scenario.cases[11]
    row = live.cases.row_of[case.id]
    before = (float(live.cases.x[row]), float(live.cases.y[row]))
    zoom_to(live, *before, 2.0)
    centre_ground = live.projection.lonlat(*live.canvas.view.viewRect().center().toTuple())
    live.set_datum(Datum.GCJ02)
    try:
        after = (float(live.cases.x[row]), float(live.cases.y[row]))
        # The marker moved by the datum's offset (a few hundred metres)...
        assert 300 < np.hypot(after[0] - before[0], after[1] - before[1]) < 900
        # ...and the cells with it: the case is still drawn inside its own cell.
        cell = scenario.city.cell(case.location.cell_code or "")
        ring_x, ring_y = live.projection.forward(
            [p[0] for p in cell.ring], [p[1] for p in cell.ring]
        )
        assert ring_x.min() <= after[0] <= ring_x.max()
        assert ring_y.min() <= after[1] <= ring_y.max()
        # Units too, and the view still shows the same place on the ground.
        u = int(np.flatnonzero(~live.units.stale)[0])
        lon = float(scenario.store.positions.lon[u])
        lat = float(scenario.store.positions.lat[u])
        assert live.units.x[u] == pytest.approx(live.projection.point(lon, lat)[0])
        centre = live.canvas.view.viewRect().center()
        assert live.projection.lonlat(centre.x(), centre.y()) == pytest.approx(
            centre_ground, abs=1e-5
        )
    finally:
        live.set_datum(Datum.WGS84)
    assert (float(live.cases.x[row]), float(live.cases.y[row])) == pytest.approx(before)


def test_basemap_choice_switches_datum_and_bad_files_are_named(
    qtbot: QtBot, scenario: CityScenario, tmp_path: Path, english: None
) -> None:
    case = scenario.cases[5]
    x, y = MapProjection(Datum.GCJ02).point(case.location.lon, case.location.lat)
    zoom = 12
    tiles = {tile_at(x, y, zoom): tile_png((200, 40, 160))}
    good = BasemapSpec(
        name="AMap offline",
        kind=SourceKind.MBTILES,
        path=write_mbtiles(tmp_path / "amap.mbtiles", tiles),
        datum=Datum.GCJ02,
        min_zoom=zoom,
        max_zoom=zoom,
    )
    (tmp_path / "broken.mbtiles").write_bytes(b"not a database")
    broken = BasemapSpec(name="Broken", kind=SourceKind.MBTILES, path=tmp_path / "broken.mbtiles")
    signals = StoreSignals(scenario.store)
    live_map = LiveMap(scenario.store, signals, Reference())
    panel = MapPanel(live_map, scenario.store, signals, [good, broken])
    qtbot.addWidget(panel)
    panel.resize(*SIZE)
    panel.show()
    signals.flush()
    assert panel.basemap.count() == 3  # none + two
    panel.choose_basemap(0)
    assert live_map.projection.datum is Datum.GCJ02
    assert live_map.basemap is not None
    assert panel.basemap_opacity.isVisible()
    panel.basemap_opacity.setValue(40)
    assert live_map.basemap.opacity() == pytest.approx(0.4)
    panel.choose_basemap(1)
    assert "Broken" in panel.status.text()
    assert live_map.basemap is None
    assert live_map.projection.datum is Datum.WGS84
    panel.choose_basemap(-1)
    assert live_map.basemap is None
