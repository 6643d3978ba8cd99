"""Evaluation in the backend: cases made through the real ``CaseService`` on a real database,
their facts kept with them move by move, and the indicators counted by hand.

The day (Monday 30 November 2026, Shanghai; times below are local):

====  ======  ====  ========  =====================================================
case  street  dept  reporter  what happens
====  ======  ====  ========  =====================================================
K1    A       HW    f1        report 09:00, accept 09:05, file 09:10, dispatch 09:15
                              (catalogue deadline, 4 working hours: 14:15), handled
                              10:15, verification assigned 10:20, passed 10:40
K2    A       HW    f1        report 09:01, accept 09:21 (late), file 09:25, dispatch
                              09:35 with deadline 11:15, handled 12:15 (late),
                              assigned 12:20, passed 13:00 (late: due 12:50)
K3    B       CGZF  sup1      report 09:02, accept 09:07, file 09:12, dispatch 09:15
                              to CGZF with deadline 11:15; never handled
K4    B       -     f1        report 09:03, voided 09:08 as not a valid report
K5    A       HW    f1        report 09:04, accept 09:09, file 09:14, dispatch 09:15
                              to GA, GA returns it (wrong department) 09:30, dispatch
                              09:35 to HW with deadline 11:35, handled 10:35,
                              assigned 10:40, passed 11:00
====  ======  ====  ========  =====================================================

Evaluated for Monday as of 18:00. Acceptance, filing, dispatch and verification
deadlines are the policy's: 10, 30, 30 and 30 minutes after the step before.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec
import pytest
from sqlalchemy import delete, insert, select

from backend.services.cases import CaseService
from backend.services.evaluation import EvaluationService, street_scope
from backend.services.users import UserService
from backend.store.database import Database
from backend.store.orm import CaseFactsRow, TeamRow
from models.calendar import SHANGHAI
from models.case_facts import facts_of
from models.catalogue import Catalogue
from models.cell_index import CellIndex
from models.deadlines import DeadlinePolicy
from models.errors import InvalidInput, NotPermitted, UnknownId
from models.evaluation import (
    DISTRICT_KEY,
    CaseFacts,
    Counts,
    Dimension,
    EvaluatedGroup,
    Indicators,
    Period,
    evaluate,
)
from models.geography import CityMap
from models.org import Actor, Role, User
from models.workflow import (
    Accept,
    AssignVerification,
    DepartmentAccept,
    DepartmentReturn,
    DispatchSingle,
    Feedback,
    File,
    Move,
    NewReport,
    VerifyPass,
    Void,
)
from tests.integration.support import (
    FIELD,
    OPERATOR,
    SANITATION,
    SUPERVISOR,
    URBAN_MGMT,
    ManualClock,
    fast_hasher_for_tests,
    new_report,
)

POLICE = Actor(user_id="ga1", role=Role.DEPARTMENT, department="GA", terminal="dept-ga")


def local(hour: int, minute: int = 0, day: int = 30) -> datetime:
    month = 11 if day >= 30 else 12
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


MONDAY = Period(local(0), local(0, day=1))
AS_OF = local(18)


class Day:
    """The fixture's cases, made move by move in time order through the service."""

    def __init__(self, service: CaseService, clock: ManualClock, city: CityMap) -> None:
        self.service = service
        self.clock = clock
        streets = [s.code for s in city.streets]
        self.street_a, self.street_b = streets[0], streets[1]
        self.cell_a = next(c for c in city.cells if c.street_code == self.street_a)
        self.cell_b = next(c for c in city.cells if c.street_code == self.street_b)
        self.ids: dict[str, int] = {}

    def at(self, when: datetime) -> None:
        self.clock.now = when

    def report(self, name: str, when: datetime, actor: Actor, street_b: bool = False) -> None:
        self.at(when)
        report: NewReport = new_report(self.cell_b if street_b else self.cell_a)
        case_id = self.service.report(report, actor).case_id
        assert case_id is not None
        self.ids[name] = case_id

    def move(self, name: str, when: datetime, actor: Actor, move: Move) -> None:
        self.at(when)
        self.service.move(self.ids[name], move, actor)

    def build(self) -> None:
        k = self
        k.report("K1", local(9, 0), FIELD)
        k.report("K2", local(9, 1), FIELD)
        k.report("K3", local(9, 2), SUPERVISOR, street_b=True)
        k.report("K4", local(9, 3), FIELD, street_b=True)
        k.report("K5", local(9, 4), FIELD)
        k.move("K1", local(9, 5), OPERATOR, Accept())
        k.move("K3", local(9, 7), OPERATOR, Accept())
        k.move("K4", local(9, 8), OPERATOR, Void(reason="no such garbage"))
        k.move("K5", local(9, 9), OPERATOR, Accept())
        k.move("K1", local(9, 10), OPERATOR, File())
        k.move("K3", local(9, 12), OPERATOR, File())
        k.move("K5", local(9, 14), OPERATOR, File())
        k.move("K1", local(9, 15), OPERATOR, DispatchSingle())
        k.move(
            "K3", local(9, 15), OPERATOR, DispatchSingle(department="CGZF", deadline=local(11, 15))
        )
        k.move("K5", local(9, 15), OPERATOR, DispatchSingle(department="GA"))
        k.move("K2", local(9, 21), OPERATOR, Accept())
        k.move("K2", local(9, 25), OPERATOR, File())
        k.move("K1", local(9, 30), SANITATION, DepartmentAccept())
        k.move("K3", local(9, 30), URBAN_MGMT, DepartmentAccept())
        k.move("K5", local(9, 30), POLICE, DepartmentReturn(reason="not ours"))
        k.move("K2", local(9, 35), OPERATOR, DispatchSingle(deadline=local(11, 15)))
        k.move("K5", local(9, 35), OPERATOR, DispatchSingle(deadline=local(11, 35)))
        k.move("K2", local(9, 40), SANITATION, DepartmentAccept())
        k.move("K5", local(9, 40), SANITATION, DepartmentAccept())
        k.move("K1", local(10, 15), SANITATION, Feedback(result="cleared"))
        k.move("K1", local(10, 20), OPERATOR, AssignVerification(verifier=FIELD.user_id))
        k.move("K5", local(10, 35), SANITATION, Feedback(result="cleared"))
        k.move("K1", local(10, 40), FIELD, VerifyPass())
        k.move("K5", local(10, 40), OPERATOR, AssignVerification(verifier=FIELD.user_id))
        k.move("K5", local(11, 0), FIELD, VerifyPass())
        k.move("K2", local(12, 15), SANITATION, Feedback(result="cleared"))
        k.move("K2", local(12, 20), OPERATOR, AssignVerification(verifier=FIELD.user_id))
        k.move("K2", local(13, 0), FIELD, VerifyPass())


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(local(9))


