"""A key-figure tile for walls: a caption, a big value and a note, painted in one pass.

Painted rather than made of labels: the application's style sheet fixes every label's
font size (``QWidget { font-size: … }``), while a wall's figures must grow with the
screen; a tile sizes its type from its own height (a 4K wall gets proportionally larger
figures) and shrinks the value only when it would not fit the width. Changing a value
repaints the tile; nothing is created per update.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from console.theme import FONT_FAMILIES, WALL_DAY

CAPTION_SHARE = 0.15
VALUE_SHARE = 0.42
NOTE_SHARE = 0.12
"""Type sizes as shares of the tile's height."""


def wall_font(pixels: float, bold: bool = False) -> QFont:
    """The UI font (CJK first) at ``pixels`` pixels: walls size type by pixels."""
    font = QFont()
    font.setFamilies(list(FONT_FAMILIES))
    font.setPixelSize(max(6, round(pixels)))
    font.setBold(bold)
    return font


class FigureTile(QWidget):
    """One key figure: caption above, value large, note below.

    Args:
        parent: Qt parent.

    Attributes:
        caption: The caption shown.
        value: The value shown ("—" until set).
        note: The small line under the value.
        alarm: Whether the value is drawn in the alarm colour.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("figureTile")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(80, 60)
        self.caption = ""
        self.value = "—"
        self.note = ""
        self.alarm = False
        self.colours: Mapping[str, str] = WALL_DAY
        self._fit_fonts()

    def set_caption(self, caption: str) -> None:
        if caption != self.caption:
            self.caption = caption
            self.update()

    def set_value(self, value: str, note: str = "", alarm: bool = False) -> None:
        """Show ``value`` with ``note`` under it; repaint only if something changed."""
        if (value, note, alarm) != (self.value, self.note, self.alarm):
            self.value, self.note, self.alarm = value, note, alarm
            self.update()

    def set_colours(self, colours: Mapping[str, str]) -> None:
        """Paint with ``colours`` (``console.theme.WALL_DAY`` or ``WALL_NIGHT``)."""
        self.colours = colours
        self.update()

    def _fit_fonts(self) -> None:
        h = float(self.height())
        self._caption_font = wall_font(h * CAPTION_SHARE)
        self._value_font = wall_font(h * VALUE_SHARE, bold=True)
        self._note_font = wall_font(h * NOTE_SHARE)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        self._fit_fonts()
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        c = self.colours
        h = float(self.height())
        pad = max(4.0, h * 0.06)
        box = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setPen(QPen(QColor(c["border"]), max(1.0, h * 0.01)))
        painter.setBrush(QColor(c["tile"]))
        painter.drawRoundedRect(box, pad, pad)
        inner = box.adjusted(pad, pad * 0.6, -pad, -pad * 0.6)

        caption_font, value_font, note_font = self._caption_font, self._value_font, self._note_font
        caption_h = QFontMetricsF(caption_font).height()
        note_h = QFontMetricsF(note_font).height()
        painter.setFont(caption_font)
        painter.setPen(QColor(c["text"]))
        top = QRectF(inner.left(), inner.top(), inner.width(), caption_h)
        painter.drawText(
            top,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            _elide(self.caption, caption_font, inner.width()),
        )

        width = QFontMetricsF(value_font).horizontalAdvance(self.value)
        if width > inner.width() > 0:  # a long value shrinks to fit, never spills
            value_font = wall_font(value_font.pixelSize() * inner.width() / width, bold=True)
        middle = QRectF(
            inner.left(),
            inner.top() + caption_h,
            inner.width(),
            max(0.0, inner.height() - caption_h - note_h),
        )
        painter.setFont(value_font)
        painter.setPen(QColor(c["alarm"] if self.alarm else c["value"]))
        painter.drawText(
            middle, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.value
        )

        painter.setFont(note_font)
        painter.setPen(QColor(c["dim"]))
        bottom = QRectF(inner.left(), inner.bottom() - note_h, inner.width(), note_h)
        painter.drawText(
            bottom,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            _elide(self.note, note_font, inner.width()),
        )
        painter.end()


def _elide(text: str, font: QFont, width: float) -> str:
    return QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, width)
