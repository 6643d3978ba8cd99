"""Taking a 12345 call end to end: ``main.py``'s console against a real backend.

A real server (seeded SQLite demo city) runs on port 0 in a thread of its own; the console
is the one ``main.build_console`` wires, on the qasync loop. The operator presses Ctrl+N,
types the call in (category by pinyin initials, the caller, an address naming a community),
sees the field report of the same matter listed as a possible duplicate, saves anyway, and
the call becomes a case in the store with the category, source and cell entered.

Network phases run as coroutines on the loop (``drive``); typing and clicking happen
between them, synchronously, as Qt delivers input (no ``qtbot.wait*`` inside the loop).
"""

from __future__ import annotations

import qasync
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from console.item_models import ID_ROLE
from console.new_case import CityLookup
from models.case import Source
from models.workflow import NewReport
from net.protocol import Ack, Report
from tests.gui.console_harness import ServerThread, drive, shown_console, until
from tests.integration.peer import Peer, new_id
from tests.integration.server_fixtures import Running
from views.new_case_dialog import NewCaseDialog


def type_into(qtbot: QtBot, field: QLineEdit, text: str) -> None:
    """Keys for Latin text; Chinese arrives from an input method as a committed string."""
    field.setFocus()
    if text.isascii():
        qtbot.keyClicks(field, text)
    else:
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(field, event)


async def field_report(running: Running, lon: float, lat: float) -> int:
    """A grid supervisor's terminal reports exposed garbage at a place; the new case id."""
    terminal = await Peer.connect(running.url, "field", kind="terminal")
    try:
        await terminal.synced()
        report = NewReport(
            source=Source.PATROL, category="E0102", lon=lon, lat=lat, description="垃圾堆放"
        )
        ack = await terminal.request(Report(id=new_id(), report=report))
        assert isinstance(ack, Ack), ack
        assert ack.result is not None
        return int(ack.result["case_id"])
    finally:
        await terminal.close()


def test_a_call_taken_through_the_dialog_becomes_a_case(
    server: ServerThread, loop: qasync.QEventLoop, qtbot: QtBot, english: None
) -> None:
    console = shown_console(qtbot, server.url)
    store = console.store

    async def signed_in() -> None:
        console.connection.start()
        await until(lambda: store.synced and store.city is not None, timeout=60)

    drive(loop, signed_in(), timeout=90)
    city = store.city
    assert city is not None
    community = next(c for c in city.communities if c.street_code == "310115125")  # 张江镇
    # The same matter, reported from the field a moment ago where the address will place it.
    spot = CityLookup.of(city).locate_place(CityLookup.of(city).place(community.code))

    async def reported_from_the_field() -> int:
        return await server.call(lambda r: field_report(r, spot.lon, spot.lat))

    earlier = drive(loop, reported_from_the_field())

    # Ctrl+N opens the form from the main window.
    qtbot.keyClick(console.window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = console.window.findChild(NewCaseDialog)
    assert dialog is not None
    assert dialog.isVisible()
    assert "case.new" in console.window.registry
    type_into(qtbot, dialog.category.filter, "bllj")
    dialog.description.setPlainText("来电反映张江镇小区门口垃圾无人清运")
    type_into(qtbot, dialog.reporter_name, "李先生")
    type_into(qtbot, dialog.reporter_phone, "138 1234 5678")
    type_into(qtbot, dialog.address.filter, f"{community.name_zh} 祖冲之路100号")
    location = dialog.location_now
    assert location is not None
    assert location.community_code == community.code

    async def duplicate_listed() -> None:
        await until(lambda: dialog.duplicate_ids() == [earlier], timeout=10)

    drive(loop, duplicate_listed())
    assert dialog.problem_texts() == []
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Saving… waiting for the server."

    async def saved() -> None:
        await until(lambda: dialog.saved_case is not None, timeout=30)
        await console.connection.close()
        console.signals.flush()

    drive(loop, saved())
    case_id = dialog.saved_case
    assert case_id is not None
    case = store.cases[case_id]
    assert dialog.status.text() == f"Saved as case {case.number}."
    assert case.category == "E0102"
    assert case.source is Source.HOTLINE
    assert case.location.cell_code == location.cell_code
    assert case.location.community_code == community.code
    assert case.location.address == f"{community.name_zh} 祖冲之路100号"
    assert (case.reporter.kind, case.reporter.name, case.reporter.phone) == (
        "citizen",
        "李先生",
        "13812345678",
    )
    assert case.description == "来电反映张江镇小区门口垃圾无人清运"
    # The new case is selected, so the desk shows it, and it is in the queue.
    assert store.selection.cases == frozenset({case_id})
    model = console.cases
    assert case_id in {model.index(row, 0).data(ID_ROLE) for row in range(model.rowCount())}
    assert earlier in store.cases, "saving anyway left the earlier report as it was"
