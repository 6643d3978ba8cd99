"""A shift handover as a printed document: PDF through Qt's own writer, or a printer.

:func:`handover_document` lays the handover out as a :class:`QTextDocument` (header,
figures, the packet's lists, staffing, the outgoing supervisor's notes, the record of
moves and the signatures); :func:`write_handover_pdf` writes it with :class:`QPdfWriter`
and :func:`print_handover` sends it to a :class:`QPrinter`. Labels go through Qt's
translation (context ``HandoverReport``, state names from ``console.item_models``); the
data (addresses, notes, names) is Chinese as entered, so the platform needs a CJK font
(``fonts-noto-cjk``), which Qt embeds in the PDF.

A QGuiApplication must exist (fonts and layout need it).
"""

from __future__ import annotations

import contextlib
import html
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QMarginsF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from console.item_models import STATE_NAMES, UNIT_STATUS_NAMES, URGENCY_NAMES
from console.item_models import tr as item_tr
from console.panels import QT_TRANSLATE_NOOP
from console.shift_models import HANDOVER_STATE_NAMES
from models.catalogue import Urgency
from models.handover import CaseLine, Handover, HandoverState, NotableReason

CONTEXT: Final = "HandoverReport"

REASON_NAMES: Final[dict[NotableReason, str]] = {
    NotableReason.URGENT: QT_TRANSLATE_NOOP("HandoverReport", "Urgent"),
    NotableReason.RETURNED_TWICE: QT_TRANSLATE_NOOP("HandoverReport", "Returned twice or more"),
    NotableReason.SUPERVISED: QT_TRANSLATE_NOOP("HandoverReport", "Under supervision"),
}
MOVE_NAMES: Final[dict[str, str]] = {
    "generate": QT_TRANSLATE_NOOP("HandoverReport", "Generated"),
    "submit": QT_TRANSLATE_NOOP("HandoverReport", "Submitted"),
    "sign": QT_TRANSLATE_NOOP("HandoverReport", "Signed"),
    "return": QT_TRANSLATE_NOOP("HandoverReport", "Returned"),
}

_STYLE: Final = """
body { font-size: 9pt; }
h1 { font-size: 16pt; text-align: center; }
h2 { font-size: 12pt; margin-top: 12px; }
table { border-collapse: collapse; }
th { background-color: #e8e8e8; }
td.note { white-space: pre-wrap; }
"""


_NOWRAP: Final = " style='white-space: nowrap'"
"""Qt's rich text ignores the ``nowrap`` attribute of a cell but honours the CSS."""


def _tr(source: str) -> str:
    """``source`` (marked with ``QT_TRANSLATE_NOOP`` where written) in the current language."""
    return QCoreApplication.translate(CONTEXT, source)


def _e(text: object) -> str:
    return html.escape(str(text))


class _Html:
    """Builds the document's HTML; every value is escaped, labels are translated."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.parts: list[str] = []

    def time(self, at: datetime | None) -> str:
        return "—" if at is None else at.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")

    def heading(self, text: str) -> None:
        self.parts.append(f"<h2>{_e(text)}</h2>")

    def fields(self, rows: Iterable[tuple[str, str]]) -> None:
        cells = "".join(f"<tr><th align='left'>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
        self.parts.append(f"<table border='1' cellpadding='3' width='100%'>{cells}</table>")

    def table(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[str]],
        nowrap: Sequence[int] = (),
        widths: Mapping[int, int] | None = None,
    ) -> None:
        """A table; the columns in ``nowrap`` (codes, times) are never broken across lines,
        and ``widths`` gives some columns a share of the width (percent)."""
        share = widths or {}
        head = "".join(
            f"<th{f' width={share[i]}%' if i in share else ''}"
            f"{_NOWRAP if i in nowrap else ''}>{_e(h)}</th>"
            for i, h in enumerate(header)
        )
        body = "".join(
            "<tr>"
            + "".join(
                f"<td{_NOWRAP if i in nowrap else ''}>{_e(c)}</td>" for i, c in enumerate(row)
            )
            + "</tr>"
            for row in rows
        )
        self.parts.append(
            f"<table border='1' cellpadding='3' width='100%'><tr>{head}</tr>{body}</table>"
        )

    def paragraph(self, text: str) -> None:
        self.parts.append(f"<p>{_e(text)}</p>")

    def cases(self, lines: Sequence[CaseLine], total: int, extra: Sequence[str] = ()) -> None:
        """A list of case lines, with how many are not shown; ``extra`` says beside each
        line's state why it is listed (by default, its urgency when not normal)."""
        if not lines:
            self.paragraph(QCoreApplication.translate("HandoverReport", "None."))
            return
        header = [
            QCoreApplication.translate("HandoverReport", "Case"),
            QCoreApplication.translate("HandoverReport", "State"),
            QCoreApplication.translate("HandoverReport", "Deadline"),
            QCoreApplication.translate("HandoverReport", "Dept."),
            QCoreApplication.translate("HandoverReport", "Place and description"),
        ]
        notes = list(extra) or [
            "" if line.urgency is Urgency.NORMAL else item_tr(URGENCY_NAMES[line.urgency])
            for line in lines
        ]
        rows = [
            [
                line.number,
                " · ".join(filter(None, (item_tr(STATE_NAMES[line.state]), note))),
                self.time(line.deadline),
                line.department or "—",
                f"{line.address}：{line.description}" if line.address else line.description,
            ]
            for line, note in zip(lines, notes, strict=True)
        ]
        # The free text gets the room; codes and times stay on one line.
        self.table(header, rows, nowrap=(0, 2, 3), widths={1: 22, 4: 40})
        if total > len(lines):
            self.paragraph(
                QCoreApplication.translate("HandoverReport", "{shown} of {total} shown.").format(
                    shown=len(lines), total=total
                )
            )


