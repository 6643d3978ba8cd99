"""A case from report to closed at the dispatcher's desk: ``main.py``'s console, real backend.

A real server (seeded SQLite demo city) runs on port 0 in a thread of its own; the console
is the one ``main.build_console`` wires, signed in as the demo operator, on the qasync loop.
Field staff, a department and a shift supervisor are bare protocol peers on other
connections, as their terminals and consoles would be.

The operator works by keys and clicks only: the palette (``accept <number>``), F2 on a
multi-selection, the merge button of the nearby list, F3, Shift+F4 (refused: the case
changed meanwhile, said in words), F4, F6 with the nearest grid supervisor suggested. The
case's flow then reads the same in the detail panel's timeline as on the server.

Network phases run as coroutines on the loop (``drive``); keys and clicks happen between
them, synchronously, as Qt delivers input (no ``qtbot.wait*`` inside the loop).
"""

from __future__ import annotations

import asyncio

import qasync
from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QAction, QColor, QImage
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QTreeWidget
from pytestqt.qtbot import QtBot

from console.case_actions import CaseAction, suggest_verifiers
from main import Console
from models.case import CaseState, ClosingType, Source
from models.workflow import (
    AnyMove,
    DepartmentAccept,
    Feedback,
    NewReport,
    Resume,
    Suspend,
    VerifyPass,
)
from net.protocol import Ack, Command, Position, Report, UploadPhoto
from tests.gui.console_harness import ServerThread, drive, shown_console, until
from tests.integration.peer import Peer, new_id, now
from tests.integration.server_fixtures import Running
from views.case_action_dialog import CaseActionDialog
from views.case_desk import ActionState, CaseDesk
from views.case_detail_panel import CaseDetailPanel

A = CaseAction

# Two reports of the same exposed garbage, in 张江镇, a few metres apart.
LON, LAT = 121.5920, 31.2040


# --- the others: field terminal, department, shift supervisor ----------------------------


