"""The shift handover (交接班) at the supervisor's desk: generate, add notes, submit; review,
sign or send back; find past handovers, export them to PDF and print them.

::

    ┌ ! Reminder: the handover of 白班 11-30 is still not signed (35 min after its end). ┐
    ┌ 白班 11-30 ends at 20:00 (in 25 min): generate the handover packet. [Generate now] ┐
    │ [Handover] [Past handovers]                                                       │
    │ Shift: [This shift: 白班 11-30 ▾]  Submitted, awaiting signature · revision 2 · …  │
    │ ┌ the packet, as it prints: figures, open cases by state, overdue, joint, … ┐      │
    │ Staffing notes [..........]  Equipment notes [..........]  Other [..........]     │
    │ Comments of the incoming supervisor [..........]                                  │
    │ [Generate] [Submit] [Sign] [Send back]              [Export PDF…] [Print…]        │
    │ Submitting handover 310115/2026-11-30/day: done                                   │
    └───────────────────────────────────────────────────────────────────────────────────┘

The panel shows the current shift's handover or the previous one's (by default the
previous one while it is not signed: what the incoming supervisor signs, and what the
outgoing one still finishes after the boundary), or one opened from the search. The
packet is the printed record's own document (:func:`widgets.handover_report.
handover_document`). What may be done follows the handover's state and who is looking:
the notes are edited in a draft or returned handover, the incoming supervisor (not the one
who submitted) signs or sends back a submitted one, and a signed handover is read-only.

Every action says that it is on its way, then that it is done or why the server refused,
in words (the connection's). Commands go through the store; queries are awaited.

In the last ``prompt_minutes`` of the shift a banner prompts for the handover until it is
submitted. After the shift's end, the console's :class:`~console.shift_watch.
HandoverReminder` chases an unsigned one; the banner shows its level in colour.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Final

from PySide6.QtCore import QCoreApplication, QEvent, QStandardPaths, Qt, QTimer
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from console.item_models import format_duration, local_time
from console.shift_models import HandoverListModel, handover_state_name
from console.shift_watch import (
    HandoverReminder,
    ShiftWatch,
    query_failure,
    shift_name,
    when_answered,
)
from console.store import ClientStore, RequestOutcome, StoreSignals
from console.theme import STATUS_COLOURS
from models.handover import (
    MAX_TEXT,
    Handover,
    HandoverNotes,
    HandoverState,
    ReminderLevel,
    handover_id,
)
from models.org import Role
from models.shifts import Shift
from net.client import Answer, new_request_id
from net.protocol import HandoverResult, HandoversPage, QueryHandover, QueryHandovers
from widgets.handover_report import handover_document, print_handover, write_handover_pdf

log = logging.getLogger(__name__)

PROMPT_MINUTES: Final = 30
"""The last minutes of a shift in which the panel prompts for the handover."""

CHECK_MS: Final = 30_000
"""How often the prompt is reconsidered as time passes."""

PAGE: Final = 20
"""Handovers per page of the search."""

CURRENT, PREVIOUS, OPENED = 0, 1, 2
"""Entries of the shift chooser."""

_EDITABLE: Final = (HandoverState.DRAFT, HandoverState.RETURNED)

_REMINDER_COLOURS: Final = {
    ReminderLevel.REMIND: STATUS_COLOURS["warning"],
    ReminderLevel.REMIND_AGAIN: STATUS_COLOURS["urgent"],
    ReminderLevel.ESCALATE: STATUS_COLOURS["overdue"],
}

_STATUS_COLOURS: Final = {
    "pending": "",
    "done": STATUS_COLOURS["on_time"],
    "failed": STATUS_COLOURS["overdue"],
}


def ask_pdf_path(parent: QWidget, suggested: str) -> str | None:
    """Where to write a PDF: a file dialog; ``None`` when the user cancels."""
    path, _filter = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("HandoverPanel", "Export the handover as PDF"),
        suggested,
        QCoreApplication.translate("HandoverPanel", "PDF documents (*.pdf)"),
    )
    return path or None


def ask_printer(parent: QWidget) -> QPrinter | None:
    """Which printer: the print dialog; ``None`` when the user cancels."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    return printer if dialog.exec() == QDialog.DialogCode.Accepted else None


