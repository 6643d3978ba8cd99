"""Response templates (预案): which agencies a joint operation for a category calls for.

A template is a server setting (the ``settings`` table, key ``response_template:<category>``,
the template as JSON), so no table of its own is needed for a few dozen short rows. Setting
one is a transaction with its numbered ``response_template_changed`` event and an audit row,
like every other change a console must hear about; an empty list deletes the setting and so
puts the catalogue's default back.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from backend.services import events as eventlog
from backend.services.clock import Clock, utc_now
from backend.services.records import CommittedEvent
from backend.store.database import Database
from backend.store.migrate import check_schema
from backend.store.orm import SettingRow, table
from models.catalogue import Catalogue
from models.org import Actor
from models.response_templates import ResponseTemplate, set_template

KEY_PREFIX = "response_template:"
"""Settings key of a category's template: this prefix and the category code."""

_SETTINGS = table(SettingRow)
_GET = select(_SETTINGS.c.value).where(_SETTINGS.c.key == bindparam("key"))
_DELETE = _SETTINGS.delete().where(_SETTINGS.c.key == bindparam("b_key"))
_INSERT = _SETTINGS.insert()
_ALL = (
    select(_SETTINGS.c.value)
    .where(_SETTINGS.c.key.startswith(KEY_PREFIX))
    .order_by(_SETTINGS.c.key)
)
_DECODER = msgspec.json.Decoder(ResponseTemplate)


class TemplateService:
    """Response templates over one :class:`Database` (blocking; run through ``DbRunner``).

    Args:
        db: The database (migrated to the current schema).
        catalogue: The categories and departments templates name.
        clock: Source of "now".

    Raises:
        SchemaError: ``db`` is not initialised or is at another schema revision.
    """

    def __init__(self, db: Database, catalogue: Catalogue, *, clock: Clock = utc_now) -> None:
        check_schema(db)
        self.db = db
        self.catalogue = catalogue
        self.clock = clock

    def set(
        self,
        category: str,
        agencies: Sequence[str],
        actor: Actor,
        *,
        command_key: str | None = None,
    ) -> CommittedEvent:
        """Set (``agencies`` empty: reset) a category's template; returns its event.

        Raises:
            NotPermitted: not a supervisor or administrator of the district.
            UnknownId: an unknown category or department.
            InvalidInput: an agency named twice or without field forces.
        """
        at = self.clock()

        def write(conn: Connection) -> CommittedEvent:
            template = set_template(
                category, agencies, catalogue=self.catalogue, actor=actor, at=at
            )
            # The counter's lock first: it orders concurrent writers of the same key.
            seq = eventlog.next_seq(conn)
            key = KEY_PREFIX + category
            old = conn.execute(_GET, {"key": key}).scalar()
            conn.execute(_DELETE, {"b_key": key})
            if template.agencies:
                value = msgspec.json.encode(template).decode()
                conn.execute(_INSERT, {"key": key, "value": value})
            payload = {
                "kind": "response_template_changed",
                "template": msgspec.to_builtins(template),
            }
            return eventlog.append_change(
                conn,
                seq=seq,
                at=at,
                kind="template.set",
                payload=payload,
                actor=actor,
                action="set_response_template",
                target=f"response template {category}",
                before=_DECODER.decode(old) if old is not None else None,
                after=template,
            )

        return eventlog.write_once(self.db, command_key, write)

    def load(self) -> list[ResponseTemplate]:
        """Every template set, by category."""
        with self.db.transaction() as conn:
            return [_DECODER.decode(v) for v in conn.execute(_ALL).scalars()]

    def answer_of(self, command_key: str) -> CommittedEvent | None:
        """The event a command already applied answered with, or ``None``."""
        with self.db.transaction() as conn:
            seq = eventlog.find_command(conn, command_key)
            return None if seq is None else eventlog.event_by_seq(conn, seq)
