"""The basemap on screen: tiles from MBTiles and from a local tile server, drawn in place.

A real pyqtgraph view box (aspect locked, north up, as the map's) is rendered offscreen and
its pixels are read back. Test tiles are coloured per tile, with a darker bottom half
(``tests.tiles``), so a tile in the wrong place or upside down shows.
"""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QGraphicsItem
from pytestqt.qtbot import QtBot

from console.basemap import (
    BasemapSpec,
    SourceKind,
    TileKey,
    tile_at,
    tile_bounds,
    tile_span_m,
)
from console.map_projection import Datum, MapProjection
from models.errors import LoadError
from tests.tiles import RGB, darker, tile_png, write_mbtiles
from widgets.map import basemap_layer
from widgets.map.basemap_layer import BasemapLayer

SIDE = 512
"""The view is SIDE × SIDE pixels: 2 × 2 tiles at 1:1."""
Z = 12
WEST, NORTH = 3428, 1672
"""North-west tile of the 2 × 2 block around Lujiazui at zoom 12: the four children of
tile 11/1714/836."""
BLOCK_COLOURS: dict[tuple[int, int], RGB] = {
    (0, 0): (220, 40, 40),  # north-west: red
    (1, 0): (40, 200, 40),  # north-east: green
    (0, 1): (40, 80, 230),  # south-west: blue
    (1, 1): (230, 200, 40),  # south-east: yellow
}
PARENT = TileKey(Z - 1, WEST // 2, NORTH // 2)
PARENT_COLOUR: RGB = (200, 60, 200)


def block_tiles(z: int = Z) -> dict[TileKey, bytes]:
    return {TileKey(z, WEST + dx, NORTH + dy): tile_png(c) for (dx, dy), c in BLOCK_COLOURS.items()}


def block_rect() -> QRectF:
    north_west = tile_bounds(TileKey(Z, WEST, NORTH))
    span = tile_span_m(Z)
    return QRectF(north_west.xmin, north_west.ymax - 2 * span, 2 * span, 2 * span)


# --------------------------------------------------------------------------- fixtures


class MapView:
    """A pyqtgraph view box like the map's, offscreen, and a way to read its pixels."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.widget = pg.GraphicsView(background=QColor(0, 0, 0))
        self.box = pg.ViewBox(lockAspect=True, enableMenu=False)
        self.widget.setCentralItem(self.box)
        self.widget.resize(SIDE, SIDE)
        qtbot.addWidget(self.widget)
        self.widget.show()
        qtbot.waitExposed(self.widget)
        self.layers: list[BasemapLayer] = []

    def add(self, layer: BasemapLayer) -> BasemapLayer:
        self.layers.append(layer)
        self.box.addItem(layer)
        return layer

    def show(self, rect: QRectF, layer: BasemapLayer, zoom: int = Z) -> None:
        """Shows ``rect`` and waits until the layer has every tile it needs at ``zoom``."""
        self.box.setRange(rect=rect, padding=0.0)
        # The layer follows the view when pyqtgraph prepares a paint.
        self.widget.viewport().repaint()

        def loaded() -> None:
            assert layer.plan.zoom == zoom
            assert layer.plan.tiles
            assert not layer.is_loading

        self.qtbot.waitUntil(loaded, timeout=5000)

    def render(self) -> QImage:
        return self.widget.grab().toImage()

    def colour(self, image: QImage, x: float, y: float) -> RGB:
        """The colour drawn at map point ``(x, y)``."""
        point = self.widget.mapFromScene(self.box.mapViewToScene(QPointF(x, y)))
        colour = image.pixelColor(point.x(), point.y())
        return colour.red(), colour.green(), colour.blue()

    def tile_halves(self, image: QImage, key: TileKey) -> tuple[RGB, RGB]:
        """Colours drawn a quarter and three quarters of the way down a tile's middle."""
        bounds = tile_bounds(key)
        middle = (bounds.xmin + bounds.xmax) / 2
        upper = self.colour(image, middle, bounds.ymax - bounds.height / 4)
        lower = self.colour(image, middle, bounds.ymin + bounds.height / 4)
        return upper, lower

    def close(self) -> None:
        for layer in self.layers:
            layer.close()  # the widget, and the layer with it, may be gone already


@pytest.fixture
def map_view(qtbot: QtBot) -> Iterator[MapView]:
    view = MapView(qtbot)
    yield view
    view.close()


def close_to(got: RGB, want: RGB, tolerance: int = 3) -> bool:
    return all(abs(g - w) <= tolerance for g, w in zip(got, want, strict=True))


def assert_block_drawn(view: MapView, image: QImage) -> None:
    for (dx, dy), colour in BLOCK_COLOURS.items():
        upper, lower = view.tile_halves(image, TileKey(Z, WEST + dx, NORTH + dy))
        assert close_to(upper, colour), (dx, dy, upper, colour)
        assert close_to(lower, darker(colour)), (dx, dy, lower, darker(colour))


def mbtiles_spec(path: Path, **fields: object) -> BasemapSpec:
    return BasemapSpec("offline", SourceKind.MBTILES, path=path, **fields)  # type: ignore[arg-type]


class TileServer:
    """A local XYZ tile server (``http.server`` on port 0) serving ``root/{z}/{x}/{y}.png``.

    Requests for paths in :attr:`held` wait until :attr:`release` is set: a slow server.
    While :attr:`broken` is set, every request gets "500 Internal Server Error".
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.held: set[str] = set()
        self.broken = False
        self.release = threading.Event()
        self.requests: list[str] = []
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                if self.path in server.held:
                    server.release.wait(10)
                if server.broken:
                    self.send_error(500)
                    return
                super().do_GET()

            def log_message(self, format: str, *args: object) -> None:
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that hung up on a held request: expected here

        self.httpd = Server(("127.0.0.1", 0), partial(Handler, directory=str(root)))
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/{{z}}/{{x}}/{{y}}.png"

    def put(self, tiles: dict[TileKey, bytes]) -> None:
        for key, data in tiles.items():
            path = self.root / str(key.z) / str(key.x) / f"{key.y}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def tile_server(tmp_path: Path) -> Iterator[TileServer]:
    root = tmp_path / "www"
    root.mkdir()
    server = TileServer(root)
    yield server
    server.stop()


# --------------------------------------------------------------------------- MBTiles


def test_mbtiles_tiles_are_drawn_in_place_north_up(map_view: MapView, tmp_path: Path) -> None:
    path = write_mbtiles(tmp_path / "block.mbtiles", block_tiles())
    layer = map_view.add(BasemapLayer(mbtiles_spec(path)))
    map_view.show(block_rect(), layer)
    assert set(layer.plan.tiles) == set(block_tiles())
    assert_block_drawn(map_view, map_view.render())
    assert layer.datum is Datum.WGS84


def test_a_missing_tile_shows_the_coarser_tile_instead_of_a_hole(
    map_view: MapView, tmp_path: Path
) -> None:
    tiles = block_tiles()
    south_west = TileKey(Z, WEST, NORTH + 1)
    del tiles[south_west]
    tiles[PARENT] = tile_png(PARENT_COLOUR)
    path = write_mbtiles(tmp_path / "holes.mbtiles", tiles)
    layer = map_view.add(BasemapLayer(mbtiles_spec(path)))
    # Zoomed out first (the operator's way in): the parent tile is seen, and cached.
    parent_bounds = tile_bounds(PARENT)
    wide = QRectF(
        parent_bounds.xmin - parent_bounds.width / 2,
        parent_bounds.ymin - parent_bounds.height / 2,
        2 * parent_bounds.width,
        2 * parent_bounds.height,
    )
    map_view.show(wide, layer, zoom=Z - 1)
    map_view.show(block_rect(), layer)
    image = map_view.render()
    # The hole shows the parent's south-west quarter, which is in its darker bottom half.
    upper, lower = map_view.tile_halves(image, south_west)
    assert close_to(upper, darker(PARENT_COLOUR))
    assert close_to(lower, darker(PARENT_COLOUR))
    north_east = TileKey(Z, WEST + 1, NORTH)
    assert close_to(map_view.tile_halves(image, north_east)[0], BLOCK_COLOURS[(1, 0)])


def test_zoomed_in_past_the_finest_level_the_tiles_are_enlarged(
    map_view: MapView, tmp_path: Path
) -> None:
    path = write_mbtiles(tmp_path / "block.mbtiles", block_tiles())
    layer = map_view.add(BasemapLayer(mbtiles_spec(path)))
    # A quarter of the north-west tile fills the view: zoom 14's scale, but 12 is the finest.
    nw = tile_bounds(TileKey(Z, WEST, NORTH))
    quarter = QRectF(nw.xmin, nw.ymax - nw.height / 2, nw.width / 2, nw.height / 2)
    map_view.show(quarter, layer, zoom=Z)
    image = map_view.render()
    assert close_to(
        map_view.colour(image, quarter.center().x(), quarter.center().y()), BLOCK_COLOURS[(0, 0)]
    )


def test_a_still_view_stays_right_while_the_layers_above_it_change(
    map_view: MapView, tmp_path: Path, qtbot: QtBot
) -> None:
    """Once the view is still, the layer is redrawn smoothly into Qt's cache, which the
    repaints for live layers (units ticking) reuse: the picture must not change."""
    path = write_mbtiles(tmp_path / "block.mbtiles", block_tiles())
    layer = map_view.add(BasemapLayer(mbtiles_spec(path)))
    centre = block_rect().center()
    side = block_rect().width() * 1.2  # tiles drawn at 0.83: smooth scaling applies
    map_view.show(QRectF(centre.x() - side / 2, centre.y() - side / 2, side, side), layer)
    qtbot.waitUntil(
        lambda: layer.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache, timeout=2000
    )
    assert_block_drawn(map_view, map_view.render())
    units = pg.ScatterPlotItem(size=6, brush=pg.mkBrush("w"))
    map_view.box.addItem(units, ignoreBounds=True)
    for step in range(3):
        units.setData([centre.x() + step * 50.0], [centre.y() + tile_span_m(Z) * 0.9])
        assert_block_drawn(map_view, map_view.render())
    map_view.box.translateBy(x=tile_span_m(Z) / 8)  # a pan: drawn directly again
    map_view.widget.viewport().repaint()
    assert layer.cacheMode() == QGraphicsItem.CacheMode.NoCache
    assert_block_drawn(map_view, map_view.render())


def test_the_basemap_can_be_faded(map_view: MapView, tmp_path: Path) -> None:
    path = write_mbtiles(tmp_path / "block.mbtiles", block_tiles())
    layer = map_view.add(BasemapLayer(mbtiles_spec(path)))
    layer.setOpacity(0.5)
    map_view.show(block_rect(), layer)
    upper, _ = map_view.tile_halves(map_view.render(), TileKey(Z, WEST, NORTH))
    red = BLOCK_COLOURS[(0, 0)]
    assert close_to(upper, (red[0] // 2, red[1] // 2, red[2] // 2), tolerance=4)


def test_a_bad_mbtiles_file_is_refused_with_the_reason(tmp_path: Path, qtbot: QtBot) -> None:
    path = tmp_path / "not-tiles.mbtiles"
    path.write_bytes(b"GIF89a, not a database" * 100)
    with pytest.raises(LoadError) as caught:
        BasemapLayer(mbtiles_spec(path))
    assert str(path) in str(caught.value)
    assert "not a readable MBTiles file" in str(caught.value)
    too_fine = write_mbtiles(tmp_path / "block.mbtiles", block_tiles())
    with pytest.raises(LoadError, match="holds zoom levels 12–12, none of the basemap's 14–18"):
        BasemapLayer(mbtiles_spec(too_fine, min_zoom=14))


def test_a_gcj02_basemap_puts_wgs84_data_on_its_streets(map_view: MapView, tmp_path: Path) -> None:
    """The DOMAIN.md test position, reported in WGS-84, lands on its own tile of a GCJ-02 map
    once the map adopts the basemap's datum; in WGS-84 it would be ≈470 m off, on another tile.
    """
    landmark = (121.5272106, 31.1774276)  # WGS-84
    z = 17
    gcj = MapProjection(Datum.GCJ02)
    at_gcj = tile_at(*gcj.point(*landmark), z)
    at_wgs = tile_at(*MapProjection(Datum.WGS84).point(*landmark), z)
    assert at_gcj != at_wgs  # the offset crosses tiles at this zoom: the test can tell
    around = {
        TileKey(z, at_gcj.x + dx, at_gcj.y + dy): tile_png(
            (200, 40, 40) if (dx, dy) == (0, 0) else (40, 40, 200)
        )
        for dx in range(-3, 4)
        for dy in range(-3, 4)
    }
    path = write_mbtiles(tmp_path / "gcj.mbtiles", around)
    spec = mbtiles_spec(path, datum=Datum.GCJ02)
    layer = map_view.add(BasemapLayer(spec))
    assert layer.datum is Datum.GCJ02
    projection = MapProjection(layer.datum)  # what the map widget does on choosing it
    x, y = projection.point(*landmark)
    span = tile_span_m(z)
    map_view.show(QRectF(x - span, y - span, 2 * span, 2 * span), layer, zoom=z)
    image = map_view.render()
    assert close_to(map_view.colour(image, x, y), (200, 40, 40)) or close_to(
        map_view.colour(image, x, y), (100, 20, 20)
    )


# --------------------------------------------------------------------------- tile server


def test_tiles_from_a_local_server_are_drawn_in_place(
    map_view: MapView, tile_server: TileServer, qtbot: QtBot
) -> None:
    tile_server.put(block_tiles())
    spec = BasemapSpec("server", SourceKind.XYZ, url=tile_server.url, datum=Datum.WGS84)
    layer = map_view.add(BasemapLayer(spec))
    with qtbot.assertNotEmitted(layer.failed):
        map_view.show(block_rect(), layer)
    assert_block_drawn(map_view, map_view.render())
    # Each tile asked for once (the view box's first, default view may add a stray one).
    asked = sorted(r for r in tile_server.requests if r.startswith(f"/{Z}/"))
    assert asked == sorted(f"/{k.z}/{k.x}/{k.y}.png" for k in block_tiles())


def test_tiles_that_left_the_view_are_cancelled(
    map_view: MapView, tile_server: TileServer, qtbot: QtBot
) -> None:
    """A server stuck on tiles the operator panned away from does not hold up the new view."""
    tile_server.put(block_tiles())
    elsewhere = {TileKey(Z, WEST + 10 + k.x - WEST, k.y): data for k, data in block_tiles().items()}
    tile_server.put(elsewhere)
    tile_server.held = {f"/{k.z}/{k.x}/{k.y}.png" for k in elsewhere}
    spec = BasemapSpec("server", SourceKind.XYZ, url=tile_server.url)
    layer = map_view.add(BasemapLayer(spec, max_in_flight=2))
    shift = 10 * tile_span_m(Z)
    map_view.box.setRange(rect=block_rect().translated(shift, 0), padding=0.0)
    map_view.widget.viewport().repaint()
    held = tile_server.held
    qtbot.waitUntil(lambda: len([r for r in tile_server.requests if r in held]) == 2, timeout=5000)
    assert layer.is_loading
    map_view.show(block_rect(), layer)  # every slot was taken by a held request
    assert_block_drawn(map_view, map_view.render())


def test_missing_tiles_are_no_failure_but_a_dead_server_is(
    map_view: MapView, tile_server: TileServer, qtbot: QtBot
) -> None:
    spec = BasemapSpec("empty", SourceKind.XYZ, url=tile_server.url)
    layer = map_view.add(BasemapLayer(spec))
    with qtbot.assertNotEmitted(layer.failed):
        map_view.show(block_rect(), layer)  # 404 for every tile: the sea, say

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dead = BasemapSpec("dead", SourceKind.XYZ, url=f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png")
    dead_layer = map_view.add(BasemapLayer(dead))
    failures: list[str] = []
    dead_layer.failed.connect(failures.append)
    with qtbot.waitSignal(dead_layer.view_loaded, timeout=5000):
        map_view.box.setRange(rect=block_rect().translated(tile_span_m(Z) / 2, 0), padding=0.0)
        map_view.widget.viewport().repaint()
    assert len(dead_layer.plan.tiles) == 6
    assert len(failures) == 1  # one message for the dead server, not one per tile
    assert "“dead”" in failures[0]
    assert "refused" in failures[0].lower()


def test_a_view_fills_in_when_the_tile_server_recovers(
    map_view: MapView, tile_server: TileServer, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(basemap_layer, "RETRY_AFTER_S", 0.2)
    tile_server.put(block_tiles())
    tile_server.broken = True
    layer = map_view.add(BasemapLayer(BasemapSpec("server", SourceKind.XYZ, url=tile_server.url)))
    with qtbot.waitSignal(layer.failed, timeout=5000) as failure:
        map_view.show(block_rect(), layer)
    assert "answered HTTP 500 Internal Server Error" in str(failure.args[0])
    tile_server.broken = False  # the server is back; nobody touches the map
    qtbot.waitUntil(lambda: assert_block_drawn(map_view, map_view.render()), timeout=5000)


def test_a_tile_that_is_not_an_image_is_reported(
    map_view: MapView, tile_server: TileServer, qtbot: QtBot
) -> None:
    tiles = block_tiles()
    broken = TileKey(Z, WEST, NORTH)
    tiles[broken] = b"<html>a proxy's error page</html>"
    tile_server.put(tiles)
    layer = map_view.add(BasemapLayer(BasemapSpec("server", SourceKind.XYZ, url=tile_server.url)))
    with qtbot.waitSignal(layer.failed, timeout=5000) as failure:
        map_view.show(block_rect(), layer)
    assert "“server”: a tile is not an image" in str(failure.args[0])
    upper, _ = map_view.tile_halves(map_view.render(), TileKey(Z, WEST + 1, NORTH))
    assert close_to(upper, BLOCK_COLOURS[(1, 0)])


def test_the_layer_does_not_widen_show_all(map_view: MapView, tmp_path: Path) -> None:
    path = write_mbtiles(tmp_path / "block.mbtiles", block_tiles())
    layer = map_view.add(BasemapLayer(mbtiles_spec(path)))
    map_view.show(block_rect(), layer)
    assert map_view.box.childrenBounds() == [None, None]
