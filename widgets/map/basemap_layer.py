"""The raster basemap under the map's layers: tiles from MBTiles or a local tile server.

:class:`BasemapLayer` is one pyqtgraph item in the map's view box, in its coordinates (Web
Mercator metres, y north). Added to the view box, it follows the view by itself: each time
the view's transform changes (pan, zoom, resize; pyqtgraph coalesces these to once per
frame) it works out the tiles the view needs at the zoom level drawn nearest 1:1
(:func:`console.basemap.plan_tiles`) and asks for the missing ones, centre first.

Nothing on a pan or zoom frame waits for I/O: MBTiles reads and image decoding run on a
small thread pool, tile-server requests run asynchronously through ``QNetworkAccessManager``;
finished tiles are collected by a timer on the GUI thread (one repaint per tick, however
many tiles arrived), turned into pixmaps there, and kept in an LRU cache bounded by bytes.
Until a tile arrives, the nearest cached coarser tile is drawn enlarged in its place (and
cached finer tiles over it when zooming out), so a pan never shows holes that were filled a
moment ago. Requests for tiles that left the view are cancelled, and at most a few are in
flight at once.

The tiles are drawn in the basemap's datum; the map widget switches its
:class:`~console.map_projection.MapProjection` to :attr:`BasemapLayer.datum` so that every
overlay lands on the right street.
"""

from __future__ import annotations

import enum
import functools
import logging
import math
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Final

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QCoreApplication, QRectF, QTimer, QUrl, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkProxy, QNetworkReply, QNetworkRequest
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from console.basemap import (
    BasemapSpec,
    ByteBoundedLru,
    MBTilesSource,
    MercatorRect,
    SourceKind,
    TileKey,
    TilePlan,
    lonlat_bounds_to_mercator,
    plan_tiles,
    tile_bounds,
    tile_span_m,
)
from console.map_projection import Datum
from models.errors import LoadError

log = logging.getLogger(__name__)

Z_VALUE: Final = -100.0
"""Below every data layer of the map (they stack from 0 up)."""
DEFAULT_CACHE_BYTES: Final = 128 * 1024 * 1024
"""Decoded tiles kept: 512 tiles of 256 px, room for a 4K wall's view and its surroundings."""
DEFAULT_MAX_IN_FLIGHT: Final = 8
"""Tiles fetched or decoded at once; a tile server is asked for no more than this."""
DECODE_THREADS: Final = 2
DRAIN_INTERVAL_MS: Final = 16
"""How often finished tiles are collected while any are on the way (≈ one frame)."""
SETTLE_MS: Final = 200
"""Stillness after which the view counts as still (see :class:`BasemapLayer`)."""
RETRY_AFTER_S: Final = 15.0
"""A tile that failed is not asked for again before this many seconds."""
NETWORK_TIMEOUT_MS: Final = 10_000
NATIVE_SCALE_TOLERANCE: Final = 0.01
"""Tiles drawn within 1 % of their size count as drawn 1:1."""
MAX_ANCESTOR_LEVELS: Final = 8
"""How many levels up a placeholder for a missing tile is looked for."""
MAX_ABSENT: Final = 100_000
"""Tiles remembered as missing from the source before that memory is cleared."""
USER_AGENT: Final = b"grid-console basemap"
ABSENT_HTTP_STATUSES: Final = frozenset({204, 404})
"""Answers of tile servers for "no tile here" (the sea, outside the data)."""


def problem_text(name: str, reason: str) -> str:
    """A basemap's problem in the current language, for the status bar or a message box.

    Args:
        name: The basemap's name.
        reason: What went wrong, in words.
    """
    return QCoreApplication.translate("BasemapLayer", "Basemap “{name}”: {reason}").format(
        name=name, reason=reason
    )


class _Outcome(enum.Enum):
    IMAGE = enum.auto()
    ABSENT = enum.auto()  # the source has no such tile
    UNDECODABLE = enum.auto()  # bytes that are no image
    FAILED = enum.auto()  # the source could not be read


