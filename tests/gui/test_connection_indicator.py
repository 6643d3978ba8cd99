"""The connection indicator and the words the connection uses for outcomes and errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console import i18n
from console.connection import error_text, failure_text, stop_text, success_text
from console.store import ClientStore, StoreSignals
from console.theme import STATUS_COLOURS
from models.workflow import Accept, DispatchSingle
from net.client import ClientStatus, StatusChange, StopReason
from net.protocol import Ack, Command, ErrorCode, GoodbyeReason
from tests.unit.client_factories import make_case
from widgets.connection_indicator import ConnectionIndicator


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def setup(
    qtbot: QtBot, english: None
) -> Iterator[tuple[ClientStore, StoreSignals, ConnectionIndicator, Clock]]:
    clock = Clock()
    store = ClientStore(clock=clock)
    signals = StoreSignals(store)
    indicator = ConnectionIndicator(store, signals, clock=clock, refresh_ms=0)
    qtbot.addWidget(indicator)
    yield store, signals, indicator, clock
    signals.deleteLater()


def dot_colour(indicator: ConnectionIndicator) -> str:
    return indicator.dot.styleSheet().removeprefix("color: ").removesuffix(";")


def test_offline_before_the_first_connection(
    setup: tuple[ClientStore, StoreSignals, ConnectionIndicator, Clock],
) -> None:
    _store, _signals, indicator, _clock = setup
    assert indicator.texts == ("Offline", "no events yet", "")
    assert dot_colour(indicator) == STATUS_COLOURS["overdue"]


def test_online_shows_the_age_of_the_last_event_and_the_round_trip(
    setup: tuple[ClientStore, StoreSignals, ConnectionIndicator, Clock],
) -> None:
    store, signals, indicator, clock = setup
    store.apply(StatusChange(ClientStatus.ONLINE))
    store.set_round_trip(0.0384)
    store.last_event_at = clock.now - 3.2
    signals.flush()
    assert indicator.texts == ("Online", "last event 3 s ago", "38 ms")
    assert dot_colour(indicator) == STATUS_COLOURS["on_time"]
    assert indicator.toolTip() == ""

    clock.now += 150  # a quiet feed: the age keeps counting, and turns to warning colour
    indicator.refresh()
    assert indicator.texts[1] == "last event 2 min ago"
    assert STATUS_COLOURS["warning"] in indicator.age_label.styleSheet()


def test_reconnecting_says_why_and_when_the_next_attempt_comes(
    setup: tuple[ClientStore, StoreSignals, ConnectionIndicator, Clock],
) -> None:
    store, signals, indicator, _clock = setup
    store.set_round_trip(0.02)
    store.apply(
        StatusChange(
            ClientStatus.RECONNECTING, goodbye=GoodbyeReason.SHUTDOWN, attempt=3, retry_in=2.2
        )
    )
    signals.flush()
    assert indicator.texts == ("Reconnecting (attempt 3)", "no events yet", "")
    assert indicator.toolTip() == "The server is restarting; next attempt in 2 s"
    assert dot_colour(indicator) == STATUS_COLOURS["warning"]

    store.apply(StatusChange(ClientStatus.RECONNECTING, attempt=1, retry_in=0.4))
    signals.flush()
    assert indicator.texts[0] == "Reconnecting"
    assert indicator.toolTip() == "Connection lost; next attempt in 1 s"


def test_offline_for_good_says_what_the_user_must_do(
    setup: tuple[ClientStore, StoreSignals, ConnectionIndicator, Clock],
) -> None:
    store, signals, indicator, _clock = setup
    store.apply(StatusChange(ClientStatus.OFFLINE, stop_reason=StopReason.REPLACED))
    signals.flush()
    assert indicator.texts[0] == "Offline"
    assert indicator.toolTip() == "This console signed in elsewhere; this session ended"
    assert dot_colour(indicator) == STATUS_COLOURS["overdue"]


def test_the_indicator_speaks_chinese(
    setup: tuple[ClientStore, StoreSignals, ConnectionIndicator, Clock], qapp: QApplication
) -> None:
    store, signals, indicator, clock = setup
    store.apply(StatusChange(ClientStatus.ONLINE))
    store.set_round_trip(0.012)
    store.last_event_at = clock.now - 5
    signals.flush()
    i18n.install_language(qapp, i18n.CHINESE)
    assert indicator.texts == ("在线", "最近事件 5 秒前", "12 毫秒")
    i18n.install_language(qapp, i18n.ENGLISH)
    assert indicator.texts == ("Online", "last event 5 s ago", "12 ms")


# --- words for outcomes ----------------------------------------------------------------


def test_outcomes_name_the_action_the_case_and_the_reason(english: None) -> None:
    store = ClientStore()
    store.cases[5117] = make_case(5117, number="PD20261130-0042")
    dispatch = Command(id="c-1", case_id=5117, expected_revision=3, move=DispatchSingle())
    assert success_text(dispatch, Ack(id="c-1", seq=9), store) == (
        "Dispatch of case PD20261130-0042: done"
    )
    reason = error_text(ErrorCode.ILLEGAL_MOVE, {"state": "dispatched", "move": "verify_pass"})
    assert reason == "not allowed while the case is “Dispatched”"
    assert failure_text(dispatch, error_text(ErrorCode.CONFLICT), store) == (
        "Dispatch of case PD20261130-0042 failed: "
        "the case changed in the meantime: look at it again"
    )
    unknown = Command(id="c-2", case_id=77, move=Accept())
    assert failure_text(unknown, error_text(ErrorCode.UNKNOWN_ID, {"ident": "77"}), store) == (
        "Acceptance of case #77 failed: not found: 77"
    )
    assert error_text(ErrorCode.INVALID_INPUT, {"field": "reason"}) == (
        "a value is not acceptable (field reason)"
    )
    assert stop_text(StopReason.SIGN_IN_FAILED) == "Sign-in failed: wrong user name or password"


def test_every_error_code_and_stop_reason_has_words_in_chinese(qapp: QApplication) -> None:
    i18n.install_language(qapp, i18n.CHINESE)
    try:
        store = ClientStore()
        store.cases[1] = make_case(1)
        for code in ErrorCode:
            assert error_text(code) != ""
            assert not error_text(code).isascii(), code
        for reason in StopReason:
            assert not stop_text(reason).isascii(), reason
        command = Command(id="c-3", case_id=1, move=Accept())
        text = failure_text(command, error_text(ErrorCode.ILLEGAL_MOVE, {"state": "closed"}), store)
        assert "PD20261130-0001" in text
        assert "已结案" in text
    finally:
        i18n.install_language(qapp, i18n.ENGLISH)
