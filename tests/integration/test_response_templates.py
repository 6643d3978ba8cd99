"""Response templates over real sockets: a supervisor sets one, every console hears it and
finds it in its next snapshot, also after a restart; others are refused precisely."""

from __future__ import annotations

import asyncio
from pathlib import Path

from models.response_templates import ResponseTemplate
from net.protocol import (
    ErrorCode,
    Event,
    ResponseTemplateChanged,
    SetResponseTemplate,
    SnapshotChunk,
)
from tests.integration.peer import Peer, new_id
from tests.integration.server_fixtures import copy_sqlite, running_server
from tests.integration.test_joint_operations import acked, connect, refused


def templates_of(peer: Peer) -> list[ResponseTemplate]:
    return [t for m in peer.of_type(SnapshotChunk) for t in m.response_templates]


def setting(category: str, *agencies: str) -> SetResponseTemplate:
    return SetResponseTemplate(id=new_id(), category=category, agencies=list(agencies))


def test_a_supervisor_sets_a_template_every_console_follows_it(
    seeded_template: Path, tmp_path: Path
) -> None:
    db_url = copy_sqlite(seeded_template, tmp_path / "grid.db")

    async def scenario() -> None:
        async with running_server(db_url) as srv:
            supervisor = await connect(srv.url, "supervisor")
            operator = await connect(srv.url, "operator")
            assert templates_of(operator) == []
            ack = await acked(supervisor, setting("E0501", "CGZF", "WGLQ"))
            assert ack.result == {"category": "E0501"}
            heard = await operator.wait_for(
                lambda m: isinstance(m, Event) and isinstance(m.body, ResponseTemplateChanged)
            )
            assert isinstance(heard, Event)
            assert isinstance(heard.body, ResponseTemplateChanged)
            template = heard.body.template
            assert (template.category, template.agencies, template.set_by) == (
                "E0501",
                ("CGZF", "WGLQ"),
                "supervisor",
            )

            # Refused, precisely, and nothing written.
            error = await refused(operator, setting("E0501", "CGZF"), ErrorCode.NOT_PERMITTED)
            assert "role 'operator' may not" in error.message
            error = await refused(supervisor, setting("E9999", "CGZF"), ErrorCode.UNKNOWN_ID)
            assert error.details == {"kind": "category", "ident": "E9999"}
            error = await refused(
                supervisor, setting("E0501", "CGZF", "FGB"), ErrorCode.INVALID_INPUT
            )
            assert error.details["field"] == "agencies[1]"
            error = await refused(
                supervisor, setting("E0501", "CGZF", "CGZF"), ErrorCode.INVALID_INPUT
            )
            assert error.details["field"] == "agencies[1]"
            late = await connect(srv.url, "operator")
            assert [(t.category, t.agencies) for t in templates_of(late)] == [
                ("E0501", ("CGZF", "WGLQ"))
            ]
            await acked(supervisor, setting("E0102", "HW", "WGLQ"))
            for peer in (supervisor, operator, late):
                await peer.close()

        # Kept across a restart; an empty list puts the catalogue's default back.
        async with running_server(db_url) as srv:
            supervisor = await connect(srv.url, "supervisor")
            assert [t.category for t in templates_of(supervisor)] == ["E0102", "E0501"]
            await acked(supervisor, setting("E0501"))
            await supervisor.close()
            again = await connect(srv.url, "operator")
            assert [t.category for t in templates_of(again)] == ["E0102"]
            await again.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))