@pytest.fixture
def day(
    db_with_city: Database,
    catalogue: Catalogue,
    policy: DeadlinePolicy,
    small_city: CityMap,
    clock: ManualClock,
) -> Day:
    service = CaseService(
        db_with_city, catalogue, policy, small_city, CellIndex(small_city.cells), clock=clock
    )
    built = Day(service, clock, small_city)
    built.build()
    return built


@pytest.fixture
def evaluation(
    db_with_city: Database, catalogue: Catalogue, small_city: CityMap
) -> EvaluationService:
    return EvaluationService(db_with_city, catalogue, small_city)


def ratio(ind: Indicators, name: str) -> tuple[int, int]:
    r = getattr(ind, name)
    return (r.numerator, r.denominator)


def rows_by_key(rows: list[EvaluatedGroup]) -> dict[str, Indicators]:
    return {r.key: r.indicators for r in rows}


def stored_facts(db: Database) -> dict[int, CaseFacts]:
    with db.transaction() as conn:
        return dict(conn.execute(select(CaseFactsRow.case_id, CaseFactsRow.data)).all())


def test_the_district_by_hand(day: Day, evaluation: EvaluationService) -> None:
    rows, more = evaluation.evaluate(MONDAY, AS_OF, Dimension.DISTRICT)
    assert more is None
    assert [r.key for r in rows] == [DISTRICT_KEY]
    assert rows[0].name_zh == day.service.city.name_zh
    ind = rows[0].indicators
    # Reports with a reporter: all five; K4 voided as invalid.
    assert ratio(ind, "valid_report") == (4, 5)
    # K4 voided counts nowhere else: four cases. Accepted late: K2 (20 min).
    assert ratio(ind, "on_time_acceptance") == (3, 4)
    assert ratio(ind, "on_time_filing") == (4, 4)
    assert ratio(ind, "accurate_filing") == (4, 4)
    # First dispatches all within 30 min of filing; K5's went to the wrong department.
    assert ratio(ind, "on_time_dispatch") == (4, 4)
    assert ratio(ind, "accurate_dispatch") == (3, 4)
    # Handling: K1 (on time), K2 (late), K3 (pending past 11:15), K5 (on time).
    assert ratio(ind, "handling") == (3, 4)
    assert ratio(ind, "on_time_handling") == (2, 4)
    assert ratio(ind, "overdue_pending") == (1, 4)
    assert ratio(ind, "extension") == (0, 4)
    # From the first dispatch: K1 1 h, K2 2 h 40 min, K5 1 h 20 min = 5 h / 3.
    assert ind.average_handling_time == timedelta(hours=1, minutes=40)
    # Verification due 30 min after assignment: K1, K5 on time, K2 late.
    assert ratio(ind, "on_time_verification") == (2, 3)
    # Closing falls back to the handling deadline: K1, K5 on time; K2 handled late; K3 open.
    assert ratio(ind, "closing") == (3, 4)
    assert ratio(ind, "on_time_closing") == (2, 4)
    assert ratio(ind, "rework") == (0, 4)
    assert ind.satisfaction is None


