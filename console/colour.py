"""Colour arithmetic for the theme's checks: CIE Lab, CIEDE2000, colour-vision deficiency.

Plain Python, no Qt. Used to show that the status colours stay apart for operators with
the common colour-vision deficiencies, and that text and status marks stand out from the
dark background.

Method:
    * sRGB (IEC 61966-2-1) to linear light, to CIE XYZ and CIE L*a*b* under D65.
    * Colour difference: CIEDE2000 (Sharma, Wu & Dalal 2005), the CIE's current
      recommendation; ΔE00 ≈ 1 is a just-noticeable difference side by side, ≥ 10 reads as a
      different colour at a glance.
    * Dichromat vision: the physiologically based model of Machado, Oliveira & Fernandes
      (2009) at full severity, applied to linear RGB.
    * Contrast: the WCAG 2 contrast ratio of relative luminances.
"""

from __future__ import annotations

import math
from enum import StrEnum

Rgb = tuple[float, float, float]
Lab = tuple[float, float, float]


class Vision(StrEnum):
    """Kinds of colour vision the checks simulate."""

    NORMAL = "normal"
    PROTANOPIA = "protanopia"  # no L cones (≈1 % of men)
    DEUTERANOPIA = "deuteranopia"  # no M cones (≈1 % of men; anomalous forms ≈5 %)
    TRITANOPIA = "tritanopia"  # no S cones (rare)


# Machado et al. 2009, severity 1.0, for linear RGB.
_MACHADO: dict[Vision, tuple[Rgb, Rgb, Rgb]] = {
    Vision.PROTANOPIA: (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    Vision.DEUTERANOPIA: (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    Vision.TRITANOPIA: (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}

_D65_WHITE = (0.95047, 1.0, 1.08883)


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """``"#RRGGBB"`` to 0–255 components.

    Raises:
        ValueError: If the text is not ``#RRGGBB``.
    """
    if len(colour) != 7 or colour[0] != "#":
        raise ValueError(f"expected #RRGGBB, not {colour!r}")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _to_linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def linear_rgb(colour: str) -> Rgb:
    """Linear-light RGB (0–1) of an sRGB colour."""
    r, g, b = hex_to_rgb(colour)
    return _to_linear(r), _to_linear(g), _to_linear(b)


def simulate(rgb: Rgb, vision: Vision) -> Rgb:
    """Linear RGB as seen with ``vision`` (clipped to the gamut)."""
    if vision is Vision.NORMAL:
        return rgb
    rows = _MACHADO[vision]
    return (
        _clip(sum(m * c for m, c in zip(rows[0], rgb, strict=True))),
        _clip(sum(m * c for m, c in zip(rows[1], rgb, strict=True))),
        _clip(sum(m * c for m, c in zip(rows[2], rgb, strict=True))),
    )


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def lab_from_linear(rgb: Rgb) -> Lab:
    """CIE L*a*b* (D65) of linear sRGB."""
    r, g, b = rgb
    x = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = 0.0193339 * r + 0.1191920 * g + 0.9503041 * b

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = (f(v / w) for v, w in zip((x, y, z), _D65_WHITE, strict=True))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def lab(colour: str, vision: Vision = Vision.NORMAL) -> Lab:
    """CIE L*a*b* of an sRGB colour as seen with ``vision``."""
    return lab_from_linear(simulate(linear_rgb(colour), vision))


def delta_e2000(lab1: Lab, lab2: Lab) -> float:
    """The CIEDE2000 colour difference (kL = kC = kH = 1)."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0

    dl = l2 - l1
    dc = c2p - c1p
    if c1p * c2p == 0:
        dh = 0.0
    else:
        dh = h2p - h1p
        if dh > 180:
            dh -= 360
        elif dh < -180:
            dh += 360
    d_big_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))

    l_bar = (l1 + l2) / 2
    cp_bar = (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hp_bar = (h1p + h2p + 360) / 2
    else:
        hp_bar = (h1p + h2p - 360) / 2

    t = (
        1
        - 0.17 * math.cos(math.radians(hp_bar - 30))
        + 0.24 * math.cos(math.radians(2 * hp_bar))
        + 0.32 * math.cos(math.radians(3 * hp_bar + 6))
        - 0.20 * math.cos(math.radians(4 * hp_bar - 63))
    )
    d_theta = 30 * math.exp(-(((hp_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_bar**7 / (cp_bar**7 + 25**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt(
        (dl / s_l) ** 2
        + (dc / s_c) ** 2
        + (d_big_h / s_h) ** 2
        + r_t * (dc / s_c) * (d_big_h / s_h)
    )


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance (0 black … 1 white)."""
    r, g, b = linear_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio (1 … 21); ≥ 4.5 for text, ≥ 3 for graphical marks."""
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)
