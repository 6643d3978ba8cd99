"""Taking a call by hand: where the case is, whether it is a duplicate, and what is missing.

Plain Python (no Qt), so that every rule of the "new case" dialog is tested without a
window. The dialog (``views.new_case_dialog``) turns what the operator typed into a
:class:`Draft`, asks :func:`check_draft` what is wrong and :func:`build_report` for the
report it sends. Problems come back as :class:`FieldError` values (a field, a problem and
its details) that the dialog puts in words in the user's language.

Locations come from one of three inputs, all resolved to a grid cell the same way the
server resolves a report (:class:`~models.cell_index.CellIndex` over the city map):

* an address: the street, town and community names of the city found in it
  (:meth:`CityLookup.match_address`), geocoded to a point inside that area;
* a cell code, checked against the map's :class:`~models.geography.CodeFormat`;
* a point clicked on the map.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property
from typing import ClassVar, Final, Literal

from models.case import Case, Source
from models.catalogue import Catalogue, Urgency
from models.cell_index import CellIndex
from models.errors import UnknownId
from models.geo import Rings, haversine_m, interior_point
from models.geography import Cell, CityMap
from models.workflow import CITIZEN_SOURCES, MAX_TEXT, NewReport

DUPLICATE_RADIUS_M: Final = 200.0
"""An open case of the same category this close (metres) may be the same matter."""

DUPLICATE_WINDOW: Final = timedelta(days=3)
"""... if it was reported within this time before the call."""

MAX_REPORTER_NAME: Final = 50
"""Longest caller's name the dialog accepts."""

MIN_STEM: Final = 2
"""Shortest street/town name without its suffix (街道, 镇) that an address may use: "唐镇"
has no usable short form, "张江镇" has "张江"."""

_STREET_SUFFIXES: Final = ("街道", "新镇", "镇", "乡")


# --- problems ------------------------------------------------------------------------------


class Field(StrEnum):
    """A field of the dialog that can be wrong."""

    CATEGORY = "category"
    DESCRIPTION = "description"
    REPORTER_NAME = "reporter_name"
    REPORTER_PHONE = "reporter_phone"
    ADDRESS = "address"
    CELL_CODE = "cell_code"
    MAP = "map"
    LOCATION = "location"


class Problem(StrEnum):
    """What is wrong with a field; the details each problem carries are listed."""

    REQUIRED = "required"  # -
    TOO_LONG = "too_long"  # limit
    NO_CATEGORY_MATCH = "no_category_match"  # text
    BAD_PHONE = "bad_phone"  # text
    NO_PLACE_MATCH = "no_place_match"  # text
    NO_CELL_IN_PLACE = "no_cell_in_place"  # place (its code)
    CODE_LENGTH = "code_length"  # length, expected
    CODE_CHARACTER = "code_character"  # character, digits_only ("1" or "")
    UNKNOWN_CELL = "unknown_cell"  # code
    OUTSIDE_GRID = "outside_grid"  # lon, lat
    NO_MAP = "no_map"  # -


@dataclass(frozen=True)
class FieldError:
    """One bad field: which, what is wrong, and the details the words need.

    Attributes:
        field: The field.
        problem: What is wrong.
        details: Values for the message (all text), see :class:`Problem`.
    """

    field: Field
    problem: Problem
    details: Mapping[str, str] = dataclass_field(default_factory=dict)


class Invalid(Exception):
    """An input could not be used; carries the :class:`FieldError` saying why."""

    def __init__(self, error: FieldError) -> None:
        super().__init__(f"{error.field}: {error.problem} {dict(error.details)}")
        self.error = error


def _fold(text: str) -> str:
    # NFKC folds the full-width letters and digits a Chinese input method produces.
    return unicodedata.normalize("NFKC", text).strip()


# --- places and locations ------------------------------------------------------------------

Via = Literal["address", "cell_code", "map"]
"""Which input a location came from."""


@dataclass(frozen=True)
class Place:
    """A street/town or community an address can name.

    Attributes:
        level: ``"street"`` (streets and towns) or ``"community"``.
        code: Its code.
        name_zh: Chinese name.
        name_en: English name.
        street_code: The street/town (its own code for a street).
    """

    level: Literal["street", "community"]
    code: str
    name_zh: str
    name_en: str
    street_code: str


