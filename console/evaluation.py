"""Evaluation queries (综合评价) from the console: one period, one dimension, every row.

The server answers a ``query_evaluation`` with at most 500 groups per answer and says
where to go on (``next_after``); :func:`fetch_evaluation` follows the pages and returns
one answer with every row. Plain Python, no Qt: the evaluation view awaits it with
``ClientStore.query`` and shows the rows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import msgspec

from models.evaluation import Dimension, EvaluatedGroup, Period
from net.client import Answer, new_request_id
from net.protocol import ClientMessage, EvaluationResult, QueryEvaluation


class UnexpectedAnswer(Exception):
    """The server answered an evaluation query with something else (a server bug)."""


async def fetch_evaluation(
    query: Callable[[ClientMessage], Awaitable[Answer]],
    period: Period,
    dimension: Dimension,
    key: str | None = None,
) -> EvaluationResult:
    """The indicators of every group of ``dimension`` over ``period``, all pages joined.

    Args:
        query: Sends a query and returns its answer: ``ClientStore.query``.
        period: The period, half-open; the server refuses one longer than 366 days.
        dimension: What a row is (department, street, team, person...).
        key: Only this group; its row comes even when nothing counted in it.

    Returns:
        The first page's answer (its ``as_of``) with the rows of every page, in key order;
        ``next_after`` is ``None``.

    Raises:
        RequestFailed: The server refused (``not_permitted`` for a role or street that may
            not see it, ``invalid_input`` for a too long period, ``unknown_id`` for a key).
        UnexpectedAnswer: The server answered with another message.
        TimeoutError, ClientClosed, ConnectionError: From ``query``.
    """
    rows: list[EvaluatedGroup] = []
    first: EvaluationResult | None = None
    after: str | None = None
    while True:
        answer = await query(
            QueryEvaluation(
                id=new_request_id("q"),
                start=period.start,
                end=period.end,
                dimension=dimension,
                key=key,
                after=after,
            )
        )
        if not isinstance(answer, EvaluationResult):
            raise UnexpectedAnswer(f"query_evaluation answered with {type(answer).__name__}")
        first = first or answer
        rows.extend(answer.rows)
        if answer.next_after is None:
            return msgspec.structs.replace(first, rows=rows, next_after=None)
        if after is not None and answer.next_after <= after:
            # Pages go forward in key order; anything else would ask for the same page again.
            raise UnexpectedAnswer(f"the page after {after!r} points back to {answer.next_after!r}")
        after = answer.next_after
