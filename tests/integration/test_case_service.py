"""The case service on a real database: the closed loop, refusals, merge, events, search."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import msgspec
import pytest
from sqlalchemy import select

from backend.services.cases import CaseService
from backend.services.errors import Conflict
from backend.services.records import CaseQuery
from backend.store.database import Database
from backend.store.orm import AuditRow, OrderRow
from models.case import CaseState, ClosingType, Source
from models.catalogue import Catalogue
from models.cell_index import CellIndex
from models.deadlines import DeadlinePolicy
from models.errors import DomainError, IllegalMove, InvalidInput, NotPermitted, UnknownId
from models.geography import CityMap
from models.org import Actor, Role
from models.workflow import (
    Accept,
    AssignVerification,
    DepartmentAccept,
    DispatchSingle,
    Feedback,
    File,
    Merge,
    Move,
    NewReport,
    VerifyPass,
    Void,
)
from tests.integration.support import (
    FIELD,
    OPERATOR,
    SANITATION,
    START,
    SUPERVISOR,
    URBAN_MGMT,
    case_row,
    counts,
    new_report,
    report,
)

LOOP: list[tuple[Actor, Move, CaseState]] = [
    (OPERATOR, Accept(note="seen on camera"), CaseState.AWAITING_FILING),
    (OPERATOR, File(), CaseState.AWAITING_DISPATCH),
    (OPERATOR, DispatchSingle(instructions="clear it today"), CaseState.DISPATCHED),
    (SANITATION, DepartmentAccept(), CaseState.IN_PROGRESS),
    (SANITATION, Feedback(result="cleared"), CaseState.AWAITING_VERIFICATION),
    (OPERATOR, AssignVerification(verifier=FIELD.user_id), CaseState.AWAITING_VERIFICATION),
    (FIELD, VerifyPass(note="clean now"), CaseState.CLOSED),
]


def test_a_case_goes_round_the_whole_loop_with_history_events_and_audit(
    service: CaseService, db: Database, city: CityMap
) -> None:
    opened = report(service, city.cells[100])
    case_id = opened.case_id
    assert case_id is not None
    assert opened.seq == 1
    assert opened.kind == "case.report"
    first = opened.case_change().case
    assert first.number == "PD20261130-0001"  # Shanghai date of the report
    assert first.location.cell_code == city.cells[100].code
    assert first.location.street_code == city.cells[100].street_code

    for actor, move, state in LOOP:
        event = service.move(case_id, move, actor)
        assert event.case_change().case.state is state

    case = service.get(case_id)
    assert case.state is CaseState.CLOSED
    assert case.closing_type is ClosingType.NORMAL
    assert case.revision == 1 + len(LOOP)

    history = service.history(case_id)
    assert [h.move for h in history] == [
        "report",
        "accept",
        "file",
        "dispatch_single",
        "department_accept",
        "feedback",
        "assign_verification",
        "verify_pass",
    ]
    assert [h.revision for h in history] == list(range(1, 9))
    assert [h.to_state for h in history][-1] is CaseState.CLOSED
    assert [h.actor_id for h in history] == ["op1", *(a.user_id for a, _, _ in LOOP)]

    events = service.events_since(0)
    assert [e.seq for e in events] == list(range(1, 9))
    assert service.last_seq() == 8
    assert [e.kind for e in events] == [f"case.{h.move}" for h in history]
    assert all(e.case_id == case_id for e in events)
    assert [e.case_change().case.revision for e in events] == list(range(1, 9))
    assert events[-1].case_change().case == case

    with db.session() as session:
        audit = session.execute(select(AuditRow).order_by(AuditRow.id)).scalars().all()
        orders = session.execute(select(OrderRow)).scalars().all()
        assert [a.event_seq for a in audit] == list(range(1, 9))
        assert [a.action for a in audit] == [h.move for h in history]
        assert [a.terminal for a in audit] == [
            "console-1",
            *(actor.terminal for actor, _, _ in LOOP),
        ]
        assert audit[3].role == Role.OPERATOR.value
        assert audit[4].role == Role.DEPARTMENT.value
        assert audit[0].before is None
        assert audit[-1].before["state"] == "awaiting_verification"
        assert audit[-1].after["state"] == "closed"
        assert all(a.target == f"case {case.number}" for a in audit)
        assert [(o.no, o.department, o.state) for o in orders] == [(1, "HW", "done")]


# --- refusals write nothing ------------------------------------------------------------

OTHER_STREET = "310115103"  # 川沙新镇: not the street of the case below


def _refusals() -> list[Any]:
    """(setup moves, actor, move, case id override, expected revision, error type)."""
    accept = [(OPERATOR, Accept())]
    filed = [(OPERATOR, Accept()), (OPERATOR, File())]
    elsewhere = Actor(user_id="op9", role=Role.OPERATOR, scope=OTHER_STREET)
    return [
        pytest.param([], OPERATOR, Feedback(result="x"), None, None, IllegalMove, id="state"),
        pytest.param([], FIELD, Accept(), None, None, NotPermitted, id="role"),
        pytest.param([], elsewhere, Accept(), None, None, NotPermitted, id="other-street"),
        pytest.param([], OPERATOR, Accept(), 999_999, None, UnknownId, id="unknown-case"),
        pytest.param(
            filed,
            OPERATOR,
            DispatchSingle(department="NOPE"),
            None,
            None,
            UnknownId,
            id="unknown-department",
        ),
        pytest.param([], OPERATOR, Void(reason="   "), None, None, InvalidInput, id="empty-reason"),
        pytest.param(accept, OPERATOR, File(), None, 1, Conflict, id="stale-revision"),
        pytest.param(
            [*filed, (OPERATOR, DispatchSingle())],
            URBAN_MGMT,
            DepartmentAccept(),
            None,
            None,
            NotPermitted,
            id="other-department",
        ),
        pytest.param(
            [], OPERATOR, Merge(into_case=424242), None, None, UnknownId, id="merge-unknown"
        ),
        pytest.param(
            [*filed, (OPERATOR, DispatchSingle()), (SANITATION, DepartmentAccept())],
            SANITATION,
            Feedback(result="done", photos=("no-such-photo",)),
            None,
            None,
            UnknownId,
            id="unknown-photo",
        ),
    ]


@pytest.mark.parametrize(
    ("setup", "actor", "move", "case_override", "expected_revision", "error"), _refusals()
)
def test_a_refused_move_raises_the_named_error_and_writes_nothing(
    service: CaseService,
    db: Database,
    city: CityMap,
    setup: list[tuple[Actor, Move]],
    actor: Actor,
    move: Move,
    case_override: int | None,
    expected_revision: int | None,
    error: type[DomainError],
) -> None:
    case_id = report(service, city.cells[0]).case_id
    assert case_id is not None
    for who, step in setup:
        service.move(case_id, step, who)
    rows_before = counts(db)
    case_before = case_row(db, case_id)
    seq_before = service.last_seq()

    with pytest.raises(error) as raised:
        service.move(case_override or case_id, move, actor, expected_revision=expected_revision)

    assert type(raised.value) is error
    assert str(raised.value)  # a message that names the problem
    assert counts(db) == rows_before
    assert case_row(db, case_id) == case_before
    assert service.last_seq() == seq_before
    # The next accepted write continues the numbering without a gap.
    assert report(service, city.cells[0]).seq == seq_before + 1


def test_a_stale_revision_names_the_case_and_both_revisions(
    service: CaseService, city: CityMap
) -> None:
    case_id = report(service, city.cells[0]).case_id
    assert case_id is not None
    service.move(case_id, Accept(), OPERATOR, expected_revision=1)
    with pytest.raises(Conflict) as raised:
        service.move(case_id, File(), SUPERVISOR, expected_revision=1)
    number = service.get(case_id).number
    assert raised.value.code == "conflict"
    assert raised.value.details == {"case": number, "expected": 1, "actual": 2}
    assert number in str(raised.value)


@pytest.mark.parametrize(
    ("change", "actor", "error"),
    [
        pytest.param({"lon": 100.0, "lat": 20.0}, OPERATOR, InvalidInput, id="outside-grid"),
        pytest.param({"lon": float("nan")}, OPERATOR, InvalidInput, id="not-a-number"),
        pytest.param({"category": "E9999"}, OPERATOR, UnknownId, id="unknown-category"),
        pytest.param({"description": " "}, OPERATOR, InvalidInput, id="empty-description"),
        pytest.param({"address": "x" * 5000}, OPERATOR, InvalidInput, id="long-address"),
        pytest.param({"photos": ("nope",)}, OPERATOR, UnknownId, id="unknown-photo"),
        pytest.param({}, SANITATION, NotPermitted, id="role"),
        pytest.param(
            {}, Actor(user_id="x", role=Role.FIELD, scope=OTHER_STREET), NotPermitted, id="scope"
        ),
    ],
)
def test_a_refused_report_writes_nothing(
    service: CaseService,
    db: Database,
    city: CityMap,
    change: dict[str, Any],
    actor: Actor,
    error: type[DomainError],
) -> None:
    report(service, city.cells[0])
    before = counts(db)
    bad: NewReport = msgspec.structs.replace(new_report(city.cells[0]), **change)
    with pytest.raises(error):
        service.report(bad, actor)
    assert counts(db) == before
    # The day's case numbers continue without a gap too.
    assert report(service, city.cells[0]).case_change().case.number == "PD20261130-0002"


# --- merge -----------------------------------------------------------------------------


def test_merge_changes_both_cases_in_one_transaction(
    service: CaseService, db: Database, city: CityMap
) -> None:
    target = report(service, city.cells[5]).case_id
    duplicate = report(service, city.cells[5], description="same garbage").case_id
    assert target is not None
    assert duplicate is not None
    event = service.move(duplicate, Merge(into_case=target), OPERATOR)
    assert event.case_id == duplicate
    follow = service.events_since(event.seq)
    assert [(e.seq, e.case_id, e.kind) for e in follow] == [
        (event.seq + 1, target, "case.merged_duplicate")
    ]
    assert service.get(duplicate).state is CaseState.MERGED
    assert service.get(duplicate).merged_into == target
    assert service.get(target).merged_from == (duplicate,)
    assert service.get(target).duplicate_count == 1
    assert [h.move for h in service.history(target)] == ["report", "merged_duplicate"]


def test_a_merge_into_a_finished_case_writes_nothing(
    service: CaseService, db: Database, city: CityMap
) -> None:
    target = report(service, city.cells[5]).case_id
    duplicate = report(service, city.cells[5]).case_id
    assert target is not None
    assert duplicate is not None
    service.move(target, Void(reason="not ours"), OPERATOR)
    before = counts(db), case_row(db, target), case_row(db, duplicate)
    # The duplicate's half of the merge is legal; the target's is not: both roll back.
    with pytest.raises(IllegalMove):
        service.move(duplicate, Merge(into_case=target), OPERATOR)
    assert (counts(db), case_row(db, target), case_row(db, duplicate)) == before


# --- events ----------------------------------------------------------------------------


def test_events_since_pages_through_the_log_in_order(service: CaseService, city: CityMap) -> None:
    for i in range(5):
        report(service, city.cells[i])
    assert service.last_seq() == 5
    assert [e.seq for e in service.events_since(0, limit=2)] == [1, 2]
    assert [e.seq for e in service.events_since(2, limit=2)] == [3, 4]
    assert [e.seq for e in service.events_since(4)] == [5]
    assert service.events_since(5) == []
    with pytest.raises(InvalidInput, match="limit"):
        service.events_since(0, limit=0)
    with pytest.raises(InvalidInput, match="seq"):
        service.events_since(-1)


# --- keyset search ---------------------------------------------------------------------


@pytest.fixture
def busy_service(
    db: Database,
    catalogue: Catalogue,
    policy: DeadlinePolicy,
    city: CityMap,
    cell_index: CellIndex,
) -> CaseService:
    """A service whose clock gives three reports the same instant (ties on reported_at)."""
    calls = iter(range(1_000_000))

    def clock() -> Any:
        return START + timedelta(minutes=next(calls) // 3)

    return CaseService(db, catalogue, policy, city, cell_index, clock=clock)


def _collect(service: CaseService, query: CaseQuery, actor: Actor | None = None) -> list[int]:
    ids: list[int] = []
    pages = 0
    while True:
        page = service.search(query, actor)
        ids += [c.id for c in page.cases]
        pages += 1
        assert pages < 100
        if page.next_cursor is None:
            return ids
        query = msgspec.structs.replace(query, cursor=page.next_cursor)


def test_keyset_pages_return_every_match_exactly_once_in_order(
    busy_service: CaseService, city: CityMap
) -> None:
    streets = [city.streets[0].code, city.streets[1].code]
    cells = [next(c for c in city.cells if c.street_code == s) for s in streets]
    categories = ["E0102", "E0501"]
    for i in range(42):
        event = report(busy_service, cells[i % 2], category=categories[(i // 2) % 2])
        if i % 3 == 0:
            assert event.case_id is not None
            busy_service.move(event.case_id, Accept(), OPERATOR)
    everything = [busy_service.get(i) for i in range(1, 43)]
    newest_first = sorted(everything, key=lambda c: (c.reported_at, c.id), reverse=True)

    def expect(pred: Callable[[Any], bool]) -> list[int]:
        return [c.id for c in newest_first if pred(c)]

    window_from, window_to = START + timedelta(minutes=3), START + timedelta(minutes=10)
    queries: list[tuple[CaseQuery, list[int]]] = [
        (CaseQuery(limit=5), expect(lambda c: True)),
        (
            CaseQuery(states=(CaseState.AWAITING_FILING,), limit=4),
            expect(lambda c: c.state is CaseState.AWAITING_FILING),
        ),
        (CaseQuery(street=streets[1], limit=7), expect(lambda c: c.street_code == streets[1])),
        (CaseQuery(category="E0501", limit=3), expect(lambda c: c.category == "E0501")),
        (
            CaseQuery(reported_from=window_from, reported_to=window_to, limit=4),
            expect(lambda c: window_from <= c.reported_at < window_to),
        ),
        (
            CaseQuery(
                states=(CaseState.AWAITING_ACCEPTANCE,),
                street=streets[0],
                category="E0102",
                limit=2,
            ),
            expect(
                lambda c: (
                    c.state is CaseState.AWAITING_ACCEPTANCE
                    and c.street_code == streets[0]
                    and c.category == "E0102"
                )
            ),
        ),
    ]
    for query, expected in queries:
        assert expected, query
        assert _collect(busy_service, query) == expected, query

    # A street-scoped user sees only their street, whatever they ask for.
    local = Actor(user_id="op5", role=Role.OPERATOR, scope=streets[0])
    assert _collect(busy_service, CaseQuery(limit=6), local) == expect(
        lambda c: c.street_code == streets[0]
    )


def test_bad_searches_are_refused_with_the_field_named(service: CaseService, city: CityMap) -> None:
    for i in range(3):
        report(service, city.cells[i])
    page = service.search(CaseQuery(limit=1))
    assert page.next_cursor is not None
    naive = START.replace(tzinfo=None)
    bad = [
        (CaseQuery(limit=0), "limit"),
        (CaseQuery(limit=10_000), "limit"),
        (CaseQuery(reported_from=naive), "reported_from"),
        (CaseQuery(reported_from=START, reported_to=START), "reported_to"),
        (CaseQuery(cursor="not a cursor!"), "cursor"),
        (CaseQuery(category="E0102", cursor=page.next_cursor), "cursor"),
    ]
    for query, field in bad:
        with pytest.raises(InvalidInput) as raised:
            service.search(query)
        assert raised.value.field == field


def test_reports_from_the_hotline_keep_the_citizen_as_reporter(
    service: CaseService, city: CityMap
) -> None:
    cell = city.cells[3]
    hotline = NewReport(
        source=Source.HOTLINE,
        category="E0505",
        lon=cell.centroid_lon,
        lat=cell.centroid_lat,
        description="cars on the pavement",
        reporter_name="王先生",
        reporter_phone="13800000000",
    )
    event = service.report(hotline, OPERATOR)
    assert event.case_id is not None
    stored = service.get(event.case_id)
    assert stored.reporter.kind == "citizen"
    assert stored.reporter.name == "王先生"
    assert stored == event.case_change().case
