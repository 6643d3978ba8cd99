"""The dispatcher's case actions: buttons, shortcuts and command-line verbs in one place.

:class:`CaseDesk` is the one object that acts on cases for the console. The detail panel's
buttons, the registered actions (menus, shortcuts, the Ctrl+K palette) and the palette's
command-line verbs (:class:`CaseVerbs`) all call :meth:`CaseDesk.trigger`, which decides
from ``console.case_actions`` what is legal and with which defaults, shows a form where
one is needed (:class:`~views.case_action_dialog.CaseActionDialog`), sends one move per
case through the store, and follows each request to its answer.

Keys (chosen so a routine case goes from report to its department in three keystrokes,
each on the selected case or cases):

=============  ====================================================================
F2             accept
F3             file (category and urgency as reported)
F4             dispatch to the category's department, deadline from the catalogue
Shift+F4       dispatch with the form (department and deadline editable)
F6             assign verification (nearest available grid supervisor suggested)
F7             urge (督办), with a message
F8             close (closing type chosen in the form)
Ctrl+K         the palette: every action above, and verbs such as
               ``dispatch 42 CGZF``, ``accept PD20261130-0042``, ``urge 42 请尽快``
=============  ====================================================================
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from functools import partial
from typing import Final

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget

from console import i18n
from console.actions import ActionRegistry, Command
from console.case_actions import (
    QUICK_ACTIONS,
    ActionInput,
    CaseAction,
    NearbyCase,
    Proposal,
    VerifierSuggestion,
    actor_for,
    build_move,
    default_input,
    enabled_actions,
    merge_pair,
    merge_plan,
    missing_field,
    nearby_cases,
    propose,
    split_legal,
    suggest_verifiers,
)
from console.case_texts import action_name, action_noun, closing_name, usage
from console.connection import action_text, tr_item, translate
from console.item_models import STATE_NAMES, Reference
from console.store import ClientStore, RequestOutcome, StoreSignals
from models.case import Case
from models.catalogue import Catalogue
from models.deadlines import DeadlinePolicy, default_policy
from models.errors import InvalidInput
from models.org import Actor
from net.client import Answer, new_request_id
from net.protocol import Command as CommandMessage
from net.protocol import PhotoResult, QueryHistory, QueryPhoto
from views.case_action_dialog import CaseActionDialog
from views.main_window import MainWindow, native_shortcut

ACTION_PREFIX: Final = "case."
"""Registered actions' ids: ``case.accept``, ``case.dispatch``..."""

SHORTCUTS: Final[dict[str, str]] = {
    "accept": "F2",
    "file": "F3",
    "dispatch": "F4",
    "dispatch_edit": "Shift+F4",
    "assign_verification": "F6",
    "urge": "F7",
    "close": "F8",
}
"""Registered action (id without the prefix) → its key; see the module's table."""

RECORDS_KEPT: Final = 100
"""Action records kept (the newest) for the panel's list of what became of each action."""

PHOTO_CACHE: Final = 64
"""Photos kept in memory (thumbnails come back when a case is shown again)."""


class ActionState(StrEnum):
    """Where one action on one case stands."""

    PENDING = "pending"  # sent, no answer yet
    DONE = "done"  # acknowledged by the server
    FAILED = "failed"  # refused by the server, or no answer
    SKIPPED = "skipped"  # not sent: not legal for this case (a multi-selection)


@dataclass(frozen=True)
class ActionRecord:
    """One action on one case as the operator sees it in the panel.

    Attributes:
        key: The request id (or a made-up key for a skipped case).
        case_id: The case.
        action: The action.
        state: Pending, done, failed or skipped.
        text: What happened, in the user's language.
        code: The server's error code when it failed.
    """

    key: str
    case_id: int
    action: CaseAction
    state: ActionState
    text: str
    code: str | None = None


def _now() -> datetime:
    return datetime.now(UTC)


