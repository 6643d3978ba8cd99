"""The sign-in dialog for a real backend (``python main.py --server URL``)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from console.preferences import PreferencesStore


@dataclass(frozen=True)
class Credentials:
    server: str
    user: str
    password: str


class SignInDialog(QDialog):
    """Asks for server, user and password; remembers server and user, never the password.

    Args:
        preferences: Where server and user are remembered.
        server: A server given on the command line (overrides the remembered one).
        problem: Why the dialog is shown again (e.g. the server refused the sign-in).
    """

    def __init__(
        self,
        preferences: PreferencesStore,
        *,
        server: str | None = None,
        problem: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self._preferences = preferences
        remembered = preferences.load()
        self.server = QLineEdit(server or remembered.server or "wss://", self)
        self.user = QLineEdit(remembered.user or "", self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.problem = QLabel(problem, self)
        self.problem.setObjectName("signInProblem")
        self.problem.setWordWrap(True)
        self.problem.setVisible(bool(problem))
        self._form = QFormLayout()
        self._form.addRow("", self.server)
        self._form.addRow("", self.user)
        self._form.addRow("", self.password)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.problem)
        layout.addLayout(self._form)
        layout.addWidget(self.buttons)
        (self.password if remembered.user else self.user).setFocus()
        self.retranslate_ui()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Sign in to the command centre"))
        for row, text in enumerate((self.tr("Server"), self.tr("User"), self.tr("Password"))):
            label = self._form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if label is not None and isinstance(label.widget(), QLabel):
                label.widget().setText(text)  # type: ignore[union-attr]

    def _accept(self) -> None:
        server, user = self.server.text().strip(), self.user.text().strip()
        if not server.startswith(("ws://", "wss://")) or len(server) <= len("wss://"):
            self._show_problem(self.tr("The server address must start with ws:// or wss://"))
            return
        if not user or not self.password.text():
            self._show_problem(self.tr("Enter a user name and a password"))
            return
        prefs = self._preferences.load()
        prefs.server, prefs.user = server, user
        self._preferences.save(prefs)
        self.accept()

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(True)

    def credentials(self) -> Credentials:
        return Credentials(
            self.server.text().strip(), self.user.text().strip(), self.password.text()
        )
