"""The report calibration: hourly rhythm, channel mix, category mix, daily volume.

Read from ``resources/simulator/calibration.toml``, which ``scripts/calibrate_simulator.py``
derives from real 311 request data (the file says how). Loading checks what the arrival
process relies on: 24 hourly shares, known sources, urgencies and catalogue classes, and
shares that are non-negative and sum to 1 (renormalised after rounding).
"""

from __future__ import annotations

import importlib.resources
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.case import Source
from models.catalogue import Catalogue, Urgency, load_catalogue
from models.errors import LoadError

RESOURCE = "resources/simulator/calibration.toml"
SUM_TOLERANCE = 1e-3
"""How far a group of shares may sum from 1 before the file counts as broken."""


@dataclass(frozen=True)
class Calibration:
    """What the arrival process draws from; every group of shares sums to 1.

    Attributes:
        daily_reports: Reports per simulated day over the whole district.
        hourly: 24 shares, one per local hour (Asia/Shanghai) from 00 h.
        channels: Share per report source.
        categories: Share per catalogue class code.
        urgency: Share per urgency.
        method: How the numbers were derived (from the file).
    """

    daily_reports: float
    hourly: tuple[float, ...]
    channels: dict[Source, float]
    categories: dict[str, float]
    urgency: dict[Urgency, float]
    method: str = ""

    def with_daily_reports(self, daily_reports: float) -> Calibration:
        """The same calibration at another daily volume."""
        return Calibration(
            daily_reports, self.hourly, self.channels, self.categories, self.urgency, self.method
        )


def _shares(source: str, name: str, raw: dict[Any, Any]) -> dict[Any, float]:
    values: dict[Any, float] = {}
    for key, value in raw.items():
        if isinstance(value, dict):
            continue  # a documentation sub-table such as [channels.mapping]
        if not isinstance(value, int | float) or value < 0 or not math.isfinite(value):
            raise LoadError(source, None, f"{name}.{key}", f"{value!r} is not a share")
        values[key] = float(value)
    return _normalised(source, name, values)


def _normalised(source: str, name: str, values: dict[Any, float]) -> dict[Any, float]:
    total = sum(values.values())
    if not values or abs(total - 1.0) > SUM_TOLERANCE:
        raise LoadError(source, None, name, f"shares sum to {total:.6f}, not 1")
    return {k: v / total for k, v in values.items()}


def parse_calibration(
    text: str, catalogue: Catalogue | None = None, *, source: str = RESOURCE
) -> Calibration:
    """Parse and check a calibration TOML document.

    Raises:
        LoadError: naming the table and key that is wrong.
    """
    catalogue = catalogue or load_catalogue()
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LoadError(source, None, None, str(exc)) from exc
    try:
        daily = float(doc["volume"]["daily_reports"])
        hourly_raw = doc["hourly"]["shares"]
        channels_raw, categories_raw, urgency_raw = (
            doc["channels"],
            doc["categories"],
            doc["urgency"],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LoadError(source, None, None, f"missing or malformed entry: {exc}") from exc
    if not daily > 0:
        raise LoadError(source, None, "volume.daily_reports", "must be positive")
    if not isinstance(hourly_raw, list) or len(hourly_raw) != 24:
        raise LoadError(source, None, "hourly.shares", "needs 24 numbers, one per hour")
    hourly = _shares(source, "hourly", dict(enumerate(hourly_raw)))
    channels: dict[Source, float] = {}
    for key, share in _shares(source, "channels", channels_raw).items():
        try:
            channels[Source(key)] = share
        except ValueError:
            raise LoadError(source, None, f"channels.{key}", "is not a report source") from None
    urgency: dict[Urgency, float] = {}
    for key, share in _shares(source, "urgency", urgency_raw).items():
        try:
            urgency[Urgency(key)] = share
        except ValueError:
            raise LoadError(source, None, f"urgency.{key}", "is not an urgency") from None
    categories = _shares(source, "categories", categories_raw)
    for code in categories:
        if code not in catalogue.categories:
            raise LoadError(source, None, f"categories.{code}", "is not in the catalogue")
    method = doc.get("method", {}).get("text", "")
    return Calibration(
        daily_reports=daily,
        hourly=tuple(hourly[i] for i in range(24)),
        channels=channels,
        categories=categories,
        urgency=urgency,
        method=str(method),
    )


def load_calibration(path: Path | None = None, catalogue: Catalogue | None = None) -> Calibration:
    """The shipped calibration, or the one at ``path``."""
    if path is None:
        resource = importlib.resources.files("resources").joinpath("simulator", "calibration.toml")
        return parse_calibration(resource.read_text(encoding="utf-8"), catalogue)
    return parse_calibration(path.read_text(encoding="utf-8"), catalogue, source=str(path))
