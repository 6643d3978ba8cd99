"""The "new case" dialog as an operator taking a 12345 call uses it (offscreen, real store)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from console.actions import ActionRegistry
from console.store import ClientStore, StoreSignals
from models.case import Location, Source
from models.catalogue import Catalogue, load_catalogue
from models.demo_city import generate_demo_city
from models.geography import CityMap
from models.org import Role, User
from tests.unit.client_factories import T0, case_event, make_case, welcome
from views.new_case_dialog import NEW_CASE_ACTION, SOURCES, NewCaseDialog, NewCaseLauncher

NOW = T0 + timedelta(hours=2)


@pytest.fixture(scope="module")
def city() -> CityMap:
    return generate_demo_city(target_cells=500)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def store(city: CityMap) -> ClientStore:
    store = ClientStore()
    store.set_city(city)
    return store


@pytest.fixture
def signals(store: ClientStore) -> StoreSignals:
    signals = StoreSignals(store)
    signals.flush()
    return signals


@pytest.fixture
def dialog(
    qtbot: QtBot, store: ClientStore, signals: StoreSignals, catalogue: Catalogue, english: None
) -> NewCaseDialog:
    form = NewCaseDialog(store, signals, catalogue, clock=lambda: NOW)
    qtbot.addWidget(form)
    form.show()
    return form


def type_into(qtbot: QtBot, field: QLineEdit, text: str) -> None:
    """Types as an operator does: keys for Latin text, an input method's commit for Chinese."""
    field.clear()
    field.setFocus()
    if text.isascii():
        qtbot.keyClicks(field, text)
    else:
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(field, event)


def fill_valid(qtbot: QtBot, dialog: NewCaseDialog, cell_code: str) -> None:
    type_into(qtbot, dialog.category.filter, "bllj")
    dialog.description.setPlainText("来电反映小区门口垃圾堆放")
    type_into(qtbot, dialog.reporter_name, "李先生")
    type_into(qtbot, dialog.reporter_phone, "138 1234 5678")
    type_into(qtbot, dialog.cell_code, cell_code)


def test_a_category_is_found_by_its_pinyin_initials(qtbot: QtBot, dialog: NewCaseDialog) -> None:
    type_into(qtbot, dialog.category.filter, "bllj")
    assert dialog.category.current_key() == "E0102"
    assert dialog.category.list.currentItem().text() == "E0102  Exposed garbage"
    # Syllables skipped, as operators type them.
    type_into(qtbot, dialog.category.filter, "blj")
    assert dialog.category.current_key() == "E0102"
    # Down moves to the next match without leaving the field.
    type_into(qtbot, dialog.category.filter, "jg")
    listed = [c.key for c in dialog.category.choices()]
    assert len(listed) > 1
    qtbot.keyClick(dialog.category.filter, Qt.Key.Key_Down)
    assert dialog.category.current_key() == listed[1]
    assert dialog.category.filter.hasFocus()


def test_every_bad_field_is_named_and_save_waits_until_none_is_left(
    qtbot: QtBot, dialog: NewCaseDialog, city: CityMap
) -> None:
    assert dialog.draft().source is Source.HOTLINE
    assert dialog.problem_texts() == [
        "Category: required",
        "Description: required",
        "Location: type an address or a cell code, or pick a point on the map",
    ]
    assert dialog.problems.isVisible()
    assert not dialog.save_button.isEnabled()

    type_into(qtbot, dialog.category.filter, "xyzzy")
    type_into(qtbot, dialog.reporter_phone, "12345")
    type_into(qtbot, dialog.cell_code, "3101")
    assert dialog.problem_texts() == [
        "Category: no category matches “xyzzy”",
        "Description: required",
        "Caller's phone: “12345” is not a phone number: a mobile has 11 digits starting "
        "with 1, a landline 7 or 8 digits, after an area code starting with 0",
        "Cell code: 4 characters; a cell code has 14",
    ]
    assert dialog.problems.text().splitlines()[0] == "• Category: no category matches “xyzzy”"
    type_into(qtbot, dialog.cell_code, "3101151030010X")
    assert dialog.problem_texts()[-1] == "Cell code: contains “X”; only digits are allowed"
    type_into(qtbot, dialog.cell_code, "31011599999999")
    assert dialog.problem_texts()[-1] == (
        "Cell code: there is no cell 31011599999999 on the city map"
    )
    assert not dialog.save_button.isEnabled()

    fill_valid(qtbot, dialog, city.cells[5].code)
    assert dialog.problem_texts() == []
    assert not dialog.problems.isVisible()
    assert dialog.save_button.isEnabled()

    # A patrol's report names the user: the caller's fields are off and do not count.
    type_into(qtbot, dialog.reporter_phone, "12345")
    assert not dialog.save_button.isEnabled()
    dialog.source.setCurrentIndex(SOURCES.index(Source.PATROL))
    assert not dialog.reporter_phone.isEnabled()
    assert dialog.save_button.isEnabled()