@dataclass(frozen=True)
class PlacedLocation:
    """Where the new case is: the position sent and the cell it falls in.

    Attributes:
        lon: WGS-84 longitude sent with the report.
        lat: WGS-84 latitude sent with the report.
        cell_code: The cell containing the position (the server resolves the same one).
        community_code: The cell's community.
        street_code: The cell's street/town.
        via: The input it came from.
        place: The street or community the address named (``via == "address"``).
    """

    lon: float
    lat: float
    cell_code: str
    community_code: str
    street_code: str
    via: Via
    place: Place | None = None


@dataclass(frozen=True)
class _Alias:
    """A folded name of a place, and whether it needs word boundaries (Latin letters)."""

    text: str
    place: Place
    bounded_start: bool
    bounded_end: bool


class CityLookup:
    """Addresses, cell codes and map points resolved on one city map.

    Build it once per map (:meth:`of` keeps the last one): the cell index is made on the
    first point resolved (about half a second for 5,000 cells) and kept.

    Args:
        city: The map.

    Attributes:
        city: The map.
        places: Its streets/towns, then its communities, in code order.
    """

    _last: ClassVar[CityLookup | None] = None

    def __init__(self, city: CityMap) -> None:
        self.city = city
        streets = [Place("street", s.code, s.name_zh, s.name_en, s.code) for s in city.streets]
        communities = [
            Place("community", c.code, c.name_zh, c.name_en, c.street_code)
            for c in city.communities
        ]
        self.places: tuple[Place, ...] = (*streets, *communities)
        self._by_code = {p.code: p for p in self.places}
        stems = {s.code: _stem(s.name_zh) for s in city.streets}
        aliases: list[_Alias] = []
        for place in self.places:
            names = {place.name_zh, place.name_en}
            street = self._by_code[place.street_code]
            stem = stems[place.street_code]
            if stem:
                # "张江镇" is also "张江"; its "张江镇第3社区" also "张江第3社区".
                names.add(stem + place.name_zh.removeprefix(street.name_zh))
            for name in names:
                folded = _fold(name).casefold()
                if folded:
                    aliases.append(_Alias(folded, place, _is_word(folded[0]), _is_word(folded[-1])))
        self._aliases = aliases

    @classmethod
    def of(cls, city: CityMap) -> CityLookup:
        """The lookup of ``city``: the one made last if it is of the same map version."""
        last = cls._last
        if last is None or last.city.version != city.version:
            last = cls._last = cls(city)
        return last

    @cached_property
    def index(self) -> CellIndex:
        """Point-to-cell index of the map, built on first use."""
        return CellIndex(self.city.cells)

    def place(self, code: str) -> Place:
        """The street/town or community with this code.

        Raises:
            UnknownId: No such place on the map.
        """
        try:
            return self._by_code[code]
        except KeyError:
            raise UnknownId("place", code) from None

    # -- addresses

    def match_address(self, text: str, limit: int = 10) -> list[Place]:
        """The places an address names or that the operator is typing, best first.

        Ranks: the whole text is a place's name; a community's name appears in the text
        (the longest name first); a street's or town's name appears in the text (also
        without its suffix: "张江路88号" names 张江镇); a name starts with the text (streets
        first: the operator is still typing); a name contains the text. Case, blanks at
        either end and full-width forms are ignored; Latin names match whole words only
        ("community 1" is not found in "community 12").

        Args:
            text: What the operator typed.
            limit: At most this many places.

        Returns:
            The places, each once; empty for blank text or when nothing matches.
        """
        query = _fold(text).casefold()
        if not query or limit <= 0:
            return []
        best: dict[str, tuple[int, int, int, str]] = {}
        for alias in self._aliases:
            rank = self._rank(query, alias)
            if rank is None:
                continue
            place = alias.place
            level = 0 if place.level == "street" else 1
            # Inside a text, the longest (most precise) name first; while typing, the
            # broader places first.
            key = (rank, -len(alias.text), level, place.code)
            if rank >= _PREFIX:
                key = (rank, level, len(alias.text), place.code)
            if place.code not in best or key < best[place.code]:
                best[place.code] = key
        ordered = sorted(best.items(), key=lambda item: item[1])
        return [self._by_code[code] for code, _key in ordered[:limit]]

    @staticmethod
    def _rank(query: str, alias: _Alias) -> int | None:
        name = alias.text
        if query == name:
            return 0
        if _contains_word(query, alias):
            return 1 if alias.place.level == "community" else 2
        if name.startswith(query):
            return _PREFIX
        if len(query) >= MIN_STEM and query in name:
            return _PREFIX + 1
        return None

    def locate_place(self, place: Place) -> PlacedLocation:
        """The location of a street/town or community: a point inside it near its centroid.

        The area's centroid when it lies inside the area, else the inside point
        :func:`models.geo.interior_point` finds (concave areas); if that point falls in no
        cell of the area (an area drawn beyond its cells), a point inside its first cell.

        Raises:
            Invalid: The area has no cell on the map.
        """
        area = (
            self.city.street(place.code)
            if place.level == "street"
            else self.city.community(place.code)
        )

        def candidates() -> Iterator[Rings]:
            if area.boundary:
                yield area.boundary
            yield from ((c.ring,) for c in self.city.cells_of(place.code)[:1])  # if need be

        for rings in candidates():
            try:
                lon, lat = interior_point(rings)
            except ValueError:  # no interior: try the next candidate
                continue
            code = self.index.locate(lon, lat)
            if code is not None and code.startswith(place.code):
                return self._placed(lon, lat, code, "address", place)
        raise Invalid(FieldError(Field.ADDRESS, Problem.NO_CELL_IN_PLACE, {"place": place.code}))

    # -- cell codes

    def parse_cell_code(self, text: str) -> Cell:
        """The cell a typed code names.

        Blanks and hyphens are ignored, full-width digits folded, letters upper-cased (for
        maps whose codes have letters).

        Raises:
            Invalid: The code is empty, has the wrong length or characters for the map's
                code format, or names no cell of the map.
        """
        code = re.sub(r"[\s\-]", "", _fold(text)).upper()
        fmt = self.city.code_format
        if not code:
            raise Invalid(FieldError(Field.CELL_CODE, Problem.REQUIRED))
        if not fmt.is_valid(code, "cell"):
            if len(code) != fmt.total_length:
                raise Invalid(
                    FieldError(
                        Field.CELL_CODE,
                        Problem.CODE_LENGTH,
                        {"length": str(len(code)), "expected": str(fmt.total_length)},
                    )
                )
            bad = next(ch for ch in code if not _code_character(ch, fmt.digits_only))
            raise Invalid(
                FieldError(
                    Field.CELL_CODE,
                    Problem.CODE_CHARACTER,
                    {"character": bad, "digits_only": "1" if fmt.digits_only else ""},
                )
            )
        try:
            return self.city.cell(code)
        except UnknownId:
            raise Invalid(
                FieldError(Field.CELL_CODE, Problem.UNKNOWN_CELL, {"code": code})
            ) from None

    def locate_cell(self, cell: Cell) -> PlacedLocation:
        """The location of a cell: its centroid, or a point inside it if the centroid is not."""
        lon, lat = cell.centroid_lon, cell.centroid_lat
        if self.index.locate(lon, lat) != cell.code:
            lon, lat = interior_point((cell.ring,))
        return self._placed(lon, lat, cell.code, "cell_code")

    # -- map points

    def locate_point(self, lon: float, lat: float) -> PlacedLocation:
        """The location of a point picked on the map.

        Raises:
            Invalid: The point is outside every cell of the map.
        """
        code = self.index.locate(lon, lat)
        if code is None:
            raise Invalid(
                FieldError(
                    Field.MAP, Problem.OUTSIDE_GRID, {"lon": f"{lon:.6f}", "lat": f"{lat:.6f}"}
                )
            )
        return self._placed(lon, lat, code, "map")

    def _placed(
        self, lon: float, lat: float, code: str, via: Via, place: Place | None = None
    ) -> PlacedLocation:
        cell = self.city.cell(code)
        return PlacedLocation(
            lon=lon,
            lat=lat,
            cell_code=cell.code,
            community_code=cell.community_code,
            street_code=cell.street_code,
            via=via,
            place=place,
        )


