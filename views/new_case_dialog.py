"""Taking a call: the operator creates a case by hand (a 12345 hotline call by phone).

The dialog asks for the source (12345 hotline by default), the category (searched by code,
Chinese, English or pinyin initials), urgency, description, the caller's name and phone,
and where it is: an address naming a street, town or community of the city, a cell code,
or a point picked on the map. While the operator types it lists every problem in words,
keeps Save disabled until there is none, and lists open cases of the same category nearby
(possible duplicates) so that the operator can open one of those instead. Save sends the
report through the store and shows it pending, then the new case's number or the server's
refusal; on a refusal everything typed stays.

The rules live in :mod:`console.new_case` (plain Python); this module only shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.actions import ActionRegistry
from console.item_models import SOURCE_NAMES, STATE_NAMES, URGENCY_NAMES, local_time
from console.item_models import tr as tr_item
from console.new_case import (
    DUPLICATE_RADIUS_M,
    DUPLICATE_WINDOW,
    CityLookup,
    Draft,
    Duplicate,
    Field,
    FieldError,
    Invalid,
    PlacedLocation,
    Problem,
    Via,
    build_report,
    check_draft,
    duplicate_distance,
    find_duplicates,
    nearest_first,
)
from console.store import ClientStore, RequestOutcome, StoreSignals
from models.case import Source
from models.catalogue import Catalogue, Urgency
from models.workflow import CITIZEN_SOURCES, REPORTER_ROLES
from net.protocol import Ack
from widgets.category_picker import CategoryPicker, chinese
from widgets.search_picker import Choice, SearchPicker

NEW_CASE_ACTION = "case.new"
"""Id of the "New case" action (Ctrl+N) in the action registry."""

INDEX_WARM_UP_MS = 150
"""After the dialog shows, build the map's cell index (about half a second for 5,000 cells
the first time) so that the first address or click resolves at once."""

PLACES_LISTED = 8
"""Most streets/communities listed for an address."""

MINIMUM_WIDTH = 560
"""Pixels: room for a category's name and a community's with its town."""

SOURCES = tuple(Source)
"""The sources in the order of the source box."""

URGENCIES = tuple(Urgency)
"""The urgencies in the order of the urgency box."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class NewCaseDialog(QDialog):
    """The form of a call taken by phone; non-modal, so the map stays usable for picking.

    Args:
        store: The console's store: its cases (duplicates), city map and ``send_report``.
        signals: The store's signals (cases, city map and request outcomes).
        catalogue: The category catalogue.
        clock: The current time (duplicates are cases of the last days).
        parent: Owning window.

    Signals:
        map_pick_requested(): The operator asked to place the case on the map; the map
            answers with :meth:`set_location_from_map`.
        case_reported(int): The server filed the report as the case with this id.
    """

    map_pick_requested = Signal()
    case_reported = Signal(int)

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        catalogue: Catalogue,
        *,
        clock: Callable[[], datetime] = utc_now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("newCaseDialog")
        self.setModal(False)
        self.setMinimumWidth(MINIMUM_WIDTH)
        self.store = store
        self.catalogue = catalogue
        self._clock = clock
        self._lookup: CityLookup | None = None
        self._via: Via | None = None
        self._location: PlacedLocation | None = None
        self._input_error: FieldError | None = None
        self._map_point: tuple[float, float] | None = None
        self._duplicates: dict[int, float] = {}
        self._request_id: str | None = None
        self._saved = False  # the server took the report (its ack may lack the case id)
        self._saved_case: int | None = None
        self._status: Callable[[], str] = lambda: ""
        self._labels: dict[str, QLabel] = {}

        self.form = QWidget(self)
        self._build_form()
        self.duplicates_note = QLabel(self)
        self.duplicates_note.setObjectName("newCaseDuplicatesNote")
        self.duplicates_note.setWordWrap(True)
        self.duplicates = QTreeWidget(self)
        self.duplicates.setObjectName("newCaseDuplicates")
        self.duplicates.setColumnCount(5)
        self.duplicates.setRootIsDecorated(False)
        self.duplicates.setUniformRowHeights(True)
        self.duplicates.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.duplicates.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.duplicates.header().setStretchLastSection(True)
        self.open_existing = QPushButton(self)
        self.open_existing.setObjectName("newCaseOpenExisting")
        self.open_existing.setAutoDefault(False)
        self.problems = QLabel(self)
        self.problems.setObjectName("newCaseProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.status = QLabel(self)
        self.status.setObjectName("newCaseStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(self)
        # An action, not the accept button: the button box would make an accept button the
        # default, which Enter in any field clicks.
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("newCaseSave")
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.hide()
        for button in (self.save_button, self.cancel_button, self.close_button):
            button.setAutoDefault(False)  # Save is a click or Ctrl+Enter, never a stray Enter

        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.duplicates_note)
        layout.addWidget(self.duplicates)
        layout.addWidget(self.open_existing, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.problems)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.open_existing.clicked.connect(self.open_selected_duplicate)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save)
        signals.cases_changed.connect(self._on_cases_changed)
        signals.cases_removed.connect(self._on_cases_removed)
        signals.city_changed.connect(self._on_city_changed)
        signals.request_succeeded.connect(self._on_request_succeeded)
        signals.request_failed.connect(self._on_request_failed)

        self._set_city()
        self.retranslate_ui()
        self.category.filter.setFocus()

    def _build_form(self) -> None:
        self.source = QComboBox(self.form)
        self.source.setObjectName("newCaseSource")
        self.source.addItems([""] * len(SOURCES))  # texts: retranslate_ui
        self.source.setCurrentIndex(SOURCES.index(Source.HOTLINE))
        self.urgency = QComboBox(self.form)
        self.urgency.setObjectName("newCaseUrgency")
        self.urgency.addItems([""] * len(URGENCIES))
        self.category = CategoryPicker(self.catalogue, self.form)
        self.category.setObjectName("newCaseCategory")
        self.description = QPlainTextEdit(self.form)
        self.description.setObjectName("newCaseDescription")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(self.description.fontMetrics().height() * 4 + 12)
        self.reporter_name = QLineEdit(self.form)
        self.reporter_name.setObjectName("newCaseReporterName")
        self.reporter_phone = QLineEdit(self.form)
        self.reporter_phone.setObjectName("newCaseReporterPhone")
        self.address = SearchPicker(self._search_places, visible_rows=4, parent=self.form)
        self.address.setObjectName("newCaseAddress")
        self.cell_code = QLineEdit(self.form)
        self.cell_code.setObjectName("newCaseCellCode")
        self.pick_on_map = QPushButton(self.form)
        self.pick_on_map.setObjectName("newCasePickOnMap")
        self.pick_on_map.setAutoDefault(False)
        self.location = QLabel(self.form)
        self.location.setObjectName("newCaseLocation")
        self.location.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.source, 1)
        self._labels["urgency"] = QLabel(self.form)
        top.addWidget(self._labels["urgency"])
        top.addWidget(self.urgency, 1)
        caller = QHBoxLayout()
        caller.addWidget(self.reporter_name, 1)
        self._labels["reporter_phone"] = QLabel(self.form)
        caller.addWidget(self._labels["reporter_phone"])
        caller.addWidget(self.reporter_phone, 1)
        code = QHBoxLayout()
        code.addWidget(self.cell_code, 1)
        code.addWidget(self.pick_on_map)

        form = QFormLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        for key, row in (
            ("source", top),
            ("category", self.category),
            ("description", self.description),
            ("reporter_name", caller),
            ("address", self.address),
            ("cell_code", code),
            ("location", self.location),
        ):
            label = self._labels[key] = QLabel(self.form)
            form.addRow(label, row)

        self.source.currentIndexChanged.connect(self._on_source_changed)
        self.urgency.currentIndexChanged.connect(self._revalidate)
        self.category.current_changed.connect(self._on_category_changed)
        self.description.textChanged.connect(self._revalidate)
        self.reporter_name.textChanged.connect(self._revalidate)
        self.reporter_phone.textChanged.connect(self._revalidate)
        self.address.current_changed.connect(self._on_place_listed)
        self.address.choice_activated.connect(self._use_place)
        self.address.filter.textChanged.connect(self._revalidate)
        self.cell_code.textEdited.connect(self._on_cell_code_edited)
        self.pick_on_map.clicked.connect(self._request_map_pick)

    # -- reading ----------------------------------------------------------------------------

    @property
    def location_now(self) -> PlacedLocation | None:
        """Where the case would be placed now, or None."""
        return self._location

    @property
    def pending(self) -> bool:
        """Whether a save waits for the server's answer."""
        return self._request_id is not None

    @property
    def saved_case(self) -> int | None:
        """The id of the case the server made from this dialog, once it has."""
        return self._saved_case

    def draft(self) -> Draft:
        """What the form holds now, as :mod:`console.new_case` checks it."""
        error = self._input_error
        if self._location is None and error is None:
            if self._lookup is None:
                error = FieldError(Field.LOCATION, Problem.NO_MAP)
            elif self._via in (None, "address") and self.address.text().strip():
                text = self.address.text().strip()
                error = FieldError(Field.ADDRESS, Problem.NO_PLACE_MATCH, {"text": text})
        return Draft(
            source=SOURCES[self.source.currentIndex()],
            category=self.category.current_key(),
            category_text=self.category.text(),
            urgency=URGENCIES[self.urgency.currentIndex()],
            description=self.description.toPlainText(),
            reporter_name=self.reporter_name.text(),
            reporter_phone=self.reporter_phone.text(),
            address=self.address.text(),
            location=self._location,
            location_error=error,
        )

    def problem_texts(self) -> list[str]:
        """Every problem of the form now, in words ("Category: required")."""
        return [self.error_text(e) for e in check_draft(self.draft(), self.catalogue)]

    def duplicate_ids(self) -> list[int]:
        """Ids of the possible duplicates listed, nearest first."""
        return [d.case.id for d in self._sorted_duplicates()]

    # -- location inputs --------------------------------------------------------------------

    def set_location_from_map(self, lon: float, lat: float) -> None:
        """Places the case at a point the operator clicked on the map (WGS-84 degrees).

        Ignored while the report is being saved or once it is.
        """
        if self.pending or self._saved:
            return
        self._map_point = (lon, lat)
        self._via = "map"
        self._status = lambda: ""  # the pick is done: no more "click the map"
        self._show_status()
        if self._lookup is None:
            self._set_location(None, FieldError(Field.LOCATION, Problem.NO_MAP))
            return
        try:
            self._set_location(self._lookup.locate_point(lon, lat))
        except Invalid as exc:
            self._set_location(None, exc.error)

    def _request_map_pick(self) -> None:
        self._status = lambda: self.tr("Click the map where the case is.")
        self._show_status()
        self.map_pick_requested.emit()

    def _search_places(self, text: str) -> list[Choice]:
        lookup = self._lookup
        if lookup is None:
            return []
        zh = chinese()
        choices = []
        for place in lookup.match_address(text, PLACES_LISTED):
            name = place.name_zh if zh else place.name_en
            if place.level == "community":
                street = lookup.place(place.street_code)
                name = f"{name} · {street.name_zh if zh else street.name_en}"
            choices.append(Choice(place.code, name, place.code))
        return choices

    def _on_place_listed(self, code: str | None) -> None:
        # The address leads until a cell code or a map point places the case; after that
        # its best match is only listed, and taken when picked explicitly (Enter, double
        # click).
        if self._via in (None, "address") or self._location is None:
            self._use_place(code)

    def _use_place(self, code: str | None) -> None:
        self._via = "address"
        if code is None or self._lookup is None:
            self._set_location(None)
            return
        try:
            self._set_location(self._lookup.locate_place(self._lookup.place(code)))
        except Invalid as exc:
            self._set_location(None, exc.error)

    def _on_cell_code_edited(self, text: str) -> None:
        if not text.strip():
            # The code is cleared: the address leads again.
            self._use_place(self.address.current_key())
            return
        self._via = "cell_code"
        if self._lookup is None:
            self._set_location(None, FieldError(Field.LOCATION, Problem.NO_MAP))
            return
        try:
            lookup = self._lookup
            self._set_location(lookup.locate_cell(lookup.parse_cell_code(text)))
        except Invalid as exc:
            self._set_location(None, exc.error)

    def _set_location(
        self, location: PlacedLocation | None, error: FieldError | None = None
    ) -> None:
        self._location = location
        self._input_error = error
        if self._via != "cell_code":
            # The code field shows the cell the case falls in, whatever placed it.
            self.cell_code.setText(location.cell_code if location else "")
        self._show_location()
        self._recheck_duplicates()
        self._revalidate()

    def _on_city_changed(self, *_args: object) -> None:
        self._set_city()
        if self.pending or self._saved:
            return  # the report sent keeps the place it was sent with
        # Resolve what was entered again, on the new map.
        if self._via == "map" and self._map_point is not None:
            self.set_location_from_map(*self._map_point)
        elif self._via == "cell_code":
            self._on_cell_code_edited(self.cell_code.text())
        else:
            self._use_place(self.address.current_key())

    def _set_city(self) -> None:
        city = self.store.city
        self._lookup = CityLookup.of(city) if city is not None else None
        for widget in (self.address, self.cell_code, self.pick_on_map):
            widget.setEnabled(self._lookup is not None)
        self.address.refresh()

    def _warm_up(self) -> None:
        if self._lookup is not None:
            _ = self._lookup.index

    # -- duplicates -------------------------------------------------------------------------

    def _duplicate_key(self) -> tuple[str, float, float] | None:
        category, location = self.category.current_key(), self._location
        if category is None or location is None:
            return None
        return category, location.lon, location.lat

    def _recheck_duplicates(self) -> None:
        key = self._duplicate_key()
        found: list[Duplicate] = []
        if key is not None:
            found = find_duplicates(self.store.cases.values(), *key, self._clock())
        self._duplicates = {d.case.id: d.distance_m for d in found}
        self._show_duplicates()

    def _on_cases_changed(self, case_ids: set[int]) -> None:
        key = self._duplicate_key()
        if key is None or self.pending or self._saved:
            return  # (while saving, the new case itself would look like a duplicate)
        now = self._clock()
        changed = False
        for case_id in case_ids:
            case = self.store.cases.get(case_id)
            distance = duplicate_distance(case, *key, now) if case is not None else None
            if distance is None:
                changed |= self._duplicates.pop(case_id, None) is not None
            elif self._duplicates.get(case_id) != distance:
                self._duplicates[case_id] = distance
                changed = True
        if changed:
            self._show_duplicates()

    def _on_cases_removed(self, case_ids: set[int]) -> None:
        if self._duplicates.keys() & case_ids:
            for case_id in case_ids:
                self._duplicates.pop(case_id, None)
            self._show_duplicates()

    def _sorted_duplicates(self) -> list[Duplicate]:
        cases = self.store.cases
        return nearest_first(
            Duplicate(cases[i], d) for i, d in self._duplicates.items() if i in cases
        )

    def _show_duplicates(self) -> None:
        found = self._sorted_duplicates()
        selected = self._selected_duplicate()
        self.duplicates.clear()
        zh = chinese()
        for dup in found:
            case = dup.case
            name = self.catalogue.categories.get(case.category)
            item = QTreeWidgetItem(
                [
                    case.number,
                    tr_item(STATE_NAMES[case.state]),
                    self.tr("{metres} m").format(metres=round(dup.distance_m)),
                    local_time(case.reported_at),
                    case.location.address or case.description,
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, case.id)
            if name is not None:
                item.setToolTip(0, name.name_zh if zh else name.name_en)
            item.setToolTip(4, case.description)
            self.duplicates.addTopLevelItem(item)
            if case.id == selected:
                self.duplicates.setCurrentItem(item)
        first = self.duplicates.topLevelItem(0)
        if first is not None and self.duplicates.currentItem() is None:
            self.duplicates.setCurrentItem(first)
        self.duplicates.setVisible(bool(found))
        self.open_existing.setVisible(bool(found))
        self.duplicates_note.setVisible(self._duplicate_key() is not None and not self._saved)
        days = DUPLICATE_WINDOW.days
        metres = round(DUPLICATE_RADIUS_M)
        self.duplicates_note.setText(
            self.tr(
                "Possible duplicates: {count} open case(s) of this category within {metres} m "
                "in the last {days} days. Open one instead, or save a new case."
            ).format(count=len(found), metres=metres, days=days)
            if found
            else self.tr(
                "No open case of this category within {metres} m in the last {days} days."
            ).format(metres=metres, days=days)
        )

    def _selected_duplicate(self) -> int | None:
        item = self.duplicates.currentItem()
        return int(item.data(0, Qt.ItemDataRole.UserRole)) if item is not None else None

    def open_selected_duplicate(self) -> None:
        """Opens the selected possible duplicate instead (selects it) and closes the form."""
        case_id = self._selected_duplicate()
        if case_id is None:
            return
        self.store.select_cases([case_id])
        self.reject()

    # -- saving -----------------------------------------------------------------------------

    def save(self) -> None:
        """Sends the report if the form is complete; shows it pending until the answer."""
        if self.pending or self._saved:
            return
        try:
            report = build_report(self.draft(), self.catalogue)
        except Invalid:
            self._revalidate()
            return
        self._request_id = self.store.send_report(report)
        self.form.setEnabled(False)
        self.open_existing.setEnabled(False)
        self._status = lambda: self.tr("Saving… waiting for the server.")
        self._show_status()
        self._revalidate()

    def _on_request_succeeded(self, outcome: RequestOutcome) -> None:
        if outcome.request_id != self._request_id:
            return
        self._request_id = None
        self._saved = True
        answer = outcome.answer
        result = (answer.result if isinstance(answer, Ack) else None) or {}
        case_id, number = result.get("case_id"), result.get("number")
        if number:
            self._status = lambda: self.tr("Saved as case {number}.").format(number=number)
        else:
            text = outcome.text
            self._status = lambda: text
        self._show_status()
        self.save_button.hide()
        self.cancel_button.hide()
        self.close_button.show()
        self.close_button.setFocus()
        self._duplicates.clear()
        self._show_duplicates()
        self._revalidate()
        if isinstance(case_id, int):
            self._saved_case = case_id
            self.store.select_cases([case_id])
            self.case_reported.emit(case_id)

    def _on_request_failed(self, outcome: RequestOutcome) -> None:
        if outcome.request_id != self._request_id:
            return
        self._request_id = None
        text = outcome.text
        self._status = lambda: self.tr("Not saved: {reason}").format(reason=text)
        self._show_status()
        self.form.setEnabled(True)
        self.open_existing.setEnabled(True)
        self._recheck_duplicates()
        self._revalidate()

    # -- showing ----------------------------------------------------------------------------

    def _on_source_changed(self) -> None:
        citizen = SOURCES[self.source.currentIndex()] in CITIZEN_SOURCES
        for widget in (self.reporter_name, self.reporter_phone):
            widget.setEnabled(citizen)
        self._revalidate()

    def _on_category_changed(self) -> None:
        self._recheck_duplicates()
        self._revalidate()

    def _revalidate(self) -> None:
        errors = check_draft(self.draft(), self.catalogue)
        texts = [self.error_text(e) for e in errors]
        self.problems.setText("\n".join(f"• {t}" for t in texts))
        self.problems.setVisible(bool(texts) and not self._saved)
        can_save = not errors and not self.pending and not self._saved
        self.save_button.setEnabled(can_save)
        self.save_button.setToolTip(
            self.tr("Save the case (Ctrl+Enter)") if can_save else "\n".join(texts)
        )

    def _show_status(self) -> None:
        text = self._status()
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _show_location(self) -> None:
        location, lookup = self._location, self._lookup
        if lookup is None:
            self.location.setText(self.tr("The city map has not arrived yet."))
            return
        if location is None:
            self.location.setText(
                self.tr("Not placed yet: type an address or a cell code, or pick on the map.")
            )
            return
        city = lookup.city
        zh = chinese()
        community = city.community(location.community_code)
        street = city.street(location.street_code)
        via = {
            "address": self.tr("from the address"),
            "cell_code": self.tr("from the cell code"),
            "map": self.tr("picked on the map"),
        }[location.via]
        self.location.setText(
            self.tr("Cell {cell} · {community} · {street} ({position}), {via}").format(
                cell=location.cell_code,
                community=community.name_zh if zh else community.name_en,
                street=street.name_zh if zh else street.name_en,
                position=f"{location.lat:.5f}, {location.lon:.5f}",
                via=via,
            )
        )

    def _place_name(self, code: str) -> str:
        lookup = self._lookup
        if lookup is None:
            return code
        place = lookup.place(code)
        return place.name_zh if chinese() else place.name_en

    def field_name(self, field: Field) -> str:
        """A field's name in the current language."""
        return {
            Field.CATEGORY: self.tr("Category"),
            Field.DESCRIPTION: self.tr("Description"),
            Field.REPORTER_NAME: self.tr("Caller's name"),
            Field.REPORTER_PHONE: self.tr("Caller's phone"),
            Field.ADDRESS: self.tr("Address"),
            Field.CELL_CODE: self.tr("Cell code"),
            Field.MAP: self.tr("Map"),
            Field.LOCATION: self.tr("Location"),
        }[field]

    def error_text(self, error: FieldError) -> str:
        """A problem in words: "Caller's phone: “12345” is not a phone number…"."""
        d = dict(error.details)
        match error.problem:
            case Problem.REQUIRED if error.field is Field.LOCATION:
                problem = self.tr("type an address or a cell code, or pick a point on the map")
            case Problem.REQUIRED:
                problem = self.tr("required")
            case Problem.TOO_LONG:
                problem = self.tr("longer than {limit} characters").format(**d)
            case Problem.NO_CATEGORY_MATCH:
                problem = self.tr("no category matches “{text}”").format(**d)
            case Problem.BAD_PHONE:
                problem = self.tr(
                    "“{text}” is not a phone number: a mobile has 11 digits starting with 1, "
                    "a landline 7 or 8 digits, after an area code starting with 0"
                ).format(**d)
            case Problem.NO_PLACE_MATCH:
                problem = self.tr(
                    "no street, town or community of the city is named in “{text}”"
                ).format(**d)
            case Problem.NO_CELL_IN_PLACE:
                problem = self.tr("{place} has no grid cell on the city map").format(
                    place=self._place_name(d["place"])
                )
            case Problem.CODE_LENGTH:
                problem = self.tr("{length} characters; a cell code has {expected}").format(**d)
            case Problem.CODE_CHARACTER if d.get("digits_only"):
                problem = self.tr("contains “{character}”; only digits are allowed").format(**d)
            case Problem.CODE_CHARACTER:
                problem = self.tr(
                    "contains “{character}”; only digits and capital letters are allowed"
                ).format(**d)
            case Problem.UNKNOWN_CELL:
                problem = self.tr("there is no cell {code} on the city map").format(**d)
            case Problem.OUTSIDE_GRID:
                problem = self.tr("the point ({lat}, {lon}) is outside every grid cell").format(**d)
            case Problem.NO_MAP:
                problem = self.tr("the city map has not arrived yet")
        return self.tr("{field}: {problem}").format(
            field=self.field_name(error.field), problem=problem
        )

    # -- events -----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """Builds the cell index just after the dialog shows, not on the first keystroke."""
        super().showEvent(event)
        QTimer.singleShot(INDEX_WARM_UP_MS, self, self._warm_up)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Retranslates on a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        """Sets every text in the current language."""
        self.setWindowTitle(self.tr("New case — taking a call"))
        labels = {
            "source": self.tr("Source"),
            "urgency": self.tr("Urgency"),
            "category": self.tr("Category"),
            "description": self.tr("Description"),
            "reporter_name": self.tr("Caller's name"),
            "reporter_phone": self.tr("Phone"),
            "address": self.tr("Address"),
            "cell_code": self.tr("Cell code"),
            "location": self.tr("Location"),
        }
        for key, text in labels.items():
            self._labels[key].setText(text)
        for i, source in enumerate(SOURCES):
            self.source.setItemText(i, tr_item(SOURCE_NAMES[source]))
        for i, urgency in enumerate(URGENCIES):
            self.urgency.setItemText(i, tr_item(URGENCY_NAMES[urgency]))
        self.category.filter.setPlaceholderText(
            self.tr("Code, name or pinyin initials (e.g. bllj for 暴露垃圾)")
        )
        self.description.setPlaceholderText(self.tr("What the caller reports"))
        self.reporter_name.setPlaceholderText(self.tr("Optional"))
        self.reporter_phone.setPlaceholderText(self.tr("Optional, e.g. 138 1234 5678"))
        citizen_only = self.tr(
            "Only a citizen's report (12345 hotline, 110/119/120 transfer) names the caller"
        )
        self.reporter_name.setToolTip(citizen_only)
        self.reporter_phone.setToolTip(citizen_only)
        self.address.filter.setPlaceholderText(
            self.tr("Street, town or community, then the rest of the address")
        )
        self.cell_code.setPlaceholderText(self.tr("Grid cell code"))
        self.pick_on_map.setText(self.tr("Pick on map"))
        self.save_button.setText(self.tr("Save"))
        self.open_existing.setText(self.tr("Open the selected case instead"))
        self.duplicates.setHeaderLabels(
            [
                self.tr("Case"),
                self.tr("State"),
                self.tr("Distance"),
                self.tr("Reported"),
                self.tr("Address or description"),
            ]
        )
        self.category.refresh()
        self.address.refresh()
        self._show_location()
        self._show_duplicates()
        self._show_status()
        self._revalidate()


class NewCaseLauncher(QObject):
    """Registers the "New case" action (Ctrl+N) and opens the dialog from it.

    One dialog at a time: the action brings an open dialog to the front (with what was
    typed) rather than opening another. The action is disabled for roles that may not
    report cases (leaders, departments).

    Args:
        store: The console's store.
        signals: The store's signals.
        catalogue: The category catalogue.
        registry: The action registry the action goes in (menus and palette).
        window: The main window (the dialogs' parent).

    Signals:
        dialog_opened(NewCaseDialog): A dialog was opened; the map connects its
            ``map_pick_requested`` here.
    """

    dialog_opened = Signal(object)

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        catalogue: Catalogue,
        registry: ActionRegistry,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._store = store
        self._signals = signals
        self._catalogue = catalogue
        self._window = window
        self.dialog: NewCaseDialog | None = None
        registry.add(
            NEW_CASE_ACTION,
            lambda: self.tr("New case…"),
            self.open,
            "Ctrl+N",
            enabled=self.may_report,
        )
        signals.user_changed.connect(lambda _user: registry.states_changed())

    def may_report(self) -> bool:
        """Whether the signed-in user's role may report cases (any, before the sign-in)."""
        user = self._store.user
        return user is None or user.role in REPORTER_ROLES

    def open(self) -> NewCaseDialog:
        """Shows the dialog (a new one unless one is open) and returns it."""
        dialog = self.dialog
        if dialog is None:
            dialog = self.dialog = NewCaseDialog(
                self._store, self._signals, self._catalogue, parent=self._window
            )
            dialog.finished.connect(self._on_finished)
            dialog.show()
            self.dialog_opened.emit(dialog)
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _on_finished(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
