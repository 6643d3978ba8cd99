"""The shift supervisor's board and the handover at the desk: ``main.py``'s console, real
backend, a manual clock.

A real server (seeded SQLite demo city, plus a second supervisor for the night shift) runs
on port 0 in a thread of its own, on a manual clock that the consoles share, so that the
end of the day shift and the reminders after it come when the test says. The operator and
a department are bare protocol peers; the two supervisors are consoles as
``main.build_console`` wires them, and they work by clicks and typing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from backend.services.users import UserService
from backend.store.database import Database
from console.embedded import DEMO_PASSWORD
from console.workspace import Role
from main import Console
from models.calendar import SHANGHAI
from models.handover import HandoverState, NotableReason, ReminderLevel
from models.org import Role as UserRole
from models.workflow import (
    Accept,
    AnyMove,
    DepartmentReturn,
    DispatchComprehensive,
    DispatchSingle,
    File,
    Urge,
)
from net.protocol import Ack, Command, SignHandover
from tests.gui.console_harness import ServerThread, drive, shown_console, until
from tests.gui.test_handover_report import pdf_text
from tests.integration.peer import Peer, new_id
from tests.integration.server_fixtures import copy_sqlite, make_seeded_sqlite
from tests.integration.support import ManualClock, fast_hasher_for_tests
from tests.integration.test_server_flows import cells, report_at
from views.handover_panel import PREVIOUS, HandoverPanel
from views.shift_board_panel import ShiftBoardPanel

NIGHT_PASSWORD = "night-shift-1"
EVENING = datetime(2026, 11, 30, 19, 40, tzinfo=SHANGHAI)
"""20 minutes before the day shift's end."""


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("shift-seed") / "template.db"
    make_seeded_sqlite(path)
    db = Database.open(f"sqlite:///{path}")
    try:
        UserService(db, hasher=fast_hasher_for_tests()).create_user(
            "supervisor2", "接班值班长", UserRole.SUPERVISOR, "310115", None, NIGHT_PASSWORD
        )
    finally:
        db.close()
    return path


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(EVENING)


@pytest.fixture
def server(seeded_template: Path, tmp_path: Path, clock: ManualClock) -> Iterator[ServerThread]:
    with ServerThread(copy_sqlite(seeded_template, tmp_path / "grid.db"), clock) as running:
        yield running


def shift_id(console: Console) -> str | None:
    answer = console.store.shift
    return answer.shift.id if answer is not None else None


def board(console: Console) -> ShiftBoardPanel:
    panel = console.window.findChild(ShiftBoardPanel)
    assert panel is not None
    return panel


def handover_panel(console: Console) -> HandoverPanel:
    panel = console.window.findChild(HandoverPanel)
    assert panel is not None
    return panel


def click(widget: QWidget) -> None:
    assert widget.isEnabled(), widget.objectName()
    widget.click()  # type: ignore[attr-defined]


async def start(console: Console) -> None:
    console.connection.start()
    await until(lambda: console.store.synced and console.store.shift is not None, 30)


async def settled(console: Console, condition: Callable[[], bool], timeout: float = 15) -> None:
    """Until ``condition`` holds, flushing the store's changes to the panels meanwhile."""

    def check() -> bool:
        console.signals.flush()
        return condition()

    await until(check, timeout)


async def operator_day(server: ServerThread) -> dict[str, Any]:
    """The day shift's work: three reports; one dispatched and returned twice, one sent to
    joint action, one urged. Returns the case numbers by role."""
    operator = await Peer.connect(server.url, "operator", DEMO_PASSWORD)
    department = await Peer.connect(server.url, "department", DEMO_PASSWORD, kind="terminal")
    try:
        await operator.synced()
        await department.synced()
        ids, numbers = [], []
        for i, cell in enumerate(cells(server.db_url)[:3]):
            ack = await operator.request(report_at(cell, f"暴露垃圾 {i}"))
            assert isinstance(ack, Ack), ack
            assert ack.result is not None
            ids.append(int(ack.result["case_id"]))
            numbers.append(str(ack.result["number"]))

        async def moves(peer: Peer, case_id: int, steps: list[AnyMove]) -> None:
            for move in steps:
                ack = await peer.request(Command(id=new_id(), case_id=case_id, move=move))
                assert isinstance(ack, Ack), ack

        returned, joint, urged = ids
        await moves(operator, returned, [Accept(), File(), DispatchSingle(department="CGZF")])
        await moves(department, returned, [DepartmentReturn(reason="非本部门职责")])
        await moves(operator, returned, [DispatchSingle(department="CGZF")])
        await moves(department, returned, [DepartmentReturn(reason="仍非本部门职责")])
        await moves(
            operator,
            joint,
            [Accept(), File(), DispatchComprehensive(departments=("CGZF", "WGLQ"))],
        )
        await moves(
            operator,
            urged,
            [Accept(), File(), DispatchSingle(department="CGZF"), Urge(message="请加快")],
        )
        return {"returned": numbers[0], "joint": numbers[1], "urged": numbers[2], "all": numbers}
    finally:
        await operator.close()
        await department.close()


