"""How the map looks: one place for marker shapes, colours and the sprite sheets.

Units: the agency sets shape and fill (a police unit is a blue square everywhere); the
status sets the outline and the fill's strength (breaks and off-duty units fade), and a
stale unit (no report for minutes) is grey whatever its agency. Cases: the urgency sets the
colour, the state group the shape. Every cue is doubled (shape and colour), for colour-blind
operators and for monochrome print-outs of the wall.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
from PySide6.QtGui import QColor

from console.map_data import CASE_STYLES, STALE_SHADE, UNIT_SHADES, URGENCY_CODES, CaseGroup
from console.theme import OKABE_ITO
from models.catalogue import Urgency
from models.org import UnitStatus
from widgets.map.sprites import (
    SpritePainter,
    SpriteSheet,
    disc_painter,
    heading_painter,
    marker_painter,
    ring_painter,
)

MARKER_PX: Final = 13
"""Side of unit and case markers in logical pixels."""

COMPACT_MARKER_PX: Final = 8
"""Side of unit markers over the whole district, where thousands crowd together."""

AGENCY_STYLES: Final[dict[str, tuple[str, str]]] = {
    "WGLQ": ("circle", "#56B4E9"),  # grid joint-patrol force: sky blue circle
    "CGZF": ("square", "#E69F00"),  # urban management: orange square
    "GA": ("diamond", "#0072B2"),  # police: blue diamond
    "JJ": ("triangle", "#6A9FD8"),  # traffic police: light blue triangle
    "SCJG": ("pentagon", "#CC79A7"),  # market regulation: purple pentagon
    "HW": ("hexagon", "#009E73"),  # sanitation: green hexagon
    "XF": ("star", "#D55E00"),  # fire and rescue: vermillion star
}
"""Department code → (shape, colour) of its units. Others are drawn as grey crosses."""

OTHER_AGENCY_STYLE: Final = ("cross", "#B0B0B0")

STATUS_OUTLINES: Final[dict[UnitStatus, tuple[str, float, float]]] = {
    UnitStatus.PATROL: ("#FFFFFF", 1.2, 1.0),
    UnitStatus.EN_ROUTE: (OKABE_ITO["yellow"], 2.4, 1.0),
    UnitStatus.ON_SCENE: (OKABE_ITO["bluish_green"], 2.4, 1.0),
    UnitStatus.BUSY: (OKABE_ITO["vermillion"], 2.4, 1.0),
    UnitStatus.BREAK: ("#9AA4B1", 1.0, 0.45),
    UnitStatus.OFF_DUTY: ("#6B7380", 1.0, 0.2),
}
"""Status → (outline colour, outline width, fill strength)."""

STALE_COLOUR: Final = "#5D6470"

URGENCY_COLOURS: Final[dict[Urgency, str]] = {
    Urgency.NORMAL: OKABE_ITO["yellow"],
    Urgency.URGENT: OKABE_ITO["orange"],
    Urgency.CRITICAL: OKABE_ITO["vermillion"],
}

CASE_GROUP_SHAPES: Final[dict[CaseGroup, str]] = {
    CaseGroup.NEW: "circle",
    CaseGroup.WITH_DEPARTMENT: "diamond",
    CaseGroup.VERIFYING: "triangle",
    CaseGroup.SUSPENDED: "square",
}

OVERDUE_COLOUR: Final = OKABE_ITO["vermillion"]
SELECTION_COLOUR: Final = "#2F8CFF"
"""The selection accent (blue, kept out of the status palette)."""

CELL_CLASS_COLOURS: Final[tuple[str, ...]] = ("#FDE7A9", "#FDBE6E", "#F98E52", "#E4572E", "#B3202A")
"""Fill of cell classes 1 … 5 for case counts (class 0 is not filled)."""

COVERAGE_CLASS_COLOURS: Final[tuple[str, ...]] = ("#C7E9C0", "#74C476", "#31A354", "#006D2C")
"""Fill of cell classes 1 … 4 for patrol coverage."""


def agency_style(index: int, agencies: tuple[str, ...]) -> tuple[str, str]:
    return (
        AGENCY_STYLES.get(agencies[index], OTHER_AGENCY_STYLE)
        if index < len(agencies)
        else OTHER_AGENCY_STYLE
    )


def unit_sprites(agencies: tuple[str, ...], dpr: float = 1.0, size: int = MARKER_PX) -> SpriteSheet:
    """The unit sheet: style code ``agency * UNIT_SHADES + shade`` (see ``unit_style``)."""
    statuses = list(UnitStatus)
    painters: list[SpritePainter] = []
    for agency in range(len(agencies) + 1):
        shape, colour = agency_style(agency, agencies)
        for shade in range(UNIT_SHADES):
            if shade == STALE_SHADE:
                painters.append(marker_painter(shape, QColor(STALE_COLOUR), QColor("#8A919C"), 1.0))
                continue
            outline, width, strength = STATUS_OUTLINES[statuses[shade]]
            fill = QColor(colour)
            fill.setAlphaF(strength)
            painters.append(marker_painter(shape, fill, QColor(outline), width * size / MARKER_PX))
    return SpriteSheet(painters, size, dpr)


def heading_sprites(dpr: float = 1.0) -> SpriteSheet:
    """One sprite: the heading wedge, drawn rotated around the unit's marker."""
    return SpriteSheet([heading_painter(QColor("#FFFFFF"))], MARKER_PX + 10, dpr)