def pdf_name(handover: Handover) -> str:
    """A file name for the handover's PDF: ``交接班-310115_2026-11-30_day.pdf``."""
    return QCoreApplication.translate("HandoverPanel", "handover-{id}.pdf").format(
        id=handover.id.replace("/", "_")
    )


def _note_editor(parent: QWidget, name: str) -> QPlainTextEdit:
    editor = QPlainTextEdit(parent)
    editor.setObjectName(name)
    editor.setTabChangesFocus(True)
    editor.setMaximumHeight(56)
    return editor


class StatusLine(QLabel):
    """One line saying how the last action went: on its way, done, or why it failed."""

    def __init__(self, parent: QWidget, name: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.state = ""

    def say(self, text: str, state: str) -> None:
        """Show ``text``; ``state`` is ``pending``, ``done`` or ``failed``."""
        self.state = state
        self.setText(text)
        colour = _STATUS_COLOURS.get(state)
        self.setStyleSheet(f"color: {colour};" if colour else "")


class HandoverPanel(QWidget):
    """The handover of the current or previous shift, and the search of past handovers.

    Args:
        store: The store (shift, handovers, commands).
        signals: The store's signals.
        watch: The shift watch (its clock is "now").
        reminder: The console's reminder of an unsigned handover.
        prompt_minutes: The last minutes of a shift in which the panel prompts.
        check_ms: How often the prompt is reconsidered.
        ask_path: Asks where to write a PDF (a file dialog; tests answer themselves).
        choose_printer: Asks for a printer (the print dialog; likewise).
        parent: Qt parent.
    """

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        watch: ShiftWatch,
        reminder: HandoverReminder,
        *,
        prompt_minutes: int = PROMPT_MINUTES,
        check_ms: int = CHECK_MS,
        ask_path: Callable[[QWidget, str], str | None] = ask_pdf_path,
        choose_printer: Callable[[QWidget], QPrinter | None] = ask_printer,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("handoverPanel")
        self.store = store
        self.watch = watch
        self.reminder = reminder
        self.now = watch.now
        self.prompt_window = timedelta(minutes=prompt_minutes)
        self.ask_path = ask_path
        self.choose_printer = choose_printer
        self.opened: Handover | None = None
        self._shift_id: str | None = None
        # Request id → where its outcome is told, and whether it clears the comments.
        self._requests: dict[str, tuple[StatusLine, bool]] = {}
        self._loaded: tuple[str | None, HandoverNotes] | None = None
        self._packet_key: tuple[str, int] | None = None
        self._cursor: str | None = None
        self._after_fetch = "_open"

        # -- banners
        self.reminder_banner = QFrame(self)
        self.reminder_banner.setObjectName("handoverReminder")
        self.reminder_text = QLabel(self.reminder_banner)
        self.reminder_text.setWordWrap(True)
        self.reminder_show = QPushButton(self.reminder_banner)
        self.reminder_show.setObjectName("handoverReminderShow")
        self.reminder_show.clicked.connect(self._show_chased)
        self.silence_button = QPushButton(self.reminder_banner)
        self.silence_button.setObjectName("handoverReminderSilence")
        self.silence_button.clicked.connect(self._silence)
        reminder_layout = QHBoxLayout(self.reminder_banner)
        reminder_layout.setContentsMargins(8, 4, 8, 4)
        reminder_layout.addWidget(self.reminder_text, 1)
        reminder_layout.addWidget(self.reminder_show)
        reminder_layout.addWidget(self.silence_button)
        self.reminder_banner.hide()
        self.prompt = QFrame(self)
        self.prompt.setObjectName("handoverPrompt")
        self.prompt_text = QLabel(self.prompt)
        self.prompt_text.setWordWrap(True)
        self.prompt_button = QPushButton(self.prompt)
        self.prompt_button.setObjectName("handoverPromptButton")
        self.prompt_button.clicked.connect(self._prompt_clicked)
        prompt_layout = QHBoxLayout(self.prompt)
        prompt_layout.setContentsMargins(8, 4, 8, 4)
        prompt_layout.addWidget(self.prompt_text, 1)
        prompt_layout.addWidget(self.prompt_button)
        self.prompt.setStyleSheet(
            f"QFrame#handoverPrompt {{ background: {STATUS_COLOURS['in_progress']}; }}"
            " QFrame#handoverPrompt QLabel { color: #000000; font-weight: bold; }"
        )
        self.prompt.hide()

        # -- the handover
        page = QWidget(self)
        self.chooser = QComboBox(page)
        self.chooser.setObjectName("handoverShift")
        self.chooser.addItems(["", ""])
        self.chooser.currentIndexChanged.connect(lambda _i: self._show())
        self.state_label = QLabel(page)
        self.state_label.setObjectName("handoverState")
        self.state_label.setWordWrap(True)
        self.packet = QTextBrowser(page)
        self.packet.setObjectName("handoverPacket")
        # The record as it prints, on paper: its tables are styled for a white page.
        self.packet.setStyleSheet(
            "QTextBrowser#handoverPacket { background: #ffffff; color: #000000; }"
        )
        self.staffing = _note_editor(page, "handoverStaffing")
        self.equipment = _note_editor(page, "handoverEquipment")
        self.other = _note_editor(page, "handoverOther")
        self.comments = _note_editor(page, "handoverComments")
        self.generate_button = QPushButton(page)
        self.generate_button.setObjectName("handoverGenerate")
        self.generate_button.clicked.connect(self.generate)
        self.submit_button = QPushButton(page)
        self.submit_button.setObjectName("handoverSubmit")
        self.submit_button.clicked.connect(self.submit)
        self.sign_button = QPushButton(page)
        self.sign_button.setObjectName("handoverSign")
        self.sign_button.clicked.connect(self.sign)
        self.return_button = QPushButton(page)
        self.return_button.setObjectName("handoverReturn")
        self.return_button.clicked.connect(self.send_back)
        self.export_button = QPushButton(page)
        self.export_button.setObjectName("handoverExport")
        self.export_button.clicked.connect(lambda: self._export(self.shown()))
        self.print_button = QPushButton(page)
        self.print_button.setObjectName("handoverPrint")
        self.print_button.clicked.connect(lambda: self._print(self.shown()))
        self.status = StatusLine(page, "handoverStatus")

        # The outgoing supervisor's three notes side by side, the incoming one's comments
        # below: the packet above keeps most of the height.
        self.note_labels = [QLabel(page) for _ in range(4)]
        notes_grid = QGridLayout()
        notes_grid.setContentsMargins(0, 0, 0, 0)
        for column, (label, editor) in enumerate(
            zip(self.note_labels, (self.staffing, self.equipment, self.other), strict=False)
        ):
            notes_grid.addWidget(label, 0, column)
            notes_grid.addWidget(editor, 1, column)
        notes_grid.addWidget(self.note_labels[3], 2, 0, 1, 3)
        notes_grid.addWidget(self.comments, 3, 0, 1, 3)
        chooser_row = QHBoxLayout()
        self.chooser_label = QLabel(page)
        chooser_row.addWidget(self.chooser_label)
        chooser_row.addWidget(self.chooser)
        chooser_row.addWidget(self.state_label, 1)
        buttons = QHBoxLayout()
        for button in (
            self.generate_button,
            self.submit_button,
            self.sign_button,
            self.return_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.print_button)
        notes = QWidget(page)
        notes.setLayout(notes_grid)
        split = QSplitter(Qt.Orientation.Vertical, page)
        split.addWidget(self.packet)
        split.addWidget(notes)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([600, 200])
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addLayout(chooser_row)
        page_layout.addWidget(split, 1)
        page_layout.addLayout(buttons)
        page_layout.addWidget(self.status)

        # -- the search
        search = QWidget(self)
        self.search_text = QLineEdit(search)
        self.search_text.setObjectName("handoverSearchText")
        self.search_text.setMaxLength(100)  # the protocol's limit
        self.search_text.setClearButtonEnabled(True)
        self.search_text.returnPressed.connect(self.search)
        self.search_state = QComboBox(search)
        self.search_state.setObjectName("handoverSearchState")
        self.search_state.addItem("", None)
        for state in HandoverState:
            self.search_state.addItem("", state)
        self.search_button = QPushButton(search)
        self.search_button.setObjectName("handoverSearchButton")
        self.search_button.clicked.connect(self.search)
        self.results_model = HandoverListModel(self)
        self.results = QTableView(search)
        self.results.setObjectName("handoverResults")
        self.results.setModel(self.results_model)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.verticalHeader().setVisible(False)
        self.results.horizontalHeader().setStretchLastSection(True)
        self.results.doubleClicked.connect(lambda _index: self.open_selected())
        self.more_button = QPushButton(search)
        self.more_button.setObjectName("handoverSearchMore")
        self.more_button.clicked.connect(self.more)
        self.more_button.setEnabled(False)
        self.open_button = QPushButton(search)
        self.open_button.setObjectName("handoverSearchOpen")
        self.open_button.clicked.connect(self.open_selected)
        self.export_found_button = QPushButton(search)
        self.export_found_button.setObjectName("handoverSearchExport")
        self.export_found_button.clicked.connect(lambda: self._fetch_selected("_export_found"))
        self.print_found_button = QPushButton(search)
        self.print_found_button.setObjectName("handoverSearchPrint")
        self.print_found_button.clicked.connect(lambda: self._fetch_selected("_print_found"))
        self.search_status = StatusLine(search, "handoverSearchStatus")
        query_row = QHBoxLayout()
        query_row.addWidget(self.search_text, 1)
        query_row.addWidget(self.search_state)
        query_row.addWidget(self.search_button)
        found_row = QHBoxLayout()
        for button in (
            self.more_button,
            self.open_button,
            self.export_found_button,
            self.print_found_button,
        ):
            found_row.addWidget(button)
        found_row.addStretch(1)
        search_layout = QVBoxLayout(search)
        search_layout.setContentsMargins(0, 0, 0, 0)
        search_layout.addLayout(query_row)
        search_layout.addWidget(self.results, 1)
        search_layout.addLayout(found_row)
        search_layout.addWidget(self.search_status)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("handoverTabs")
        self.tabs.addTab(page, "")
        self.tabs.addTab(search, "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.reminder_banner)
        layout.addWidget(self.prompt)
        layout.addWidget(self.tabs, 1)

        self._check = QTimer(self)
        self._check.setInterval(check_ms)
        self._check.timeout.connect(self.check_prompt)
        self._check.start()
        signals.shift_changed.connect(lambda _answer: self._on_shift())
        signals.handovers_changed.connect(lambda _ids: self._show())
        signals.user_changed.connect(lambda _user: self._show())
        signals.request_succeeded.connect(self._on_outcome)
        signals.request_failed.connect(self._on_outcome)
        reminder.level_changed.connect(self._show_reminder)
        self.retranslate_ui()
        self._on_shift()
        self._show_reminder(int(reminder.level), reminder.text())

    # -- what is shown

    def shown_shift(self) -> Shift | None:
        """The shift whose handover the panel shows."""
        answer = self.store.shift
        choice = self.chooser.currentIndex()
        if choice == OPENED and self.opened is not None:
            return self.opened.shift
        if answer is None:
            return None
        return answer.previous if choice == PREVIOUS else answer.shift

    def shown(self) -> Handover | None:
        """The handover shown (the newest the console knows), or ``None``."""
        if self.chooser.currentIndex() == OPENED and self.opened is not None:
            known = self.store.handovers.get(self.opened.id)
            if known is not None and known.revision > self.opened.revision:
                return known
            return self.opened
        shift, user = self.shown_shift(), self.store.user
        if shift is None or user is None:
            return None
        return self.store.handovers.get(handover_id(user.scope, shift))

    def show_shift(self, which: int) -> None:
        """Show the handover of the current (``CURRENT``) or previous (``PREVIOUS``) shift."""
        self.tabs.setCurrentIndex(0)
        self.chooser.setCurrentIndex(which)
        self._show()

    def _on_shift(self) -> None:
        answer, user = self.store.shift, self.store.user
        if answer is not None and answer.shift.id != self._shift_id and user is not None:
            # A new shift: the previous handover while it waits to be signed, else this one.
            self._shift_id = answer.shift.id
            earlier = self.store.handovers.get(handover_id(user.scope, answer.previous))
            unsigned = earlier is not None and earlier.state is not HandoverState.SIGNED
            self.chooser.setCurrentIndex(PREVIOUS if unsigned else CURRENT)
        self._show_chooser()
        self._show()

    def _show(self) -> None:
        h, user = self.shown(), self.store.user
        supervisor = user is not None and user.role is Role.SUPERVISOR
        self._show_state(h)
        self._show_packet(h)
        self._fill_notes(h)
        busy = any(line is self.status for line, _clears in self._requests.values())
        editable = supervisor and h is not None and h.state in _EDITABLE
        reviewing = (
            supervisor
            and h is not None
            and h.state is HandoverState.SUBMITTED
            and not self._mine(h)
        )
        for editor in (self.staffing, self.equipment, self.other):
            editor.setReadOnly(not editable)
        self.comments.setReadOnly(not reviewing)
        self.generate_button.setVisible(supervisor)
        self.submit_button.setVisible(supervisor)
        self.sign_button.setVisible(supervisor)
        self.return_button.setVisible(supervisor)
        self.generate_button.setEnabled(
            self._can_generate() and (h is None or h.state in _EDITABLE) and not busy
        )
        self.generate_button.setText(
            self.tr("Regenerate") if h is not None else self.tr("Generate")
        )
        self.submit_button.setEnabled(editable and not busy)
        self.sign_button.setEnabled(reviewing and not busy)
        self.return_button.setEnabled(reviewing and not busy)
        self.export_button.setEnabled(h is not None)
        self.print_button.setEnabled(h is not None)
        self.check_prompt()

    def _can_generate(self) -> bool:
        """Only the current shift and the one before may be handed over."""
        answer, shift = self.store.shift, self.shown_shift()
        return (
            answer is not None
            and shift is not None
            and shift.id in (answer.shift.id, answer.previous.id)
        )

    def _show_chooser(self) -> None:
        answer = self.store.shift
        if answer is None:
            self.chooser.setItemText(CURRENT, self.tr("This shift"))
            self.chooser.setItemText(PREVIOUS, self.tr("Previous shift"))
        else:
            self.chooser.setItemText(
                CURRENT, self.tr("This shift: {shift}").format(shift=shift_name(answer.shift))
            )
            self.chooser.setItemText(
                PREVIOUS,
                self.tr("Previous shift: {shift}").format(shift=shift_name(answer.previous)),
            )
        if self.opened is not None:
            text = self.tr("Opened: {id}").format(id=self.opened.id)
            if self.chooser.count() > OPENED:
                self.chooser.setItemText(OPENED, text)
            else:
                self.chooser.addItem(text)

    def _show_state(self, h: Handover | None) -> None:
        if h is None:
            shift = self.shown_shift()
            self.state_label.setText(
                self.tr("No handover generated for this shift yet.")
                if shift is not None
                else self.tr("The shift is not known yet.")
            )
            return
        parts = [
            handover_state_name(h.state),
            self.tr("revision {revision}").format(revision=h.revision),
            self.tr("handed over by {name}").format(name=h.outgoing_name or h.outgoing),
        ]
        if h.state is HandoverState.SIGNED:
            parts.append(
                self.tr("signed by {name} at {time}: a record that can no longer change").format(
                    name=h.incoming_name or h.incoming, time=local_time(h.signed_at)
                )
            )
        elif h.state is HandoverState.RETURNED:
            parts.append(
                self.tr("sent back by {name}: “{comments}”").format(
                    name=h.incoming_name or h.incoming, comments=h.comments
                )
            )
        elif h.state is HandoverState.SUBMITTED and self._mine(h):
            parts.append(self.tr("waiting for the incoming supervisor to sign"))
        self.state_label.setText(" · ".join(parts))

    def _mine(self, h: Handover) -> bool:
        """Whether the user signed in handed ``h`` over (and so may not sign it)."""
        return self.store.user is not None and self.store.user.user_id == h.outgoing

    def _show_packet(self, h: Handover | None, *, again: bool = False) -> None:
        key = (h.id, h.revision) if h is not None else None
        if key == self._packet_key and not again:
            return  # unchanged: the reader keeps their place in it
        self._packet_key = key
        if h is None:
            self.packet.setPlainText(self.tr("No packet yet: generate the handover."))
            return
        document = handover_document(h)
        document.setParent(self.packet)  # the browser does not own a document it is given
        self.packet.setDocument(document)

    def _notes_typed(self) -> HandoverNotes:
        return HandoverNotes(
            staffing=self.staffing.toPlainText(),
            equipment=self.equipment.toPlainText(),
            other=self.other.toPlainText(),
        )

    def _fill_notes(self, h: Handover | None) -> None:
        """Put the handover's notes in the editors, unless the supervisor is typing there
        (notes edited since they were filled stay as typed)."""
        key = h.id if h is not None else None
        notes = h.notes if h is not None else HandoverNotes()
        loaded = self._loaded
        if loaded is None or loaded[0] != key or self._notes_typed() == loaded[1]:
            self.staffing.setPlainText(notes.staffing)
            self.equipment.setPlainText(notes.equipment)
            self.other.setPlainText(notes.other)
            self._loaded = (key, notes)
        if loaded is None or loaded[0] != key:
            self.comments.clear()

    # -- the prompt and the reminder

    def check_prompt(self) -> None:
        """Prompt for the handover in the shift's last minutes (the timer calls this)."""
        answer, user = self.store.shift, self.store.user
        text = ""
        if answer is not None and user is not None and user.role is Role.SUPERVISOR:
            shift = answer.shift
            left = shift.end - self.now()
            mine = self.store.handovers.get(handover_id(user.scope, shift))
            if timedelta(0) < left <= self.prompt_window:
                ends = self.tr("{shift} ends at {end} (in {left})").format(
                    shift=shift_name(shift),
                    end=f"{shift.local_end:%H:%M}",
                    left=format_duration(left.total_seconds()),
                )
                if mine is None:
                    text = self.tr("{ends}: generate the handover packet.").format(ends=ends)
                    self.prompt_button.setText(self.tr("Generate now"))
                elif mine.state in _EDITABLE:
                    text = self.tr("{ends}: add your notes and submit the handover.").format(
                        ends=ends
                    )
                    self.prompt_button.setText(self.tr("Show"))
        self.prompt_text.setText(text)
        self.prompt.setVisible(bool(text))

    def _prompt_clicked(self) -> None:
        answer, user = self.store.shift, self.store.user
        if answer is None or user is None:
            return
        self.show_shift(CURRENT)
        if self.store.handovers.get(handover_id(user.scope, answer.shift)) is None:
            self.generate()

    def _show_reminder(self, level: int, text: str) -> None:
        colour = _REMINDER_COLOURS.get(ReminderLevel(level))
        self.reminder_banner.setVisible(colour is not None)
        self.reminder_text.setText(text)
        self.reminder_banner.setProperty("level", level)
        self.silence_button.setVisible(self.reminder.ringing)
        if colour is not None:
            self.reminder_banner.setStyleSheet(
                f"QFrame#handoverReminder {{ background: {colour}; }}"
                " QFrame#handoverReminder QLabel { color: #000000; font-weight: bold; }"
            )

    def _show_chased(self) -> None:
        """Show the handover the reminder chases (the last shift over)."""
        answer, shift = self.store.shift, self.reminder.shift
        if answer is not None and shift is not None:
            self.show_shift(CURRENT if shift.id == answer.shift.id else PREVIOUS)

    def _silence(self) -> None:
        self.reminder.silence()
        self.silence_button.hide()

    # -- commands

    def _send(self, request_id: str, pending: str, *, clears_comments: bool = False) -> None:
        self._requests[request_id] = (self.status, clears_comments)
        self.status.say(pending, "pending")
        self._show()

    def generate(self) -> None:
        """Generate the packet of the shift shown (again, for a draft or returned one)."""
        shift = self.shown_shift()
        if shift is None or not self._can_generate():
            return
        self._send(self.store.send_generate_handover(shift.id), self.tr("Generating the handover…"))

    def submit(self) -> None:
        """Submit the handover shown with the notes typed."""
        h = self.shown()
        if h is None:
            return
        notes = self._notes_typed()
        for name, text in (
            (self.tr("Staffing notes"), notes.staffing),
            (self.tr("Equipment notes"), notes.equipment),
            (self.tr("Other matters"), notes.other),
        ):
            if len(text.strip()) > MAX_TEXT:
                self.status.say(
                    self.tr("{field} are longer than {limit} characters: shorten them.").format(
                        field=name, limit=MAX_TEXT
                    ),
                    "failed",
                )
                return
        self._send(
            self.store.send_submit_handover(h.id, notes, h.revision),
            self.tr("Submitting the handover…"),
        )

    def sign(self) -> None:
        """Sign the handover shown (the incoming supervisor), with the comment typed."""
        h = self.shown()
        if h is None:
            return
        comment = self.comments.toPlainText().strip()
        if len(comment) > MAX_TEXT:
            self.status.say(self._too_long(), "failed")
            return
        self._send(
            self.store.send_sign_handover(h.id, comment, h.revision),
            self.tr("Signing the handover…"),
            clears_comments=True,
        )

    def send_back(self) -> None:
        """Send the handover shown back with the comments typed (they are required)."""
        h = self.shown()
        if h is None:
            return
        comments = self.comments.toPlainText().strip()
        if not comments:
            self.status.say(
                self.tr(
                    "Write your comments first: they tell the outgoing supervisor what to fix."
                ),
                "failed",
            )
            self.comments.setFocus()
            return
        if len(comments) > MAX_TEXT:
            self.status.say(self._too_long(), "failed")
            return
        self._send(
            self.store.send_return_handover(h.id, comments, h.revision),
            self.tr("Sending the handover back…"),
            clears_comments=True,
        )

    def _too_long(self) -> str:
        return self.tr("The comments are longer than {limit} characters: shorten them.").format(
            limit=MAX_TEXT
        )

    def _on_outcome(self, outcome: RequestOutcome) -> None:
        request = self._requests.pop(outcome.request_id, None)
        if request is None:
            return
        line, clears_comments = request
        line.say(outcome.text, "done" if outcome.ok else "failed")
        if outcome.ok and clears_comments:
            self.comments.clear()
        self._show()

    # -- PDF and printer

    def _export(self, h: Handover | None, line: StatusLine | None = None) -> None:
        line = line or self.status
        if h is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path = self.ask_path(self, str(Path(folder) / pdf_name(h)))
        if not path:
            line.say(self.tr("Export cancelled."), "done")
            return
        line.say(self.tr("Writing {path}…").format(path=path), "pending")
        try:
            written = write_handover_pdf(h, path)
        except OSError as exc:
            log.warning("PDF of %s not written: %s", h.id, exc)
            line.say(
                self.tr("The PDF could not be written: {reason}").format(
                    reason=exc.strerror or str(exc)
                ),
                "failed",
            )
            return
        line.say(self.tr("Handover {id} saved as {path}").format(id=h.id, path=written), "done")

    def _print(self, h: Handover | None, line: StatusLine | None = None) -> None:
        line = line or self.status
        if h is None:
            return
        printer = self.choose_printer(self)
        if printer is None:
            line.say(self.tr("Printing cancelled."), "done")
            return
        print_handover(h, printer)
        line.say(
            self.tr("Handover {id} sent to the printer {printer}").format(
                id=h.id, printer=printer.printerName() or printer.outputFileName()
            ),
            "done",
        )

    # -- the search

    def search(self) -> None:
        """Search handovers by the text and state given (the first page)."""
        self._cursor = None
        self._query_page(first=True)

    def more(self) -> None:
        """The next page of the search."""
        if self._cursor is not None:
            self._query_page(first=False)

    def _query_page(self, *, first: bool) -> None:
        text = self.search_text.text().strip() or None
        state: HandoverState | None = self.search_state.currentData()
        query = QueryHandovers(
            id=new_request_id("hs"),
            text=text,
            states=[state] if state is not None else None,
            limit=PAGE,
            cursor=None if first else self._cursor,
        )
        try:
            future = asyncio.ensure_future(self.store.query(query))
        except ConnectionError:
            self.search_status.say(self.tr("Not connected: cannot search."), "failed")
            return
        self.search_status.say(self.tr("Searching…"), "pending")
        self.search_button.setEnabled(False)
        self.more_button.setEnabled(False)
        when_answered(future, self, "_page_answered_first" if first else "_page_answered_more")

    def _page_answered_first(self, future: asyncio.Future[Answer]) -> None:
        self._page_answered(future, first=True)

    def _page_answered_more(self, future: asyncio.Future[Answer]) -> None:
        self._page_answered(future, first=False)

    def _page_answered(self, future: asyncio.Future[Answer], *, first: bool) -> None:
        self.search_button.setEnabled(True)
        problem = query_failure(future)
        answer = future.result() if problem is None else None
        if not isinstance(answer, HandoversPage):
            self.more_button.setEnabled(self._cursor is not None)
            self.search_status.say(
                self.tr("The search failed: {reason}").format(reason=problem or self._unexpected()),
                "failed",
            )
            return
        if first:
            self.results_model.set_items(answer.handovers)
        else:
            self.results_model.append_items(answer.handovers)
        self._cursor = answer.next_cursor
        self.more_button.setEnabled(self._cursor is not None)
        shown = self.results_model.rowCount()
        self.search_status.say(
            self.tr("{count} handovers found, more to load.").format(count=shown)
            if self._cursor
            else self.tr("{count} handovers found.").format(count=shown),
            "done",
        )
        if shown and not self.results.selectionModel().hasSelection():
            self.results.selectRow(0)

    def _unexpected(self) -> str:
        return self.tr("the server answered with something else (a fault of the server)")

    def _selected_id(self) -> str | None:
        rows = self.results.selectionModel().selectedRows()
        item = self.results_model.item(rows[0].row()) if rows else None
        return item.id if item is not None else None

    def _fetch_selected(self, slot: str) -> None:
        ident = self._selected_id()
        if ident is None:
            self.search_status.say(self.tr("Select a handover in the list first."), "failed")
            return
        known = self.store.handovers.get(ident)
        if known is not None and known.state is HandoverState.SIGNED:
            getattr(self, slot)(known)  # a signed one never changes: no need to ask
            return
        try:
            future = asyncio.ensure_future(
                self.store.query(QueryHandover(id=new_request_id("ho"), handover_id=ident))
            )
        except ConnectionError:
            self.search_status.say(self.tr("Not connected."), "failed")
            return
        self.search_status.say(self.tr("Loading handover {id}…").format(id=ident), "pending")
        self._after_fetch = slot
        when_answered(future, self, "_fetched")

    def _fetched(self, future: asyncio.Future[Answer]) -> None:
        problem = query_failure(future)
        answer = future.result() if problem is None else None
        if not isinstance(answer, HandoverResult):
            self.search_status.say(
                self.tr("The handover could not be loaded: {reason}").format(
                    reason=problem or self._unexpected()
                ),
                "failed",
            )
            return
        getattr(self, self._after_fetch)(answer.handover)

    def open_selected(self) -> None:
        """Show the handover selected in the list on the first tab."""
        self._fetch_selected("_open")

    def _open(self, handover: Handover) -> None:
        self.opened = handover
        self._show_chooser()
        self.search_status.say(self.tr("Handover {id} opened.").format(id=handover.id), "done")
        self.show_shift(OPENED)

    def _export_found(self, handover: Handover) -> None:
        self._export(handover, self.search_status)

    def _print_found(self, handover: Handover) -> None:
        self._print(handover, self.search_status)

    # -- text

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.tabs.setTabText(0, self.tr("Handover"))
        self.tabs.setTabText(1, self.tr("Past handovers"))
        self.chooser_label.setText(self.tr("Shift:"))
        labels = (
            self.tr("Staffing notes"),
            self.tr("Equipment notes"),
            self.tr("Other matters"),
            self.tr("Comments of the incoming supervisor"),
        )
        for label, text in zip(self.note_labels, labels, strict=True):
            label.setText(text)
        self.reminder_show.setText(self.tr("Show"))
        self.silence_button.setText(self.tr("Silence"))
        self.comments.setPlaceholderText(self.tr("Required to send back; optional when signing."))
        self.submit_button.setText(self.tr("Submit"))
        self.sign_button.setText(self.tr("Sign"))
        self.return_button.setText(self.tr("Send back"))
        self.export_button.setText(self.tr("Export PDF…"))
        self.print_button.setText(self.tr("Print…"))
        self.search_text.setPlaceholderText(
            self.tr("Search: case number, supervisor, notes, comments…")
        )
        self.search_state.setItemText(0, self.tr("Any state"))
        for i in range(1, self.search_state.count()):
            self.search_state.setItemText(i, handover_state_name(self.search_state.itemData(i)))
        self.search_button.setText(self.tr("Search"))
        self.more_button.setText(self.tr("More"))
        self.open_button.setText(self.tr("Open"))
        self.export_found_button.setText(self.tr("Export PDF…"))
        self.print_found_button.setText(self.tr("Print…"))
        self.results_model.retranslate()
        self._show_chooser()
        self._show_packet(self.shown(), again=True)
        self._show()
        if self.reminder.level:
            self._show_reminder(int(self.reminder.level), self.reminder.text())