def test_an_address_a_cell_code_or_a_map_click_places_the_case(
    qtbot: QtBot, dialog: NewCaseDialog, city: CityMap
) -> None:
    community = next(c for c in city.communities if c.name_zh == "张江镇第2社区")
    type_into(qtbot, dialog.address.filter, "张江镇第2社区 祖冲之路100号")
    location = dialog.location_now
    assert location is not None
    assert location.via == "address"
    assert location.community_code == community.code
    assert dialog.cell_code.text() == location.cell_code
    assert dialog.location.text().startswith(f"Cell {location.cell_code} · ")
    assert "Zhangjiang Town Community 2" in dialog.location.text()

    cell = city.cells[11]
    type_into(qtbot, dialog.cell_code, cell.code)
    location = dialog.location_now
    assert location is not None
    assert (location.via, location.cell_code) == ("cell_code", cell.code)

    with qtbot.waitSignal(dialog.map_pick_requested, timeout=1000):
        qtbot.mouseClick(dialog.pick_on_map, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Click the map where the case is."
    other = city.cells[40]
    dialog.set_location_from_map(other.centroid_lon, other.centroid_lat)
    assert not dialog.status.isVisible()
    location = dialog.location_now
    assert location is not None
    assert (location.via, location.cell_code) == ("map", other.code)
    assert dialog.cell_code.text() == other.code
    # The address is still listed, but no longer moves the case unless picked.
    type_into(qtbot, dialog.address.filter, "川沙新镇")
    assert dialog.location_now == location
    qtbot.keyClick(dialog.address.filter, Qt.Key.Key_Return)
    picked = dialog.location_now
    assert picked is not None
    assert picked.via == "address"
    assert picked.street_code == "310115103"

    dialog.set_location_from_map(120.0, 30.0)
    assert dialog.location_now is None
    assert dialog.problem_texts()[-1] == (
        "Map: the point (30.000000, 120.000000) is outside every grid cell"
    )


def test_without_the_city_map_the_location_waits_for_it(
    qtbot: QtBot, catalogue: Catalogue, city: CityMap, english: None
) -> None:
    store = ClientStore()
    signals = StoreSignals(store)
    dialog = NewCaseDialog(store, signals, catalogue, clock=lambda: NOW)
    qtbot.addWidget(dialog)
    assert not dialog.cell_code.isEnabled()
    assert dialog.problem_texts()[-1] == "Location: the city map has not arrived yet"
    store.set_city(city)
    signals.flush()
    assert dialog.cell_code.isEnabled()
    type_into(qtbot, dialog.cell_code, city.cells[0].code)
    assert dialog.location_now is not None


def test_possible_duplicates_are_listed_and_one_can_be_opened_instead(
    qtbot: QtBot, dialog: NewCaseDialog, store: ClientStore, signals: StoreSignals, city: CityMap
) -> None:
    cell = city.cells[20]

    def near(metres_north: float) -> Location:
        return Location(
            lon=cell.centroid_lon,
            lat=cell.centroid_lat + metres_north / 111_195.0,
            address=f"{metres_north:.0f} m north",
        )

    store.cases.update(
        {
            1: make_case(1, location=near(150), reported_at=NOW - timedelta(hours=5)),
            2: make_case(2, location=near(30), reported_at=NOW - timedelta(days=1)),
            3: make_case(3, location=near(30), category="C0101", reported_at=NOW),
            4: make_case(4, location=near(900), reported_at=NOW),
            5: make_case(5, location=near(30), reported_at=NOW - timedelta(days=4)),
        }
    )
    fill_valid(qtbot, dialog, cell.code)
    assert dialog.duplicate_ids() == [2, 1]
    assert dialog.duplicates.isVisible()
    assert dialog.duplicates_note.text() == (
        "Possible duplicates: 2 open case(s) of this category within 200 m in the last 3 "
        "days. Open one instead, or save a new case."
    )
    first = dialog.duplicates.topLevelItem(0)
    assert first is not None
    assert [first.text(i) for i in (0, 1, 2, 4)] == [
        "PD20261130-0002",
        "Awaiting acceptance",
        "30 m",
        "30 m north",
    ]
    assert dialog.save_button.isEnabled(), "the operator may still save a new case"

    # A report that arrives meanwhile is listed too; another category is not.
    store.apply_event(case_event(1, make_case(6, location=near(10), reported_at=NOW)))
    store.apply_event(case_event(2, make_case(7, location=near(10), category="E0505")))
    signals.flush()
    assert dialog.duplicate_ids() == [6, 2, 1]

    # Another category: nothing nearby.
    type_into(qtbot, dialog.category.filter, "E0505")
    assert dialog.duplicate_ids() == [7]
    type_into(qtbot, dialog.category.filter, "bllj")

    second = dialog.duplicates.topLevelItem(1)
    assert second is not None
    dialog.duplicates.setCurrentItem(second)
    qtbot.mouseClick(dialog.open_existing, Qt.MouseButton.LeftButton)
    assert store.selection.cases == frozenset({2})
    assert not dialog.isVisible()


def test_a_refused_save_is_said_in_words_and_keeps_everything(
    qtbot: QtBot, dialog: NewCaseDialog, signals: StoreSignals, city: CityMap
) -> None:
    cell = city.cells[3]
    fill_valid(qtbot, dialog, cell.code)
    type_into(qtbot, dialog.address.filter, "张江路88号")
    assert dialog.save_button.isEnabled()
    # Enter in a field does not save; Ctrl+Enter does.
    qtbot.keyClick(dialog.reporter_phone, Qt.Key.Key_Return)
    assert not dialog.pending
    dialog.description.setFocus()
    qtbot.keyClick(dialog.description, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.pending
    assert dialog.status.text() == "Saving… waiting for the server."
    assert not dialog.save_button.isEnabled()
    assert not dialog.form.isEnabled()

    signals.flush()  # this store has no connection: the report is refused at once
    assert not dialog.pending
    assert dialog.status.text() == "Not saved: not connected"
    assert dialog.form.isEnabled()
    assert dialog.save_button.isEnabled()
    assert dialog.category.current_key() == "E0102"
    assert dialog.description.toPlainText() == "来电反映小区门口垃圾堆放"
    assert dialog.reporter_phone.text() == "138 1234 5678"
    assert dialog.address.text() == "张江路88号"
    location = dialog.location_now
    assert location is not None
    assert location.cell_code == cell.code


def test_ctrl_n_opens_one_form_for_those_who_may_report(
    qtbot: QtBot, store: ClientStore, signals: StoreSignals, catalogue: Catalogue, english: None
) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    registry = ActionRegistry()
    launcher = NewCaseLauncher(store, signals, catalogue, registry, window)
    store.apply_welcome(welcome())  # the demo operator
    signals.flush()
    assert [c.key for c in registry.commands("new case")] == [NEW_CASE_ACTION]
    assert registry.get(NEW_CASE_ACTION).shortcut == "Ctrl+N"

    with qtbot.waitSignal(launcher.dialog_opened, timeout=1000) as opened:
        first = registry.trigger(NEW_CASE_ACTION)
    assert opened.args == [first]
    assert isinstance(first, NewCaseDialog)
    assert first.isVisible()
    type_into(qtbot, first.category.filter, "bllj")
    assert registry.trigger(NEW_CASE_ACTION) is first, "the call being typed is not lost"
    first.reject()
    second = registry.trigger(NEW_CASE_ACTION)
    assert isinstance(second, NewCaseDialog)
    assert second is not first
    assert second.category.text() == ""
    second.reject()

    store.user = User(user_id="leader", name="领导", role=Role.LEADER)
    assert registry.commands("new case") == []
