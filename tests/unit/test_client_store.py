"""The console's side of the protocol without sockets: the client's session logic and the store.

The session logic decides what a console sends and whether it reconnects; the store decides
what the operator sees. Both are plain Python, so every decision is checked here directly.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from console.store import ClientStore, RequestOutcome, Selection
from models.case import CaseState
from models.org import UnitStatus
from models.workflow import Accept, DispatchSingle
from net.client import (
    Backoff,
    ClientStatus,
    Next,
    SessionLogic,
    StatusChange,
    StopReason,
)
from net.protocol import (
    Ack,
    ClientMessage,
    Command,
    Error,
    ErrorCode,
    Event,
    Goodbye,
    GoodbyeReason,
    Hello,
    Ping,
    Pong,
    UnitRemoved,
)
from tests.unit.client_factories import (
    T0,
    case_event,
    make_case,
    make_team,
    make_unit,
    position_frame,
    snapshot,
    synced,
    unit_event,
    welcome,
)


def logic(**kwargs: object) -> SessionLogic:
    options: dict[str, object] = {"client_id": "console-ljz-03"}
    options.update(kwargs)
    return SessionLogic("zhangmin", "secret", **options)  # type: ignore[arg-type]


def signed_in(session: SessionLogic, seq: int = 10) -> SessionLogic:
    session.connected()
    session.receive(welcome(last_seq=seq))
    session.receive(synced(seq))
    return session


def command(request_id: str, case_id: int = 7) -> Command:
    return Command(id=request_id, case_id=case_id, expected_revision=1, move=Accept())


# --- signing in ------------------------------------------------------------------------


def test_first_hello_signs_in_with_the_password_and_asks_for_a_snapshot() -> None:
    hello = logic().connected()
    assert hello == Hello(
        protocol=1,
        client_kind="console",
        client_id="console-ljz-03",
        user="zhangmin",
        password="secret",
        token=None,
        last_seq=None,
    )


def test_after_a_welcome_the_console_reconnects_with_its_token_and_last_applied_event() -> None:
    applied: dict[str, int | None] = {"seq": None}
    session = logic(applied_seq=lambda: applied["seq"])
    session.connected()
    session.receive(welcome(token="tk-fresh"))
    applied["seq"] = 1043
    session.connection_lost()

    hello = session.connected()

    assert hello.token == "tk-fresh"
    assert hello.password is None
    assert hello.last_seq == 1043


def test_without_a_store_the_logic_resumes_from_the_last_event_it_saw() -> None:
    session = logic()
    session.connected()
    session.receive(welcome())
    for chunk in snapshot(40, [make_case(1)], chunks=2):
        session.receive(chunk)
    assert session.last_seq == 40
    session.receive(case_event(44, make_case(1, 2)))
    session.receive(synced(45))
    session.connection_lost()
    assert session.connected().last_seq == 45


@pytest.mark.parametrize("code", [ErrorCode.TOKEN_EXPIRED, ErrorCode.SIGN_IN_FAILED])
def test_a_refused_token_falls_back_to_the_password_on_the_same_connection(
    code: ErrorCode,
) -> None:
    session = logic(token="tk-old")
    assert session.connected().token == "tk-old"

    reaction = session.receive(Error(code=code, message="no"))

    assert reaction.next is Next.CONTINUE
    (hello,) = reaction.send
    assert isinstance(hello, Hello)
    assert hello.password == "secret"
    assert hello.token is None
    assert session.token is None


def test_a_refused_password_stops_the_client_until_the_user_signs_in_again() -> None:
    session = logic()
    session.connected()
    reaction = session.receive(Error(code=ErrorCode.SIGN_IN_FAILED, message="no"))
    assert reaction.next is Next.STOP
    assert reaction.status is ClientStatus.OFFLINE
    assert session.stopped is StopReason.SIGN_IN_FAILED


def test_a_refused_token_without_a_password_asks_for_the_password() -> None:
    session = SessionLogic("zhangmin", None, client_id="c-1", token="tk-old")
    session.connected()
    reaction = session.receive(Error(code=ErrorCode.TOKEN_EXPIRED, message="expired"))
    assert reaction.next is Next.STOP
    assert session.stopped is StopReason.PASSWORD_REQUIRED


def test_a_protocol_version_refusal_stops_the_client() -> None:
    session = logic()
    session.connected()
    reaction = session.receive(Error(code=ErrorCode.PROTOCOL_VERSION, message="v2 only"))
    assert reaction.next is Next.STOP
    assert session.stopped is StopReason.PROTOCOL_VERSION


def test_a_server_fault_during_sign_in_retries_later() -> None:
    session = logic()
    session.connected()
    reaction = session.receive(Error(code=ErrorCode.SERVER_ERROR, message="db down"))
    assert reaction.next is Next.RECONNECT
    assert reaction.backoff


def test_the_client_goes_online_only_after_synced() -> None:
    session = logic()
    session.connected()
    assert session.receive(welcome()).status is None
    phases = [session.phase]
    reaction = session.receive(synced(0))
    phases.append(session.phase)
    assert reaction.status is ClientStatus.ONLINE
    assert phases == ["catching_up", "live"]


# --- goodbye reasons -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "next_step", "stop", "backoff"),
    [
        (GoodbyeReason.BYE, Next.STOP, StopReason.SIGNED_OUT, True),
        (GoodbyeReason.SHUTDOWN, Next.RECONNECT, None, True),
        (GoodbyeReason.REPLACED, Next.STOP, StopReason.REPLACED, True),
        (GoodbyeReason.TOKEN_EXPIRED, Next.RECONNECT, None, False),
        (GoodbyeReason.TOO_SLOW, Next.RECONNECT, None, True),
        (GoodbyeReason.IDLE, Next.RECONNECT, None, True),
        (GoodbyeReason.FRAME_TOO_LARGE, Next.RECONNECT, None, True),
        (GoodbyeReason.RATE_LIMITED, Next.RECONNECT, None, True),
        (GoodbyeReason.PROTOCOL_VERSION, Next.STOP, StopReason.PROTOCOL_VERSION, True),
    ],
)
def test_each_goodbye_reason_decides_whether_to_reconnect(
    reason: GoodbyeReason, next_step: Next, stop: StopReason | None, backoff: bool
) -> None:
    session = signed_in(logic())
    reaction = session.receive(Goodbye(reason=reason))
    assert reaction.next is next_step
    assert session.stopped is stop
    if next_step is Next.RECONNECT:
        assert reaction.backoff is backoff


def test_after_token_expired_the_console_signs_in_with_the_password() -> None:
    session = signed_in(logic())
    assert session.token == "tk-1"
    session.receive(Goodbye(reason=GoodbyeReason.TOKEN_EXPIRED))
    hello = session.connected()
    assert hello.password == "secret"
    assert hello.token is None


def test_after_too_slow_the_console_asks_for_a_fresh_snapshot_once() -> None:
    session = logic(applied_seq=lambda: 500)
    signed_in(session)
    session.receive(Goodbye(reason=GoodbyeReason.TOO_SLOW))
    assert session.connected().last_seq is None
    session.receive(welcome())
    session.connection_lost()
    assert session.connected().last_seq == 500


def test_a_goodbye_after_our_bye_means_we_closed() -> None:
    session = signed_in(logic())
    assert session.close() is not None
    reaction = session.receive(Goodbye(reason=GoodbyeReason.BYE))
    assert reaction.next is Next.STOP
    assert session.stopped is StopReason.CLOSED


def test_a_lost_connection_reconnects_unless_the_client_was_stopped() -> None:
    session = signed_in(logic())
    assert session.connection_lost().next is Next.RECONNECT
    session.close()
    assert session.connection_lost().next is Next.STOP
    assert session.stopped is StopReason.CLOSED


# --- requests --------------------------------------------------------------------------


def test_requests_made_offline_wait_and_go_out_after_synced_in_order() -> None:
    session = logic()
    assert session.add_request(command("c-1")) is False
    assert session.add_request(command("c-2")) is False
    session.connected()
    assert session.receive(welcome()).send == ()

    reaction = session.receive(synced(0))

    assert [m.id for m in reaction.send if isinstance(m, Command)] == ["c-1", "c-2"]


def test_a_request_made_online_is_sent_at_once() -> None:
    session = signed_in(logic())
    assert session.add_request(command("c-3")) is True


def test_unanswered_requests_are_resent_with_the_same_id_after_a_reconnect() -> None:
    session = signed_in(logic())
    session.add_request(command("c-4"))
    session.add_request(command("c-5"))
    session.receive(Ack(id="c-4", seq=12))
    session.forget_request("c-4")
    session.connection_lost()
    session.connected()
    session.receive(welcome(resume="events", last_seq=12))

    resent = session.receive(synced(12)).send

    assert resent == (command("c-5"),)


def test_acks_errors_and_results_answer_their_request_by_id() -> None:
    session = signed_in(logic())
    session.add_request(command("c-6"))
    session.add_request(Ping(id="p-1", sent_at=T0))
    assert session.receive(Ack(id="c-6", seq=13)).answers == "c-6"
    assert session.receive(Pong(id="p-1", sent_at=T0, server_time=T0)).answers == "p-1"
    session.add_request(command("c-7"))
    refused = Error(id="c-7", code=ErrorCode.ILLEGAL_MOVE, message="no")
    assert session.receive(refused).answers == "c-7"


def test_messages_for_no_pending_request_answer_nothing() -> None:
    session = signed_in(logic())
    assert session.receive(Ack(id="c-unknown")).answers is None
    assert session.receive(Pong(id="keepalive", sent_at=T0, server_time=T0)).answers is None
    assert session.receive(Error(code=ErrorCode.RATE_LIMITED, message="slow")).answers is None


def test_a_request_id_cannot_be_pending_twice() -> None:
    session = logic()
    session.add_request(command("c-8"))
    with pytest.raises(ValueError, match="already waiting"):
        session.add_request(command("c-8"))


# --- backoff ---------------------------------------------------------------------------


def test_backoff_doubles_up_to_its_cap_and_resets() -> None:
    backoff = Backoff(initial=0.5, cap=10.0, jitter=0.5, rng=lambda: 0.0)
    assert [backoff.next_delay() for _ in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    backoff.reset()
    assert backoff.next_delay() == 0.5


def test_backoff_jitter_spreads_delays_below_the_ceiling() -> None:
    values = itertools.cycle([0.0, 0.999])
    backoff = Backoff(initial=1.0, cap=8.0, jitter=0.5, rng=lambda: next(values))
    first, second = backoff.next_delay(), backoff.next_delay()
    assert first == 1.0
    assert 1.0 <= second < 1.01


# --- the store: snapshots --------------------------------------------------------------


def test_a_snapshot_in_chunks_replaces_the_state_only_when_complete() -> None:
    store = ClientStore()
    store.apply(welcome())
    chunks = snapshot(
        100, [make_case(i) for i in range(1, 7)], [make_unit("U-01")], [make_team("T")], chunks=3
    )
    store.apply(chunks[0])
    store.apply(chunks[1])
    assert store.cases == {}
    assert store.last_seq is None

    store.apply(chunks[2])

    assert sorted(store.cases) == [1, 2, 3, 4, 5, 6]
    assert list(store.units) == ["U-01"]
    assert list(store.teams) == ["T"]
    assert store.last_seq == 100
    changes = store.take_changes()
    assert changes.cases == {1, 2, 3, 4, 5, 6}
    assert changes.units == {"U-01"}
    assert changes.teams
    assert changes.units_moved


def test_a_snapshot_cut_off_by_a_reconnect_changes_nothing() -> None:
    store = ClientStore()
    store.apply(welcome())
    for chunk in snapshot(10, [make_case(1)]):
        store.apply(chunk)
    store.take_changes()
    store.apply(snapshot(20, [make_case(1, 2), make_case(2)], chunks=2, snapshot_id="s-2")[0])
    store.apply(welcome())  # the connection dropped mid-snapshot and signed in again

    store.apply(snapshot(20, [make_case(1, 2), make_case(2)], chunks=2, snapshot_id="s-2")[1])

    assert store.cases == {1: make_case(1)}
    assert store.last_seq == 10
    assert not store.take_changes().cases


def test_chunks_out_of_order_drop_the_snapshot() -> None:
    store = ClientStore()
    chunks = snapshot(5, [make_case(1), make_case(2), make_case(3)], chunks=3)
    store.apply(chunks[0])
    store.apply(chunks[2])
    store.apply(chunks[1])
    assert store.cases == {}


def test_a_new_snapshot_marks_only_what_changed_and_what_left() -> None:
    store = ClientStore()
    for chunk in snapshot(10, [make_case(1), make_case(2), make_case(3)]):
        store.apply(chunk)
    store.select_cases([2, 3])
    store.take_changes()

    for chunk in snapshot(30, [make_case(1), make_case(3, 4), make_case(4)]):
        store.apply(chunk)

    changes = store.take_changes()
    assert changes.cases == {3, 4}
    assert changes.cases_removed == {2}
    assert store.selection == Selection(cases=frozenset({3}))
    assert changes.selection


# --- the store: events -----------------------------------------------------------------


def test_events_apply_in_order_and_duplicates_are_ignored() -> None:
    store = ClientStore(clock=lambda: 42.0)
    for chunk in snapshot(10, [make_case(1)]):
        store.apply(chunk)
    store.apply(synced(10))

    store.apply(case_event(11, make_case(1, 2, state=CaseState.AWAITING_FILING)))
    store.apply(case_event(12, make_case(2)))
    store.apply(case_event(11, make_case(1, 2, state=CaseState.AWAITING_FILING)))  # resent
    store.apply(case_event(9, make_case(1, 1)))  # older than the snapshot

    assert sorted(store.cases) == [1, 2]
    assert store.cases[1].revision == 2
    assert store.cases[1].state is CaseState.AWAITING_FILING
    assert store.last_seq == 12
    assert store.ignored_events == 2
    assert store.last_event_at == 42.0
    assert store.take_changes().cases == {1, 2}


def test_synced_vouches_for_events_outside_the_scope() -> None:
    store = ClientStore()
    for chunk in snapshot(10, []):
        store.apply(chunk)
    store.apply(case_event(12, make_case(1)))
    store.apply(synced(20))
    assert store.last_seq == 20
    assert store.synced
    store.apply(case_event(15, make_case(1, 9)))
    assert store.cases[1].revision == 1


def test_unit_events_add_change_and_remove_units_and_their_positions() -> None:
    store = ClientStore()
    for chunk in snapshot(1, [], [make_unit("U-01"), make_unit("U-02"), make_unit("U-03")]):
        store.apply(chunk)
    store.select_units(["U-01", "U-02"])
    store.take_changes()

    store.apply(unit_event(2, make_unit("U-04", lon=121.6)))
    store.apply(unit_event(3, make_unit("U-02", status=UnitStatus.BUSY)))
    store.apply(case_event(4, make_case(1)))  # case events in between touch no unit row
    store.apply(Event(seq=5, at=T0, body=UnitRemoved(unit_id="U-01")))

    positions = store.positions
    assert sorted(store.units) == ["U-02", "U-03", "U-04"]
    assert positions.count == 3
    assert sorted(positions.ids) == ["U-02", "U-03", "U-04"]
    row = positions.row_of("U-04")
    assert row is not None
    assert positions.lon[row] == 121.6
    row = positions.row_of("U-02")
    assert row is not None
    assert positions.status[row] == list(UnitStatus).index(UnitStatus.BUSY)
    changes = store.take_changes()
    assert changes.units == {"U-02", "U-04"}
    assert changes.units_removed == {"U-01"}
    assert store.selection.units == frozenset({"U-02"})


def test_position_frames_write_the_arrays_and_skip_unknown_units() -> None:
    store = ClientStore()
    for chunk in snapshot(1, [], [make_unit("U-01"), make_unit("U-02")]):
        store.apply(chunk)
    store.take_changes()
    at = T0.replace(minute=5)

    store.apply(
        position_frame(
            ["U-02", "U-99", "U-01"],
            [121.52, 121.0, 121.51],
            [31.24, 31.0, 31.25],
            at=at,
            headings=[87, 10, None],
            statuses=[UnitStatus.EN_ROUTE, UnitStatus.PATROL, UnitStatus.ON_SCENE],
        )
    )

    p = store.positions
    one, two = p.row_of("U-01"), p.row_of("U-02")
    assert one is not None
    assert two is not None
    assert (p.lon[one], p.lat[one]) == (121.51, 31.25)
    assert (p.lon[two], p.lat[two]) == (121.52, 31.24)
    assert p.heading[two] == 87
    assert np.isnan(p.heading[one])
    assert p.status[two] == list(UnitStatus).index(UnitStatus.EN_ROUTE)
    assert p.last_fix[one] == at.timestamp()
    assert store.take_changes().units_moved
    assert store.unit_counts()[UnitStatus.ON_SCENE] == 1


def test_positions_grow_past_their_first_capacity() -> None:
    store = ClientStore()
    store.apply(snapshot(1, [], [])[0])
    for i in range(40):
        store.apply(unit_event(i + 2, make_unit(f"U-{i:03d}", lon=121.0 + i / 100)))
    assert store.positions.count == 40
    row = store.positions.row_of("U-039")
    assert row is not None
    assert store.positions.lon[row] == pytest.approx(121.39)


# --- the store: status, selection, commands --------------------------------------------


def test_status_changes_reach_the_connection_info_and_keep_the_round_trip() -> None:
    store = ClientStore()
    store.set_round_trip(0.038)
    store.apply(StatusChange(ClientStatus.RECONNECTING, goodbye=GoodbyeReason.SHUTDOWN, attempt=2))
    info = store.connection
    assert info.status is ClientStatus.RECONNECTING
    assert info.goodbye is GoodbyeReason.SHUTDOWN
    assert info.attempt == 2
    assert info.round_trip == 0.038
    assert store.take_changes().connection


def test_selection_keeps_only_known_items_and_marks_changes_once() -> None:
    store = ClientStore()
    for chunk in snapshot(1, [make_case(1), make_case(2)], [make_unit("U-01")]):
        store.apply(chunk)
    store.take_changes()
    store.select_cases([1, 99])
    store.select_cases([2], add=True)
    store.select_units(["U-01", "U-zz"])
    assert store.selection == Selection(frozenset({1, 2}), frozenset({"U-01"}))
    assert store.take_changes().selection
    store.select_cases([1, 2])
    assert not store.take_changes().selection
    store.clear_selection()
    assert store.selection == Selection()


class FakeSink:
    def __init__(self) -> None:
        self.sent: list[ClientMessage] = []

    def submit(self, message: ClientMessage) -> None:
        self.sent.append(message)

    def query(self, message: ClientMessage) -> object:
        raise NotImplementedError


def test_commands_go_out_through_the_sink_with_fresh_ids() -> None:
    store = ClientStore()
    sink = FakeSink()
    store.sink = sink  # type: ignore[assignment]
    move = DispatchSingle(instructions="今日内清运")
    first = store.send_move(5117, move, expected_revision=3)
    second = store.send_unit_status("U-01", UnitStatus.BUSY)
    assert first != second
    cmd = sink.sent[0]
    assert isinstance(cmd, Command)
    assert (cmd.id, cmd.case_id, cmd.expected_revision, cmd.move) == (first, 5117, 3, move)
    assert sink.sent[1].id == second  # type: ignore[union-attr]


def test_a_command_without_a_connection_fails_in_the_outcomes() -> None:
    store = ClientStore()
    request_id = store.send_move(1, Accept(), expected_revision=None)
    (outcome,) = store.take_changes().outcomes
    assert outcome == RequestOutcome(request_id, ok=False, text="not connected", code="offline")


def test_on_dirty_fires_once_per_batch_of_changes() -> None:
    store = ClientStore()
    calls: list[int] = []
    store.on_dirty = lambda: calls.append(1)
    store.apply(case_event(1, make_case(1)))
    store.apply(case_event(2, make_case(2)))
    assert calls == [1]
    store.take_changes()
    store.apply(case_event(3, make_case(3)))
    assert calls == [1, 1]


def test_a_status_event_does_not_move_a_unit_back_to_an_older_position() -> None:
    store = ClientStore()
    for chunk in snapshot(1, [], [make_unit("U-01")]):
        store.apply(chunk)
    later = T0.replace(minute=10)
    store.apply(position_frame(["U-01"], [121.7], [31.3], at=later))
    store.apply(unit_event(2, make_unit("U-01", status=UnitStatus.BUSY, lon=121.5)))
    row = store.positions.row_of("U-01")
    assert row is not None
    assert store.positions.lon[row] == 121.7
    assert store.positions.last_fix[row] == later.timestamp()
    assert store.positions.status[row] == list(UnitStatus).index(UnitStatus.BUSY)
