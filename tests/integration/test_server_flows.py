"""The server's must-shows over real sockets: the whole loop, races, resume, restart,
scope, TLS and a battery of bad input."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from backend.services.users import UserService
from backend.store.database import Database
from models.case import Case, CaseState, Source
from models.geography import Cell
from models.org import Role
from models.workflow import (
    Accept,
    AssignVerification,
    DepartmentAccept,
    DispatchSingle,
    Feedback,
    File,
    NewReport,
    VerifyPass,
)
from net import codec
from net.protocol import (
    Ack,
    Command,
    Error,
    ErrorCode,
    Event,
    Goodbye,
    HistoryResult,
    PhotoResult,
    Ping,
    Pong,
    QueryHistory,
    QueryPhoto,
    Report,
    UploadPhoto,
    Welcome,
)
from tests.integration.peer import Peer, new_id, now
from tests.integration.server_fixtures import city_of, copy_sqlite, running_server
from tests.integration.support import fast_hasher_for_tests

ROOT = Path(__file__).resolve().parents[2]
GARBAGE = "E0102"


@pytest.fixture
def db_url(seeded_template: Path, tmp_path: Path) -> str:
    return copy_sqlite(seeded_template, tmp_path / "grid.db")


def cells(url: str) -> list[Cell]:
    return list(city_of(url).cells)


def report_at(cell: Cell, text: str = "暴露垃圾") -> Report:
    return Report(
        id=new_id(),
        report=NewReport(
            source=Source.PATROL,
            category=GARBAGE,
            lon=cell.centroid_lon,
            lat=cell.centroid_lat,
            description=text,
        ),
    )


def case_of(message: Any) -> Case:
    assert isinstance(message, Event)
    return message.body.case  # type: ignore[union-attr,no-any-return]


async def case_event(peer: Peer, case_id: int, state: CaseState, start: int = 0) -> Case:
    event = await peer.wait_for(
        lambda m: (
            isinstance(m, Event)
            and getattr(m.body, "case", None) is not None
            and m.body.case.id == case_id  # type: ignore[union-attr]
            and m.body.case.state is state
        ),  # type: ignore[union-attr]
        start=start,
    )
    return case_of(event)


async def acked(peer: Peer, message: Any) -> Ack:
    reply = await peer.request(message)
    assert isinstance(reply, Ack), reply
    return reply


def run(coro: Any, timeout: float = 90.0) -> Any:
    return asyncio.run(asyncio.wait_for(coro, timeout))


def test_a_case_goes_the_whole_loop_and_its_history_is_complete(db_url: str) -> None:
    cell = cells(db_url)[0]

    async def scenario() -> None:
        async with running_server(db_url) as srv:
            operator = await Peer.connect(srv.url, "operator")
            await operator.synced()
            field = await Peer.connect(srv.url, "field", kind="terminal")
            await field.synced()
            case_id = (await acked(field, report_at(cell))).result["case_id"]  # type: ignore[index]
            for move in (Accept(), File(), DispatchSingle()):
                await acked(operator, Command(id=new_id(), case_id=case_id, move=move))
            dispatched = await case_event(operator, case_id, CaseState.DISPATCHED)
            department = dispatched.orders[-1].department
            handler = await Peer.connect(srv.url, f"dept-{department.lower()}", kind="terminal")
            await handler.synced()
            assert case_id in handler.snapshot_cases()  # the order is addressed to it
            await acked(handler, Command(id=new_id(), case_id=case_id, move=DepartmentAccept()))
            await acked(
                handler,
                Command(id=new_id(), case_id=case_id, move=Feedback(result="已清运")),
            )
            await acked(
                operator,
                Command(id=new_id(), case_id=case_id, move=AssignVerification(verifier="field")),
            )
            await acked(field, Command(id=new_id(), case_id=case_id, move=VerifyPass()))
            closed = await case_event(operator, case_id, CaseState.CLOSED)
            assert closed.closing_type is not None
            assert closed.closing_type.value == "normal"
            history = await operator.request(QueryHistory(id=new_id(), case_id=case_id))
            assert isinstance(history, HistoryResult)
            assert [e.move for e in history.entries] == [
                "report",
                "accept",
                "file",
                "dispatch_single",
                "department_accept",
                "feedback",
                "assign_verification",
                "verify_pass",
            ]
            assert [e.actor_id for e in history.entries][-1] == "field"
            assert history.entries[4].actor_id == f"dept-{department.lower()}"
            assert all(e.terminal for e in history.entries)
            seqs = [e.seq for e in operator.events()]
            assert seqs == sorted(seqs)
            assert len(seqs) == len(set(seqs))
            for peer in (operator, field, handler):
                await peer.close()

    run(scenario())


def test_two_dispatchers_race_and_the_loser_gets_a_conflict(db_url: str) -> None:
    cell = cells(db_url)[1]

    async def scenario() -> None:
        async with running_server(db_url) as srv:
            a = await Peer.connect(srv.url, "operator")
            b = await Peer.connect(srv.url, "supervisor")
            await a.synced()
            await b.synced()
            case_id = (await acked(a, report_at(cell))).result["case_id"]  # type: ignore[index]
            case = await case_event(b, case_id, CaseState.AWAITING_ACCEPTANCE)
            replies = await asyncio.gather(
                a.request(
                    Command(
                        id=new_id(), case_id=case_id, expected_revision=case.revision, move=Accept()
                    )
                ),
                b.request(
                    Command(
                        id=new_id(), case_id=case_id, expected_revision=case.revision, move=Accept()
                    )
                ),
            )
            kinds = sorted(type(r).__name__ for r in replies)
            assert kinds == ["Ack", "Error"]
            error = next(r for r in replies if isinstance(r, Error))
            assert error.code is ErrorCode.CONFLICT
            assert case.number in error.message
            assert error.details["expected"] == case.revision
            await a.close()
            await b.close()

    run(scenario())


def test_a_resent_command_is_applied_once_and_answered_the_same(db_url: str) -> None:
    cell = cells(db_url)[2]

    async def scenario() -> None:
        async with running_server(db_url) as srv:
            op = await Peer.connect(srv.url, "operator")
            await op.synced()
            case_id = (await acked(op, report_at(cell))).result["case_id"]  # type: ignore[index]
            command = Command(id="same-id", case_id=case_id, move=Accept())
            first = await acked(op, command)
            seq_after_first = srv.core.published_seq
            second = await acked(op, command)
            assert second.seq == first.seq
            assert srv.core.published_seq == seq_after_first
            await op.close()

    run(scenario())


def test_a_reconnect_with_the_last_number_gets_exactly_the_missed_events(db_url: str) -> None:
    cell = cells(db_url)[3]

    async def scenario() -> None:
        async with running_server(db_url) as srv:
            watcher = await Peer.connect(srv.url, "leader")
            welcome = await watcher.signed_in()
            await watcher.synced()
            op = await Peer.connect(srv.url, "operator")
            await op.synced()
            case_id = (await acked(op, report_at(cell))).result["case_id"]  # type: ignore[index]
            await case_event(watcher, case_id, CaseState.AWAITING_ACCEPTANCE)
            last_seen = watcher.events()[-1].seq
            await watcher.close()
            for move in (Accept(), File(), DispatchSingle()):
                await acked(op, Command(id=new_id(), case_id=case_id, move=move))
            missed = list(range(last_seen + 1, srv.core.published_seq + 1))
            again = await Peer.connect(srv.url, "leader", token=welcome.token, last_seq=last_seen)
            resumed = await again.signed_in()
            assert resumed.resume == "events"
            synced = await again.synced()
            assert synced.seq == srv.core.published_seq
            assert [e.seq for e in again.events()] == missed
            assert case_of(again.events()[-1]).state is CaseState.DISPATCHED
            await again.close()
            await op.close()

    run(scenario())


def test_a_street_operator_sees_and_touches_only_its_street(db_url: str) -> None:
    all_cells = cells(db_url)
    mine = all_cells[0]
    other = next(c for c in all_cells if c.street_code != mine.street_code)
    db = Database.open(db_url)
    try:
        UserService(db, hasher=fast_hasher_for_tests()).create_user(
            "op-street", "街镇操作员", Role.OPERATOR, mine.street_code, None, "street-pass-1"
        )
    finally:
        db.close()

    async def scenario() -> None:
        async with running_server(db_url) as srv:
            district = await Peer.connect(srv.url, "operator")
            await district.synced()
            mine_id = (await acked(district, report_at(mine))).result["case_id"]  # type: ignore[index]
            other_id = (await acked(district, report_at(other))).result["case_id"]  # type: ignore[index]
            street = await Peer.connect(srv.url, "op-street", "street-pass-1")
            await street.synced()
            assert set(street.snapshot_cases()) == {mine_id}
            refused = await street.request(Command(id=new_id(), case_id=other_id, move=Accept()))
            assert isinstance(refused, Error)
            assert refused.code is ErrorCode.NOT_PERMITTED
            assert "scope" in refused.message
            history = await street.request(QueryHistory(id=new_id(), case_id=other_id))
            assert isinstance(history, Error)
            assert history.code is ErrorCode.NOT_PERMITTED
            await acked(district, Command(id=new_id(), case_id=other_id, move=Accept()))
            await acked(street, Command(id=new_id(), case_id=mine_id, move=Accept()))
            await case_event(street, mine_id, CaseState.AWAITING_FILING)
            assert all(case_of(e).id != other_id for e in street.events())
            await street.close()
            await district.close()

    run(scenario())


def test_sign_in_failures_do_not_say_which_part_was_wrong(db_url: str) -> None:
    async def scenario() -> None:
        async with running_server(db_url) as srv:
            messages = []
            for user, password in (("operator", "wrong"), ("nobody", "grid-demo-2026")):
                peer = await Peer.connect(srv.url, user, password)
                error = await peer.wait_for(lambda m: isinstance(m, Error | Welcome))
                assert isinstance(error, Error)
                assert error.code is ErrorCode.SIGN_IN_FAILED
                messages.append(error.message)
                await peer.close()
            assert messages[0] == messages[1]
            peer = await Peer.connect(srv.url, "operator", token="forged.token")
            error = await peer.wait_for(lambda m: isinstance(m, Error | Welcome))
            assert isinstance(error, Error)
            assert error.code is ErrorCode.SIGN_IN_FAILED
            await peer.close()

    run(scenario())


def test_nothing_but_hello_before_sign_in(db_url: str) -> None:
    async def scenario() -> None:
        async with running_server(db_url) as srv:
            from websockets.asyncio.client import connect

            async with connect(srv.url) as ws:
                await ws.send('{"type": "ping", "id": "p1", "sent_at": "2026-11-30T00:00:00Z"}')
                from net import codec

                reply = codec.decode_server(await ws.recv())
                assert isinstance(reply, Error)
                assert reply.code is ErrorCode.NOT_SIGNED_IN

    run(scenario())


BAD_FRAMES = [
    ("{not json", ErrorCode.MALFORMED_FRAME, None),
    ('{"type": "launch_missiles", "id": "x1"}', ErrorCode.UNKNOWN_TYPE, "launch_missiles"),
    (
        '{"type": "command", "id": "x2", "case_id": "one", "move": {"move": "accept"}}',
        ErrorCode.INVALID_FIELD,
        "$.case_id",
    ),
    (
        '{"type": "command", "id": "x3", "case_id": 1, "move": {"move": "void", "reason": 5}}',
        ErrorCode.INVALID_FIELD,
        "$.move.reason",
    ),
    (
        '{"type": "command", "id": "x4", "case_id": 1, "move": {"move": "accept", "colour": 1}}',
        ErrorCode.INVALID_FIELD,
        "colour",
    ),
]


def test_bad_input_gets_a_precise_error_writes_nothing_and_the_connection_stays_usable(
    db_url: str,
) -> None:
    cell = cells(db_url)[4]

    async def scenario() -> None:
        async with running_server(db_url) as srv:
            op = await Peer.connect(srv.url, "operator")
            await op.synced()
            case_id = (await acked(op, report_at(cell))).result["case_id"]  # type: ignore[index]
            before = srv.core.published_seq
            for frame, code, named in BAD_FRAMES:
                start = len(op.received)
                await op.send_raw(frame)
                error = await op.wait_for(lambda m: isinstance(m, Error), start=start)
                assert isinstance(error, Error)
                assert error.code is code, (frame, error)
                if named is not None:
                    assert named in error.message + str(error.details), (frame, error)
            refusals: list[tuple[Any, ErrorCode, str]] = [
                (
                    Command(id=new_id(), case_id=case_id, move=File()),
                    ErrorCode.ILLEGAL_MOVE,
                    "awaiting_acceptance",
                ),
                (
                    Command(id=new_id(), case_id=99_999, move=Accept()),
                    ErrorCode.UNKNOWN_ID,
                    "99999",
                ),
                (
                    Command(id=new_id(), case_id=case_id, move=Feedback(result="x")),
                    ErrorCode.ILLEGAL_MOVE,
                    "feedback",
                ),
                (
                    Report(
                        id=new_id(),
                        report=NewReport(
                            source=Source.PATROL,
                            category="E9999",
                            lon=cell.centroid_lon,
                            lat=cell.centroid_lat,
                            description="x",
                        ),
                    ),
                    ErrorCode.UNKNOWN_ID,
                    "E9999",
                ),
                (
                    Report(
                        id=new_id(),
                        report=NewReport(
                            source=Source.PATROL,
                            category=GARBAGE,
                            lon=10.0,
                            lat=10.0,
                            description="x",
                        ),
                    ),
                    ErrorCode.INVALID_INPUT,
                    "outside every grid cell",
                ),
            ]
            for message, code, named in refusals:
                error = await op.request(message)
                assert isinstance(error, Error), (message, error)
                assert error.code is code, (message, error)
                assert named in error.message, (message, error)
            leader = await Peer.connect(srv.url, "leader")
            await leader.synced()
            wrong_role = await leader.request(Command(id=new_id(), case_id=case_id, move=Accept()))
            assert isinstance(wrong_role, Error)
            assert wrong_role.code is ErrorCode.NOT_PERMITTED
            assert "role 'leader'" in wrong_role.message
            assert srv.core.published_seq == before  # nothing was written
            pong = await op.request(Ping(id=new_id(), sent_at=now()))
            assert isinstance(pong, Pong)
            await op.send_raw(
                '{"type":"ping","id":"big","sent_at":"2026-11-30T00:00:00Z","pad":"'
                + "x" * (1024 * 1024 + 10)
                + '"}'
            )
            goodbye = await op.wait_for(lambda m: isinstance(m, Goodbye))
            assert isinstance(goodbye, Goodbye)
            assert goodbye.reason.value == "frame_too_large"
            too_large = op.of_type(Error)[-1]
            assert too_large.code is ErrorCode.FRAME_TOO_LARGE
            await leader.close()
            await op.close()
            healthy = await Peer.connect(srv.url, "operator")
            assert isinstance(await healthy.signed_in(), Welcome)
            await healthy.close()

    run(scenario())


def self_signed(tmp: Path) -> tuple[Path, Path]:
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_tls_wss_signs_in_and_plain_clients_cannot_talk_to_it(db_url: str, tmp_path: Path) -> None:
    from backend.core import Core
    from backend.server import GridServer, tls_context

    cert, key = self_signed(tmp_path)
    trust = ssl.create_default_context(cafile=str(cert))

    async def scenario() -> None:
        db = Database.open(db_url)
        core = Core(db)
        await core.start()
        try:
            async with GridServer(core).serving("127.0.0.1", 0, tls_context(cert, key)) as server:
                port = next(iter(server.sockets)).getsockname()[1]
                peer = await Peer.connect(f"wss://127.0.0.1:{port}", "operator", ssl_context=trust)
                assert isinstance(await peer.signed_in(), Welcome)
                await peer.close()
                with pytest.raises(Exception):  # noqa: B017,PT011 - any handshake failure
                    await Peer.connect(f"ws://127.0.0.1:{port}", "operator")
        finally:
            await core.stop()
            db.close()

    run(scenario())


# --- a real server process, killed and restarted mid-stream -----------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server_process(db_url: str) -> Iterator[Any]:
    port = free_port()
    procs: list[subprocess.Popen[str]] = []

    def start() -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "backend", "serve", "--db", db_url, "--port", str(port)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        procs.append(proc)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("listening on"):
                return proc
        raise AssertionError("the server did not start")

    yield start, f"ws://127.0.0.1:{port}"
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()


def test_server_killed_mid_stream_and_restarted_loses_nothing(
    db_url: str, server_process: Any
) -> None:
    start, url = server_process
    all_cells = cells(db_url)

    async def scenario() -> None:
        proc = start()
        console = await Peer.connect(url, "operator")
        welcome = await console.signed_in()
        await console.synced()
        reporter = await Peer.connect(url, "field", kind="terminal")
        await reporter.synced()
        sent: list[Report] = [report_at(all_cells[i % len(all_cells)], f"r{i}") for i in range(40)]
        for message in sent[:10]:
            assert isinstance(await reporter.request(message), Ack)
        for message in sent[10:20]:  # in flight when the server dies
            await reporter.send(message)
        proc.kill()  # SIGKILL mid-stream: no goodbye, no flush
        proc.wait()
        await asyncio.sleep(0.5)
        acked_ids = {m.id for m in reporter.of_type(Ack)}
        last_seen = max((e.seq for e in console.events()), default=welcome.last_seq)
        seen_cases = {case_of(e).id for e in console.events()}
        await console.close()
        await reporter.close()

        start()
        # The reporter resends everything not acknowledged, with the same ids; the rest too.
        reporter = await Peer.connect(url, "field", kind="terminal")
        await reporter.synced()
        for message in sent:
            reply = await reporter.request(message)
            assert isinstance(reply, Ack), reply
        console = await Peer.connect(url, "operator", token=welcome.token, last_seq=last_seen)
        resumed = await console.signed_in()
        assert resumed.resume == "events"
        await console.synced()
        seqs = [e.seq for e in console.events()]
        assert seqs == list(range(last_seen + 1, last_seen + 1 + len(seqs)))
        seen_cases |= {case_of(e).id for e in console.events()}
        descriptions = {case_of(e).description for e in console.events()}
        assert len(seen_cases) == 40, "every report became exactly one case"
        assert len(acked_ids) >= 10
        assert {f"r{i}" for i in range(20, 40)} <= descriptions
        await console.close()
        await reporter.close()

    run(scenario(), timeout=120)


def test_photos_are_uploaded_attached_to_a_report_and_served_by_id(db_url: str) -> None:
    cell = cells(db_url)[5]
    jpeg = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40 + b"\xff\xd9"

    async def scenario() -> None:
        async with running_server(db_url) as srv:
            field = await Peer.connect(srv.url, "field", kind="terminal")
            await field.synced()
            uploaded = await acked(
                field, UploadPhoto(id=new_id(), content_type="image/jpeg", data=jpeg)
            )
            photo_id = uploaded.result["photo_id"]  # type: ignore[index]
            report = NewReport(
                source=Source.PATROL,
                category=GARBAGE,
                lon=cell.centroid_lon,
                lat=cell.centroid_lat,
                description="带照片",
                photos=(photo_id,),
            )
            case_id = (await acked(field, Report(id=new_id(), report=report))).result["case_id"]  # type: ignore[index]
            console = await Peer.connect(srv.url, "operator")
            await console.synced()
            assert console.snapshot_cases()[case_id].photos == (photo_id,)
            photo = await console.request(QueryPhoto(id=new_id(), photo_id=photo_id))
            assert isinstance(photo, PhotoResult)
            assert photo.data == jpeg
            lying = codec.encode(UploadPhoto(id="png-1", content_type="image/jpeg", data=jpeg))
            await field.send_raw(lying.replace(b"image/jpeg", b"image/png"))
            wrong = await field.wait_for(lambda m: getattr(m, "id", None) == "png-1")
            assert isinstance(wrong, Error)
            assert wrong.code is ErrorCode.INVALID_FIELD
            assert "png" in wrong.message
            missing = await field.request(
                Report(id=new_id(), report=msgspec.structs.replace(report, photos=("nope",)))
            )
            assert isinstance(missing, Error)
            assert missing.code is ErrorCode.UNKNOWN_ID
            await console.close()
            await field.close()

    run(scenario())


def test_a_flooding_client_is_rate_limited_then_cut_off(db_url: str) -> None:
    async def scenario() -> None:
        async with running_server(db_url) as srv:
            peer = await Peer.connect(srv.url, "operator")
            await peer.synced()
            for i in range(260):  # a burst of 200 passes; the rest exceeds 50/s
                await peer.send(Ping(id=f"flood-{i}", sent_at=now()))
            await peer.wait_for(lambda m: getattr(m, "id", None) == "flood-259")
            replies = [m for m in peer.received if str(getattr(m, "id", "")).startswith("flood-")]
            limited = [m for m in replies if isinstance(m, Error)]
            assert len(replies) == 260, "every message is answered, if only to refuse it"
            assert limited
            assert all(m.code is ErrorCode.RATE_LIMITED for m in limited)
            assert len(replies) - len(limited) >= 200
            await asyncio.sleep(1.0)
            pong = await peer.request(Ping(id=new_id(), sent_at=now()))
            assert isinstance(pong, Pong), "after a pause the client is served again"
            for i in range(600):  # and one that keeps flooding is disconnected
                await peer.send(Ping(id=f"more-{i}", sent_at=now()))
            goodbye = await peer.wait_for(lambda m: isinstance(m, Goodbye))
            assert isinstance(goodbye, Goodbye)
            assert goodbye.reason.value == "rate_limited"
            await peer.close()

    run(scenario())