def test_departments_streets_and_persons_by_hand(day: Day, evaluation: EvaluationService) -> None:
    departments = rows_by_key(evaluation.evaluate(MONDAY, AS_OF, Dimension.DEPARTMENT)[0])
    # K5's returned GA order does not make GA its department; K4 has none.
    assert list(departments) == ["CGZF", "HW"]
    assert ratio(departments["HW"], "on_time_handling") == (2, 3)  # K1, K5 / K2
    assert ratio(departments["HW"], "overdue_pending") == (0, 3)
    assert ratio(departments["CGZF"], "handling") == (0, 1)
    assert ratio(departments["CGZF"], "overdue_pending") == (1, 1)  # K3

    streets = rows_by_key(evaluation.evaluate(MONDAY, AS_OF, Dimension.STREET)[0])
    assert list(streets) == sorted([day.street_a, day.street_b])
    a, b = streets[day.street_a], streets[day.street_b]
    assert ratio(a, "valid_report") == (3, 3)  # K1, K2, K5
    assert ratio(a, "on_time_handling") == (2, 3)
    assert ratio(b, "valid_report") == (1, 2)  # K3; K4 invalid
    assert ratio(b, "overdue_pending") == (1, 1)

    persons = rows_by_key(evaluation.evaluate(MONDAY, AS_OF, Dimension.PERSON)[0])
    assert list(persons) == ["f1", "sup1"]
    assert ratio(persons["f1"], "valid_report") == (3, 4)  # K1, K2, K5 / K4
    assert ratio(persons["sup1"], "valid_report") == (1, 1)  # K3