CLUSTER_RADII: Final[tuple[float, ...]] = (10.0, 12.5, 15.0, 18.0)
"""Radius of cluster discs by size class: 2–9, 10–99, 100–999, 1,000 or more cases."""

PULSE_PHASES: Final = 8
RING_SPRITE_PX: Final = 64


def cluster_size_class(counts: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Size class of clusters of ``counts`` cases (see :data:`CLUSTER_RADII`)."""
    classes = np.floor(np.log10(np.maximum(np.asarray(counts), 1))).astype(np.int64)
    return np.clip(classes, 0, len(CLUSTER_RADII) - 1)


def cluster_sprites(dpr: float = 1.0) -> SpriteSheet:
    """Discs of clusters: style code ``size_class * urgencies + urgency``."""
    painters = [
        disc_painter(radius, QColor(URGENCY_COLOURS[urgency]), QColor("#14181E"))
        for radius in CLUSTER_RADII
        for urgency in URGENCY_CODES
    ]
    return SpriteSheet(painters, int(2 * CLUSTER_RADII[-1] + 4), dpr)


def ring_radius(size_class: int) -> float:
    """Inner radius of the overdue ring around a marker (-1) or a cluster of a class."""
    return MARKER_PX / 2 if size_class < 0 else CLUSTER_RADII[size_class]


def pulse_sprites(dpr: float = 1.0) -> SpriteSheet:
    """Overdue rings: style code ``(size_class + 1) * PULSE_PHASES + phase``; the ring
    swells and fades over the phases."""
    painters: list[SpritePainter] = []
    for size_class in range(-1, len(CLUSTER_RADII)):
        for phase in range(PULSE_PHASES):
            share = phase / PULSE_PHASES
            colour = QColor(OVERDUE_COLOUR)
            colour.setAlphaF(1.0 - 0.8 * share)
            painters.append(ring_painter(ring_radius(size_class) + 3.0 + 9.0 * share, colour))
    return SpriteSheet(painters, RING_SPRITE_PX, dpr)


def case_sprites(dpr: float = 1.0) -> SpriteSheet:
    """The case sheet: style code ``group * urgencies + urgency`` (see ``case_style``)."""
    painters: list[SpritePainter] = []
    for group in list(CaseGroup)[:-1]:
        for urgency in URGENCY_CODES:
            painters.append(
                marker_painter(
                    CASE_GROUP_SHAPES[group],
                    QColor(URGENCY_COLOURS[urgency]),
                    QColor("#14181E"),
                    1.5,
                )
            )
    assert len(painters) == CASE_STYLES
    return SpriteSheet(painters, MARKER_PX, dpr)
