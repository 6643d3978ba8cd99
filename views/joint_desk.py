"""The console's joint operations and patrol areas: the one object that acts on them.

:class:`JointDesk` is to joint operations what :class:`~views.case_desk.CaseDesk` is to
cases: the panels' buttons and the registered actions (menus, the Ctrl+K palette) call it;
it opens the convening and patrol forms, sends every move through the store, and asks the
server for a patrol area's coverage, which it shows on every map of the window.

A comprehensive dispatch (综合派单) done at the case desk opens the convening form for that
case, filled in from the category's response template: the desk follows the case desk's
records, so the case desk itself needs no change.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from console.attention import AttentionWatch
from console.case_actions import CaseAction, actor_for
from console.convening import blank_draft, draft_for_case, recommendations
from console.item_models import Reference
from console.shift_watch import query_failure, when_answered
from console.store import ClientStore, StoreSignals
from models.catalogue import Catalogue
from models.joint import (
    CENTRE_ROLES,
    AddUnit,
    AnyJointMove,
    Cancel,
    Complete,
    JointOperation,
    Recommendation,
    Release,
    ReplaceUnit,
    allowed_joint_moves,
)
from models.org import Actor
from models.patrol import AssignPatrol, CancelPatrol
from models.shifts import Shift, ShiftSchedule, default_schedule
from net.client import Answer, new_request_id
from net.protocol import CoverageResult, QueryCoverage
from views.case_desk import ActionRecord, ActionState, CaseDesk
from views.convene_dialog import ConveneDialog
from views.main_window import MainWindow
from views.patrol_dialog import PatrolDialog
from widgets.map.live_map import LiveMap

CONVENE_ACTION = "joint.convene"
PATROL_ACTION = "joint.assign_patrol"


class JointDesk(QObject):
    """Convenes joint operations, makes their moves, assigns patrol areas, shows coverage.

    Args:
        store: The store.
        signals: Its signals.
        catalogue: Departments and categories (templates, agencies).
        reference: Names.
        watch: The console's clock and reminders.
        schedule: The shifts (the patrol form's choice, the board's roster).
        parent: Qt parent (:meth:`attach` makes it the main window).

    Attributes:
        coverage: Assignment id → the last coverage answer.
        dialog: The convening or patrol form open now, if any.

    Signals:
        dialog_opened(QDialog): A convening or patrol form was opened.
        coverage_changed(int): A coverage answer arrived (the assignment's id).
        problem(str): Something the operator asked for failed, in words.
    """

    dialog_opened = Signal(object)
    coverage_changed = Signal(int)
    problem = Signal(str)

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        catalogue: Catalogue,
        reference: Reference,
        watch: AttentionWatch,
        *,
        schedule: ShiftSchedule | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.signals = signals
        self.catalogue = catalogue
        self.reference = reference
        self.watch = watch
        self.schedule = schedule or default_schedule()
        self.window: MainWindow | None = None
        self.dialog: ConveneDialog | PatrolDialog | None = None
        self.coverage: dict[int, CoverageResult] = {}
        self._shown_coverage: int | None = None

    @property
    def now(self) -> Callable[[], datetime]:
        return self.watch.now

    def attach(self, window: MainWindow, cases: CaseDesk | None = None) -> None:
        """Register the actions with the window (menus, palette), open forms over it, and
        follow the case desk's comprehensive dispatches."""
        self.setParent(window)
        self.window = window
        window.registry.add(
            CONVENE_ACTION,
            lambda: self.tr("Convene joint patrol…"),
            self.open_convene,
            enabled=self.may_act,
        )
        window.registry.add(
            PATROL_ACTION,
            lambda: self.tr("Assign patrol area…"),
            self.open_patrol,
            enabled=self.may_act,
        )
        self.signals.user_changed.connect(lambda _user: window.registry.states_changed())
        if cases is not None:
            cases.action_recorded.connect(self._case_action)

    # -- who

    def actor(self) -> Actor | None:
        user = self.store.user
        return actor_for(user) if user is not None else None

    def may_act(self) -> bool:
        """Whether the signed-in user convenes and assigns (the centre's roles)."""
        actor = self.actor()
        return actor is not None and actor.role in CENTRE_ROLES

    def allowed(self, op: JointOperation) -> list[str]:
        """The operation-wide moves the signed-in user may make on ``op`` now."""
        actor = self.actor()
        return allowed_joint_moves(op, actor) if actor is not None else []

    # -- convening

    def open_convene(self, case_id: int | None = None) -> ConveneDialog | None:
        """Open the convening form: for a case (its template and place) or from nothing."""
        if not self.may_act():
            return None
        now = self.now()
        case = self.store.cases.get(case_id) if case_id is not None else None
        if case is not None:
            draft = draft_for_case(case, self.catalogue, self.store.response_templates, now)
        else:
            draft = blank_draft(now)
        dialog = ConveneDialog(
            self.store,
            self.signals,
            self.catalogue,
            self.reference,
            draft,
            clock=self.now,
            stale_after=self.watch.stale_after,
            parent=self._dialog_parent(),
        )
        dialog.pick_requested.connect(lambda: self._pick_for(dialog))
        self._open(dialog)
        return dialog

    def _case_action(self, record: ActionRecord) -> None:
        if record.action is CaseAction.DISPATCH_COMPREHENSIVE and record.state is ActionState.DONE:
            self.open_convene(record.case_id)

    def _pick_for(self, dialog: ConveneDialog) -> None:
        """The next click on a map of the window places the meeting point."""
        if self.window is None:
            return
        for live_map in self.window.findChildren(LiveMap):
            live_map.begin_pick()
            live_map.picked.connect(dialog.set_point, Qt.ConnectionType.SingleShotConnection)

    # -- moves on an operation

    def send(self, op: JointOperation, move: AnyJointMove) -> str:
        """Make ``move`` on ``op`` against the revision the operator sees; the request id."""
        return self.store.send_joint(op.id, move, op.revision)

    def candidates(
        self, op: JointOperation, agencies: Sequence[str] | None = None
    ) -> list[Recommendation]:
        """Available units of the operation's agencies (or of ``agencies``) nearest to its
        meeting point, best first (to add, or to replace a unit)."""
        draft = replace(
            blank_draft(self.now()), agencies=tuple(agencies or op.agencies), lon=op.lon, lat=op.lat
        )
        found = recommendations(
            draft,
            self.store.live_units(),
            self.store.joint_operations.values(),
            self.now(),
            stale_after=self.watch.stale_after,
        )
        ranked = [r for recs in found.values() for r in recs]
        return sorted(ranked, key=lambda r: (r.eta_s, r.unit_id))

    def add_unit(self, op: JointOperation, unit_id: str) -> str:
        return self.send(op, AddUnit(unit_id=unit_id))

    def replace_unit(self, op: JointOperation, unit_id: str, by: str, reason: str) -> str:
        return self.send(op, ReplaceUnit(unit_id=unit_id, by=by, reason=reason))

    def release(self, op: JointOperation, unit_id: str, note: str = "") -> str:
        return self.send(op, Release(unit_id=unit_id, note=note))

    def complete(self, op: JointOperation, outcome: str) -> str:
        return self.send(op, Complete(outcome=outcome))

    def cancel(self, op: JointOperation, reason: str) -> str:
        return self.send(op, Cancel(reason=reason))

    # -- patrol areas

    def shifts(self) -> list[Shift]:
        """The shifts a patrol area can be assigned for: the current one and the next."""
        current = self.schedule.shift_at(self.now())
        return [current, self.schedule.next_shift(current)]

    def open_patrol(self) -> PatrolDialog | None:
        """Open the patrol form for the units and cells selected now."""
        if not self.may_act():
            return None
        selection = self.store.selection
        dialog = PatrolDialog(
            self.store,
            self.reference,
            self.shifts(),
            sorted(selection.units),
            sorted(selection.cells),
            self._dialog_parent(),
        )
        dialog.accepted.connect(lambda: self._assign_from(dialog))
        self._open(dialog)
        return dialog

    def _assign_from(self, dialog: PatrolDialog) -> None:
        shift = dialog.chosen_shift()
        self.assign(
            dialog.chosen_units(),
            dialog.cells,
            dialog.chosen_streets(),
            shift.start,
            shift.end,
            dialog.note.text(),
        )

    def assign(
        self,
        units: Sequence[str],
        cells: Sequence[str],
        streets: Sequence[str],
        starts_at: datetime,
        ends_at: datetime,
        note: str = "",
    ) -> list[str]:
        """Assign the area to each unit for the stretch; the request ids."""
        return [
            self.store.send_patrol(
                AssignPatrol(
                    unit_id=unit_id,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    cells=tuple(cells),
                    streets=tuple(streets),
                    note=note,
                )
            )
            for unit_id in units
        ]

    def withdraw(self, assignment_id: int, reason: str) -> str:
        return self.store.send_patrol(CancelPatrol(assignment_id=assignment_id, reason=reason))

    def coverage_share(self, assignment_id: int) -> float | None:
        found = self.coverage.get(assignment_id)
        return found.share if found is not None else None

    def show_coverage(self, assignment_id: int) -> asyncio.Future[Answer] | None:
        """Ask how much of the assignment its unit's track covered; the answer is drawn on
        every map of the window (assigned cells outlined, visited ones filled)."""
        try:
            future = asyncio.ensure_future(
                self.store.query(
                    QueryCoverage(id=new_request_id("cv"), assignment_id=assignment_id)
                )
            )
        except ConnectionError:
            self.problem.emit(self.tr("Not connected: the coverage cannot be read now."))
            return None
        self._shown_coverage = assignment_id
        when_answered(future, self, "_coverage_answered")
        return future

    def _coverage_answered(self, future: asyncio.Future[Answer]) -> None:
        failure = query_failure(future)
        if failure is not None:
            if failure:
                self.problem.emit(
                    self.tr("The coverage could not be read: %1").replace("%1", failure)
                )
            return
        result = future.result()
        if not isinstance(result, CoverageResult):
            return
        self.coverage[result.assignment_id] = result
        if result.assignment_id == self._shown_coverage:
            for live_map in self._maps():
                live_map.set_patrol_area(result.cells, result.visited)
        self.coverage_changed.emit(result.assignment_id)

    def clear_coverage(self) -> None:
        self._shown_coverage = None
        for live_map in self._maps():
            live_map.set_patrol_area((), ())

    # -- helpers

    def _maps(self) -> list[LiveMap]:
        return self.window.findChildren(LiveMap) if self.window is not None else []

    def _dialog_parent(self) -> QWidget | None:
        return self.window

    def _open(self, dialog: ConveneDialog | PatrolDialog) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _forget(self, dialog: ConveneDialog | PatrolDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
