"""The grid command-centre console.

    python main.py                       # embedded backend with the demo city, as a dispatcher
    python main.py --role supervisor     # the demo as shift supervisor (or: wall)
    python main.py --server wss://host:port   # a real backend, through the sign-in dialog

All start-up wiring is in :func:`main`, in the order it happens.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import socket
import sys
from collections.abc import Sequence

import qasync
from PySide6.QtWidgets import QApplication, QMessageBox

from console.actions import ActionRegistry
from console.connection import Connection
from console.embedded import DEMO_PASSWORD, DEMO_USERS, BackendFailed, EmbeddedBackend
from console.item_models import CaseTableModel, Reference, TeamTableModel, UnitTableModel
from console.preferences import PreferencesStore
from console.store import ClientStore, StoreSignals
from console.theme import configure_high_dpi
from console.workspace import Role
from models.catalogue import load_catalogue
from models.demo_city import load_town_facts
from net.client import GridClient
from views.main_window import MainWindow
from views.sign_in_dialog import SignInDialog
from views.table_panel import TablePanel
from widgets.connection_indicator import ConnectionIndicator


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Grid command-centre console (网格化城运指挥台)")
    parser.add_argument("--server", metavar="URL", help="a real backend: ws://… or wss://…")
    parser.add_argument(
        "--role",
        choices=[r.value for r in Role],
        default=None,
        help="workspace (and, with the embedded backend, the demo user): "
        "dispatcher, supervisor or wall",
    )
    return parser.parse_args(argv)


def reference_data() -> Reference:
    """Names of categories, departments and streets/towns, in both languages."""
    streets = {t.code: (t.name_zh, t.name_en) for t in load_town_facts()}
    return dataclasses.replace(Reference.from_data(load_catalogue()), streets=streets)


@dataclasses.dataclass(frozen=True)
class Console:
    """The parts of a running console (the tests drive the same parts)."""

    store: ClientStore
    signals: StoreSignals
    connection: Connection
    cases: CaseTableModel
    units: UnitTableModel
    window: MainWindow
    indicator: ConnectionIndicator


def build_console(url: str, user: str, password: str, role: Role) -> Console:
    """Wire one console: socket → client → store → coalesced signals → models → panels.

    Nothing runs until ``connection.start()`` on a running (qasync) event loop.
    """
    store = ClientStore()
    signals = StoreSignals(store)
    client = GridClient(
        url,
        user,
        password,
        # Stable across restarts, so that the server recognises a command resent after one.
        client_id=f"console-{socket.gethostname()}-{user}"[:64],
        applied_seq=lambda: store.last_seq,
    )
    connection = Connection(client, store)
    reference = reference_data()
    cases = CaseTableModel(store, signals, reference=reference)
    units = UnitTableModel(store, signals, reference=reference)
    teams = TeamTableModel(store, signals, reference=reference)
    panels = {
        "case_queue": lambda: TablePanel(cases, "caseQueuePanel"),
        "units": lambda: TablePanel(units, "unitsPanel"),
        "teams": lambda: TablePanel(teams, "teamsPanel"),
    }
    window = MainWindow(role=role, panel_factories=panels, registry=ActionRegistry())
    indicator = ConnectionIndicator(store, signals)
    window.add_status_widget(indicator)
    status = window.statusBar()
    signals.request_failed.connect(lambda outcome: status.showMessage(outcome.text, 10_000))
    signals.request_succeeded.connect(lambda outcome: status.showMessage(outcome.text, 4_000))
    return Console(store, signals, connection, cases, units, window, indicator)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    configure_high_dpi()
    app = QApplication(sys.argv[:1])
    app.setApplicationName("grid-console")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    preferences = PreferencesStore()
    role = Role(args.role or preferences.load().role)

    # Where the data comes from: our own backend child, or a real server.
    backend: EmbeddedBackend | None = None
    if args.server is None:
        backend = EmbeddedBackend()
        try:
            url = backend.start()
        except BackendFailed as exc:
            QMessageBox.critical(None, "grid-console", str(exc))
            return 1
        user, password = DEMO_USERS[role.value], DEMO_PASSWORD
    else:
        dialog = SignInDialog(preferences, server=args.server)
        if dialog.exec() != SignInDialog.DialogCode.Accepted:
            return 0
        credentials = dialog.credentials()
        url, user, password = credentials.server, credentials.user, credentials.password

    console = build_console(url, user, password, role)
    console.window.show()
    console.connection.start()

    try:
        with loop:
            loop.run_forever()
            # The window is closed: sign out cleanly before the backend goes.
            loop.run_until_complete(console.connection.close())
    finally:
        if backend is not None:
            backend.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
