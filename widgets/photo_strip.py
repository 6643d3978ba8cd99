"""Photos as a strip of thumbnails, and a viewer that shows one full size.

The strip does not fetch: its owner names the photos (:meth:`PhotoStrip.set_photos`) and
hands each image in as it arrives (:meth:`PhotoStrip.set_image`), so a slow photo never
holds up the others. Enter or a double click on a thumbnail emits ``photo_activated``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

THUMBNAIL = 96
"""Thumbnail edge in pixels."""

PHOTO_ROLE = int(Qt.ItemDataRole.UserRole)
"""``item.data(PHOTO_ROLE)``: the photo id."""


class PhotoStrip(QListWidget):
    """Thumbnails of photos, in the order given.

    Signals:
        photo_activated(str): A photo was opened (Enter or double click); its id.
    """

    photo_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("photoStrip")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.setSpacing(4)
        self.images: dict[str, QPixmap] = {}
        self.itemActivated.connect(self._activated)
        self.retranslate_ui()

    def photo_ids(self) -> list[str]:
        """The photos listed, in order."""
        return [str(self.item(i).data(PHOTO_ROLE)) for i in range(self.count())]

    def set_photos(self, photo_ids: Sequence[str]) -> None:
        """List these photos (each shows "loading" until its image arrives)."""
        if list(photo_ids) == self.photo_ids():
            return
        self.clear()
        self.images = {}
        for photo_id in photo_ids:
            item = QListWidgetItem(self.tr("Loading…"), self)
            item.setData(PHOTO_ROLE, photo_id)
            item.setToolTip(photo_id)
            item.setSizeHint(QSize(THUMBNAIL + 16, THUMBNAIL + 24))

    def set_image(self, photo_id: str, data: bytes) -> bool:
        """The image of ``photo_id`` arrived; returns whether it could be read."""
        pixmap = QPixmap()
        if not pixmap.loadFromData(data):
            self.set_failed(photo_id, self.tr("Not an image"))
            return False
        self.images[photo_id] = pixmap
        for item in self._items(photo_id):
            item.setText("")
            item.setIcon(
                pixmap.scaled(
                    THUMBNAIL,
                    THUMBNAIL,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        return True

    def set_failed(self, photo_id: str, reason: str) -> None:
        """The image of ``photo_id`` could not be had: say why on its thumbnail."""
        for item in self._items(photo_id):
            item.setText(reason)

    def _items(self, photo_id: str) -> list[QListWidgetItem]:
        return [
            self.item(i) for i in range(self.count()) if self.item(i).data(PHOTO_ROLE) == photo_id
        ]

    def _activated(self, item: QListWidgetItem) -> None:
        self.photo_activated.emit(str(item.data(PHOTO_ROLE)))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Retranslates on a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        """Sets every text in the current language."""
        self.setAccessibleName(self.tr("Photos"))
        for i in range(self.count()):
            item = self.item(i)
            if str(item.data(PHOTO_ROLE)) not in self.images:
                item.setText(self.tr("Loading…"))


class PhotoViewer(QDialog):
    """One photo at full size, scrollable; Esc closes.

    Args:
        pixmap: The photo.
        title: The window's title (the case and the photo).
        parent: The window it opens over.
    """

    def __init__(self, pixmap: QPixmap, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("photoViewer")
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.image = QLabel(self)
        self.image.setObjectName("photoViewerImage")
        self.image.setPixmap(pixmap)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scroll = QScrollArea(self)
        scroll.setWidget(self.image)
        scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.resize(min(pixmap.width() + 24, 1600), min(pixmap.height() + 24, 1000))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        """Enter closes too (as Esc does), so a photo is looked at and dismissed by keys."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.close()
            return
        super().keyPressEvent(event)