_PREFIX: Final = 3
"""Rank of a name starting with the query; ranks below are matches inside a text."""


def _stem(name_zh: str) -> str:
    """A street/town name without its suffix, or "" when too short to mean anything."""
    for suffix in _STREET_SUFFIXES:
        if name_zh.endswith(suffix):
            stem = name_zh.removesuffix(suffix)
            return stem if len(stem) >= MIN_STEM else ""
    return ""


def _is_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _contains_word(text: str, alias: _Alias) -> bool:
    """Whether ``alias`` occurs in ``text``, not glued to Latin letters or digits."""
    name = alias.text
    start = text.find(name)
    while start >= 0:
        end = start + len(name)
        before_ok = not alias.bounded_start or start == 0 or not _is_word(text[start - 1])
        after_ok = not alias.bounded_end or end == len(text) or not _is_word(text[end])
        if before_ok and after_ok:
            return True
        start = text.find(name, start + 1)
    return False


def _code_character(ch: str, digits_only: bool) -> bool:
    return ("0" <= ch <= "9") or (not digits_only and "A" <= ch <= "Z")


# --- the caller's phone ----------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}[2-9]\d{6,7}")
_LOCAL = re.compile(r"[2-9]\d{6,7}")
_COUNTRY = re.compile(r"(?:\+|00)86")


