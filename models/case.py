"""The case (案件) aggregate: its state, location, orders and flags, and its flow history.

A case is an immutable value: every workflow move returns a new one (see
``models.workflow``). Orders live inside their case because no order changes without its
case changing too, and one transaction must cover both.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import msgspec

from models.catalogue import DeadlineRule, Urgency
from models.deadlines import Step


class CaseState(StrEnum):
    """Where a case stands in the closed loop (see DOMAIN.md, "The case and its closed loop")."""

    AWAITING_ACCEPTANCE = "awaiting_acceptance"  # 待受理
    AWAITING_FILING = "awaiting_filing"  # 已受理待立案
    AWAITING_DISPATCH = "awaiting_dispatch"  # 已立案待派遣
    LEADER_COORDINATION = "leader_coordination"  # 领导协调
    DISPATCHED = "dispatched"  # 已派遣待签收
    IN_PROGRESS = "in_progress"  # 处置中
    AWAITING_VERIFICATION = "awaiting_verification"  # 待核查
    SUSPENDED = "suspended"  # 缓办/挂账
    CLOSED = "closed"  # 已结案
    VOIDED = "voided"  # 已作废
    MERGED = "merged"  # 已合并 (into another case)

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATES


TERMINAL_STATES = frozenset({CaseState.CLOSED, CaseState.VOIDED, CaseState.MERGED})

STEP_OF_STATE: dict[CaseState, Step] = {
    CaseState.AWAITING_ACCEPTANCE: Step.ACCEPTANCE,
    CaseState.AWAITING_FILING: Step.FILING,
    CaseState.AWAITING_DISPATCH: Step.DISPATCH,
    CaseState.DISPATCHED: Step.HANDLING,
    CaseState.IN_PROGRESS: Step.HANDLING,
    CaseState.AWAITING_VERIFICATION: Step.VERIFICATION,
}
"""The deadline clock that runs in each state; states not listed run no clock."""


class Source(StrEnum):
    """Channel a report came in by (信息来源)."""

    PATROL = "patrol"  # 网格巡查
    JOINT_PATROL = "joint_patrol"  # 小区联勤巡查
    VOLUNTEER = "volunteer"  # 志愿者
    WORKSTATION = "workstation"  # 村居工作站
    HOTLINE = "hotline"  # 12345 市民服务热线
    VIDEO = "video"  # 视频监控
    EMERGENCY_TRANSFER = "emergency_transfer"  # 110/119/120 转办


class ClosingType(StrEnum):
    NORMAL = "normal"  # 正常结案
    OVERDUE = "overdue"  # 超期结案
    ERRONEOUS = "erroneous"  # 错误结案 (filed in error)
    SPECIAL = "special"  # 特殊结案


class DispatchLevel(StrEnum):
    """The three levels of dispatch (派单)."""

    SINGLE = "single"  # 单一派单
    COMPREHENSIVE = "comprehensive"  # 综合派单 (to the joint-action office)
    LEADER = "leader"  # 领导协调后派单


class OrderState(StrEnum):
    ISSUED = "issued"  # 已派遣待签收
    ACCEPTED = "accepted"  # 已签收处置中
    RETURNED = "returned"  # 已退回
    HANDLED = "handled"  # 已反馈
    DONE = "done"  # 核查通过
    CANCELLED = "cancelled"


OPEN_ORDER_STATES = frozenset({OrderState.ISSUED, OrderState.ACCEPTED, OrderState.HANDLED})


class ExtensionRequest(msgspec.Struct, frozen=True, kw_only=True):
    rule: DeadlineRule
    reason: str
    requested_at: datetime
    requested_by: str


class Order(msgspec.Struct, frozen=True, kw_only=True):
    """An order (派遣单) to one department, with its own handling deadline.

    Attributes:
        no: 1-based number within the case.
        working: Whether ``deadline`` counts working time (else clock time).
        rework: Whether this order sends the work back after a failed verification.
    """

    no: int
    department: str
    level: DispatchLevel
    issued_at: datetime
    issued_by: str
    deadline: datetime
    working: bool
    state: OrderState = OrderState.ISSUED
    instructions: str = ""
    accepted_at: datetime | None = None
    handled_at: datetime | None = None
    result: str = ""
    photos: tuple[str, ...] = ()
    return_reason: str = ""
    extension: ExtensionRequest | None = None
    extensions_granted: int = 0
    rework: bool = False


class Location(msgspec.Struct, frozen=True, kw_only=True):
    """Where a case is: WGS-84 position, resolved cell/community/street, and the address."""

    lon: float
    lat: float
    address: str = ""
    cell_code: str | None = None
    community_code: str | None = None
    street_code: str | None = None


class Reporter(msgspec.Struct, frozen=True, kw_only=True):
    """Who reported: a user or unit of ours, or a citizen (hotline)."""

    kind: str  # "user" | "unit" | "citizen"
    ident: str = ""
    name: str = ""
    phone: str = ""


class Case(msgspec.Struct, frozen=True, kw_only=True):
    """One case with everything the console shows about it.

    Attributes:
        revision: Increases with every move; a command made against an older revision is a
            conflict (two dispatchers racing on one case).
        step_started_at: When the clock of the current step (see ``STEP_OF_STATE``) started.
        step_deadline: The current step's deadline, or ``None`` when no clock runs.
        step_working: Whether ``step_deadline`` counts working time.
        overdue: The current step's deadline has passed (raised by the server's clock).
        ever_overdue: Some step of this case went overdue.
        urge_level: Highest supervision (督办) level so far; 0 when never urged.
    """

    id: int
    number: str
    source: Source
    category: str
    urgency: Urgency
    location: Location
    description: str
    reporter: Reporter
    reported_at: datetime
    state: CaseState = CaseState.AWAITING_ACCEPTANCE
    revision: int = 1
    updated_at: datetime | None = None
    photos: tuple[str, ...] = ()
    step_started_at: datetime | None = None
    step_deadline: datetime | None = None
    step_working: bool = False
    orders: tuple[Order, ...] = ()
    overdue: bool = False
    ever_overdue: bool = False
    warned: bool = False
    urge_level: int = 0
    urge_count: int = 0
    joint: bool = False
    return_count: int = 0
    rework_count: int = 0
    duplicate_count: int = 0
    merged_into: int | None = None
    merged_from: tuple[int, ...] = ()
    verifier: str | None = None
    closing_type: ClosingType | None = None
    closed_at: datetime | None = None
    void_reason: str = ""
    suspended_from: CaseState | None = None
    suspended_at: datetime | None = None
    suspend_reason: str = ""
    escalation_reason: str = ""

    @property
    def active_order(self) -> Order | None:
        """The order being worked on (the last one, unless it was returned or cancelled)."""
        if self.orders and self.orders[-1].state in OPEN_ORDER_STATES:
            return self.orders[-1]
        return None

    @property
    def street_code(self) -> str | None:
        return self.location.street_code

    @property
    def supervised(self) -> bool:
        return self.urge_level > 0


class HistoryEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One step of a case's flow (流转记录): who did what, when, from where, and why.

    Attributes:
        step_deadline: The deadline of the step the move started (``None`` if no clock
            runs after it), so that evaluation can judge every step on time or late.
    """

    case_id: int
    revision: int
    move: str
    actor_id: str
    actor_role: str
    terminal: str
    at: datetime
    from_state: CaseState | None
    to_state: CaseState
    note: str = ""
    details: dict[str, Any] = msgspec.field(default_factory=dict)
    step_deadline: datetime | None = None
