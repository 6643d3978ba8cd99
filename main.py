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
from collections.abc import Callable, Sequence
from datetime import datetime

import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from console.actions import ActionRegistry
from console.attention import AttentionWatch
from console.basemap import user_basemaps
from console.case_alert import UrgentCaseAlert, register_alert_actions
from console.city import CityMapCache
from console.connection import Connection
from console.embedded import DEMO_PASSWORD, DEMO_USERS, BackendFailed, EmbeddedBackend
from console.item_models import CaseTableModel, Reference, UnitTableModel
from console.preferences import PreferencesStore
from console.shift_watch import HandoverReminder, ShiftWatch
from console.store import ClientStore, StoreSignals
from console.theme import configure_high_dpi
from console.wall import NightMode, WallFeed, register_wall_actions
from console.workspace import Role, default_data_dir
from models.case import Case
from models.catalogue import Catalogue, load_catalogue
from models.demo_city import load_town_facts
from models.errors import LoadError
from models.handover import ReminderLevel
from net.client import GridClient
from views.alerts_panel import AlertsPanel
from views.case_desk import CaseDesk
from views.case_detail_panel import CaseDetailPanel
from views.case_queue_panel import CaseQueuePanel
from views.evaluation_panel import EvaluationPanel
from views.handover_panel import HandoverPanel
from views.joint_desk import JointDesk
from views.joint_panel import JointPanel
from views.main_window import MainWindow
from views.map_panel import MapPanel
from views.new_case_dialog import NewCaseDialog, NewCaseLauncher
from views.shift_board_panel import ShiftBoardPanel
from views.sign_in_dialog import SignInDialog
from views.table_panel import TablePanel
from views.team_board_panel import TeamBoardPanel
from views.wall import wall_panel_factories
from widgets.connection_indicator import ConnectionIndicator
from widgets.map.live_map import LiveMap


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


def reference_data(catalogue: Catalogue | None = None) -> Reference:
    """Names of categories, departments and streets/towns, in both languages."""
    streets = {t.code: (t.name_zh, t.name_en) for t in load_town_facts()}
    named = Reference.from_data(catalogue if catalogue is not None else load_catalogue())
    return dataclasses.replace(named, streets=streets)


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
    alert: UrgentCaseAlert
    shifts: ShiftWatch
    reminder: HandoverReminder
    watch: AttentionWatch
    joint: JointDesk


