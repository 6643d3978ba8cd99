"""The case detail panel, its forms and the palette's verbs, on the console ``main.py`` wires.

No server here: the store is fed the messages a server would send (a welcome naming the
user, a snapshot), so each role's view of a case is checked directly. The round trip to a
real backend is ``test_case_desk_end_to_end.py``.
"""

from __future__ import annotations

from datetime import timedelta

import msgspec
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QLineEdit, QTreeWidget
from pytestqt.qtbot import QtBot

from console.case_actions import CaseAction
from console.workspace import Role as Workspace
from main import Console, build_console
from models.case import CaseState, DispatchLevel, Order, OrderState
from models.org import Role, User
from tests.unit.client_factories import T0, make_case, snapshot, welcome
from views.case_action_dialog import CaseActionDialog
from views.case_desk import ActionState, CaseDesk
from views.case_detail_panel import CaseDetailPanel

A = CaseAction

ORDER = Order(
    no=1,
    department="HW",
    level=DispatchLevel.SINGLE,
    issued_at=T0,
    issued_by="operator",
    deadline=T0 + timedelta(hours=4),
    working=True,
    state=OrderState.HANDLED,
    handled_at=T0 + timedelta(hours=1),
    result="已清运",
)


def signed_in(console: Console, role: Role, cases: list) -> None:
    user = User(user_id=role.value, name=role.value, role=role)
    console.store.apply(msgspec.structs.replace(welcome(), user=user))
    for chunk in snapshot(10, cases):
        console.store.apply(chunk)
    console.signals.flush()


@pytest.fixture
def console(qtbot: QtBot, english: None) -> Console:
    built = build_console("ws://127.0.0.1:9", "supervisor", "unused", Workspace.DISPATCHER)
    qtbot.addWidget(built.window)
    built.window.show()
    qtbot.waitExposed(built.window)
    # Not connected: whatever is sent is answered at once with "not connected".
    built.store.sink = None
    return built


def parts(console: Console) -> tuple[CaseDesk, CaseDetailPanel]:
    panel = console.window.panels["case_detail"]
    assert isinstance(panel, CaseDetailPanel)
    return panel.desk, panel


def cell(tree: QTreeWidget, row: int, column: int) -> str:
    item = tree.topLevelItem(row)
    assert item is not None
    return item.text(column)


def field(panel: CaseDetailPanel, name: str) -> QLabel:
    label = panel.findChild(QLabel, f"caseField-{name}")
    assert label is not None
    return label


def test_a_supervisor_sees_every_field_and_the_moves_of_verification(
    console: Console, qtbot: QtBot
) -> None:
    case = make_case(
        7,
        state=CaseState.AWAITING_VERIFICATION,
        orders=(ORDER,),
        urge_level=1,
        urge_count=2,
        step_deadline=T0 + timedelta(minutes=90),
        step_started_at=T0 + timedelta(hours=1),
    )
    signed_in(console, Role.SUPERVISOR, [case, make_case(8)])
    desk, panel = parts(console)
    console.store.select_cases([7])
    console.signals.flush()
    assert panel.title.text() == "PD20261130-0007"
    assert (
        panel.status.text()
        == "Awaiting verification · Normal · Exposed garbage · Lujiazui · Supervised"
    )
    assert field(panel, "category").text() == "E0102 Exposed garbage"
    assert field(panel, "supervision").text() == "level 1, urged 2 times"
    assert field(panel, "step").text() == "since 2026-11-30 10:00, due 2026-11-30 10:30"
    assert field(panel, "void_reason").isHidden(), "a field without a value is not shown"
    assert cell(panel.orders, 0, 1) == "Sanitation Contractor (HW)"
    assert cell(panel.orders, 0, 5) == "Handled"
    assert cell(panel.orders, 0, 7) == "已清运"
    assert panel.enabled_actions() == {A.ASSIGN_VERIFICATION, A.URGE, A.CLOSE, A.REWORK}
    assert panel.buttons[A.ACCEPT].toolTip() == "Accept (F2)"

    # Close: after verification (no reason needed), or decided, with a reason.
    panel.buttons[A.CLOSE].click()
    dialog = desk.dialog
    assert isinstance(dialog, CaseActionDialog)
    closing = dialog.fields["closing_type"]
    assert isinstance(closing, QComboBox)
    assert [closing.itemText(i) for i in range(closing.count())] == [
        "Verification passed (normal or overdue, as the deadline says)",
        "Erroneous",
        "Special",
    ]
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    closing.setCurrentIndex(2)
    assert not ok.isEnabled()
    assert dialog.problem.text() == "Required: Reason"
    reason = dialog.fields["reason"]
    assert isinstance(reason, QLineEdit)
    qtbot.keyClicks(reason, "duplicate filing")
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    # No connection here: the operator is told so, case by case.
    (record,) = [r for r in desk.records.values() if r.case_id == 7]
    assert (record.action, record.state) == (A.CLOSE, ActionState.PENDING)
    console.signals.flush()
    (record,) = [r for r in desk.records.values() if r.case_id == 7]
    assert (record.state, record.code) == (ActionState.FAILED, "offline")