class CaseDesk(QObject):
    """Acts on the store's cases for the operator: what is legal, with which defaults.

    Args:
        store: The client store (cases, units, positions, selection, user).
        signals: Its coalesced signals.
        catalogue: The category catalogue (departments, deadlines, joint departments).
        reference: Names of categories, departments and streets.
        policy: The deadline policy for showing default deadlines (the shipped calendar).
        clock: "Now", for deadlines, duplicates and stale positions.
        parent: Qt parent (:meth:`attach` makes it the main window).

    Signals:
        actions_changed(): What is legal may have changed (selection, cases, user).
        action_recorded(ActionRecord): An action was sent, skipped or answered.
        dialog_opened(CaseActionDialog): An action's form was opened.
    """

    actions_changed = Signal()
    action_recorded = Signal(object)
    dialog_opened = Signal(object)

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        catalogue: Catalogue,
        reference: Reference,
        *,
        policy: DeadlinePolicy | None = None,
        clock: Callable[[], datetime] = _now,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.signals = signals
        self.catalogue = catalogue
        self.reference = reference
        self.policy = policy or default_policy()
        self.clock = clock
        self.registry: ActionRegistry | None = None
        self.dialog_parent: QWidget | None = None
        self.dialog: CaseActionDialog | None = None
        self.verbs = CaseVerbs(self)
        self.records: OrderedDict[str, ActionRecord] = OrderedDict()
        self._requests: dict[str, ActionRecord] = {}
        self._photos: OrderedDict[str, asyncio.Future[Answer]] = OrderedDict()
        self._enabled: frozenset[CaseAction] | None = None
        self._skips = 0
        signals.selection_changed.connect(self._on_selection_changed)
        signals.cases_changed.connect(self._on_cases_changed)
        signals.cases_removed.connect(self._on_cases_changed)
        signals.user_changed.connect(self._on_user_changed)
        signals.request_succeeded.connect(self._on_answered)
        signals.request_failed.connect(self._on_answered)

    # -- wiring -----------------------------------------------------------------------------

    def attach(self, window: MainWindow) -> None:
        """Register the case actions with the window's registry (menus, shortcuts, palette),
        add the verbs to its palette, and open forms over it."""
        self.setParent(window)
        self.dialog_parent = window
        self.registry = window.registry
        for key, action, edit in (
            ("accept", CaseAction.ACCEPT, False),
            ("file", CaseAction.FILE, False),
            ("dispatch", CaseAction.DISPATCH, False),
            ("dispatch_edit", CaseAction.DISPATCH, True),
            ("dispatch_comprehensive", CaseAction.DISPATCH_COMPREHENSIVE, True),
            ("escalate", CaseAction.ESCALATE, True),
            ("approve_extension", CaseAction.APPROVE_EXTENSION, False),
            ("deny_extension", CaseAction.DENY_EXTENSION, True),
            ("urge", CaseAction.URGE, True),
            ("assign_verification", CaseAction.ASSIGN_VERIFICATION, True),
            ("close", CaseAction.CLOSE, True),
            ("rework", CaseAction.REWORK, True),
            ("suspend", CaseAction.SUSPEND, True),
            ("resume", CaseAction.RESUME, False),
            ("merge", CaseAction.MERGE, True),
            ("void", CaseAction.VOID, True),
        ):
            window.registry.add(
                f"{ACTION_PREFIX}{key}",
                partial(self._registered_text, key),
                partial(self.trigger, action, edit=edit),
                SHORTCUTS.get(key, ""),
                enabled=partial(self.enabled, action),
            )
        window.command_palette.add_provider(self.verbs)

    def _registered_text(self, key: str) -> str:
        texts = {
            "accept": self.tr("Accept the selected case"),
            "file": self.tr("File the selected case"),
            "dispatch": self.tr("Dispatch to the default department"),
            "dispatch_edit": self.tr("Dispatch…"),
            "dispatch_comprehensive": self.tr("Comprehensive dispatch (joint patrol)…"),
            "escalate": self.tr("Leader coordination…"),
            "approve_extension": self.tr("Approve the extension"),
            "deny_extension": self.tr("Deny the extension…"),
            "urge": self.tr("Urge (督办)…"),
            "assign_verification": self.tr("Assign verification…"),
            "close": self.tr("Close the case…"),
            "rework": self.tr("Rework (verification failed)…"),
            "suspend": self.tr("Suspend…"),
            "resume": self.tr("Resume"),
            "merge": self.tr("Merge duplicates…"),
            "void": self.tr("Void the report…"),
        }
        return texts[key]

    # -- reading ----------------------------------------------------------------------------

    def actor(self) -> Actor | None:
        """The signed-in user as the workflow's actor (``None`` before sign-in)."""
        user = self.store.user
        return actor_for(user) if user is not None else None

    def cases(self, case_ids: Iterable[int] | None = None) -> list[Case]:
        """The cases with these ids (default: the selection) that the store has, by number."""
        ids = self.store.selection.cases if case_ids is None else case_ids
        found = (self.store.cases.get(i) for i in ids)
        return sorted((c for c in found if c is not None), key=lambda c: (c.number, c.id))

    def focus_case(self) -> Case | None:
        """The case the detail panel shows: the first selected."""
        selected = self.cases()
        return selected[0] if selected else None

    def enabled_set(self, cases: Sequence[Case]) -> frozenset[CaseAction]:
        """Actions legal for at least one of ``cases`` (merge: also for a whole selection)."""
        actor = self.actor()
        if actor is None or not cases:
            return frozenset()
        legal: set[CaseAction] = set()
        for case in cases:
            legal |= enabled_actions(case, actor)
        if len(cases) > 1:
            legal.discard(CaseAction.MERGE)
            if merge_plan(cases, actor) is not None:
                legal.add(CaseAction.MERGE)
        return frozenset(legal)

    def enabled(self, action: CaseAction) -> bool:
        """Whether ``action`` is legal for the selection now."""
        if self._enabled is None:
            self._enabled = self.enabled_set(self.cases())
        return action in self._enabled

    def chinese(self) -> bool:
        """Whether names are shown in Chinese (the current language)."""
        app = QApplication.instance()
        return app is not None and i18n.current_language(app) == i18n.CHINESE

    def department_name(self, code: str) -> str:
        return self.reference.department(code, self.chinese())

    def category_name(self, code: str) -> str:
        return self.reference.category(code, self.chinese())

    def street_name(self, code: str) -> str:
        return self.reference.street(code, self.chinese())

    def verifier_suggestions(self, case: Case) -> list[VerifierSuggestion]:
        """Nearest available grid supervisors in the case's street (live positions)."""
        return suggest_verifiers(case, self.store.units, self.store.positions, self.clock())

    def suggested_verifier(self, case: Case) -> str:
        """The unit id of the nearest available grid supervisor, or ``""``."""
        suggestions = self.verifier_suggestions(case)
        return suggestions[0].unit.unit_id if suggestions else ""

    def nearby(self, case: Case) -> list[NearbyCase]:
        """Possible duplicates of ``case`` among the store's cases, nearest first."""
        return nearby_cases(case, self.store.cases.values(), self.clock())

    def merge_targets(self, case: Case) -> list[NearbyCase]:
        """Nearby cases ``case`` itself may be merged into."""
        actor = self.actor()
        if actor is None:
            return []
        return [n for n in self.nearby(case) if merge_pair(case, n.case, actor) == (case, n.case)]

    # -- acting -----------------------------------------------------------------------------

    def trigger(
        self,
        action: CaseAction,
        case_ids: Iterable[int] | None = None,
        *,
        edit: bool = False,
        preset: ActionInput | None = None,
    ) -> None:
        """Take ``action`` on the cases (default: the selection).

        Sent at once when the action needs no more than its defaults (accept, file,
        dispatch to the default department...) or ``preset`` is complete; else its form
        opens. Merging a multi-selection merges every duplicate into one case (see
        ``merge_plan``).
        """
        cases = self.cases(case_ids)
        actor = self.actor()
        if actor is None or not cases:
            return
        if action is CaseAction.MERGE and len(cases) > 1:
            plan = merge_plan(cases, actor)
            if plan is not None:
                target, duplicates = plan
                self.send(action, duplicates, ActionInput(into_case=target.id))
            return
        legal, _skipped = split_legal(action, cases, actor)
        if not legal:
            return
        data = preset or self.defaults(action, legal[0], actor)
        if (
            not edit
            and missing_field(action, data) is None
            and (preset is not None or action in QUICK_ACTIONS)
        ):
            self.send(action, cases, data)
        else:
            self.open_form(action, cases, data)

    def defaults(self, action: CaseAction, case: Case, actor: Actor) -> ActionInput:
        """The form of ``action`` on ``case`` as it opens (catalogue, positions, nearby)."""
        data = default_input(
            action,
            case,
            actor,
            verifier=(
                self.suggested_verifier(case) if action is CaseAction.ASSIGN_VERIFICATION else ""
            ),
        )
        if action is CaseAction.MERGE:
            targets = self.merge_targets(case)
            if targets:
                data = replace(data, into_case=targets[0].case.id)
        return data

    def open_form(self, action: CaseAction, cases: Sequence[Case], data: ActionInput) -> None:
        """Open the form of ``action``; confirming it sends against the revisions shown now."""
        if self.dialog is not None:
            self.dialog.reject()
        revisions = {c.id: c.revision for c in cases}
        dialog = CaseActionDialog(self, action, list(cases), data, self.dialog_parent)
        dialog.accepted.connect(
            lambda: self.send(action, self.cases(revisions), dialog.data(), revisions)
        )
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self.dialog = dialog
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _forget_dialog(self, dialog: CaseActionDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def send(
        self,
        action: CaseAction,
        cases: Sequence[Case],
        data: ActionInput,
        revisions: Mapping[int, int] | None = None,
    ) -> list[ActionRecord]:
        """Make ``action`` on each case: one command per case where it is legal, a skipped
        record for each other; each command's record follows it to its answer.

        Args:
            action: The action.
            cases: The cases.
            data: The form.
            revisions: Case id → the revision the operator decided on (default: each
                case's revision now); a case changed since is refused as a conflict.
        """
        actor = self.actor()
        if actor is None:
            return []
        legal, skipped = split_legal(action, cases, actor)
        records = [self._skip(action, case) for case in skipped]
        for case in legal:
            try:
                move = build_move(action, case, data)
            except InvalidInput as exc:
                records.append(self._failed_locally(action, case, exc))
                continue
            expected = (revisions or {}).get(case.id, case.revision)
            request_id = self.store.send_move(case.id, move, expected)
            message = CommandMessage(id=request_id, case_id=case.id, move=move)
            text = self.tr("{action}: sending…").format(action=action_text(message, self.store))
            record = ActionRecord(request_id, case.id, action, ActionState.PENDING, text)
            self._requests[request_id] = record
            records.append(self._record(record))
        return records

    def merge(self, duplicate: Case, target: Case) -> list[ActionRecord]:
        """Merge ``duplicate`` into ``target`` (from the nearby list)."""
        return self.send(CaseAction.MERGE, [duplicate], ActionInput(into_case=target.id))

    def run_proposal(self, proposal: Proposal) -> None:
        """Carry out what a verb proposed: at once if complete, else through its form."""
        self.trigger(
            proposal.action,
            [c.id for c in proposal.cases],
            edit=proposal.missing is not None,
            preset=proposal.data,
        )

    def _skip(self, action: CaseAction, case: Case) -> ActionRecord:
        self._skips += 1
        text = self.tr("{action} of case {case}: skipped, not allowed while it is “{state}”")
        record = ActionRecord(
            f"skip-{self._skips}",
            case.id,
            action,
            ActionState.SKIPPED,
            text.format(
                action=action_noun(action),
                case=case.number,
                state=tr_item(STATE_NAMES[case.state]),
            ),
        )
        return self._record(record)

    def _failed_locally(self, action: CaseAction, case: Case, exc: InvalidInput) -> ActionRecord:
        self._skips += 1
        text = self.tr("{action} of case {case}: not sent, field {field} {problem}").format(
            action=action_noun(action), case=case.number, field=exc.field, problem=exc.problem
        )
        record = ActionRecord(
            f"invalid-{self._skips}", case.id, action, ActionState.FAILED, text, "invalid_input"
        )
        return self._record(record)

    def _record(self, record: ActionRecord) -> ActionRecord:
        self.records[record.key] = record
        self.records.move_to_end(record.key)
        while len(self.records) > RECORDS_KEPT:
            self.records.popitem(last=False)
        self.action_recorded.emit(record)
        return record

    def _on_answered(self, outcome: RequestOutcome) -> None:
        pending = self._requests.pop(outcome.request_id, None)
        if pending is None:
            return
        state = ActionState.DONE if outcome.ok else ActionState.FAILED
        self._record(replace(pending, state=state, text=outcome.text, code=outcome.code))

    # -- queries ----------------------------------------------------------------------------

    def history(self, case_id: int) -> asyncio.Future[Answer]:
        """The case's flow history (a ``HistoryResult``), asked of the server.

        Raises:
            ConnectionError: No connection.
        """
        return asyncio.ensure_future(
            self.store.query(QueryHistory(id=new_request_id("h"), case_id=case_id))
        )

    def photo(self, photo_id: str) -> asyncio.Future[Answer]:
        """A stored photo (a ``PhotoResult``), from the cache or the server.

        Raises:
            ConnectionError: No connection.
        """
        future = self._photos.get(photo_id)
        if future is not None and not (future.done() and _failed(future)):
            self._photos.move_to_end(photo_id)
            return future
        future = asyncio.ensure_future(
            self.store.query(QueryPhoto(id=new_request_id("p"), photo_id=photo_id))
        )
        self._photos[photo_id] = future
        while len(self._photos) > PHOTO_CACHE:
            self._photos.popitem(last=False)
        return future

    # -- reacting to the store --------------------------------------------------------------

    def _changed(self) -> None:
        self._enabled = None
        if self.registry is not None:
            self.registry.states_changed()
        self.actions_changed.emit()

    def _on_selection_changed(self, _selection: object) -> None:
        self._changed()

    def _on_cases_changed(self, case_ids: set[int]) -> None:
        if not case_ids.isdisjoint(self.store.selection.cases):
            self._changed()

    def _on_user_changed(self, _user: object) -> None:
        self._changed()


def _failed(future: asyncio.Future[Answer]) -> bool:
    return (
        future.cancelled()
        or future.exception() is not None
        or not isinstance(future.result(), PhotoResult)
    )


class CaseVerbs:
    """The palette's command-line verbs (a ``CommandProvider``): ``dispatch 42 CGZF``.

    Each line is one way to complete what was typed (see ``case_actions.propose``);
    running it acts at once, or opens the form when something required is missing.
    """

    def __init__(self, desk: CaseDesk) -> None:
        self.desk = desk

    def commands(self, query: str) -> list[Command]:
        desk = self.desk
        store = desk.store
        proposals = propose(
            query,
            cases=store.cases,
            selection=store.selection.cases,
            actor=desk.actor(),
            catalogue=desk.catalogue,
            verifier_for=desk.suggested_verifier,
        )
        return [
            Command(
                key=f"verb.{p.action.value}.{'-'.join(str(c.id) for c in p.cases)}.{i}",
                title=self.describe(p),
                detail=usage(p.action),
                run=partial(desk.run_proposal, p),
            )
            for i, p in enumerate(proposals)
        ]

    def describe(self, proposal: Proposal) -> str:
        """What a proposal does, in words: "Dispatch PD20261130-0042 to 城管执法局 (CGZF)"."""
        desk = self.desk
        data = proposal.data
        cases = proposal.cases
        name = action_name(proposal.action)
        what = (
            cases[0].number
            if len(cases) == 1
            else translate("CaseVerbs", "{count} selected cases").format(count=len(cases))
        )
        action = proposal.action
        if proposal.missing is not None:
            return translate("CaseVerbs", "{action} {cases}: fill in the form…").format(
                action=name, cases=what
            )
        if action is CaseAction.DISPATCH:
            if data.department is None and len(cases) > 1:
                target = translate("CaseVerbs", "each case's own department")
            else:
                code = data.department or desk.catalogue.category(cases[0].category).department
                target = f"{desk.department_name(code)} ({code})"
            return translate("CaseVerbs", "{action} {cases} to {department}").format(
                action=name, cases=what, department=target
            )
        if action is CaseAction.DISPATCH_COMPREHENSIVE:
            codes = (
                data.departments
                if data.departments is not None
                else desk.catalogue.category(cases[0].category).joint_departments
            )
            return translate("CaseVerbs", "{action} {cases}, convening {departments}").format(
                action=name, cases=what, departments=", ".join(codes) or "—"
            )
        if action is CaseAction.MERGE and data.into_case is not None:
            target_case = desk.store.cases.get(data.into_case)
            into = target_case.number if target_case else f"#{data.into_case}"
            return translate("CaseVerbs", "{action} {cases} into {target}").format(
                action=name, cases=what, target=into
            )
        if action is CaseAction.CLOSE:
            return translate("CaseVerbs", "{action} {cases} ({closing})").format(
                action=name, cases=what, closing=closing_name(data.closing_type)
            )
        if action is CaseAction.ASSIGN_VERIFICATION:
            return translate("CaseVerbs", "{action} {cases} to {verifier}").format(
                action=name, cases=what, verifier=data.verifier
            )
        text = data.reason or data.message or data.note
        if text:
            return translate("CaseVerbs", "{action} {cases}: {text}").format(
                action=name, cases=what, text=text
            )
        return translate("CaseVerbs", "{action} {cases}").format(action=name, cases=what)


def shortcut_hint(action_key: str) -> str:
    """The key of a registered case action (``""`` if none), as the buttons' tooltips say."""
    key = SHORTCUTS.get(action_key, "")
    return native_shortcut(key) if key else ""