def build_console(
    url: str,
    user: str,
    password: str,
    role: Role,
    *,
    clock: Callable[[], datetime] | None = None,
) -> Console:
    """Wire one console: socket → client → store → coalesced signals → models → panels.

    Nothing runs until ``connection.start()`` on a running (qasync) event loop. ``clock``
    is "now" for shifts and handovers (the server's time, estimated, when ``None``).
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
    connection = Connection(client, store, maps=CityMapCache(default_data_dir()))
    catalogue = load_catalogue()  # once: names, case actions, convening and call taking share it
    reference = reference_data(catalogue)
    cases = CaseTableModel(store, signals, reference=reference)
    units = UnitTableModel(store, signals, reference=reference)
    preferences_store = PreferencesStore()
    preferences = preferences_store.load()  # one object: the window and the alert share it
    alert = UrgentCaseAlert(store, signals, preferences=preferences, save=preferences_store.save)
    registry = ActionRegistry()
    register_alert_actions(registry, alert)
    desk = CaseDesk(store, signals, catalogue, reference)  # every move on a case
    shifts = ShiftWatch(store, signals, clock=clock)  # the current shift, for every panel
    reminder = HandoverReminder(store, signals, shifts.now)  # chases an unsigned handover
    watch = AttentionWatch(store, signals, clock=shifts.now)  # alarms, reminders, the board's tick
    joint = JointDesk(store, signals, catalogue, reference, watch)  # convening, patrols
    wall = WallFeed(  # the leader wall's figures; idle until a wall panel opens
        store,
        signals,
        now=shifts.now,
        rotation_s=preferences.wall_rotation_s,
        night_mode=NightMode(preferences.wall_night),
    )
    register_wall_actions(registry, wall, preferences, preferences_store.save)

    try:
        basemaps, basemap_problem = user_basemaps(), None
    except LoadError as exc:  # a wrong basemaps.toml: say so, and run without basemaps
        basemaps, basemap_problem = [], str(exc)

    def map_panel() -> MapPanel:
        panel = MapPanel(LiveMap(store, signals, reference), store, signals, basemaps)
        # "New case here" on the map opens the call-taking form at that place.
        panel.new_case_requested.connect(
            lambda lon, lat: launcher.open().set_location_from_map(lon, lat)
        )
        return panel

    def case_detail_panel() -> CaseDetailPanel:
        surroundings = LiveMap(store, signals, reference)  # the small map of the case
        panel = CaseDetailPanel(desk, map_widget=surroundings)
        panel.case_shown.connect(lambda case: show_case_on(surroundings, case))
        return panel

    panels = {
        "case_detail": lambda: case_detail_panel(),
        "case_queue": lambda: CaseQueuePanel(cases, store, signals, alert),
        "map": lambda: map_panel(),
        "units": lambda: TablePanel(units, "unitsPanel"),
        "teams": lambda: TeamBoardPanel(store, signals, watch, joint, reference),
        "joint": lambda: JointPanel(store, signals, watch, joint, reference),
        "alerts": lambda: AlertsPanel(store, watch),
        "shift_board": lambda: ShiftBoardPanel(store, signals, shifts),
        "handover": lambda: HandoverPanel(store, signals, shifts, reminder),
        "evaluation": lambda: EvaluationPanel(store, signals, shifts.now),
        **wall_panel_factories(wall, store, signals, reference),
    }
    window = MainWindow(
        role=role, panel_factories=panels, registry=registry, preferences=preferences
    )
    alert.setParent(window)
    shifts.setParent(window)
    reminder.setParent(window)
    wall.setParent(window)
    watch.setParent(window)
    desk.attach(window)  # case actions in menus and the palette, F2–F8, command-line verbs
    joint.attach(window, desk)  # a comprehensive dispatch opens the convening form
    indicator = ConnectionIndicator(store, signals)
    window.add_status_widget(indicator)
    status = window.statusBar()
    if basemap_problem is not None:
        status.showMessage(basemap_problem)
    signals.request_failed.connect(lambda outcome: status.showMessage(outcome.text, 10_000))
    signals.request_succeeded.connect(lambda outcome: status.showMessage(outcome.text, 4_000))
    joint.problem.connect(lambda text: status.showMessage(text, 10_000))
    reminded: list[str] = []

    def remind(level: int, text: str) -> None:
        # From the second reminder on, the status bar says it too (the banner is the
        # panel's), until the handover is signed.
        if level >= ReminderLevel.REMIND_AGAIN:
            status.showMessage(text)
            reminded[:] = [text]
        elif reminded and status.currentMessage() == reminded[0]:
            status.clearMessage()

    reminder.level_changed.connect(remind)
    launcher = NewCaseLauncher(store, signals, catalogue, window.registry, window)  # Ctrl+N
    launcher.dialog_opened.connect(lambda dialog: pick_on_map(window, dialog))
    return Console(
        store,
        signals,
        connection,
        cases,
        units,
        window,
        indicator,
        alert,
        shifts,
        reminder,
        watch,
        joint,
    )


def show_case_on(live_map: LiveMap, case: Case | None) -> None:
    if case is not None:
        live_map.show_place(case.location.lon, case.location.lat)


def pick_on_map(window: MainWindow, dialog: NewCaseDialog) -> None:
    """Let the form's "Pick on map" use the window's map: its next click places the case."""

    def begin() -> None:
        for live_map in window.findChildren(LiveMap):
            live_map.begin_pick()
            live_map.picked.connect(
                dialog.set_location_from_map, Qt.ConnectionType.SingleShotConnection
            )

    dialog.map_pick_requested.connect(begin)


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
