"""The leader wall (领导大屏): the wall workspace's five panels, read-only, for big screens.

``wall_map`` (the live map: cells shaded by open cases, units), ``figures`` (today's key
figures), ``charts`` (cases per hour against the 7-day mean, top categories, source
channels, streets), ``rankings`` (streets and departments by on-time handling rate) and
``ticker`` (new urgent cases). All read one :class:`~console.wall.WallFeed`; charts and
rankings are pages turned by the feed's rotation; the night palette is the feed's too.

Built for a 4K wall that runs for days: type is sized by pixels from each panel's height
(the application's large-font mode is for desks), every widget and chart item is made
once and updated in place, and nothing here writes to the store (the map is read-only).
Full screen on a chosen monitor is the main window's ("Full-screen wall on screen N").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Final

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.evaluation_model import EvaluationTableModel, percent_text
from console.item_models import SOURCE_NAMES, URGENCY_NAMES, Reference, tr
from console.store import ClientStore, StoreSignals
from console.theme import WALL_DAY, WALL_NIGHT
from console.wall import WallFeed
from console.wall_figures import rank
from models.calendar import SHANGHAI
from models.case import Case, Source
from models.evaluation import Dimension, EvaluatedGroup
from widgets.charts import HourlyChart, RankedBars
from widgets.figure_tile import FigureTile
from widgets.map.live_map import LiveMap, is_chinese
from widgets.ticker import Ticker, text_pixels

TILES: Final = (
    "reported",
    "filed",
    "dispatched",
    "closed",
    "on_time",
    "overdue",
    "joint",
    "on_duty",
)
"""The figure tiles, in reading order (two rows of four)."""

CHART_PAGES: Final = ("hourly", "categories", "sources", "streets")

RANKING_COLUMNS: Final = (
    "rank",
    "name",
    "on_time_handling",
    "handling",
    "closing",
    "overdue_pending",
    "due_for_handling",
)
RANKED_BY: Final = "on_time_handling"
ROWS_PER_PAGE: Final = 12
"""Rankings show this many groups a page; the rotation goes through them all."""

NIGHT_CELL_OPACITY: Final = 0.55
"""The map's cell fills at night."""


def local_time(at: datetime) -> str:
    """ "10:32": a time as the wall shows it (Shanghai)."""
    return f"{at.astimezone(SHANGHAI):%H:%M}"


def header_pixels(height: int) -> int:
    """The type size of a panel's header line for a panel this high."""
    return round(min(56.0, max(14.0, height * 0.045)))