def test_an_operator_dispatches_a_multi_selection_through_the_form(
    console: Console, qtbot: QtBot
) -> None:
    cases = [
        make_case(1, state=CaseState.AWAITING_DISPATCH),
        make_case(2, state=CaseState.AWAITING_DISPATCH, category="C0101"),
        make_case(3, state=CaseState.AWAITING_ACCEPTANCE),
    ]
    signed_in(console, Role.OPERATOR, cases)
    desk, panel = parts(console)
    console.store.select_cases([1, 2, 3])
    console.signals.flush()
    assert panel.selection_note.text() == (
        "3 cases selected: actions apply to each case they are allowed for."
    )
    assert panel.enabled_actions() == {
        A.ACCEPT,
        A.VOID,
        A.MERGE,
        A.DISPATCH,
        A.DISPATCH_COMPREHENSIVE,
        A.ESCALATE,
    }
    qtbot.keyClick(console.window, Qt.Key.Key_F4, Qt.KeyboardModifier.ShiftModifier)
    dialog = desk.dialog
    assert isinstance(dialog, CaseActionDialog)
    department = dialog.fields["department"]
    assert isinstance(department, QComboBox)
    assert department.currentText() == "Each case's own department (from its category)"
    assert department.currentData() is None
    assert dialog.deadline_default.text() == (
        "From the catalogue, by each case's category and urgency"
    )
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    console.signals.flush()
    by_case = {r.case_id: r for r in desk.records.values()}
    assert by_case[3].state is ActionState.SKIPPED
    assert by_case[3].text == (
        "Dispatch of case PD20261130-0003: skipped, not allowed while it is “Awaiting acceptance”"
    )
    assert by_case[1].state is by_case[2].state is ActionState.FAILED
    assert by_case[1].code == by_case[2].code == "offline"


def test_palette_verbs_complete_departments_and_cases(console: Console, qtbot: QtBot) -> None:
    signed_in(
        console,
        Role.OPERATOR,
        [make_case(2, state=CaseState.AWAITING_DISPATCH), make_case(3)],
    )
    palette = console.window.command_palette
    qtbot.keyClick(console.window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(palette.filter, "dispatch 2 cg")
    assert [(c.title, c.detail) for c in palette.shown_commands()] == [
        (
            "Dispatch PD20261130-0002 to Urban Management Law Enforcement Bureau (CGZF)",
            "dispatch <case> [department] [instructions]",
        )
    ]
    palette.filter.clear()
    qtbot.keyClicks(palette.filter, "dispatch")
    verbs = [c for c in palette.shown_commands() if c.key.startswith("verb.")]
    assert [c.title for c in verbs] == ["Dispatch PD20261130-0002 to Sanitation Contractor (HW)"], (
        "only the case it is legal for"
    )
    palette.filter.clear()
    qtbot.keyClicks(palette.filter, "void 3")
    (line,) = palette.shown_commands()
    assert line.title == "Void PD20261130-0003: fill in the form…"
    qtbot.keyClick(palette.filter, Qt.Key.Key_Return)
    dialog = console.window.findChild(CaseActionDialog)
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.problem.text() == "Required: Reason"
