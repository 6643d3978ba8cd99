"""A case's flow (流转记录) as a timeline: one row per step, oldest first.

Each row says when, which step, who, in which role, from which console or terminal, the
note, and what the step decided (department, deadline, verifier, closing type...). The
history is small (tens of steps) and replaced whole when the case's revision changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from console.case_texts import closing_name, history_step, role_name
from console.connection import tr_item
from console.item_models import STATE_NAMES, local_time
from models.case import CaseState, ClosingType, HistoryEntry

MOVE_ROLE = int(Qt.ItemDataRole.UserRole)
"""``item.data(0, MOVE_ROLE)``: the entry's move (``"dispatch_single"``...)."""


def _time(value: Any) -> str:
    try:
        return local_time(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


class CaseTimeline(QTreeWidget):
    """The steps of one case.

    Args:
        department_name: Turns a department code into its name in the current language.
        parent: Owning widget.
    """

    COLUMNS = 7

    def __init__(
        self, department_name: Callable[[str], str] = str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("caseTimeline")
        self.department_name = department_name
        self.entries: list[HistoryEntry] = []
        self.setColumnCount(self.COLUMNS)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.header().setStretchLastSection(True)
        self.retranslate_ui()

    def set_entries(self, entries: Sequence[HistoryEntry]) -> None:
        """Show these entries (oldest first)."""
        self.entries = list(entries)
        self._fill()

    def set_message(self, text: str) -> None:
        """Show one line of text instead of entries (loading, not connected, an error)."""
        self.entries = []
        self.clear()
        item = QTreeWidgetItem([text])
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.addTopLevelItem(item)
        item.setFirstColumnSpanned(True)  # only once the item is in the tree

    def moves(self) -> list[str]:
        """The moves shown, in order (``"report"``, ``"accept"``...)."""
        return [e.move for e in self.entries]

    def _fill(self) -> None:
        self.clear()
        for entry in self.entries:
            item = QTreeWidgetItem(
                [
                    local_time(entry.at),
                    history_step(entry.move),
                    entry.actor_id,
                    role_name(entry.actor_role),
                    entry.terminal,
                    entry.note,
                    self.details_text(entry),
                ]
            )
            item.setData(0, MOVE_ROLE, entry.move)
            item.setToolTip(5, entry.note)
            self.addTopLevelItem(item)

    def details_text(self, entry: HistoryEntry) -> str:
        """What a step decided, in words: state change, department, deadline, verifier..."""
        parts = []
        if entry.from_state is not None and entry.from_state != entry.to_state:
            before = tr_item(STATE_NAMES[CaseState(entry.from_state)])
            after = tr_item(STATE_NAMES[CaseState(entry.to_state)])
            parts.append(f"{before} → {after}")
        details = entry.details
        if "department" in details:
            parts.append(
                self.tr("department: {name}").format(
                    name=self.department_name(str(details["department"]))
                )
            )
        if details.get("departments"):
            names = ", ".join(self.department_name(str(d)) for d in details["departments"])
            parts.append(self.tr("convening: {names}").format(names=names))
        if "deadline" in details:
            parts.append(self.tr("deadline: {time}").format(time=_time(details["deadline"])))
        if "verifier" in details:
            parts.append(self.tr("verifier: {who}").format(who=details["verifier"]))
        if "closing_type" in details:
            closing = closing_name(ClosingType(str(details["closing_type"])))
            parts.append(self.tr("closing: {type}").format(type=closing))
        if "level" in details:
            parts.append(self.tr("level {level}").format(level=details["level"]))
        if "into_case" in details:
            parts.append(self.tr("merged into case #{id}").format(id=details["into_case"]))
        if "duplicate_number" in details:
            parts.append(self.tr("duplicate: {case}").format(case=details["duplicate_number"]))
        if details.get("approved") is not None:
            parts.append(self.tr("approved") if details["approved"] else self.tr("denied"))
        return "; ".join(parts)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Retranslates on a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        """Sets every text in the current language."""
        self.setHeaderLabels(
            [
                self.tr("Time"),
                self.tr("Step"),
                self.tr("Who"),
                self.tr("Role"),
                self.tr("Console or terminal"),
                self.tr("Note"),
                self.tr("Details"),
            ]
        )
        if self.entries:
            self._fill()