def test_board_figures_submit_return_resubmit_sign_search_and_pdf(
    server: ServerThread, clock: ManualClock, loop: qasync.QEventLoop, qtbot: QtBot, tmp_path: Path
) -> None:
    numbers = drive(loop, operator_day(server), 60)
    day = shown_console(
        qtbot, server.url, "supervisor", DEMO_PASSWORD, Role.SUPERVISOR, clock=clock
    )
    day_board, day_panel = board(day), handover_panel(day)
    operator = drive(loop, Peer.connect(server.url, "operator", DEMO_PASSWORD))

    async def the_board() -> None:
        await start(day)
        await settled(day, lambda: day.store.shift is not None and day_board.sessions is not None)
        day_board.ask_presence()  # the operator signed in after the first answer, maybe
        await settled(
            day,
            lambda: (
                any(s.session.user_id == "operator" for s in day_board.presence_model.items)
                and len(day_board.earlier) == day_board.trend_shifts
            ),
        )

    drive(loop, the_board())
    assert day.store.shift is not None
    assert day.store.shift.shift.id == "2026-11-30/day"
    # Who is signed in, and what they hold: the orders they issued (the urged case, the
    # joint one) and the case back at the desk that they reported (returned twice).
    loads = {r.session.user_id: r.load for r in day_board.presence_model.items}
    assert loads["operator"] == 3
    assert loads["supervisor"] == 0
    # What needs attention: the case returned twice, the joint operation, in the lists.
    day_board.recompute()
    returned_twice = [line.number for line in day_board.returned_model.items]
    assert returned_twice == [numbers["returned"]]
    assert [line.number for line in day_board.joint_model.items] == [numbers["joint"]]
    day_board.list_views["returned"].clicked.emit(day_board.returned_model.index(0, 0))
    day.signals.flush()
    assert {day.store.cases[i].number for i in day.store.selection.cases} == {numbers["returned"]}
    # The trend: six earlier shifts (nothing happened then) and this one, last.
    assert day_board.trend.values("received") == [0] * 6 + [3]
    # In the shift's last half hour the panel prompts for the handover.
    assert day_panel.prompt.isVisibleTo(day_panel)
    assert "20:00" in day_panel.prompt_text.text()

    # Generate from the prompt: on its way, then done, in words.
    click(day_panel.prompt_button)
    assert day_panel.status.state == "pending"
    drive(loop, settled(day, lambda: day_panel.status.state != "pending"))
    assert day_panel.status.state == "done", day_panel.status.text()
    handover = day_panel.shown()
    assert handover is not None
    assert handover.state is HandoverState.DRAFT
    assert not day_panel.prompt_button.isVisibleTo(day_panel) or "submit" in (
        day_panel.prompt_text.text()
    )

    # The board's figures are the packet's: the same count, at the same instant.
    drive(loop, settled(day, lambda: day.shifts.refresh() is not None))
    drive(loop, settled(day, lambda: not day.shifts.asking))
    figures = handover.packet.figures
    assert day.store.shift.figures == figures
    assert (figures.received, figures.filed, figures.dispatched) == (3, 3, 3)
    assert (figures.returned, figures.urged) == (2, 1)
    tiles = day_board.tiles
    for name in ("received", "filed", "dispatched", "closed", "overdue", "returned", "urged"):
        assert tiles.text(name) == str(getattr(figures, name)), name
    assert NotableReason.RETURNED_TWICE in next(
        n.reasons for n in handover.packet.notable if n.case.number == numbers["returned"]
    )
    assert numbers["returned"] in day_panel.packet.toPlainText()

    # The outgoing supervisor adds notes and submits; they cannot sign their own.
    day_panel.staffing.setPlainText("王强病假，U-06 顶岗")
    day_panel.equipment.setPlainText("3 号大屏闪烁")
    click(day_panel.submit_button)
    drive(loop, settled(day, lambda: day_panel.status.state != "pending"))
    assert day_panel.status.state == "done", day_panel.status.text()
    submitted = day_panel.shown()
    assert submitted is not None
    assert submitted.state is HandoverState.SUBMITTED
    assert submitted.notes.staffing == "王强病假，U-06 顶岗"
    assert not day_panel.sign_button.isEnabled()
    assert "waiting for the incoming supervisor" in day_panel.state_label.text()

    # 20:05: the night shift has begun; its supervisor signs in and finds the handover.
    clock.advance(timedelta(minutes=25))
    night = shown_console(
        qtbot, server.url, "supervisor2", NIGHT_PASSWORD, Role.SUPERVISOR, clock=clock
    )
    night_panel = handover_panel(night)
    drive(loop, start(night))
    day.shifts.check()  # the tick notices the shift is over
    drive(loop, settled(day, lambda: shift_id(day) == "2026-11-30/night"))
    drive(loop, settled(night, lambda: night_panel.shown() is not None))
    assert night_panel.chooser.currentIndex() == PREVIOUS
    assert day_panel.chooser.currentIndex() == PREVIOUS  # still the day's, not yet signed
    assert night_panel.sign_button.isEnabled()

    # Sending back needs comments: said in words, nothing sent.
    click(night_panel.return_button)
    assert night_panel.status.state == "failed"
    assert "comments" in night_panel.status.text()
    night_panel.comments.setPlainText("请补充设备情况")
    click(night_panel.return_button)
    drive(loop, settled(night, lambda: night_panel.status.state != "pending"))
    assert night_panel.status.state == "done", night_panel.status.text()
    drive(
        loop,
        settled(
            day,
            lambda: (h := day_panel.shown()) is not None and h.state is HandoverState.RETURNED,
        ),
    )
    assert "请补充设备情况" in day_panel.state_label.text()
    assert not day_panel.equipment.isReadOnly()

    # The outgoing supervisor completes the notes and submits again; the incoming one signs.
    day_panel.equipment.setPlainText("3 号大屏闪烁，已报修")
    click(day_panel.submit_button)
    drive(loop, settled(day, lambda: day_panel.status.state != "pending"))
    assert day_panel.status.state == "done", day_panel.status.text()
    drive(
        loop,
        settled(
            night,
            lambda: (
                (h := night_panel.shown()) is not None
                and h.state is HandoverState.SUBMITTED
                and night_panel.sign_button.isEnabled()
            ),
        ),
    )
    night_panel.comments.setPlainText("已阅，接班")
    click(night_panel.sign_button)
    drive(loop, settled(night, lambda: night_panel.status.state != "pending"))
    assert night_panel.status.state == "done", night_panel.status.text()
    drive(
        loop,
        settled(
            day, lambda: (h := day_panel.shown()) is not None and h.state is HandoverState.SIGNED
        ),
    )

    # Signed: read-only for both, and the server refuses any change, in words.
    for panel in (day_panel, night_panel):
        signed = panel.shown()
        assert signed is not None
        assert signed.state is HandoverState.SIGNED
        assert signed.notes.equipment == "3 号大屏闪烁，已报修"
        assert all(e.isReadOnly() for e in (panel.staffing, panel.equipment, panel.other))
        assert panel.comments.isReadOnly()
        for button in (
            panel.generate_button,
            panel.submit_button,
            panel.sign_button,
            panel.return_button,
        ):
            assert not button.isEnabled(), button.objectName()
        assert "can no longer change" in panel.state_label.text()
    signed = day_panel.shown()
    assert signed is not None
    refused = day.store.send_submit_handover(signed.id, signed.notes, None)

    async def refusal() -> str:
        outcomes: list[Any] = []
        day.signals.request_failed.connect(outcomes.append)
        await settled(day, lambda: any(o.request_id == refused for o in outcomes))
        return next(o.text for o in outcomes if o.request_id == refused)

    assert "signed and can no longer change" in drive(loop, refusal())

    # The search finds it by a case number; the PDF holds the case numbers; print it too.
    pdf = tmp_path / "handover.pdf"
    night_panel.ask_path = lambda _parent, suggested: str(pdf)
    printed = tmp_path / "printed.pdf"

    def printer(_parent: QWidget) -> QPrinter:
        device = QPrinter(QPrinter.PrinterMode.HighResolution)
        device.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        device.setOutputFileName(str(printed))
        return device

    night_panel.choose_printer = printer
    night_panel.tabs.setCurrentIndex(1)
    night_panel.search_text.setText(numbers["returned"])
    click(night_panel.search_button)
    assert night_panel.search_status.state == "pending"
    drive(loop, settled(night, lambda: night_panel.search_status.state != "pending"))
    assert night_panel.search_status.state == "done", night_panel.search_status.text()
    assert [h.id for h in night_panel.results_model.items] == [signed.id]
    click(night_panel.export_found_button)
    drive(loop, settled(night, lambda: night_panel.search_status.state != "pending"))
    assert night_panel.search_status.state == "done", night_panel.search_status.text()
    text = pdf_text(pdf)
    for number in numbers["all"]:
        if number in signed.packet.case_numbers():
            assert number in text
    assert numbers["returned"] in text
    assert numbers["joint"] in text
    click(night_panel.print_found_button)
    assert night_panel.search_status.state == "done", night_panel.search_status.text()
    assert numbers["returned"] in pdf_text(printed)

    # Opened from the search, the signed record is shown read-only.
    click(night_panel.open_button)
    assert night_panel.tabs.currentIndex() == 0
    assert night_panel.shown() == signed
    assert night_panel.staffing.isReadOnly()
    assert not night_panel.submit_button.isEnabled()

    async def finish() -> None:
        await operator.close()
        await day.connection.close()
        await night.connection.close()

    drive(loop, finish())