def test_the_answer_is_evaluate_over_every_case_s_facts(
    day: Day, evaluation: EvaluationService, db_with_city: Database
) -> None:
    service = day.service
    facts = [facts_of(service.get(i), service.history(i)) for i in day.ids.values()]
    # The stored records are the cases' facts, each written with its last change.
    assert stored_facts(db_with_city) == dict(zip(day.ids.values(), facts, strict=True))
    periods = [
        MONDAY,
        Period(local(10), local(11)),  # leaves out what happened before and after
        Period(local(11, 15), local(11, 16)),  # only the deadlines of 11:15
        Period(local(0, day=1), local(0, day=2)),  # nothing
    ]
    for period in periods:
        for by in (Dimension.DISTRICT, Dimension.DEPARTMENT, Dimension.STREET, Dimension.PERSON):
            rows, _ = evaluation.evaluate(period, AS_OF, by)
            assert rows_by_key(rows) == evaluate(facts, period, AS_OF, by), (period, by)


def test_a_move_rewrites_only_its_case_and_changes_exactly_its_counts(
    day: Day, evaluation: EvaluationService, db_with_city: Database
) -> None:
    as_of = local(18, 45)
    before = stored_facts(db_with_city)
    (cgzf_before,), _ = evaluation.evaluate(MONDAY, as_of, Dimension.DEPARTMENT, key="CGZF")
    district_before = evaluation.evaluate(MONDAY, as_of, Dimension.DISTRICT)[0][0]

    day.move("K3", local(18, 30), URBAN_MGMT, Feedback(result="cleared at last"))

    after = stored_facts(db_with_city)
    k3 = day.ids["K3"]
    assert {i: f for i, f in after.items() if i != k3} == {
        i: f for i, f in before.items() if i != k3
    }
    assert after[k3].handled_at == local(18, 30)
    (cgzf_after,), _ = evaluation.evaluate(MONDAY, as_of, Dimension.DEPARTMENT, key="CGZF")
    old, new = (
        msgspec.structs.asdict(cgzf_before.indicators.counts),
        msgspec.structs.asdict(cgzf_after.indicators.counts),
    )
    changed = {name: (old[name], new[name]) for name in old if old[name] != new[name]}
    # Handled late (deadline 11:15), 9 h 15 min after dispatch; no longer overdue. Its
    # verification is due only at 19:00, after as_of.
    assert changed == {
        "handled": (0, 1),
        "overdue_pending": (1, 0),
        "handling_time_samples": (0, 1),
        "handling_time_total": (timedelta(0), timedelta(hours=9, minutes=15)),
    }
    assert ratio(cgzf_after.indicators, "handling") == (1, 1)
    assert ratio(cgzf_after.indicators, "on_time_handling") == (0, 1)
    district_after = evaluation.evaluate(MONDAY, as_of, Dimension.DISTRICT)[0][0]
    assert ratio(district_before.indicators, "handling") == (3, 4)
    assert ratio(district_after.indicators, "handling") == (4, 4)
    assert ratio(district_after.indicators, "on_time_handling") == (2, 4)


def test_a_case_without_a_record_gets_one_at_its_next_change(
    day: Day, db_with_city: Database
) -> None:
    k3 = day.ids["K3"]
    with db_with_city.transaction(write=True) as conn:
        conn.execute(delete(CaseFactsRow).where(CaseFactsRow.case_id == k3))
    day.move("K3", local(18, 30), URBAN_MGMT, Feedback(result="cleared at last"))
    service = day.service
    assert stored_facts(db_with_city)[k3] == facts_of(service.get(k3), service.history(k3))


def test_one_key_a_street_and_pages(day: Day, evaluation: EvaluationService) -> None:
    # A group asked for by key is answered even with nothing to count.
    (empty,), more = evaluation.evaluate(MONDAY, AS_OF, Dimension.DEPARTMENT, key="JJ")
    assert more is None
    assert empty.key == "JJ"
    assert empty.name_zh  # the catalogue's name
    assert empty.indicators == Indicators.from_counts(Counts())
    # Limited to street B: only K3 and K4 count, in any dimension.
    rows, _ = evaluation.evaluate(MONDAY, AS_OF, Dimension.PERSON, street=day.street_b)
    persons = rows_by_key(rows)
    assert ratio(persons["f1"], "valid_report") == (0, 1)  # K4
    assert ratio(persons["sup1"], "valid_report") == (1, 1)  # K3
    # Pages of one group each, in key order.
    first, after = evaluation.evaluate(MONDAY, AS_OF, Dimension.PERSON, limit=1)
    assert [r.key for r in first] == ["f1"]
    assert after == "f1"
    second, after = evaluation.evaluate(MONDAY, AS_OF, Dimension.PERSON, limit=1, after=after)
    assert [r.key for r in second] == ["sup1"]
    assert after is None