@dataclass(frozen=True, slots=True)
class _Done:
    """A tile that finished on a worker thread (or failed there)."""

    key: TileKey
    ticket: int
    outcome: _Outcome
    image: QImage | None = None
    detail: str = ""


def _decoded(key: TileKey, ticket: int, data: bytes) -> _Done:
    """Decodes tile bytes into an image ready for fast drawing (worker thread)."""
    if not data:
        return _Done(key, ticket, _Outcome.ABSENT)
    image = QImage.fromData(data)
    if image.isNull():
        return _Done(key, ticket, _Outcome.UNDECODABLE)
    # Premultiplied ARGB is what the raster engine blends without converting each paint.
    return _Done(
        key,
        ticket,
        _Outcome.IMAGE,
        image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied),
    )


def _decode_into(key: TileKey, ticket: int, data: bytes, out: deque[_Done]) -> None:
    """Worker: decode bytes fetched from a tile server."""
    try:
        out.append(_decoded(key, ticket, data))
    except Exception as exc:  # a tile must never get stuck "in flight"
        out.append(_Done(key, ticket, _Outcome.FAILED, detail=str(exc)))


def _read_into(source: MBTilesSource, key: TileKey, ticket: int, out: deque[_Done]) -> None:
    """Worker: read a tile from an MBTiles file and decode it."""
    try:
        data = source.tile(key)
        out.append(
            _Done(key, ticket, _Outcome.ABSENT) if data is None else _decoded(key, ticket, data)
        )
    except LoadError as exc:
        out.append(_Done(key, ticket, _Outcome.FAILED, detail=exc.problem))
    except Exception as exc:  # a tile must never get stuck "in flight"
        out.append(_Done(key, ticket, _Outcome.FAILED, detail=str(exc)))


@dataclass(slots=True)
class _Fetch:
    """A tile on its way: the network request, then its decoding; or the file read."""

    ticket: int
    handle: QNetworkReply | Future[None]


_Draw = tuple[QRectF, QPixmap, QRectF]
"""Target rectangle (in the y-down painting frame), pixmap, source rectangle in pixels."""


def _cost(pixmap: QPixmap) -> int:
    return pixmap.width() * pixmap.height() * max(pixmap.depth(), 8) // 8


def _target(bounds: MercatorRect) -> QRectF:
    """A tile's rectangle in the painting frame, whose y axis is flipped to point south
    (images have their first row at the top)."""
    return QRectF(bounds.xmin, -bounds.ymax, bounds.width, bounds.height)