def test_an_unsigned_handover_is_chased_louder_as_time_passes(
    server: ServerThread, clock: ManualClock, loop: qasync.QEventLoop, qtbot: QtBot
) -> None:
    clock.now = datetime(2026, 11, 30, 20, 5, tzinfo=SHANGHAI)  # the day shift is over
    night = shown_console(
        qtbot, server.url, "supervisor", DEMO_PASSWORD, Role.SUPERVISOR, clock=clock
    )
    beeps: list[int] = []
    night.reminder.sound = lambda: beeps.append(1)
    panel = handover_panel(night)
    status = night.window.statusBar()
    drive(loop, start(night))
    night.signals.flush()
    assert night.reminder.check() is ReminderLevel.NONE
    assert not panel.reminder_banner.isVisibleTo(panel)

    def at(minutes: int) -> ReminderLevel:
        clock.now = datetime(2026, 11, 30, 20, 0, tzinfo=SHANGHAI) + timedelta(minutes=minutes)
        return night.reminder.check()

    colours = []
    assert at(11) is ReminderLevel.REMIND
    colours.append(panel.reminder_banner.styleSheet())
    assert panel.reminder_banner.isVisibleTo(panel)
    assert "not signed yet" in panel.reminder_text.text()
    assert beeps == []
    assert status.currentMessage() == ""
    assert at(31) is ReminderLevel.REMIND_AGAIN
    colours.append(panel.reminder_banner.styleSheet())
    assert "still not signed" in panel.reminder_text.text()
    assert beeps == [1]
    assert "still not signed" in status.currentMessage()
    assert at(61) is ReminderLevel.ESCALATE
    assert "Escalated to the leader" in panel.reminder_text.text()
    assert beeps == [1, 1]
    assert night.reminder.ringing
    colours.append(panel.reminder_banner.styleSheet())
    assert len(set(colours)) == 3, "each level its own colour"
    click(panel.silence_button)  # heard: the sound stops, the banner stays
    assert not night.reminder.ringing
    assert panel.reminder_banner.isVisibleTo(panel)

    # The day's handover generated and submitted late, then signed: the reminder ends.
    panel.show_shift(PREVIOUS)
    click(panel.generate_button)
    drive(loop, settled(night, lambda: panel.status.state != "pending"))
    assert panel.status.state == "done", panel.status.text()
    click(panel.submit_button)
    drive(loop, settled(night, lambda: panel.status.state != "pending"))
    assert panel.status.state == "done", panel.status.text()
    handover = panel.shown()
    assert handover is not None

    async def sign() -> None:
        incoming = await Peer.connect(server.url, "supervisor2", NIGHT_PASSWORD)
        try:
            await incoming.synced()
            ack = await incoming.request(SignHandover(id=new_id(), handover_id=handover.id))
            assert isinstance(ack, Ack), ack
        finally:
            await incoming.close()

    drive(loop, sign())
    drive(loop, settled(night, lambda: night.reminder.level is ReminderLevel.NONE))
    assert not panel.reminder_banner.isVisibleTo(panel)
    assert not night.reminder.ringing
    assert "not signed" not in status.currentMessage()
    drive(loop, night.connection.close())