def photo_png() -> bytes:
    """A small photo (PNG) as a terminal's camera would upload it."""
    image = QImage(320, 240, QImage.Format.Format_RGB32)
    image.fill(QColor("darkgreen"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


async def field_reports(running: Running, texts: list[str], photo: bytes) -> list[int]:
    """The grid supervisor's terminal reports exposed garbage once per text, the first with
    a photo; the case ids."""
    terminal = await Peer.connect(running.url, "field", kind="terminal")
    try:
        await terminal.synced()
        upload = await terminal.request(
            UploadPhoto(id=new_id(), content_type="image/png", data=photo)
        )
        assert isinstance(upload, Ack), upload
        assert upload.result is not None
        photo_id = str(upload.result["photo_id"])
        ids = []
        for i, text in enumerate(texts):
            report = NewReport(
                source=Source.PATROL,
                category="E0102",
                lon=LON + i * 0.00002,
                lat=LAT,
                address="祖冲之路 100 号",
                description=text,
                photos=(photo_id,) if i == 0 else (),
            )
            ack = await terminal.request(Report(id=new_id(), report=report))
            assert isinstance(ack, Ack), ack
            assert ack.result is not None
            ids.append(int(ack.result["case_id"]))
        return ids
    finally:
        await terminal.close()


async def moves_as(running: Running, user: str, case_id: int, moves: list[AnyMove]) -> None:
    """``user`` makes ``moves`` on the case from a connection of their own."""
    peer = await Peer.connect(running.url, user, kind="terminal")
    try:
        await peer.synced()
        for move in moves:
            ack = await peer.request(Command(id=new_id(), case_id=case_id, move=move))
            assert isinstance(ack, Ack), ack
    finally:
        await peer.close()


async def unit_reports_position(running: Running, unit_id: str) -> None:
    """A grid supervisor's handheld reports a fix a few metres from the case."""
    terminal = await Peer.connect(running.url, "field", kind="terminal")
    try:
        await terminal.synced()
        await terminal.send(Position(unit_id=unit_id, at=now(), lon=LON + 0.0003, lat=LAT))
        await asyncio.sleep(0.5)  # a position is not acknowledged; give it a tick
    finally:
        await terminal.close()


# --- the console ---------------------------------------------------------------------------


def desk_of(console: Console) -> tuple[CaseDesk, CaseDetailPanel]:
    panel = console.window.panels["case_detail"]
    assert isinstance(panel, CaseDetailPanel)
    return panel.desk, panel


def key(qtbot: QtBot, console: Console, which: Qt.Key, shift: bool = False) -> None:
    modifier = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(console.window, which, modifier)


def cell(tree: QTreeWidget, row: int, column: int) -> str:
    item = tree.topLevelItem(row)
    assert item is not None
    return item.text(column)


def field(panel: CaseDetailPanel, name: str) -> str:
    label = panel.findChild(QLabel, f"caseField-{name}")
    assert label is not None
    return label.text()


def qaction(console: Console, action_id: str) -> QAction:
    found = console.window.findChild(QAction, f"action-{action_id}")
    assert found is not None
    return found


def records(desk: CaseDesk, case_id: int) -> list[tuple[CaseAction, ActionState]]:
    return [(r.action, r.state) for r in desk.records.values() if r.case_id == case_id]


def answered(desk: CaseDesk, case_id: int, action: CaseAction) -> bool:
    return any(
        r.case_id == case_id and r.action is action and r.state is not ActionState.PENDING
        for r in desk.records.values()
    )


def test_a_case_from_report_to_closed_by_keys_and_clicks(
    server: ServerThread, loop: qasync.QEventLoop, qtbot: QtBot, english: None
) -> None:
    console = shown_console(qtbot, server.url)
    store = console.store
    desk, panel = desk_of(console)

    async def signed_in_and_reported() -> list[int]:
        console.connection.start()
        await until(lambda: store.synced, timeout=60)
        texts = ["绿化带内堆放垃圾", "路边垃圾没人清"]
        ids = await server.call(lambda r: field_reports(r, texts, photo_png()))
        await until(lambda: set(ids) <= set(store.cases), timeout=10)
        return ids

    first_id, second_id = drive(loop, signed_in_and_reported(), timeout=90)
    first, second = store.cases[first_id], store.cases[second_id]

    # Nothing selected: every action is disabled, in the panel and in the menus.
    assert panel.title.text() == "No case selected"
    assert panel.enabled_actions() == frozenset()
    assert not qaction(console, "case.accept").isEnabled()

    # Keys only: the palette's verb with the case's number.
    qtbot.keyClick(console.window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    palette = console.window.command_palette
    qtbot.keyClicks(palette.filter, f"accept {first.number}")
    assert palette.shown_commands()[0].title == f"Accept {first.number}"
    qtbot.keyClick(palette.filter, Qt.Key.Key_Return)
    assert records(desk, first_id) == [(A.ACCEPT, ActionState.PENDING)]
    assert panel.result_texts()[0] == f"… Acceptance of case {first.number}: sending…"

    async def accepted() -> None:
        await until(lambda: answered(desk, first_id, A.ACCEPT))
        console.signals.flush()

    drive(loop, accepted())
    assert records(desk, first_id) == [(A.ACCEPT, ActionState.DONE)]
    assert store.cases[first_id].state is CaseState.AWAITING_FILING
    assert panel.result_texts()[0] == f"✓ Acceptance of case {first.number}: done"

    # Both selected (as a click and a Ctrl+click in the queue select them): F2 accepts the
    # one still waiting and says, for the other, that it was skipped and why.
    store.select_cases([first_id, second_id])
    console.signals.flush()
    assert panel.title.text() == first.number
    assert panel.selection_note.isVisible()
    assert A.ACCEPT in panel.enabled_actions()
    key(qtbot, console, Qt.Key.Key_F2)
    assert records(desk, first_id)[-1] == (A.ACCEPT, ActionState.SKIPPED)
    skipped_text = next(t for t in panel.result_texts() if t.startswith("–"))
    assert skipped_text == (
        f"– Acceptance of case {first.number}: skipped, not allowed while it is “Awaiting filing”"
    )

    async def second_accepted() -> None:
        await until(lambda: answered(desk, second_id, A.ACCEPT))
        await until(lambda: store.cases[second_id].state is CaseState.AWAITING_FILING)
        console.signals.flush()

    drive(loop, second_accepted())
    assert records(desk, second_id) == [(A.ACCEPT, ActionState.DONE)]

    # One case shown; the other report of the same garbage is listed nearby, and a click
    # merges the newer report into the older.
    store.select_cases([first_id])
    console.signals.flush()
    assert panel.enabled_actions() == {A.FILE, A.VOID, A.MERGE}
    assert not qaction(console, "case.dispatch").isEnabled()
    assert not qaction(console, "case.accept").isEnabled()
    assert [cell(panel.nearby, i, 0) for i in range(panel.nearby.topLevelItemCount())] == [
        second.number
    ]
    assert panel.merge_button.isEnabled()
    assert panel.merge_button.text() == f"Merge {second.number} into {first.number}"
    qtbot.mouseClick(panel.merge_button, Qt.MouseButton.LeftButton)

    async def merged() -> None:
        await until(lambda: store.cases[second_id].state is CaseState.MERGED)
        await until(lambda: store.cases[first_id].duplicate_count == 1)
        console.signals.flush()

    drive(loop, merged())
    assert panel.merged.text() == f"1 duplicate reports merged into this case: {second.number}"
    assert field(panel, "description") == "绿化带内堆放垃圾"
    assert field(panel, "duplicates") == "1"

    # The report's photo arrives as a thumbnail; Enter on it opens it full size.
    (photo_id,) = store.cases[first_id].photos

    async def photo_shown() -> None:
        await until(lambda: photo_id in panel.photos.images)

    drive(loop, photo_shown())
    panel.tabs.setCurrentWidget(panel.photos)
    panel.photos.setCurrentRow(0)
    qtbot.keyClick(panel.photos, Qt.Key.Key_Return)
    viewer = panel.viewer
    assert viewer is not None
    assert viewer.isVisible()
    shown = viewer.image.pixmap()
    assert (shown.width(), shown.height()) == (320, 240)
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    assert not viewer.isVisible()
    console.window.activateWindow()  # as a window manager would, when the viewer closes

    # F4 is not legal yet (the case is not filed): nothing is sent.
    before = len(desk.records)
    key(qtbot, console, Qt.Key.Key_F4)
    assert len(desk.records) == before
    key(qtbot, console, Qt.Key.Key_F3)

    async def filed() -> None:
        await until(lambda: store.cases[first_id].state is CaseState.AWAITING_DISPATCH)
        console.signals.flush()

    drive(loop, filed())
    assert panel.enabled_actions() == {A.DISPATCH, A.DISPATCH_COMPREHENSIVE, A.ESCALATE}
    assert qaction(console, "case.dispatch").isEnabled()

    # Shift+F4: the dispatch form, with the category's department and deadline.
    key(qtbot, console, Qt.Key.Key_F4, shift=True)
    dialog = desk.dialog
    assert isinstance(dialog, CaseActionDialog)
    department = dialog.fields["department"]
    assert isinstance(department, QComboBox)
    assert department.currentData() == "HW"  # exposed garbage: the sanitation contractor
    assert dialog.deadline_default.isChecked()
    assert dialog.deadline_default.text().startswith("From the catalogue: 4 working hours, due ")
    # While the form is open, the shift supervisor suspends and resumes the case.
    revision = store.cases[first_id].revision

    async def changed_meanwhile() -> None:
        await server.call(
            lambda r: moves_as(
                r, "supervisor", first_id, [Suspend(reason="待核实"), Resume(note="已核实")]
            )
        )
        await until(lambda: store.cases[first_id].revision == revision + 2)
        console.signals.flush()

    drive(loop, changed_meanwhile())
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)  # OK
    # A window manager hands the focus back to the window when the form closes; the
    # offscreen platform has none, so ask for it (it arrives while the loop runs).
    console.window.activateWindow()

    async def refused() -> None:
        await until(lambda: answered(desk, first_id, A.DISPATCH))
        console.signals.flush()

    drive(loop, refused())
    assert records(desk, first_id)[-1] == (A.DISPATCH, ActionState.FAILED)
    refusal = (
        f"Dispatch of case {first.number} failed: "
        "the case changed in the meantime: look at it again"
    )
    assert panel.result_texts()[0] == f"✗ {refusal}"
    assert console.window.statusBar().currentMessage() == refusal
    assert store.cases[first_id].state is CaseState.AWAITING_DISPATCH

    # Looked at again: F4 sends it to the default department at once.
    key(qtbot, console, Qt.Key.Key_F4)

    async def dispatched() -> None:
        await until(lambda: store.cases[first_id].state is CaseState.DISPATCHED)
        console.signals.flush()

    drive(loop, dispatched())
    case = store.cases[first_id]
    assert case.orders[-1].department == "HW"
    assert cell(panel.orders, 0, 5) == "Issued"
    assert panel.enabled_actions() == {A.URGE, A.ESCALATE}

    # The sanitation contractor takes the order and reports it done; a grid supervisor's
    # handheld is a few metres away.
    unit = next(
        u
        for u in store.units.values()
        if u.department == "WGLQ" and u.street_code == case.street_code
    )

    async def handled() -> None:
        await server.call(
            lambda r: moves_as(
                r, "dept-hw", first_id, [DepartmentAccept(), Feedback(result="已清运")]
            )
        )
        await server.call(lambda r: unit_reports_position(r, unit.unit_id))
        await until(lambda: store.cases[first_id].state is CaseState.AWAITING_VERIFICATION)
        await until(
            lambda: bool(
                suggest_verifiers(store.cases[first_id], store.units, store.positions, now())
            )
        )
        console.signals.flush()

    drive(loop, handled(), timeout=60)
    assert panel.enabled_actions() == {A.ASSIGN_VERIFICATION, A.URGE}
    assert not qaction(console, "case.close").isEnabled(), "an operator does not close"

    # F6: the nearest available grid supervisor is suggested; the operator names the user
    # signed in on that handheld and confirms.
    key(qtbot, console, Qt.Key.Key_F6)
    dialog = desk.dialog
    assert isinstance(dialog, CaseActionDialog)
    verifier = dialog.fields["verifier"]
    assert isinstance(verifier, QComboBox)
    assert verifier.currentData() == unit.unit_id
    assert unit.callsign in verifier.currentText()
    line = verifier.lineEdit()
    assert line is not None
    line.selectAll()
    qtbot.keyClicks(line, "field")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    async def verified_and_closed() -> None:
        await until(lambda: store.cases[first_id].verifier == "field")
        await server.call(
            lambda r: moves_as(r, "field", first_id, [VerifyPass(note="现场已清理干净")])
        )
        await until(lambda: store.cases[first_id].state is CaseState.CLOSED)
        console.signals.flush()
        await until(lambda: panel.timeline.moves()[-1:] == ["verify_pass"], timeout=10)
        await console.connection.close()
        console.signals.flush()

    drive(loop, verified_and_closed(), timeout=60)
    case = store.cases[first_id]
    assert case.closing_type is ClosingType.NORMAL
    assert panel.enabled_actions() == frozenset(), "nothing is legal on a closed case"
    assert panel.timeline.moves() == [
        "report",
        "accept",
        "merged_duplicate",
        "file",
        "suspend",
        "resume",
        "dispatch_single",
        "department_accept",
        "feedback",
        "assign_verification",
        "verify_pass",
    ]
    rows = [
        [cell(panel.timeline, i, c) for c in range(7)]
        for i in range(panel.timeline.topLevelItemCount())
    ]
    steps = {row[1]: row for row in rows}
    assert steps["Acceptance"][2:4] == ["operator", "Operator"]
    assert steps["Acceptance"][4], "the console the move came from"
    assert steps["Dispatch"][2:4] == ["operator", "Operator"]
    assert "department: Sanitation Contractor" in steps["Dispatch"][6]
    assert steps["Sign-off by the department"][2:4] == ["dept-hw", "Department"]
    assert steps["Feedback"][5] == "已清运"
    assert steps["Verification assignment"][6].endswith("verifier: field")
    assert steps["Verification passed"][2:4] == ["field", "Field staff"]
    assert steps["Verification passed"][6].endswith("closing: Normal")
    assert panel.status.text().startswith("Closed")
