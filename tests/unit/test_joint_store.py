"""The store keeps joint operations, patrol areas and response templates as the server
sends them: from every snapshot chunk, then from their events; and its live units."""

from __future__ import annotations

from datetime import timedelta

import msgspec

from console.store import ClientStore
from models.joint import JointEntry, JointOperation, JointState, Participant
from models.org import UnitStatus
from models.patrol import PatrolAssignment
from models.response_templates import ResponseTemplate
from net.protocol import (
    Event,
    JointChanged,
    PatrolChanged,
    ResponseTemplateChanged,
    SnapshotChunk,
)
from tests.unit.client_factories import T0, make_unit, position_frame


def op(op_id: int, revision: int = 1, state: JointState = JointState.CONVENED) -> JointOperation:
    return JointOperation(
        id=op_id,
        revision=revision,
        street_code="310115005",
        agencies=("WGLQ",),
        commander="U-01",
        lon=121.5,
        lat=31.23,
        meet_at=T0 + timedelta(minutes=15),
        state=state,
        participants=(
            Participant(
                unit_id="U-01",
                callsign="c1",
                department="WGLQ",
                street_code="310115005",
                notified_at=T0,
            ),
        ),
        convened_by="zhangmin",
        convened_at=T0,
        updated_at=T0,
    )


def patrol(assignment_id: int, cancelled: bool = False) -> PatrolAssignment:
    return PatrolAssignment(
        id=assignment_id,
        unit_id="U-01",
        street_code="310115005",
        starts_at=T0,
        ends_at=T0 + timedelta(hours=12),
        cells=("31011500500301",),
        assigned_by="zhangmin",
        assigned_at=T0,
        cancelled_at=T0 + timedelta(hours=1) if cancelled else None,
    )


def template(category: str, *agencies: str) -> ResponseTemplate:
    return ResponseTemplate(category=category, agencies=agencies, set_by="supervisor", set_at=T0)


def chunks(seq: int, parts: list[dict[str, object]]) -> list[SnapshotChunk]:
    return [
        SnapshotChunk(
            snapshot_id=f"s-{seq}",
            index=i,
            count=len(parts),
            seq=seq,
            catalogue_version="c",
            map_version="m",
            **part,  # type: ignore[arg-type]
        )
        for i, part in enumerate(parts)
    ]


def joint_event(seq: int, operation: JointOperation) -> Event:
    entry = JointEntry(
        operation_id=operation.id,
        revision=operation.revision,
        move="acknowledge",
        actor_id="field",
        actor_role="field",
        terminal="t",
        at=T0,
        from_state=JointState.CONVENED,
        to_state=operation.state,
    )
    return Event(seq=seq, at=T0, body=JointChanged(operation=operation, entry=entry))


def test_joint_operations_patrols_and_templates_come_from_every_chunk_then_events() -> None:
    store = ClientStore()
    for chunk in chunks(
        10,
        [
            {"joint_operations": [op(1)], "response_templates": [template("E0501", "CGZF")]},
            {"joint_operations": [op(2)], "patrols": [patrol(1)]},
            {"patrols": [patrol(2)]},
        ],
    ):
        store.apply(chunk)
    assert sorted(store.joint_operations) == [1, 2]
    assert sorted(store.patrols) == [1, 2]
    assert store.response_templates == {"E0501": template("E0501", "CGZF")}
    changes = store.take_changes()
    assert (changes.joint, changes.patrols, changes.templates) == ({1, 2}, {1, 2}, True)

    moved = op(2, revision=2)
    store.apply(joint_event(11, moved))
    store.apply(Event(seq=12, at=T0, body=PatrolChanged(assignment=patrol(1, cancelled=True))))
    store.apply(Event(seq=13, at=T0, body=ResponseTemplateChanged(template=template("E0501"))))
    store.apply(
        Event(seq=14, at=T0, body=ResponseTemplateChanged(template=template("E0102", "HW")))
    )
    assert store.joint_operations[2] == moved
    assert sorted(store.patrols) == [2], "a withdrawn assignment leaves"
    assert store.response_templates == {"E0102": template("E0102", "HW")}
    changes = store.take_changes()
    assert (changes.joint, changes.patrols, changes.templates) == ({2}, {1}, True)

    # A new snapshot: what it lacks is gone, what is unchanged is not marked.
    for chunk in chunks(20, [{"joint_operations": [moved]}]):
        store.apply(chunk)
    assert list(store.joint_operations) == [2]
    assert store.patrols == {}
    changes = store.take_changes()
    assert (changes.joint, changes.patrols) == ({1}, {2})


def test_live_units_carry_the_status_and_position_of_the_last_tick() -> None:
    store = ClientStore()
    units = [make_unit("U-01"), make_unit("U-02", lon=None, lat=None, last_fix_at=None)]
    for chunk in chunks(1, [{"units": units}]):
        store.apply(chunk)
    later = T0 + timedelta(seconds=20)
    store.apply(
        position_frame(["U-01"], [121.51], [31.24], at=later, statuses=[UnitStatus.EN_ROUTE])
    )
    (live,) = store.live_units()  # U-02 never reported a position
    assert live == msgspec.structs.replace(
        units[0], status=UnitStatus.EN_ROUTE, lon=121.51, lat=31.24, last_fix_at=later
    )