class WallPanel(QFrame):
    """What every wall panel shares: the feed, its palette, a language switch.

    Args:
        feed: The wall's feed (the panel keeps it working while it lives).
        object_name: For styles and tests.
        parent: Qt parent.
    """

    def __init__(self, feed: WallFeed, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.feed = feed
        self._header_px = header_pixels(self.height())
        feed.night_changed.connect(self._night_changed)

    @property
    def colours(self) -> Mapping[str, str]:
        return WALL_NIGHT if self.feed.night else WALL_DAY

    def _night_changed(self, _night: bool) -> None:
        self.apply_colours()

    def apply_colours(self) -> None:
        """Paint in the feed's palette (and re-fit the header's type)."""
        c = self.colours
        self.setStyleSheet(
            f"#{self.objectName()} {{ background: {c['ground']}; }}"
            f"#{self.objectName()} QLabel {{ color: {c['text']}; font-size: {self._header_px}px; }}"
        )

    def header_pixels(self, height: int) -> int:
        """The type size of the panel's labels when it is ``height`` high."""
        return header_pixels(height)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        px = self.header_pixels(event.size().height())
        if px != self._header_px:
            self._header_px = px
            self.apply_colours()
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        """Every text in the language now."""


class WallMapPanel(WallPanel):
    """The live map, read-only: cells shaded by open cases, units, overdue cases."""

    def __init__(self, feed: WallFeed, live_map: LiveMap, parent: QWidget | None = None) -> None:
        super().__init__(feed, "wallMap", parent)
        if not live_map.read_only:
            raise ValueError("the wall's map must be read-only")
        self.map = live_map
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(live_map)
        self.apply_colours()
        feed.attach(self)

    def apply_colours(self) -> None:
        super().apply_colours()
        self.map.canvas.setBackground(QColor(self.colours["ground"]))
        # The map's fills are bright by day; at night they would light up the room.
        self.map.set_layer("cells", opacity=NIGHT_CELL_OPACITY if self.feed.night else 1.0)

    def retranslate_ui(self) -> None:
        self.map.retranslate()


class FiguresPanel(WallPanel):
    """Today's key figures, two rows of four tiles."""

    def __init__(self, feed: WallFeed, parent: QWidget | None = None) -> None:
        super().__init__(feed, "wallFigures", parent)
        self.tiles: dict[str, FigureTile] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 6, 6, 6)
        grid.setSpacing(8)
        for i, key in enumerate(TILES):
            tile = FigureTile(self)
            tile.setObjectName(f"tile-{key}")
            self.tiles[key] = tile
            grid.addWidget(tile, i // 4, i % 4)
        feed.figures_changed.connect(self.refresh)
        feed.evaluation_changed.connect(self.refresh)
        feed.failed.connect(self._failed)
        self.retranslate_ui()
        self.apply_colours()
        feed.attach(self)

    def apply_colours(self) -> None:
        super().apply_colours()
        for tile in self.tiles.values():
            tile.set_colours(self.colours)

    def values(self) -> dict[str, str]:
        """Tile → the value it shows (for tests and the soak benchmark)."""
        return {key: tile.value for key, tile in self.tiles.items()}

    def _failed(self, _problem: str) -> None:
        # A bound method, not a lambda: Qt drops the connection when the panel goes, and
        # the feed outlives its panels.
        self.refresh()

    def refresh(self) -> None:
        """Show the feed's figures now (its signals call this)."""
        feed, t = self.feed, self.tiles
        tally = feed.tally
        live = self.tr("live")
        t["reported"].set_value(f"{tally.reported:,}", live)
        t["closed"].set_value(f"{tally.closed:,}", live)
        t["overdue"].set_value(f"{tally.overdue_now:,}", live, alarm=tally.overdue_now > 0)
        t["joint"].set_value(f"{feed.joint_active:,}", live)
        units = len(feed.store.units)
        t["on_duty"].set_value(
            f"{feed.units_on_duty:,}", self.tr("of {units} units").format(units=f"{units:,}")
        )
        evaluated = feed.evaluated
        own = evaluated.own if evaluated is not None else None
        if evaluated is None or own is None:
            note = feed.problem or self.tr("waiting for the server")
            for key in ("filed", "dispatched", "on_time"):
                t[key].set_value("—", note)
            return
        as_of = self.tr("as of {time}").format(time=local_time(evaluated.as_of))
        if feed.problem:
            as_of = f"{as_of} · {feed.problem}"
        t["filed"].set_value(f"{own.counts.filed:,}", as_of)
        t["dispatched"].set_value(f"{own.counts.dispatched:,}", as_of)
        rate = own.on_time_handling
        t["on_time"].set_value(
            percent_text(rate), f"{rate.numerator:,}/{rate.denominator:,} · {as_of}"
        )

    def retranslate_ui(self) -> None:
        captions = {
            "reported": self.tr("Reported today"),
            "filed": self.tr("Filed today"),
            "dispatched": self.tr("Dispatched today"),
            "closed": self.tr("Closed today"),
            "on_time": self.tr("On-time handling rate"),
            "overdue": self.tr("Overdue now"),
            "joint": self.tr("Joint operations under way"),
            "on_duty": self.tr("Units on duty"),
        }
        for key, tile in self.tiles.items():
            tile.set_caption(captions[key])
        self.refresh()


class _PagedPanel(WallPanel):
    """A header (title, "page n / m") over a stack of pages turned by the feed."""

    def __init__(self, feed: WallFeed, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(feed, object_name, parent)
        self.title = QLabel(self)
        self.title.setObjectName("wallPageTitle")
        self.page_label = QLabel(self)
        self.page_label.setObjectName("wallPageNumber")
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header = QHBoxLayout()
        header.setContentsMargins(8, 4, 8, 4)
        header.addWidget(self.title, 1)
        header.addWidget(self.page_label)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(4, 4, 4, 4)
        self.body.setSpacing(4)
        self.body.addLayout(header)
        feed.page_turned.connect(self.show_page)

    def show_page(self, counter: int) -> None:
        """Show page ``counter`` modulo the pages there are."""

    def _number(self, index: int, count: int) -> None:
        self.page_label.setText(f"{index + 1} / {count}")


class ChartsPanel(_PagedPanel):
    """Cases per hour against the 7-day mean, top categories, source channels, streets.

    Args:
        feed: The wall's feed.
        reference: Names of categories and streets.
        parent: Qt parent.
    """

    def __init__(self, feed: WallFeed, reference: Reference, parent: QWidget | None = None) -> None:
        super().__init__(feed, "wallCharts", parent)
        self.reference = reference
        self.hourly = HourlyChart(parent=self)
        self.categories = RankedBars(parent=self)
        self.sources = RankedBars(capacity=len(Source), parent=self)
        self.streets = RankedBars(parent=self)
        self.stack = QStackedWidget(self)
        for chart in (self.hourly, self.categories, self.sources, self.streets):
            self.stack.addWidget(chart)
        self.body.addWidget(self.stack, 1)
        feed.figures_changed.connect(self.refresh)
        feed.baseline_changed.connect(self.refresh)
        self.retranslate_ui()
        self.show_page(feed.page)
        self.apply_colours()
        feed.attach(self)

    def apply_colours(self) -> None:
        super().apply_colours()
        for chart in (self.hourly, self.categories, self.sources, self.streets):
            chart.set_colours(self.colours)

    def show_page(self, counter: int) -> None:
        index = counter % len(CHART_PAGES)
        self.stack.setCurrentIndex(index)
        self._number(index, len(CHART_PAGES))
        self.title.setText(self._titles()[index])

    def _titles(self) -> list[str]:
        return [
            self.tr("Cases per hour today (bars) and the mean of the last 7 days (line)"),
            self.tr("Top categories today"),
            self.tr("Source channels today"),
            self.tr("Streets and towns with most reports today"),
        ]

    def refresh(self) -> None:
        """Show the feed's tallies now (its signals call this)."""
        tally, chinese = self.feed.tally, is_chinese()
        self.hourly.set_data(tally.hourly, self.feed.baseline)
        _bars(
            self.categories,
            tally.categories,
            lambda code: self.reference.category(code, chinese),
        )
        _bars(self.sources, tally.sources, lambda code: tr(SOURCE_NAMES[Source(code)]))
        _bars(self.streets, tally.streets, lambda code: self.reference.street(code, chinese))

    def retranslate_ui(self) -> None:
        self.show_page(self.stack.currentIndex())
        self.refresh()


def _bars(
    chart: RankedBars, entries: Sequence[tuple[str, int]], name: Callable[[str], str]
) -> None:
    chart.set_data(
        [name(code) for code, _n in entries],
        [float(n) for _code, n in entries],
        [f"{n:,}" for _code, n in entries],
    )


class RankingsPanel(_PagedPanel):
    """Streets and departments ranked by on-time handling rate, a page of each at a time."""

    def __init__(self, feed: WallFeed, parent: QWidget | None = None) -> None:
        super().__init__(feed, "wallRankings", parent)
        self.model = EvaluationTableModel(RANKING_COLUMNS, self)
        self.table = QTableView(self)
        self.table.setObjectName("wallRankingTable")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        columns = self.table.horizontalHeader()
        # Figures as wide as they need, the name gets the rest (names are the long part).
        columns.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        columns.setSectionResizeMode(RANKING_COLUMNS.index("name"), QHeaderView.ResizeMode.Stretch)
        self.body.addWidget(self.table, 1)
        self.pages: list[tuple[Dimension, int]] = [(Dimension.STREET, 0)]
        self._ranked: dict[Dimension, list[EvaluatedGroup]] = {}
        self._counter = feed.page
        self._table_px = header_pixels(self.height())
        feed.evaluation_changed.connect(self.refresh)
        self.retranslate_ui()
        self.apply_colours()
        feed.attach(self)

    def refresh(self) -> None:
        """Rank the feed's last evaluation again and show the current page."""
        evaluated = self.feed.evaluated
        streets = evaluated.streets if evaluated is not None else ()
        departments = evaluated.departments if evaluated is not None else ()
        self._ranked = {
            Dimension.STREET: rank(streets, RANKED_BY),
            Dimension.DEPARTMENT: rank(departments, RANKED_BY),
        }
        self.pages = [
            (dimension, start)
            for dimension, groups in self._ranked.items()
            for start in range(0, max(1, len(groups)), ROWS_PER_PAGE)
        ]
        self.show_page(self._counter)

    def show_page(self, counter: int) -> None:
        self._counter = counter
        index = counter % len(self.pages)
        dimension, start = self.pages[index]
        groups = self._ranked.get(dimension, [])
        shown = groups[start : start + ROWS_PER_PAGE]
        self.model.set_rows(shown, first_rank=start + 1)
        self._number(index, len(self.pages))
        name = (
            self.tr("Streets and towns by on-time handling rate, today")
            if dimension is Dimension.STREET
            else self.tr("Departments by on-time handling rate, today")
        )
        if len(groups) > ROWS_PER_PAGE:
            name += f" ({start + 1}–{start + len(shown)} / {len(groups)})"
        self.title.setText(name)

    def apply_colours(self) -> None:
        super().apply_colours()
        c = self.colours
        px = self._table_px
        self.table.setStyleSheet(
            f"QTableView {{ background: {c['tile']}; alternate-background-color: {c['ground']};"
            f" color: {c['text']}; border: none; font-size: {px}px; }}"
            f"QHeaderView::section {{ background: {c['ground']}; color: {c['dim']};"
            f" border: none; font-size: {round(px * 0.8)}px; }}"
        )

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        # Every row of a page fits: the rows and the column header share the panel's height
        # under the title (the table itself is laid out only after this event).
        table_height = event.size().height() - self.title.sizeHint().height() - 24
        row = max(16, int(table_height / (ROWS_PER_PAGE + 1.2)))
        px = max(10, round(row * 0.5))
        self.table.verticalHeader().setDefaultSectionSize(row)
        if px != self._table_px:
            self._table_px = px
            self.apply_colours()

    def retranslate_ui(self) -> None:
        self.model.retranslate()
        self.refresh()


def ticker_text(case: Case, reference: Reference) -> str:
    """How the ticker shows a new urgent case: urgency, category, where, when, number."""
    chinese = is_chinese()
    street = case.location.street_code
    parts = [
        tr(URGENCY_NAMES[case.urgency]),
        reference.category(case.category, chinese),
        reference.street(street, chinese) if street else "",
        case.location.address,
        local_time(case.reported_at),
        case.number,
    ]
    return " · ".join(p for p in parts if p)


class TickerPanel(WallPanel):
    """New urgent cases scrolling by, newest first."""

    def __init__(self, feed: WallFeed, reference: Reference, parent: QWidget | None = None) -> None:
        super().__init__(feed, "wallTicker", parent)
        self.reference = reference
        self.caption = QLabel(self)
        self.caption.setObjectName("wallTickerCaption")
        self.ticker = Ticker(feed.ticker.maxlen or 20, self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.caption)
        layout.addWidget(self.ticker, 1)
        feed.ticker_changed.connect(self.refresh)
        self.retranslate_ui()
        self.apply_colours()
        feed.attach(self)

    def apply_colours(self) -> None:
        super().apply_colours()
        self.ticker.set_colours(self.colours)

    def header_pixels(self, height: int) -> int:
        # One line of a strip: the caption as large as the ticker's own text.
        return round(text_pixels(height - 8))

    def refresh(self) -> None:
        """Show the feed's urgent cases now."""
        self.ticker.set_items([ticker_text(c, self.reference) for c in self.feed.ticker])

    def retranslate_ui(self) -> None:
        self.caption.setText(self.tr("Urgent"))
        self.ticker.set_placeholder(self.tr("No new urgent cases"))
        self.refresh()


def wall_panel_factories(
    feed: WallFeed, store: ClientStore, signals: StoreSignals, reference: Reference
) -> dict[str, Callable[[], QWidget]]:
    """Panel id → factory, for the main window's wall workspace."""
    return {
        "wall_map": lambda: WallMapPanel(feed, LiveMap(store, signals, reference, read_only=True)),
        "figures": lambda: FiguresPanel(feed),
        "charts": lambda: ChartsPanel(feed, reference),
        "rankings": lambda: RankingsPanel(feed),
        "ticker": lambda: TickerPanel(feed, reference),
    }
