"""The command palette (Ctrl+K): type to find any action, Enter to run it, Esc to close.

It lists what its command providers offer for the text typed; the console's action
registry is one provider (every registered action with its shortcut), and a later part adds
command-line verbs (``dispatch 123 CGZF``) as another with :meth:`CommandPalette.add_provider`.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QHeaderView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.actions import Command, CommandProvider

_STEPS = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -10, Qt.Key.Key_PageDown: 10}
"""How far each navigation key moves the selection."""


class CommandPalette(QDialog):
    """A popup with a filter field over the list of commands its providers offer.

    Typing filters (each provider decides what matches; the action registry matches the
    text in the current language and the action id, case-insensitively); Up/Down move
    through the list without leaving the field; Enter runs the selected line; Esc closes.

    Args:
        providers: Consulted in order; their lines are listed in that order.
        parent: The window the palette pops up over.

    Signals:
        command_ran(str): A command was run (its key, e.g. the action id).
    """

    command_ran = Signal(str)

    def __init__(
        self, providers: Sequence[CommandProvider] = (), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Popup | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("commandPalette")
        self._providers: list[CommandProvider] = list(providers)
        self._shown: list[Command] = []

        frame = QFrame(self)
        frame.setObjectName("commandPaletteFrame")
        self.filter = QLineEdit(frame)
        self.filter.setObjectName("commandPaletteFilter")
        self.filter.setClearButtonEnabled(True)
        self.list = QTreeWidget(frame)
        self.list.setObjectName("commandPaletteList")
        self.list.setColumnCount(2)
        self.list.setHeaderHidden(True)
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing always goes to the filter
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

        inner = QVBoxLayout(frame)
        inner.addWidget(self.filter)
        inner.addWidget(self.list)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)

        self.filter.textChanged.connect(self.refresh)
        self.filter.returnPressed.connect(self.run_selected)
        self.filter.installEventFilter(self)
        self.list.itemActivated.connect(lambda _item, _col: self.run_selected())
        self.retranslate_ui()

    # -- providers --------------------------------------------------------------------------

    @property
    def providers(self) -> list[CommandProvider]:
        """The providers consulted, in order (a copy)."""
        return list(self._providers)

    def add_provider(self, provider: CommandProvider) -> None:
        """Adds a source of commands (e.g. command-line verbs); listed after the others."""
        self._providers.append(provider)
        if self.isVisible():
            self.refresh()

    def remove_provider(self, provider: CommandProvider) -> None:
        """Removes a source of commands."""
        self._providers.remove(provider)
        if self.isVisible():
            self.refresh()

    # -- showing ----------------------------------------------------------------------------

    def open_palette(self) -> None:
        """Pops up over the parent window, empty filter, first line selected."""
        self.filter.clear()
        self.refresh()
        owner = self.parentWidget()
        if owner is not None:
            frame = owner.window().geometry()
            width = min(max(frame.width() // 2, 480), frame.width())
            height = min(max(frame.height() // 2, 320), frame.height())
            left = frame.x() + (frame.width() - width) // 2
            self.setGeometry(left, frame.y() + 60, width, height)
        self.show()
        self.raise_()
        self.activateWindow()
        self.filter.setFocus(Qt.FocusReason.PopupFocusReason)

    def refresh(self) -> None:
        """Lists the commands matching the filter text."""
        query = self.filter.text()
        self._shown = [c for provider in self._providers for c in provider.commands(query)]
        self.list.clear()
        for command in self._shown:
            item = QTreeWidgetItem([command.title, command.detail])
            item.setData(0, Qt.ItemDataRole.UserRole, command.key)
            item.setToolTip(0, command.key)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.addTopLevelItem(item)
        if not self._shown:
            empty = QTreeWidgetItem([self.tr("No matching command"), ""])
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addTopLevelItem(empty)
        else:
            self._select(0)

    def shown_commands(self) -> list[Command]:
        """The commands listed now, in order."""
        return list(self._shown)

    def run_selected(self) -> None:
        """Runs the selected command (closing the palette first); nothing if none matches."""
        index = self.list.currentIndex().row()
        if not 0 <= index < len(self._shown):
            return
        command = self._shown[index]
        # Close first: a command may open a dialog or move this very window.
        self.accept()
        command.run()
        self.command_ran.emit(command.key)

    # -- events -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Up/Down/PageUp/PageDown in the filter field move through the list."""
        if (
            watched is self.filter
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in _STEPS
        ):
            self._step(_STEPS[Qt.Key(event.key())])
            return True
        return super().eventFilter(watched, event)

    def _step(self, delta: int) -> None:
        if not self._shown:
            return
        row = self.list.currentIndex().row()
        self._select(min(max(row + delta, 0), len(self._shown) - 1))

    def _select(self, row: int) -> None:
        self.list.setCurrentIndex(self.list.model().index(row, 0))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Retranslates on a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        """Sets every text in the current language (and relists: titles are translated)."""
        self.filter.setPlaceholderText(self.tr("Type to search actions…"))
        self.setWindowTitle(self.tr("Command palette"))
        self.setAccessibleName(self.tr("Command palette"))
        if self.isVisible():
            self.refresh()