def _network_problem(reply: QNetworkReply) -> str:
    """Why a tile request failed, in words that do not change from tile to tile."""
    error = reply.error()
    if error in (
        QNetworkReply.NetworkError.OperationCanceledError,  # the transfer timeout
        QNetworkReply.NetworkError.TimeoutError,
    ):
        return QCoreApplication.translate(
            "BasemapLayer", "the tile server did not answer within {seconds} s"
        ).format(seconds=NETWORK_TIMEOUT_MS // 1000)
    status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
    if isinstance(status, int):
        phrase = reply.attribute(QNetworkRequest.Attribute.HttpReasonPhraseAttribute)
        return QCoreApplication.translate(
            "BasemapLayer", "the tile server answered HTTP {status} {phrase}"
        ).format(status=status, phrase=phrase or "")
    return reply.errorString()


def _release(executor: ThreadPoolExecutor, source: MBTilesSource | None, *_: object) -> None:
    """Lets a layer's decoding threads finish and closes its file."""
    executor.shutdown(wait=True, cancel_futures=True)
    if source is not None:
        source.close()


class BasemapLayer(pg.GraphicsObject):
    """Raster tiles of one basemap, drawn under the map's layers.

    Add it to the map's view box; it follows the view by itself (pyqtgraph tells it when
    the view's transform changed). :meth:`update_view` does the same by hand, e.g. for a
    view box it is not in. Opacity is Qt's own: ``setOpacity(0.6)``. It takes no part in
    the view box's auto-range, and sits at z = :data:`Z_VALUE`. Call :meth:`close` when the
    basemap is replaced: it stops the fetching threads and closes the file.

    How it draws depends on whether the view moves, measured here at 1920 × 1080 (on a
    busy machine, so as ratios): while the view pans or zooms, scaled tiles are drawn
    nearest-neighbour, because bilinear scaling of a screenful cost about three times as
    much; once the view has been still for :data:`SETTLE_MS`, the layer is redrawn once
    with smooth scaling (never for tiles drawn 1:1, which it would only blur) into Qt's
    device-coordinate cache, so the repaints that the live layers above cause several
    times a second blit the cache (≈1–2 ms) instead of drawing every tile again (≈8–24 ms
    more per frame). While moving the cache would be redrawn every frame, at extra cost,
    so it is off.

    Args:
        spec: The basemap.
        cache_bytes: Budget of the decoded-tile cache.
        max_in_flight: Tiles fetched or decoded at once.
        parent: Qt parent item.

    Raises:
        LoadError: If the basemap's MBTiles file cannot be used (missing, not MBTiles,
            vector tiles, zoom levels outside the spec's); the message says which.

    Signals:
        view_loaded(): Every tile the current view needs has arrived, or is known to be
            missing or to have failed (emitted once per view).
        failed(str): A tile could not be fetched, read or decoded; the text (translated)
            says why. Repeats of the same text are not emitted again until a tile arrives.
    """

    view_loaded = Signal()
    failed = Signal(str)

    def __init__(
        self,
        spec: BasemapSpec,
        *,
        cache_bytes: int = DEFAULT_CACHE_BYTES,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        parent: QGraphicsItem | None = None,
    ) -> None:
        if max_in_flight < 1:
            raise ValueError(f"max_in_flight must be at least 1, not {max_in_flight}")
        source: MBTilesSource | None = None
        min_zoom, max_zoom, bounds = spec.min_zoom, spec.max_zoom, None
        if spec.kind is SourceKind.MBTILES:
            assert spec.path is not None  # the spec's own check
            source = MBTilesSource(spec.path)
            min_zoom = max(min_zoom, source.min_zoom)
            max_zoom = min(max_zoom, source.max_zoom)
            if min_zoom > max_zoom:
                source.close()
                raise LoadError(
                    str(spec.path),
                    None,
                    None,
                    f"holds zoom levels {source.min_zoom}–{source.max_zoom}, none of the "
                    f"basemap's {spec.min_zoom}–{spec.max_zoom}",
                )
            if source.bounds is not None:
                bounds = lonlat_bounds_to_mercator(source.bounds)
        super().__init__(parent)
        self.spec = spec
        self._source = source
        self.min_zoom = min_zoom
        self.max_zoom = max_zoom
        self.bounds: MercatorRect | None = bounds
        self.max_in_flight = max_in_flight
        self.setZValue(Z_VALUE)

        self._plan = TilePlan(min_zoom)
        self._wanted: frozenset[TileKey] = frozenset()
        self._rect = QRectF()
        self._draw_list: list[_Draw] | None = None
        self._cache: ByteBoundedLru[TileKey, QPixmap] = ByteBoundedLru(cache_bytes, _cost)
        self._absent: set[TileKey] = set()
        self._retry_at: dict[TileKey, float] = {}
        self._in_flight: dict[TileKey, _Fetch] = {}
        self._tickets = 0
        self._done: deque[_Done] = deque()
        self._loaded_emitted = False
        self._last_failure: str | None = None
        self._closed = False
        self._still = False
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(SETTLE_MS)
        self._settle_timer.timeout.connect(self._view_settled)

        self._executor = ThreadPoolExecutor(DECODE_THREADS, thread_name_prefix="basemap-tiles")
        # Deleted by Qt with its scene (the map closed without close()): let the threads and
        # the file go all the same. The slot must not hold the layer itself.
        self.destroyed.connect(functools.partial(_release, self._executor, source))
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.timeout.connect(self._pump)  # a server back up fills a still view
        self._drain_timer = QTimer(self)
        self._drain_timer.setInterval(DRAIN_INTERVAL_MS)
        self._drain_timer.timeout.connect(self._drain)
        self._network: QNetworkAccessManager | None = None
        if spec.kind is SourceKind.XYZ:
            self._network = QNetworkAccessManager(self)
            if spec.is_local_server():
                # A proxy from the environment would only break a server on this machine.
                self._network.setProxy(QNetworkProxy(QNetworkProxy.ProxyType.NoProxy))

    # -- what the map widget reads

    @property
    def datum(self) -> Datum:
        """The datum the tiles are drawn in: the map's projection must use it."""
        return self.spec.datum

    @property
    def attribution(self) -> str:
        """The credit to show with the tiles (may be empty)."""
        return self.spec.attribution

    @property
    def plan(self) -> TilePlan:
        """The tiles of the current view and the zoom level they are drawn at."""
        return self._plan

    @property
    def is_loading(self) -> bool:
        """True while a tile the current view needs is still on its way."""
        now = time.monotonic()
        return any(not self._settled(key, now) for key in self._plan.tiles)

    # -- following the view

    def update_view(self, rect: QRectF, pixel_size: float) -> None:
        """Shows the basemap for a view: fetches what is missing, cancels what left it.

        Cheap and never blocking: call it on every pan or zoom frame.

        Args:
            rect: The visible map rectangle (Web Mercator metres).
            pixel_size: Map metres per logical (screen) pixel, as
                ``MapCanvas.view_changed`` gives it; the layer accounts for the screen's
                device pixel ratio itself, so tiles are sharp on high-DPI screens.

        Raises:
            ValueError: If ``pixel_size`` is not a positive finite number.
        """
        if self._closed:
            return
        self._moved()
        view = MercatorRect(rect.left(), rect.top(), rect.right(), rect.bottom())
        plan = plan_tiles(
            view,
            pixel_size / self._device_pixel_ratio(),
            min_zoom=self.min_zoom,
            max_zoom=self.max_zoom,
            tile_size=self.spec.tile_size,
            bounds=self.bounds,
        )
        if plan == self._plan:
            return
        self._plan = plan
        self._wanted = frozenset(plan.tiles)
        self._loaded_emitted = False
        extent = plan.extent
        rect_now = (
            QRectF()
            if extent is None
            else QRectF(extent.xmin, extent.ymin, extent.width, extent.height)
        )
        if rect_now != self._rect:
            self.prepareGeometryChange()
            self._rect = rect_now
        self._cancel_unwanted()
        self._pump()
        self._draw_list = None
        self.update()
        self._check_loaded()

    def viewTransformChanged(self) -> None:  # noqa: N802 (pyqtgraph's name)
        """pyqtgraph: the view box panned, zoomed or resized; follow it."""
        super().viewTransformChanged()
        view = self.getViewBox()
        if view is None or self.getViewWidget() is None or not isinstance(view, pg.ViewBox):
            return
        rect = view.viewRect()
        width = view.width()
        if width > 0 and rect.width() > 0:
            self.update_view(rect, rect.width() / width)

    def _moved(self) -> None:
        self._settle_timer.start()  # (re)started on every move: fires once the view is still
        if self._still:
            self._still = False
            self.setCacheMode(QGraphicsItem.CacheMode.NoCache)

    def _view_settled(self) -> None:
        self._still = True
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.update()

    def _device_pixel_ratio(self) -> float:
        widget = self.getViewWidget()
        return float(widget.devicePixelRatioF()) if widget is not None else 1.0

    # -- fetching

    def _settled(self, key: TileKey, now: float) -> bool:
        return key in self._cache or key in self._absent or self._retry_at.get(key, 0.0) > now

    def _cancel_unwanted(self) -> None:
        for key in [k for k in self._in_flight if k not in self._wanted]:
            handle = self._in_flight.pop(key).handle
            if isinstance(handle, QNetworkReply):
                handle.abort()  # its finished() handler sees the ticket gone and lets go
            else:
                handle.cancel()  # a read already running just finishes into the cache

    def _pump(self) -> None:
        """Starts fetches for the view's missing tiles, centre first, up to the limit.

        Tiles that failed lately wait their turn; the retry timer comes back for them, so a
        view nobody touches fills in once the source recovers.
        """
        if self._closed or len(self._in_flight) >= self.max_in_flight:
            return
        now = time.monotonic()
        next_retry = math.inf
        for key in self._plan.tiles:
            if len(self._in_flight) >= self.max_in_flight:
                break
            retry_at = self._retry_at.get(key, 0.0)
            if retry_at > now and key not in self._cache:
                next_retry = min(next_retry, retry_at)
            if key in self._in_flight or self._settled(key, now):
                continue
            self._tickets += 1
            ticket = self._tickets
            if self._source is not None:
                future = self._executor.submit(_read_into, self._source, key, ticket, self._done)
                self._in_flight[key] = _Fetch(ticket, future)
                self._start_draining()
            else:
                self._in_flight[key] = _Fetch(ticket, self._request(key, ticket))
        if next_retry < math.inf and not self._retry_timer.isActive():
            self._retry_timer.start(max(1, math.ceil((next_retry - now) * 1000)))

    def _request(self, key: TileKey, ticket: int) -> QNetworkReply:
        assert self._network is not None
        request = QNetworkRequest(QUrl(self.spec.tile_url(key)))
        request.setTransferTimeout(NETWORK_TIMEOUT_MS)
        request.setRawHeader(b"User-Agent", USER_AGENT)
        reply = self._network.get(request)
        reply.finished.connect(functools.partial(self._reply_finished, key, ticket, reply))
        return reply

    def _reply_finished(self, key: TileKey, ticket: int, reply: QNetworkReply) -> None:
        reply.deleteLater()
        fetch = self._in_flight.get(key)
        if self._closed or fetch is None or fetch.ticket != ticket:
            return  # cancelled: the tile left the view
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        if (
            reply.error() == QNetworkReply.NetworkError.NoError
            and status not in ABSENT_HTTP_STATUSES
        ):
            data = bytes(reply.readAll().data())
            fetch.handle = self._executor.submit(_decode_into, key, ticket, data, self._done)
            self._start_draining()
            return
        del self._in_flight[key]
        if status in ABSENT_HTTP_STATUSES:
            self._settle(_Done(key, ticket, _Outcome.ABSENT))
        else:
            self._settle(_Done(key, ticket, _Outcome.FAILED, detail=_network_problem(reply)))
        self._changed()

    def _start_draining(self) -> None:
        # Restarting an active timer would postpone it on every frame of a long pan.
        if not self._drain_timer.isActive():
            self._drain_timer.start()

    def _drain(self) -> None:
        """Takes in the tiles the workers finished (GUI thread, on the timer)."""
        arrived = False
        while self._done:
            done = self._done.popleft()
            fetch = self._in_flight.get(done.key)
            if fetch is not None and fetch.ticket == done.ticket:
                del self._in_flight[done.key]
            self._settle(done)
            arrived = True
        if not self._in_flight:
            self._drain_timer.stop()
        if arrived:
            self._changed()

    def _settle(self, done: _Done) -> None:
        key = done.key
        if done.outcome is _Outcome.IMAGE:
            assert done.image is not None
            self._cache.put(key, QPixmap.fromImage(done.image), keep=self._wanted)
            self._retry_at.pop(key, None)
            self._last_failure = None
            return
        if done.outcome is _Outcome.ABSENT:
            if len(self._absent) >= MAX_ABSENT:
                self._absent.clear()
            self._absent.add(key)
            return
        if done.outcome is _Outcome.UNDECODABLE:
            # The same bytes would come back: remember the tile as missing, but say so.
            self._absent.add(key)
            reason = QCoreApplication.translate("BasemapLayer", "a tile is not an image")
        else:
            self._retry_at[key] = time.monotonic() + RETRY_AFTER_S
            reason = QCoreApplication.translate(
                "BasemapLayer", "tiles could not be loaded: {detail}"
            ).format(detail=done.detail)
        if key not in self._wanted:
            return
        # Without the tile in the text, a dead server is one message, not one per tile.
        text = problem_text(self.spec.name, reason)
        if text != self._last_failure:
            log.warning("basemap %s: tile %s: %s", self.spec.name, key, reason)
            self._last_failure = text
            self.failed.emit(text)

    def _changed(self) -> None:
        self._draw_list = None
        self.update()
        self._pump()
        self._check_loaded()

    def _check_loaded(self) -> None:
        if not self._loaded_emitted and not self.is_loading:
            self._loaded_emitted = True
            self.view_loaded.emit()

    def close(self) -> None:
        """Stops fetching, waits for the decoding threads and closes the file. Idempotent.

        The layer draws nothing afterwards; remove it from the view box as well. Safe to
        call after Qt deleted the item with its scene (which releases the threads and the
        file by itself).
        """
        if self._closed:
            return
        self._closed = True
        fetches = list(self._in_flight.values())
        self._in_flight.clear()
        _release(self._executor, self._source)
        self._done.clear()
        self._cache.clear()
        self._plan = TilePlan(self.min_zoom)
        self._draw_list = None
        if not shiboken6.isValid(self):
            return  # Qt already deleted the timer, the replies and the item itself
        self._drain_timer.stop()
        self._settle_timer.stop()
        self._retry_timer.stop()
        for fetch in fetches:
            if isinstance(fetch.handle, QNetworkReply):
                fetch.handle.abort()
        self.update()

    # -- drawing

    def dataBounds(  # noqa: N802 (pyqtgraph's name)
        self,
        axis: int,
        frac: float = 1.0,
        orthoRange: tuple[float, float] | None = None,  # noqa: N803
    ) -> None:
        """pyqtgraph: no data bounds, so "show all" zooms to the data, not the world."""

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        """The tiles of the current view."""
        return self._rect

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        """Draws the best tiles at hand: exact ones, else enlarged parents or finer children."""
        if self._draw_list is None:
            self._draw_list = self._build_draw_list()
        if not self._draw_list:
            return
        painter.save()
        # Anti-aliased tile edges would let the background show through as hairlines.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self._smoothing(painter))
        painter.scale(1.0, -1.0)
        for target, pixmap, source in self._draw_list:
            painter.drawPixmap(target, pixmap, source)
        painter.restore()

    def _smoothing(self, painter: QPainter) -> bool:
        """Smooth scaling only when the view is still and the tiles are not drawn 1:1."""
        if not self._still:
            return False
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        device_pixels_per_metre = abs(painter.combinedTransform().m11()) * ratio
        tile_scale = device_pixels_per_metre * tile_span_m(self._plan.zoom) / self.spec.tile_size
        return abs(tile_scale - 1.0) > NATIVE_SCALE_TOLERANCE

    def _build_draw_list(self) -> list[_Draw]:
        coarser: list[_Draw] = []
        finer: list[_Draw] = []
        exact: list[_Draw] = []
        for key in self._plan.tiles:
            pixmap = self._cache.get(key)
            if pixmap is not None:
                exact.append((_target(tile_bounds(key)), pixmap, QRectF(pixmap.rect())))
                continue
            placeholder = self._ancestor_part(key)
            if placeholder is not None:
                coarser.append(placeholder)
            if key.z < self.max_zoom:
                for child in key.children():
                    child_pixmap = self._cache.get(child)
                    if child_pixmap is not None:
                        target = _target(tile_bounds(child))
                        finer.append((target, child_pixmap, QRectF(child_pixmap.rect())))
        return coarser + finer + exact

    def _ancestor_part(self, key: TileKey) -> _Draw | None:
        """The part of the nearest cached coarser tile that covers ``key``."""
        for levels in range(1, min(MAX_ANCESTOR_LEVELS, key.z) + 1):
            ancestor = key.ancestor(levels)
            pixmap = self._cache.get(ancestor)
            if pixmap is None:
                continue
            share = 1 << levels
            width = pixmap.width() / share
            height = pixmap.height() / share
            source = QRectF(
                (key.x - (ancestor.x << levels)) * width,
                (key.y - (ancestor.y << levels)) * height,
                width,
                height,
            )
            return _target(tile_bounds(key)), pixmap, source
        return None