def handover_document(handover: Handover) -> QTextDocument:
    """The handover laid out for printing, times in the shift's zone."""
    h, p = handover, handover.packet
    out = _Html(ZoneInfo(h.shift.zone))
    t = out.time
    out.parts.append(
        "<h1>" + _e(QCoreApplication.translate("HandoverReport", "Shift handover record")) + "</h1>"
    )
    out.fields(
        [
            (
                QCoreApplication.translate("HandoverReport", "Shift"),
                f"{h.shift.name_zh} {h.shift.id}",
            ),
            (
                QCoreApplication.translate("HandoverReport", "Period"),
                f"{t(h.shift.start)} – {t(h.shift.end)}",
            ),
            (QCoreApplication.translate("HandoverReport", "Scope"), h.scope),
            (QCoreApplication.translate("HandoverReport", "Handover"), h.id),
            (
                QCoreApplication.translate("HandoverReport", "State"),
                _tr(HANDOVER_STATE_NAMES[h.state]),
            ),
            (QCoreApplication.translate("HandoverReport", "Revision"), str(h.revision)),
            (QCoreApplication.translate("HandoverReport", "Generated at"), t(p.generated_at)),
            (
                QCoreApplication.translate("HandoverReport", "Outgoing supervisor"),
                f"{h.outgoing_name} ({h.outgoing})".strip(),
            ),
            (
                QCoreApplication.translate("HandoverReport", "Incoming supervisor"),
                f"{h.incoming_name} ({h.incoming})" if h.incoming else "—",
            ),
            (QCoreApplication.translate("HandoverReport", "Submitted at"), t(h.submitted_at)),
            (QCoreApplication.translate("HandoverReport", "Signed at"), t(h.signed_at)),
        ]
    )

    f = p.figures
    on_time = f.on_time.percent
    out.heading(QCoreApplication.translate("HandoverReport", "Shift figures"))
    out.table(
        [
            QCoreApplication.translate("HandoverReport", "Received"),
            QCoreApplication.translate("HandoverReport", "Filed"),
            QCoreApplication.translate("HandoverReport", "Dispatched"),
            QCoreApplication.translate("HandoverReport", "Closed"),
            QCoreApplication.translate("HandoverReport", "On-time rate"),
            QCoreApplication.translate("HandoverReport", "Overdue"),
            QCoreApplication.translate("HandoverReport", "Returned"),
            QCoreApplication.translate("HandoverReport", "Urged"),
        ],
        [
            [
                str(f.received),
                str(f.filed),
                str(f.dispatched),
                str(f.closed),
                "—"
                if on_time is None
                else f"{on_time:.2f} % ({f.on_time.numerator}/{f.on_time.denominator})",
                str(f.overdue),
                str(f.returned),
                str(f.urged),
            ]
        ],
    )

    out.heading(
        QCoreApplication.translate("HandoverReport", "Open cases by state ({total})").format(
            total=p.open_total
        )
    )
    out.table(
        [
            QCoreApplication.translate("HandoverReport", "State"),
            QCoreApplication.translate("HandoverReport", "Cases"),
        ],
        [[item_tr(STATE_NAMES[state]), str(n)] for state, n in p.open_by_state.items()],
    )
    out.heading(QCoreApplication.translate("HandoverReport", "Overdue cases"))
    out.cases(p.overdue, p.overdue_total)
    out.heading(QCoreApplication.translate("HandoverReport", "Joint operations in progress"))
    out.cases(p.joint, p.joint_total)
    out.heading(QCoreApplication.translate("HandoverReport", "Notable incidents"))
    out.cases(
        [n.case for n in p.notable],
        p.notable_total,
        ["、".join(_tr(REASON_NAMES[r]) for r in n.reasons) for n in p.notable],
    )
    out.heading(QCoreApplication.translate("HandoverReport", "Open alarms"))
    out.cases([a.case for a in p.alarms], p.alarms_total)

    s = p.staffing
    out.heading(QCoreApplication.translate("HandoverReport", "Staffing"))
    out.fields(
        [
            *(
                (item_tr(UNIT_STATUS_NAMES[status]), str(n))
                for status, n in s.units_by_status.items()
            ),
            (QCoreApplication.translate("HandoverReport", "Units on duty"), str(s.on_duty)),
            (
                QCoreApplication.translate("HandoverReport", "Without a recent position"),
                str(s.stale),
            ),
            (
                QCoreApplication.translate("HandoverReport", "Operators"),
                "、".join(s.operators) or "—",
            ),
        ]
    )

    out.heading(QCoreApplication.translate("HandoverReport", "Notes of the outgoing supervisor"))
    out.fields(
        [
            (QCoreApplication.translate("HandoverReport", "Staffing"), h.notes.staffing or "—"),
            (QCoreApplication.translate("HandoverReport", "Equipment"), h.notes.equipment or "—"),
            (QCoreApplication.translate("HandoverReport", "Other matters"), h.notes.other or "—"),
        ]
    )
    if h.comments:
        out.heading(
            QCoreApplication.translate("HandoverReport", "Comments of the incoming supervisor")
        )
        out.paragraph(h.comments)

    out.heading(QCoreApplication.translate("HandoverReport", "Record"))
    out.table(
        [
            QCoreApplication.translate("HandoverReport", "Step"),
            QCoreApplication.translate("HandoverReport", "By"),
            QCoreApplication.translate("HandoverReport", "At"),
            QCoreApplication.translate("HandoverReport", "Comment"),
        ],
        [
            [
                _tr(MOVE_NAMES.get(e.move, e.move)),
                f"{e.actor_name} ({e.actor_id})",
                t(e.at),
                e.comment,
            ]
            for e in h.log
        ],
    )
    out.paragraph(
        QCoreApplication.translate(
            "HandoverReport", "Handed over by: {outgoing}    Taken over by: {incoming}"
        ).format(
            outgoing=h.outgoing_name or h.outgoing,
            incoming=(h.incoming_name or h.incoming or "")
            if h.state is HandoverState.SIGNED
            else "",
        )
    )

    document = QTextDocument()
    document.setDefaultFont(_record_font())
    document.setDefaultStyleSheet(_STYLE)
    document.setHtml("<html><body>" + "".join(out.parts) + "</body></html>")
    return document


