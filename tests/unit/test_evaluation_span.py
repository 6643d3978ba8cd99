"""The backend reads only the records whose span meets the period: the answer must be the
same as ``evaluate`` over every record, whatever the records and the period."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from backend.services.evaluation import FACT_INSTANTS, span
from models.evaluation import CaseFacts, Dimension, Period, evaluate
from tests.unit.test_evaluation import _T0, _facts, _offsets


def test_every_instant_of_a_record_is_in_its_span() -> None:
    datetimes = {
        name for name, value in CaseFacts.__annotations__.items() if "datetime" in str(value)
    }
    assert set(FACT_INSTANTS) == datetimes


@settings(max_examples=100, deadline=None)
@given(
    facts=st.lists(_facts(), max_size=20),
    start=_offsets,
    length=st.integers(min_value=0, max_value=40 * 24 * 60),
    as_of=_offsets,
)
def test_records_outside_the_period_change_nothing(
    facts: list[CaseFacts], start: int, length: int, as_of: int
) -> None:
    begin = _T0 + timedelta(minutes=start)
    period = Period(begin, begin + timedelta(minutes=length))
    when = _T0 + timedelta(minutes=as_of)
    meeting = [f for f in facts if span(f)[1] >= period.start and span(f)[0] < period.end]
    for by in (Dimension.DISTRICT, Dimension.DEPARTMENT, Dimension.PERSON):
        assert evaluate(meeting, period, when, by) == evaluate(facts, period, when, by)
