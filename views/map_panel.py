"""The map panel: the live map with its tool bar, legend and status line.

Tool bar: what fills the cells, layer toggles and opacity, a bookmark per street/town,
follow the selected unit, who is near the selected case, the basemap. Status line: where
the cursor is (WGS-84 and cell) and, with the coverage measure, the share of cells visited
this shift.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSlider,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from console.basemap import BasemapSpec
from console.map_data import MEASURE_BREAKS, CaseGroup, CellMeasure, case_style, unit_style
from console.store import ClientStore, StoreSignals
from models.joint import Recommendation
from widgets.map.legend import MapLegend, sprite_icon, swatch
from widgets.map.live_map import LiveMap, format_distance, is_chinese

LAYER_ORDER: tuple[str, ...] = (
    "cells",
    "boundaries",
    "labels",
    "patrol",
    "cases",
    "overdue",
    "units",
    "trails",
    "joint",
    "nearby",
)


class MapPanel(QWidget):
    """The live map with its controls.

    Args:
        live_map: The map (made by the console's wiring, fed by the store).
        store: For the selection the buttons act on.
        signals: To follow the selection.
        parent: Qt parent.

    Signals:
        new_case_requested(float, float): "New case here" from the context menu (WGS-84).
    """

    new_case_requested = Signal(float, float)

    def __init__(
        self,
        live_map: LiveMap,
        store: ClientStore,
        signals: StoreSignals,
        basemaps: Sequence[BasemapSpec] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mapPanel")
        self.map = live_map
        self.store = store

        self.measure = QComboBox(self)
        self.measure.setObjectName("mapMeasure")
        self.measure.currentIndexChanged.connect(self._measure_chosen)
        self.layers_button = QToolButton(self)
        self.layers_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.layers_menu = QMenu(self)
        self.layers_button.setMenu(self.layers_menu)
        self.layer_actions: dict[str, QAction] = {}
        self.opacity_sliders: dict[str, QSlider] = {}
        for name in LAYER_ORDER:
            action = QAction(self.layers_menu)
            action.setCheckable(True)
            action.setChecked(live_map.layers[name].visible)
            action.toggled.connect(lambda on, n=name: self.map.set_layer(n, visible=on))
            self.layers_menu.addAction(action)
            self.layer_actions[name] = action
            if name in ("cells", "cases", "units"):
                slider = QSlider(Qt.Orientation.Horizontal)
                slider.setRange(0, 100)
                slider.setValue(100)
                slider.valueChanged.connect(
                    lambda v, n=name: self.map.set_layer(n, opacity=v / 100)
                )
                holder = QWidgetAction(self.layers_menu)
                holder.setDefaultWidget(slider)
                self.layers_menu.addAction(holder)
                self.opacity_sliders[name] = slider
        self.bookmarks = QComboBox(self)
        self.bookmarks.setObjectName("mapBookmarks")
        self.bookmarks.activated.connect(self._bookmark_chosen)
        self.follow_button = QToolButton(self)
        self.follow_button.setCheckable(True)
        self.follow_button.toggled.connect(self._follow_toggled)
        self.nearby_button = QToolButton(self)
        self.nearby_button.clicked.connect(self.show_nearby_of_selection)
        self.basemaps = tuple(basemaps)
        self.basemap = QComboBox(self)
        self.basemap.setObjectName("mapBasemap")
        self.basemap.activated.connect(self._basemap_chosen)
        self.basemap.setVisible(bool(self.basemaps))
        self.basemap_opacity = QSlider(Qt.Orientation.Horizontal, self)
        self.basemap_opacity.setRange(0, 100)
        self.basemap_opacity.setValue(100)
        self.basemap_opacity.setMaximumWidth(80)
        self.basemap_opacity.valueChanged.connect(self._basemap_opacity_changed)
        self.basemap_opacity.setVisible(False)

        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        self.measure_label = QLabel(self)
        for widget in (
            self.measure_label,
            self.measure,
            self.layers_button,
            self.bookmarks,
            self.follow_button,
            self.nearby_button,
            self.basemap,
            self.basemap_opacity,
        ):
            bar.addWidget(widget)
        bar.addStretch(1)

        self.legend = MapLegend(self)
        self.status = QLabel(self)
        self.status.setObjectName("mapStatus")
        self.nearby_list = QTreeWidget(self)
        self.nearby_list.setObjectName("mapNearby")
        self.nearby_list.setColumnCount(4)
        self.nearby_list.setRootIsDecorated(False)
        self.nearby_list.hide()
        self.nearby_list.itemActivated.connect(self._nearby_activated)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(live_map, 1)
        layout.addWidget(self.nearby_list)
        layout.addWidget(self.legend)
        layout.addWidget(self.status)

        live_map.cursor_moved.connect(self._cursor_moved)
        live_map.following_changed.connect(self._following_changed)
        live_map.nearby_found.connect(self._nearby_found)
        live_map.canvas.view.context_requested.connect(self._context_menu)
        signals.city_changed.connect(self._city_changed)
        signals.selection_changed.connect(self._selection_changed)
        self.retranslate_ui()
        self._selection_changed(store.selection)

    # -- controls

    def _measure_chosen(self, index: int) -> None:
        value = self.measure.itemData(index)
        if value:  # None while the box is refilled
            self.map.set_measure(CellMeasure(value))
            self._fill_legend()

    def _bookmark_chosen(self, index: int) -> None:
        code = self.bookmarks.itemData(index)
        self.go_to(code or None)

    def go_to(self, street_code: str | None) -> None:
        """Show a street/town (``None``: the whole district)."""
        if street_code is None:
            self.map.canvas.show_rect(self.map.canvas.home)
            return
        city = self.map.city
        if city is None:
            return
        street = city.street(street_code)
        lons = [p[0] for ring in street.boundary for p in ring]
        lats = [p[1] for ring in street.boundary for p in ring]
        x, y = self.map.projection.forward(lons, lats)
        self.map.canvas.show_rect(
            QRectF(
                float(x.min()), float(y.min()), float(x.max() - x.min()), float(y.max() - y.min())
            )
        )

    def _basemap_chosen(self, index: int) -> None:
        self.choose_basemap(index - 1)

    def choose_basemap(self, index: int) -> None:
        """Show basemap ``index`` of :attr:`basemaps` (-1: none); a problem goes to the
        status line and leaves the map without a basemap."""
        spec = self.basemaps[index] if 0 <= index < len(self.basemaps) else None
        problem = self.map.set_basemap(spec)
        if problem is not None:
            self.status.setText(problem)
            self.basemap.setCurrentIndex(0)
        elif self.map.basemap is not None:
            self.map.basemap.failed.connect(self.status.setText)
            self.map.basemap.setOpacity(self.basemap_opacity.value() / 100)
        self.basemap_opacity.setVisible(self.map.basemap is not None)

    def _basemap_opacity_changed(self, value: int) -> None:
        if self.map.basemap is not None:
            self.map.basemap.setOpacity(value / 100)

    def _follow_toggled(self, on: bool) -> None:
        units = sorted(self.store.selection.units)
        self.map.follow(units[0] if on and units else None)

    def _following_changed(self, unit_id: str) -> None:
        self.follow_button.blockSignals(True)
        self.follow_button.setChecked(bool(unit_id))
        self.follow_button.blockSignals(False)

    def show_nearby_of_selection(self) -> None:
        cases = sorted(self.store.selection.cases)
        if cases:
            self.map.show_nearby(cases[0])

    def _nearby_found(self, case_id: int, found: dict[str, list[Recommendation]]) -> None:
        chinese = is_chinese()
        self.nearby_list.clear()
        for department, recs in found.items():
            name = self.map.reference.department(department, chinese)
            if not recs:
                QTreeWidgetItem(self.nearby_list, [name, self.tr("none available"), "", ""])
            for rec in recs:
                item = QTreeWidgetItem(
                    self.nearby_list,
                    [
                        name,
                        rec.callsign,
                        format_distance(rec.distance_m),
                        self.tr("%1 min").replace("%1", f"{rec.eta_s / 60:.0f}"),
                    ],
                )
                item.setData(0, Qt.ItemDataRole.UserRole, rec.unit_id)
        self.nearby_list.show()

    def _nearby_activated(self, item: QTreeWidgetItem, column: int) -> None:
        unit_id = item.data(0, Qt.ItemDataRole.UserRole)
        if unit_id:
            self.store.select_units([unit_id])

    def _context_menu(self, point: QPointF, screen: QPoint) -> None:
        menu = self.context_menu_at(point)
        menu.popup(screen)

    def context_menu_at(self, point: QPointF) -> QMenu:
        """The right-click menu for a map point: acts on what is there."""
        menu = QMenu(self)
        radius = self.map._pick_radius()
        unit = self.map.unit_at(point.x(), point.y(), radius)
        cases = self.map.case_at(point.x(), point.y(), radius)
        if unit is not None:
            menu.addAction(self.tr("Follow this unit"), lambda: self.map.follow(unit))
        if len(cases) == 1:
            case_id = cases[0]
            menu.addAction(self.tr("Who is near this case"), lambda: self.map.show_nearby(case_id))
        lon, lat = self.map.projection.lonlat(point.x(), point.y())
        menu.addAction(self.tr("New case here"), lambda: self.new_case_requested.emit(lon, lat))
        if self.map.nearby_layer.convergences:
            menu.addAction(self.tr("Clear nearby units"), self._clear_nearby)
        return menu

    def _clear_nearby(self) -> None:
        self.map.clear_nearby()
        self.nearby_list.hide()

    # -- store

    def _city_changed(self, city: object) -> None:
        self._fill_bookmarks()

    def _selection_changed(self, selection: object) -> None:
        sel = self.store.selection
        self.follow_button.setEnabled(bool(sel.units) or self.map.following is not None)
        self.nearby_button.setEnabled(bool(sel.cases))

    def _cursor_moved(self, lon: float, lat: float, cell: str) -> None:
        text = f"{lon:.5f}, {lat:.5f}"
        if cell:
            text += " · " + self.tr("cell %1").replace("%1", cell)
        if self.map.measure is CellMeasure.COVERAGE and self.map.coverage is not None:
            text += " · " + self.tr("visited this shift: %1 %").replace(
                "%1", f"{100 * self.map.coverage.share:.1f}"
            )
        self.status.setText(text)

    # -- language

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.map.retranslate()
        self.measure_label.setText(self.tr("Cells:"))
        names = {
            CellMeasure.OPEN_CASES: self.tr("Open cases"),
            CellMeasure.OVERDUE_CASES: self.tr("Overdue cases"),
            CellMeasure.COVERAGE: self.tr("Patrol coverage this shift"),
        }
        self.measure.blockSignals(True)
        self.measure.clear()
        for measure, name in names.items():
            self.measure.addItem(name, measure.value)
        self.measure.setCurrentIndex(list(names).index(self.map.measure))
        self.measure.blockSignals(False)
        layer_names = {
            "cells": self.tr("Cells"),
            "boundaries": self.tr("Boundaries"),
            "labels": self.tr("Names"),
            "patrol": self.tr("Patrol area"),
            "cases": self.tr("Cases"),
            "overdue": self.tr("Overdue pulse"),
            "units": self.tr("Units"),
            "trails": self.tr("Trails"),
            "joint": self.tr("Joint operations"),
            "nearby": self.tr("Nearby units"),
        }
        for name, action in self.layer_actions.items():
            action.setText(layer_names[name])
        for name, slider in self.opacity_sliders.items():
            slider.setToolTip(self.tr("Opacity of %1").replace("%1", layer_names[name]))
        self.layers_button.setText(self.tr("Layers"))
        self.follow_button.setText(self.tr("Follow"))
        self.follow_button.setToolTip(self.tr("Keep the selected unit in the centre"))
        self.nearby_button.setText(self.tr("Who is near"))
        self.nearby_button.setToolTip(
            self.tr("Nearest available units per agency to the selected case")
        )
        self.nearby_list.setHeaderLabels(
            [self.tr("Agency"), self.tr("Unit"), self.tr("Distance"), self.tr("ETA")]
        )
        current = self.basemap.currentIndex()
        self.basemap.clear()
        self.basemap.addItem(self.tr("No basemap"))
        for spec in self.basemaps:
            self.basemap.addItem(spec.name)
        self.basemap.setCurrentIndex(max(0, current))
        self.basemap_opacity.setToolTip(self.tr("Opacity of the basemap"))
        self._fill_bookmarks()
        self._fill_legend()

    def _fill_bookmarks(self) -> None:
        chinese = is_chinese()
        current = self.bookmarks.currentData()
        self.bookmarks.clear()
        self.bookmarks.addItem(self.tr("Whole district"), "")
        if self.map.city is not None:
            for street in self.map.city.streets:
                self.bookmarks.addItem(street.name_zh if chinese else street.name_en, street.code)
        index = self.bookmarks.findData(current)
        self.bookmarks.setCurrentIndex(max(0, index))

    def _fill_legend(self) -> None:
        chinese = is_chinese()
        unit_sheet = self.map.unit_layer.sheet
        entries = [
            (
                sprite_icon(unit_sheet, int(unit_style(agency, 0))),
                self.map.reference.department(code, chinese),
            )
            for agency, code in enumerate(self.map.units.agencies)
        ]
        groups = {
            CaseGroup.NEW: self.tr("At the centre"),
            CaseGroup.WITH_DEPARTMENT: self.tr("With a department"),
            CaseGroup.VERIFYING: self.tr("Awaiting verification"),
            CaseGroup.SUSPENDED: self.tr("Suspended"),
        }
        case_sheet = self.map.case_layer.sheet
        entries += [
            (sprite_icon(case_sheet, int(case_style(0, group))), name)
            for group, name in groups.items()
        ]
        breaks = MEASURE_BREAKS[self.map.measure]
        colours = self.map.measure_colours()
        for k, low in enumerate(breaks):
            high = breaks[k + 1] - 1 if k + 1 < len(breaks) else None
            label = (
                f"{low}" if high == low else (f"{low}–{high}" if high is not None else f"≥ {low}")
            )
            entries.append((swatch(colours[k]), label))
        self.legend.set_entries(entries)
