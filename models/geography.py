"""The spatial hierarchy: district → street/town → community → unit grid cell.

Everything here is immutable data (frozen msgspec Structs) in WGS-84 degrees. A map is
assembled with :meth:`CityMap.build`, which checks the hierarchy, puts every level in code
order and stamps a content hash as ``version``, so two consoles can tell cheaply whether
they hold the same map.

Code lengths are never written as literals outside :class:`CodeFormat`: the national
scheme is 6+3+3+2 = 14 digits, but some cities use 15 digits or 15 characters.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from collections.abc import Iterable, Sequence
from typing import Literal, get_args

import msgspec

from models.errors import InvalidInput, UnknownId
from models.geo import Ring, Rings

Level = Literal["district", "street", "community", "cell"]
"""A level of the spatial hierarchy, from the top."""
LEVELS: tuple[Level, ...] = get_args(Level)

StreetKind = Literal["street", "town"]
"""街道 or 镇. Townships (乡, GB/T 10114 codes 200–399) are filed as towns."""

_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")


class CodeFormat(msgspec.Struct, frozen=True):
    """How an area code is cut into segments, one segment per level.

    Attributes:
        lengths: Segment lengths for district, street/town, community and cell. The
            default is the national 6+3+3+2 = 14-digit cell code.
        digits_only: True for numeric codes; False also admits upper-case letters, as
            the newer 15-character codes do.
    """

    lengths: tuple[int, int, int, int] = (6, 3, 3, 2)
    digits_only: bool = True

    def __post_init__(self) -> None:
        if any(n < 1 for n in self.lengths):
            raise InvalidInput(
                "lengths", f"every segment needs at least 1 character: {self.lengths}"
            )

    @property
    def total_length(self) -> int:
        """Length of a full cell code."""
        return sum(self.lengths)

    def length(self, level: Level) -> int:
        """Length of a code of ``level`` (its own segment and all above it).

        Args:
            level: A hierarchy level.

        Returns:
            The number of characters, e.g. 9 for a street with the default format.
        """
        return _prefix_lengths(self.lengths)[_level_rank(level)]

    def level_of(self, code: str) -> Level:
        """The level a code belongs to, judged by its length.

        Raises:
            InvalidInput: When the length matches no level.
        """
        for level in LEVELS:
            if len(code) == self.length(level):
                return level
        expected = ", ".join(str(self.length(lv)) for lv in LEVELS)
        raise InvalidInput(
            "code", f"{code!r} has {len(code)} characters; expected one of {expected}"
        )

    def validate(self, code: str, level: Level = "cell") -> str:
        """Check a code of a given level and return it.

        Args:
            code: The code as text.
            level: The level the code must have.

        Returns:
            The code, unchanged.

        Raises:
            InvalidInput: Wrong type, length or characters.
        """
        if isinstance(code, str) and _pattern(self.lengths, self.digits_only, level).fullmatch(
            code
        ):
            return code
        # Slow path: say precisely what is wrong.
        field = f"{level} code"
        if not isinstance(code, str):
            raise InvalidInput(field, f"expected text, got {type(code).__name__}")
        want = self.length(level)
        if len(code) != want:
            raise InvalidInput(
                field, f"{code!r} has {len(code)} characters; a {level} code has {want}"
            )
        allowed = _DIGITS if self.digits_only else _ALNUM
        bad = [ch for ch in code if ch not in allowed]
        if bad:
            kind = "digits" if self.digits_only else "digits and upper-case letters"
            raise InvalidInput(field, f"{code!r} contains {bad[0]!r}; only {kind} are allowed")
        return code

    def is_valid(self, code: str, level: Level = "cell") -> bool:
        """Tell whether :meth:`validate` would accept the code."""
        try:
            self.validate(code, level)
        except InvalidInput:
            return False
        return True

    def split(self, code: str) -> tuple[str, ...]:
        """Cut a code into its segments.

        Args:
            code: A code of any level.

        Returns:
            One segment per level down to the code's own, e.g. for the default format
            ``"31011510300102"`` → ``("310115", "103", "001", "02")``.
        """
        level = self.level_of(code)
        self.validate(code, level)
        out: list[str] = []
        start = 0
        for n in self.lengths[: _level_rank(level) + 1]:
            out.append(code[start : start + n])
            start += n
        return tuple(out)

    def parent(self, code: str, level: Level) -> str:
        """The code of the enclosing area at a higher (or the same) level.

        Args:
            code: A code of any level.
            level: The level wanted, at or above the code's own.

        Returns:
            The prefix of the code for ``level``.
        """
        own = self.level_of(code)
        if _level_rank(level) > _level_rank(own):
            raise InvalidInput("level", f"{level} is below the {own} code {code!r}")
        return code[: self.length(level)]

    def join(self, *segments: str | int) -> str:
        """Build a code from segments, zero-padding integers to their segment length.

        Args:
            segments: District first; as many as the level needs.

        Returns:
            The joined, validated code.
        """
        if not 1 <= len(segments) <= len(self.lengths):
            raise InvalidInput("segments", f"expected 1 to {len(self.lengths)} segments")
        parts: list[str] = []
        for i, seg in enumerate(segments):
            n = self.lengths[i]
            text = f"{seg:0{n}d}" if isinstance(seg, int) else seg
            if len(text) != n:
                raise InvalidInput(f"{LEVELS[i]} segment", f"{seg!r} does not fit {n} characters")
            parts.append(text)
        code = "".join(parts)
        return self.validate(code, LEVELS[len(segments) - 1])


@functools.lru_cache(maxsize=16)
def _prefix_lengths(lengths: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(itertools.accumulate(lengths))


@functools.lru_cache(maxsize=64)
def _pattern(lengths: tuple[int, ...], digits_only: bool, level: Level) -> re.Pattern[str]:
    n = _prefix_lengths(lengths)[_level_rank(level)]
    return re.compile(f"[0-9]{{{n}}}" if digits_only else f"[0-9A-Z]{{{n}}}")


_RANK: dict[str, int] = {level: i for i, level in enumerate(LEVELS)}


def _level_rank(level: Level) -> int:
    rank = _RANK.get(level)
    if rank is None:
        raise InvalidInput("level", f"unknown level {level!r}; expected one of {LEVELS}")
    return rank


def street_kind_of(code: str, code_format: CodeFormat) -> StreetKind:
    """Street or town, from the street segment (GB/T 10114: 001–099 are streets).

    Args:
        code: A street code.
        code_format: How to find the street segment.

    Returns:
        ``"street"`` for segments below 100, ``"town"`` otherwise (towns and townships).
    """
    segment = code_format.split(code)[1]
    return "street" if segment.isdigit() and int(segment) < 100 else "town"


class Street(msgspec.Struct, frozen=True):
    """A street (街道) or town (镇) and its sub-platform's area.

    Attributes:
        code: Division code, e.g. ``"310115103"`` (9 digits in the default format).
        name_zh: Official name, e.g. ``"川沙新镇"``.
        name_en: English name, e.g. ``"Chuansha New Town"``.
        kind: ``"street"`` or ``"town"``.
        seat_lon: Longitude of the seat (or a point inside the area), WGS-84.
        seat_lat: Latitude of the seat, WGS-84.
        boundary: Rings under the even–odd rule, WGS-84.
    """

    code: str
    name_zh: str
    name_en: str
    kind: StreetKind
    seat_lon: float
    seat_lat: float
    boundary: Rings


class Community(msgspec.Struct, frozen=True):
    """A community (社区) or village (村), the level of the workstations.

    Attributes:
        code: 12 digits in the default format.
        street_code: Code of the enclosing street/town.
        name_zh: Chinese name.
        name_en: English name.
        boundary: Rings under the even–odd rule, WGS-84.
    """

    code: str
    street_code: str
    name_zh: str
    name_en: str
    boundary: Rings


class Cell(msgspec.Struct, frozen=True):
    """A unit grid cell (单元网格).

    Attributes:
        code: 14 digits in the default format.
        street_code: Code of the enclosing street/town.
        community_code: Code of the enclosing community.
        ring: The outline, one closed ring, WGS-84.
        centroid_lon: Longitude of the area centroid.
        centroid_lat: Latitude of the area centroid.
        area_m2: Area in square metres.
    """

    code: str
    street_code: str
    community_code: str
    ring: Ring
    centroid_lon: float
    centroid_lat: float
    area_m2: float


class CityMap(msgspec.Struct, frozen=True, dict=True):
    """A district's whole grid map. Build it with :meth:`build`.

    Attributes:
        district_code: Division code, e.g. ``"310115"``.
        name_zh: District name, e.g. ``"浦东新区"``.
        name_en: District name in English.
        code_format: How the codes below are cut.
        boundary: District outline (rings, even–odd), WGS-84; may be empty.
        streets: Streets and towns, in code order.
        communities: Communities, in code order.
        cells: Cells, in code order; :class:`models.cell_index.CellIndex` answers with
            positions in this tuple.
        version: Content hash of everything above (16 hex digits).
    """

    district_code: str
    name_zh: str
    name_en: str
    code_format: CodeFormat
    boundary: Rings
    streets: tuple[Street, ...]
    communities: tuple[Community, ...]
    cells: tuple[Cell, ...]
    version: str

    @classmethod
    def build(
        cls,
        *,
        district_code: str,
        name_zh: str,
        name_en: str,
        streets: Iterable[Street],
        communities: Iterable[Community],
        cells: Iterable[Cell],
        boundary: Rings = (),
        code_format: CodeFormat | None = None,
    ) -> CityMap:
        """Check the hierarchy, sort each level by code and stamp the version.

        Args:
            district_code: The district's division code.
            name_zh: District name in Chinese.
            name_en: District name in English.
            streets: Streets and towns.
            communities: Communities.
            cells: Cells.
            boundary: District outline; empty when unknown.
            code_format: Code format; the national 14-digit one by default.

        Returns:
            The map.

        Raises:
            InvalidInput: A malformed or duplicate code, or a code whose parent is missing
                or does not match its street/community fields.
        """
        fmt = code_format if code_format is not None else CodeFormat()
        fmt.validate(district_code, "district")
        st = tuple(sorted(streets, key=lambda s: s.code))
        co = tuple(sorted(communities, key=lambda c: c.code))
        ce = tuple(sorted(cells, key=lambda c: c.code))
        _check_hierarchy(fmt, district_code, st, co, ce)
        version = content_version(district_code, name_zh, name_en, fmt, boundary, st, co, ce)
        return cls(
            district_code=district_code,
            name_zh=name_zh,
            name_en=name_en,
            code_format=fmt,
            boundary=boundary,
            streets=st,
            communities=co,
            cells=ce,
            version=version,
        )

    def verify_version(self) -> bool:
        """Tell whether ``version`` matches the content (e.g. after decoding a file)."""
        expected = content_version(
            self.district_code,
            self.name_zh,
            self.name_en,
            self.code_format,
            self.boundary,
            self.streets,
            self.communities,
            self.cells,
        )
        return expected == self.version

    # Lookups are built on first use; the Struct is frozen, so they never go stale.

    @functools.cached_property
    def _street_pos(self) -> dict[str, int]:
        return {s.code: i for i, s in enumerate(self.streets)}

    @functools.cached_property
    def _community_pos(self) -> dict[str, int]:
        return {c.code: i for i, c in enumerate(self.communities)}

    @functools.cached_property
    def _cell_pos(self) -> dict[str, int]:
        return {c.code: i for i, c in enumerate(self.cells)}

    def street(self, code: str) -> Street:
        """The street or town with this code.

        Raises:
            UnknownId: No such street.
        """
        pos = self._street_pos.get(code)
        if pos is None:
            raise UnknownId("street", code)
        return self.streets[pos]

    def community(self, code: str) -> Community:
        """The community with this code.

        Raises:
            UnknownId: No such community.
        """
        pos = self._community_pos.get(code)
        if pos is None:
            raise UnknownId("community", code)
        return self.communities[pos]

    def cell(self, code: str) -> Cell:
        """The cell with this code.

        Raises:
            UnknownId: No such cell.
        """
        return self.cells[self.cell_position(code)]

    def cell_position(self, code: str) -> int:
        """Position of a cell in :attr:`cells` (the index a :class:`CellIndex` returns).

        Raises:
            UnknownId: No such cell.
        """
        pos = self._cell_pos.get(code)
        if pos is None:
            raise UnknownId("cell", code)
        return pos

    def has_code(self, code: str) -> bool:
        """Tell whether a code of any level names an area of this map."""
        return (
            code == self.district_code
            or code in self._street_pos
            or code in self._community_pos
            or code in self._cell_pos
        )

    def communities_of(self, street_code: str) -> tuple[Community, ...]:
        """Communities of a street/town, in code order."""
        self.street(street_code)
        return tuple(c for c in self.communities if c.street_code == street_code)

    def cells_of(self, code: str) -> tuple[Cell, ...]:
        """Cells under an area of any level (the district, a street or a community)."""
        if not self.has_code(code):
            raise UnknownId("area", code)
        return tuple(c for c in self.cells if c.code.startswith(code))


def content_version(
    district_code: str,
    name_zh: str,
    name_en: str,
    code_format: CodeFormat,
    boundary: Rings,
    streets: Sequence[Street],
    communities: Sequence[Community],
    cells: Sequence[Cell],
) -> str:
    """Stable hash of a map's content: 16 hex digits of SHA-256 over its canonical JSON.

    msgspec writes floats in their shortest round-trip form and fields in declaration
    order, so the same content hashes the same on every machine and Python version.
    """
    payload = msgspec.json.encode(
        [district_code, name_zh, name_en, code_format, boundary, streets, communities, cells]
    )
    return hashlib.sha256(payload).hexdigest()[:16]


def _check_hierarchy(
    fmt: CodeFormat,
    district_code: str,
    streets: Sequence[Street],
    communities: Sequence[Community],
    cells: Sequence[Cell],
) -> None:
    # Prefixes are sliced directly: this runs over every cell of every map built.
    n_district, n_street, n_community = (fmt.length(lv) for lv in LEVELS[:3])
    street_codes: set[str] = set()
    for s in streets:
        fmt.validate(s.code, "street")
        if s.code in street_codes:
            raise InvalidInput("street code", f"duplicate code {s.code}")
        if s.code[:n_district] != district_code:
            raise InvalidInput("street code", f"{s.code} is not in district {district_code}")
        street_codes.add(s.code)
    community_codes: set[str] = set()
    for c in communities:
        fmt.validate(c.code, "community")
        if c.code in community_codes:
            raise InvalidInput("community code", f"duplicate code {c.code}")
        parent = c.code[:n_street]
        if c.street_code != parent:
            raise InvalidInput(
                "street_code", f"community {c.code} names street {c.street_code}, its code {parent}"
            )
        if parent not in street_codes:
            raise InvalidInput("community code", f"community {c.code}: no street {parent}")
        community_codes.add(c.code)
    cell_codes: set[str] = set()
    for cell in cells:
        fmt.validate(cell.code, "cell")
        if cell.code in cell_codes:
            raise InvalidInput("cell code", f"duplicate code {cell.code}")
        comm = cell.code[:n_community]
        if cell.community_code != comm or cell.street_code != cell.code[:n_street]:
            raise InvalidInput(
                "community_code", f"cell {cell.code} names {cell.community_code}, its code {comm}"
            )
        if comm not in community_codes:
            raise InvalidInput("cell code", f"cell {cell.code}: no community {comm}")
        if len(cell.ring) < 4 or cell.ring[0] != cell.ring[-1]:
            raise InvalidInput("ring", f"cell {cell.code}: the ring must be closed, ≥ 4 positions")
        cell_codes.add(cell.code)