def normalise_phone(text: str) -> str:
    """A caller's phone number in digits only, checked.

    Accepted: a mobile number (11 digits starting 13–19), a landline with its area code
    (0 + 2–3 digits, then 7–8 digits) or a local number (7–8 digits), each optionally
    after +86 or 0086 (dropped; a landline then gets its leading 0 back). Blanks,
    hyphens, dots and brackets are ignored; full-width digits are folded.

    Args:
        text: What was typed.

    Returns:
        The digits, e.g. ``"13812345678"`` or ``"02158881234"``; ``""`` for blank text.

    Raises:
        Invalid: Anything else.
    """
    raw = _fold(text)
    digits = re.sub(r"[\s\-.()（）]", "", raw)
    if not digits:
        return ""
    national = _COUNTRY.sub("", digits, count=1) if _COUNTRY.match(digits) else None
    if national is not None:
        if _MOBILE.fullmatch(national):
            return national
        if _LANDLINE.fullmatch("0" + national):
            return "0" + national
    elif any(p.fullmatch(digits) for p in (_MOBILE, _LANDLINE, _LOCAL)):
        return digits
    raise Invalid(FieldError(Field.REPORTER_PHONE, Problem.BAD_PHONE, {"text": raw}))


# --- duplicates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    """An open case that may be the same matter as the call.

    Attributes:
        case: The case.
        distance_m: How far it is from the call's location, in metres.
    """

    case: Case
    distance_m: float


def duplicate_distance(
    case: Case,
    category: str,
    lon: float,
    lat: float,
    now: datetime,
    *,
    radius_m: float = DUPLICATE_RADIUS_M,
    window: timedelta = DUPLICATE_WINDOW,
) -> float | None:
    """How far ``case`` is from the call if it may be a duplicate of it, else ``None``.

    A possible duplicate is open (not closed, voided or merged), of the same category,
    reported at most ``window`` before ``now`` and at most ``radius_m`` away.
    """
    if case.category != category or case.state.is_terminal or case.reported_at < now - window:
        return None
    distance = haversine_m(lon, lat, case.location.lon, case.location.lat)
    return distance if distance <= radius_m else None


def nearest_first(duplicates: Iterable[Duplicate]) -> list[Duplicate]:
    """Possible duplicates nearest first, then newest first."""
    return sorted(duplicates, key=lambda d: (d.distance_m, -d.case.reported_at.timestamp()))


def find_duplicates(
    cases: Iterable[Case],
    category: str,
    lon: float,
    lat: float,
    now: datetime,
    *,
    radius_m: float = DUPLICATE_RADIUS_M,
    window: timedelta = DUPLICATE_WINDOW,
) -> list[Duplicate]:
    """The open cases that may be the same matter as a call, nearest first.

    Args:
        cases: The cases to look through (the store's).
        category: The call's category code.
        lon: The call's longitude.
        lat: The call's latitude.
        now: The time of the call (timezone-aware, as cases' times are).
        radius_m: Largest distance, metres.
        window: Longest time since a case was reported.

    Returns:
        The possible duplicates, nearest first (then newest).
    """
    found = []
    for case in cases:
        distance = duplicate_distance(
            case, category, lon, lat, now, radius_m=radius_m, window=window
        )
        if distance is not None:
            found.append(Duplicate(case, distance))
    return nearest_first(found)


# --- the draft -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """What the operator entered, as it stands.

    Attributes:
        source: Where the report came from (12345 hotline by default).
        category: The chosen category code, or ``None``.
        category_text: What was typed in the category search (to say what found nothing).
        urgency: The urgency.
        description: What the caller said.
        reporter_name: The caller's name (citizen sources only).
        reporter_phone: The caller's phone as typed (citizen sources only).
        address: The address as typed (sent as the case's address).
        location: Where the case is, or ``None``.
        location_error: Why the last location input could not be used, if it could not.
    """

    source: Source = Source.HOTLINE
    category: str | None = None
    category_text: str = ""
    urgency: Urgency = Urgency.NORMAL
    description: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    address: str = ""
    location: PlacedLocation | None = None
    location_error: FieldError | None = None

    @property
    def takes_reporter(self) -> bool:
        """Whether the report carries the caller's name and phone (a citizen's report)."""
        return self.source in CITIZEN_SOURCES


def check_draft(draft: Draft, catalogue: Catalogue) -> list[FieldError]:
    """Every problem of a draft, in the order of the form; empty when it can be sent.

    Args:
        draft: What the operator entered.
        catalogue: The category catalogue.

    Returns:
        The problems, at most one per field.
    """
    errors: list[FieldError] = []
    if draft.category is None or draft.category not in catalogue.categories:
        text = draft.category_text.strip()
        problem = Problem.NO_CATEGORY_MATCH if text else Problem.REQUIRED
        errors.append(FieldError(Field.CATEGORY, problem, {"text": text} if text else {}))
    errors.extend(_text_errors(Field.DESCRIPTION, draft.description, MAX_TEXT, required=True))
    if draft.takes_reporter:
        errors.extend(_text_errors(Field.REPORTER_NAME, draft.reporter_name, MAX_REPORTER_NAME))
        try:
            normalise_phone(draft.reporter_phone)
        except Invalid as exc:
            errors.append(exc.error)
    errors.extend(_text_errors(Field.ADDRESS, draft.address, MAX_TEXT))
    if draft.location is None:
        errors.append(draft.location_error or FieldError(Field.LOCATION, Problem.REQUIRED))
    return errors


def _text_errors(
    field: Field, value: str, limit: int, *, required: bool = False
) -> list[FieldError]:
    text = value.strip()
    if required and not text:
        return [FieldError(field, Problem.REQUIRED)]
    if len(text) > limit:
        return [FieldError(field, Problem.TOO_LONG, {"limit": str(limit)})]
    return []


def build_report(draft: Draft, catalogue: Catalogue) -> NewReport:
    """The report to send for a draft.

    Raises:
        Invalid: The draft has a problem (the first one, in the order of the form).
    """
    errors = check_draft(draft, catalogue)
    if errors:
        raise Invalid(errors[0])
    assert draft.category is not None
    assert draft.location is not None
    citizen = draft.takes_reporter
    return NewReport(
        source=draft.source,
        category=draft.category,
        urgency=draft.urgency,
        lon=draft.location.lon,
        lat=draft.location.lat,
        address=draft.address.strip(),
        description=draft.description.strip(),
        reporter_name=draft.reporter_name.strip() if citizen else "",
        reporter_phone=normalise_phone(draft.reporter_phone) if citizen else "",
    )