def _record_font() -> QFont:
    """The record's font: the system's sans-serif for letters and digits, Chinese from the
    fallback fonts. Not the console's own UI font: with Noto Sans CJK, Qt's PDF writer maps
    the digits' glyphs back to no text at all, so a reader could not find a case number
    in the PDF (its Chinese comes out right either way)."""
    font = QFont()  # the application's size
    font.setFamilies(["sans-serif"])
    font.setStyleHint(QFont.StyleHint.SansSerif)
    return font


def _a4(device: QPdfWriter | QPrinter) -> None:
    device.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )


def write_handover_pdf(handover: Handover, path: str | os.PathLike[str]) -> Path:
    """Write the handover as a PDF (A4, Qt's own PDF writer) to ``path``.

    The file is written beside ``path`` first and moved into place when complete, so a
    failure never leaves half a PDF under that name.

    Returns:
        The path written.

    Raises:
        OSError: The folder cannot be written, or Qt produced no PDF (naming the path).
    """
    target = Path(path)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or None
    )
    os.close(handle)
    try:
        writer = QPdfWriter(temporary)
        writer.setTitle(
            QCoreApplication.translate("HandoverReport", "Shift handover {id}").format(
                id=handover.id
            )
        )
        writer.setCreator("grid-console")
        _a4(writer)
        handover_document(handover).print_(writer)
        del writer  # ends the PDF: the writer finishes its file when it goes
        if os.path.getsize(temporary) == 0:
            raise OSError(f"no PDF was written to {target}")
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return target


def print_handover(handover: Handover, printer: QPrinter) -> None:
    """Print the handover on ``printer`` (A4), e.g. one chosen in a QPrintDialog."""
    _a4(printer)
    handover_document(handover).print_(printer)