def test_teams_are_the_reporter_s_department_forces_in_the_case_s_street(
    day: Day, evaluation: EvaluationService, db_with_city: Database
) -> None:
    users = UserService(db_with_city, hasher=fast_hasher_for_tests())
    users.create_user("f1", "网格监督员 甲", Role.FIELD, "310115", "WGLQ", "pw-123456")
    with db_with_city.transaction(write=True) as conn:
        conn.execute(
            insert(TeamRow),
            [
                {
                    "team_id": "T-A",
                    "name_zh": "甲街联勤队",
                    "name_en": "Street A joint patrol",
                    "department": "WGLQ",
                    "street_code": day.street_a,
                },
                {
                    "team_id": "T-B",
                    "name_zh": "乙街联勤队",
                    "name_en": "Street B joint patrol",
                    "department": "WGLQ",
                    "street_code": day.street_b,
                },
            ],
        )
    teams, _ = evaluation.evaluate(MONDAY, AS_OF, Dimension.TEAM)
    # f1's reports in street A (K1, K2, K5) and in street B (K4, invalid); sup1 has no
    # user record here, so no department and no team.
    assert [(r.key, r.name_zh) for r in teams] == [("T-A", "甲街联勤队"), ("T-B", "乙街联勤队")]
    assert ratio(teams[0].indicators, "valid_report") == (3, 3)
    assert ratio(teams[1].indicators, "valid_report") == (0, 1)
    persons, _ = evaluation.evaluate(MONDAY, AS_OF, Dimension.PERSON, key="f1")
    assert persons[0].name_zh == "网格监督员 甲"


def test_bad_queries_are_refused(day: Day, evaluation: EvaluationService) -> None:
    with pytest.raises(InvalidInput, match="366 days"):
        evaluation.evaluate(
            Period(local(0), local(0) + timedelta(days=367)), AS_OF, Dimension.STREET
        )
    with pytest.raises(UnknownId, match="department"):
        evaluation.evaluate(MONDAY, AS_OF, Dimension.DEPARTMENT, key="NOPE")
    with pytest.raises(UnknownId, match="person"):
        evaluation.evaluate(MONDAY, AS_OF, Dimension.PERSON, key="nobody")
    with pytest.raises(UnknownId, match="district"):
        evaluation.evaluate(MONDAY, AS_OF, Dimension.DISTRICT, key="310115")


def test_who_may_evaluate_what() -> None:
    def user(role: Role, scope: str = "310115") -> User:
        return User(user_id="u", name="u", role=role, scope=scope)

    for role in (Role.LEADER, Role.SUPERVISOR, Role.OPERATOR, Role.ADMIN):
        assert street_scope(user(role), Dimension.DISTRICT, None) is None
    for role in (Role.FIELD, Role.DEPARTMENT):
        with pytest.raises(NotPermitted, match="may not"):
            street_scope(user(role), Dimension.STREET, None)
    street = user(Role.OPERATOR, "310115005")
    assert street_scope(street, Dimension.DEPARTMENT, None) == "310115005"
    assert street_scope(street, Dimension.STREET, "310115005") == "310115005"
    with pytest.raises(NotPermitted, match="district"):
        street_scope(street, Dimension.DISTRICT, None)
    with pytest.raises(NotPermitted, match="outside scope 310115005"):
        street_scope(street, Dimension.STREET, "310115103")
