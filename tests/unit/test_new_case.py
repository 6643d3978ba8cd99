"""Taking a call by hand: addresses, cell codes, map points, the caller's phone, duplicates
and what a draft lacks (``console.new_case``, no Qt)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from console.new_case import (
    DUPLICATE_RADIUS_M,
    DUPLICATE_WINDOW,
    CityLookup,
    Draft,
    Field,
    FieldError,
    Invalid,
    Place,
    Problem,
    build_report,
    check_draft,
    find_duplicates,
    normalise_phone,
)
from models.case import CaseState, Location, Source
from models.catalogue import Catalogue, Urgency, load_catalogue
from models.demo_city import generate_demo_city
from models.geo import point_in_ring
from models.geography import Cell, CityMap, CodeFormat, Community, Street
from models.workflow import MAX_TEXT
from tests.unit.client_factories import T0, make_case


@pytest.fixture(scope="module")
def city() -> CityMap:
    return generate_demo_city(target_cells=500)


@pytest.fixture(scope="module")
def lookup(city: CityMap) -> CityLookup:
    return CityLookup(city)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def names(places: list[Place]) -> list[str]:
    return [p.name_zh for p in places]


def problem_of(call: Callable[..., object], *args: object) -> FieldError:
    with pytest.raises(Invalid) as caught:
        call(*args)
    return caught.value.error


# --- addresses -------------------------------------------------------------------------------


def test_an_address_naming_a_community_finds_it_first(city: CityMap, lookup: CityLookup) -> None:
    community = next(c for c in city.communities if c.name_zh.startswith("张江镇"))
    found = lookup.match_address(f"{community.name_zh}祖冲之路100号")
    assert names(found) == [community.name_zh, "张江镇"]
    assert lookup.match_address(community.name_zh)[0].code == community.code


def test_a_street_or_town_is_found_also_without_its_suffix(lookup: CityLookup) -> None:
    assert names(lookup.match_address("张江路88号 小区门口")) == ["张江镇"]
    assert names(lookup.match_address("南码头路街道 临沂路"))[:1] == ["南码头路街道"]
    # "唐" alone is too short to stand for 唐镇 inside an address.
    assert "唐镇" not in names(lookup.match_address("荷唐路1号"))


def test_typing_lists_the_broader_place_first_then_its_communities(
    city: CityMap, lookup: CityLookup
) -> None:
    found = lookup.match_address("川沙")
    assert found[0].name_zh == "川沙新镇"
    assert all(p.street_code == "310115103" for p in found)
    assert [p.level for p in found[1:]] == ["community"] * (len(found) - 1)
    assert len(lookup.match_address("川沙", limit=3)) == 3


def test_english_names_match_whole_words_and_any_case(city: CityMap, lookup: CityLookup) -> None:
    street = city.street("310115139")
    ones = [
        c
        for c in city.communities_of(street.code)
        if c.name_en.endswith(("Community 1", "Community 11"))
    ]
    first, eleventh = sorted(ones, key=lambda c: c.code)
    found = lookup.match_address(f"  {eleventh.name_en.upper()}, Chuanhuan Road 5 ")
    # "Community 1" is not read inside "Community 11": only the eleventh and its town.
    assert [p.code for p in found] == [eleventh.code, street.code]
    assert lookup.match_address(f"{first.name_en.lower()} gate")[0].code == first.code
    assert lookup.match_address("chuansha new town")[0].name_zh == "川沙新镇"


def test_full_width_digits_from_an_input_method_are_folded(
    city: CityMap, lookup: CityLookup
) -> None:
    community = next(c for c in city.communities if c.name_zh == "张江镇第2社区")
    full_width = community.name_zh.replace("2", "２")
    assert lookup.match_address(full_width)[0].code == community.code


def test_nothing_named_finds_nothing(lookup: CityLookup) -> None:
    assert lookup.match_address("") == []
    assert lookup.match_address("   ") == []
    assert lookup.match_address("人民广场") == []
    assert lookup.match_address("张江", limit=0) == []


def test_every_street_and_community_is_placed_inside_itself(
    city: CityMap, lookup: CityLookup
) -> None:
    for place in lookup.places:
        location = lookup.locate_place(place)
        assert location.via == "address"
        assert location.place == place
        assert location.cell_code.startswith(place.code)
        cell = city.cell(location.cell_code)
        # The server resolves the same cell (same crossing rule as the brute-force test).
        assert point_in_ring(location.lon, location.lat, cell.ring)
        assert (location.community_code, location.street_code) == (
            cell.community_code,
            cell.street_code,
        )


# --- cell codes and map points ------------------------------------------------------------------


def test_a_cell_code_places_the_case_at_the_cells_centroid(
    city: CityMap, lookup: CityLookup
) -> None:
    cell = city.cells[42]
    for typed in (cell.code, f" {cell.code[:6]}-{cell.code[6:9]} {cell.code[9:]} "):
        assert lookup.parse_cell_code(typed) == cell
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in cell.code)
    assert lookup.parse_cell_code(full_width) == cell
    location = lookup.locate_cell(cell)
    assert (location.lon, location.lat) == (cell.centroid_lon, cell.centroid_lat)
    assert location.cell_code == cell.code
    assert location.via == "cell_code"


def test_a_bad_cell_code_says_what_is_wrong(city: CityMap, lookup: CityLookup) -> None:
    parse = lookup.parse_cell_code
    assert problem_of(parse, "") == FieldError(Field.CELL_CODE, Problem.REQUIRED)
    assert problem_of(parse, "3101151030") == FieldError(
        Field.CELL_CODE, Problem.CODE_LENGTH, {"length": "10", "expected": "14"}
    )
    assert problem_of(parse, "3101151030010X") == FieldError(
        Field.CELL_CODE, Problem.CODE_CHARACTER, {"character": "X", "digits_only": "1"}
    )
    missing = city.code_format.join("310115", "103", 999, 99)
    assert problem_of(parse, missing) == FieldError(
        Field.CELL_CODE, Problem.UNKNOWN_CELL, {"code": missing}
    )


def test_a_place_without_cells_cannot_place_a_case() -> None:
    ring = ((121.5, 31.2), (121.51, 31.2), (121.51, 31.21), (121.5, 31.21), (121.5, 31.2))
    far = tuple((x + 0.1, y) for x, y in ring)
    city = CityMap.build(
        district_code="310115",
        name_zh="浦东新区",
        name_en="Pudong",
        streets=[Street("310115103", "川沙新镇", "Chuansha", "town", 121.505, 31.205, (ring,))],
        communities=[
            Community("310115103001", "310115103", "甲社区", "Jia", (ring,)),
            Community("310115103002", "310115103", "乙社区", "Yi", (far,)),
        ],
        cells=[Cell("31011510300101", "310115103", "310115103001", ring, 121.505, 31.205, 1.0)],
    )
    lookup = CityLookup(city)
    assert lookup.locate_place(lookup.place("310115103001")).cell_code == "31011510300101"
    assert problem_of(lookup.locate_place, lookup.place("310115103002")) == FieldError(
        Field.ADDRESS, Problem.NO_CELL_IN_PLACE, {"place": "310115103002"}
    )


def test_code_lengths_and_letters_come_from_the_maps_code_format() -> None:
    fmt = CodeFormat(lengths=(6, 3, 3, 3), digits_only=False)
    ring = ((121.5, 31.2), (121.51, 31.2), (121.51, 31.21), (121.5, 31.21), (121.5, 31.2))
    city = CityMap.build(
        district_code="310115",
        name_zh="浦东新区",
        name_en="Pudong",
        streets=[Street("310115103", "川沙新镇", "Chuansha", "town", 121.505, 31.205, (ring,))],
        communities=[Community("310115103A01", "310115103", "甲社区", "Jia", (ring,))],
        cells=[Cell("310115103A01B02", "310115103", "310115103A01", ring, 121.505, 31.205, 1.0)],
        code_format=fmt,
    )
    lookup = CityLookup(city)
    assert lookup.parse_cell_code("310115103a01b02").code == "310115103A01B02"
    assert problem_of(lookup.parse_cell_code, "31011510300102").details == {
        "length": "14",
        "expected": "15",
    }
    assert problem_of(lookup.parse_cell_code, "310115103A01B0_").details == {
        "character": "_",
        "digits_only": "",
    }


def test_a_map_point_resolves_to_the_cell_under_it(city: CityMap, lookup: CityLookup) -> None:
    cell = city.cells[7]
    lon, lat = cell.ring[0][0] + 0.0002, cell.ring[0][1] + 0.0002
    assert point_in_ring(lon, lat, cell.ring)
    location = lookup.locate_point(lon, lat)
    assert (location.lon, location.lat, location.cell_code) == (lon, lat, cell.code)
    assert location.via == "map"
    error = problem_of(lookup.locate_point, 120.0, 30.0)
    assert error == FieldError(
        Field.MAP, Problem.OUTSIDE_GRID, {"lon": "120.000000", "lat": "30.000000"}
    )


def test_one_lookup_per_map_version(city: CityMap) -> None:
    first = CityLookup.of(city)
    assert CityLookup.of(city) is first
    other = generate_demo_city(seed=7, target_cells=500)
    assert CityLookup.of(other) is not first


# --- the caller's phone ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("００８６１３８１２３４５６７８", "13812345678"),
        ("021-5888 1234", "02158881234"),
        ("(021) 58881234", "02158881234"),
        ("0086 21 5888 1234", "02158881234"),
        ("5888 1234", "58881234"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_phone_numbers_are_kept_as_digits(typed: str, kept: str) -> None:
    assert normalise_phone(typed) == kept


@pytest.mark.parametrize(
    "typed", ["12345", "1381234567", "23812345678", "138123456789", "abc", "+1 212 555 0100"]
)
def test_a_bad_phone_number_is_named(typed: str) -> None:
    error = problem_of(normalise_phone, typed)
    assert error.field is Field.REPORTER_PHONE
    assert error.problem is Problem.BAD_PHONE
    assert error.details == {"text": typed.strip()}


# --- duplicates ------------------------------------------------------------------------------


def near(metres_north: float) -> Location:
    return Location(lon=121.5, lat=31.23 + metres_north / 111_195.0)


def test_open_cases_of_the_category_nearby_and_recent_are_possible_duplicates() -> None:
    now = T0 + timedelta(hours=1)
    cases = [
        make_case(1, location=near(150)),  # listed
        make_case(2, location=near(20), state=CaseState.DISPATCHED),  # listed, nearer
        make_case(3, location=near(20), category="C0101"),  # another category
        make_case(4, location=near(20), state=CaseState.CLOSED),  # finished
        make_case(5, location=near(20), state=CaseState.VOIDED),
        make_case(6, location=near(20), state=CaseState.MERGED),
        make_case(7, location=near(250)),  # too far
        make_case(8, location=near(20), reported_at=now - DUPLICATE_WINDOW - timedelta(1)),
        make_case(9, location=near(20), reported_at=now - DUPLICATE_WINDOW + timedelta(1)),
    ]
    found = find_duplicates(cases, "E0102", 121.5, 31.23, now)
    assert [d.case.id for d in found] == [2, 9, 1]  # nearest first, then newest
    assert found[0].distance_m == pytest.approx(20, abs=0.5)
    assert found[-1].distance_m == pytest.approx(150, abs=1)
    assert DUPLICATE_RADIUS_M == 200
    # The limits are parameters.
    wider = find_duplicates(cases, "E0102", 121.5, 31.23, now, radius_m=300)
    assert 7 in [d.case.id for d in wider]
    longer = find_duplicates(cases, "E0102", 121.5, 31.23, now, window=timedelta(days=30))
    assert 8 in [d.case.id for d in longer]
    assert find_duplicates(cases, "E0505", 121.5, 31.23, now) == []


# --- the draft -------------------------------------------------------------------------------


def complete(lookup: CityLookup, **changes: object) -> Draft:
    cell = lookup.city.cells[3]
    fields: dict[str, object] = {
        "category": "E0102",
        "category_text": "bllj",
        "description": "  来电反映小区门口垃圾堆放  ",
        "reporter_name": " 李先生 ",
        "reporter_phone": "138 1234 5678",
        "address": " 张江路88号 ",
        "location": lookup.locate_cell(cell),
    }
    fields.update(changes)
    return Draft(**fields)  # type: ignore[arg-type]


def test_an_empty_draft_names_every_missing_field_in_form_order(catalogue: Catalogue) -> None:
    assert check_draft(Draft(), catalogue) == [
        FieldError(Field.CATEGORY, Problem.REQUIRED),
        FieldError(Field.DESCRIPTION, Problem.REQUIRED),
        FieldError(Field.LOCATION, Problem.REQUIRED),
    ]


def test_each_bad_field_is_named(lookup: CityLookup, catalogue: Catalogue) -> None:
    assert check_draft(complete(lookup), catalogue) == []
    bad = complete(
        lookup,
        category=None,
        category_text="xyzzy",
        description="x" * (MAX_TEXT + 1),
        reporter_name="名" * 51,
        reporter_phone="12345",
        location=None,
        location_error=FieldError(Field.CELL_CODE, Problem.UNKNOWN_CELL, {"code": "1"}),
    )
    assert check_draft(bad, catalogue) == [
        FieldError(Field.CATEGORY, Problem.NO_CATEGORY_MATCH, {"text": "xyzzy"}),
        FieldError(Field.DESCRIPTION, Problem.TOO_LONG, {"limit": str(MAX_TEXT)}),
        FieldError(Field.REPORTER_NAME, Problem.TOO_LONG, {"limit": "50"}),
        FieldError(Field.REPORTER_PHONE, Problem.BAD_PHONE, {"text": "12345"}),
        FieldError(Field.CELL_CODE, Problem.UNKNOWN_CELL, {"code": "1"}),
    ]
    # A patrol's report names the user, not a caller: the caller's fields do not count.
    patrol = complete(lookup, source=Source.PATROL, reporter_phone="12345")
    assert check_draft(patrol, catalogue) == []


def test_the_report_sent_is_what_was_entered_tidied(
    lookup: CityLookup, catalogue: Catalogue
) -> None:
    draft = complete(lookup, urgency=Urgency.URGENT)
    report = build_report(draft, catalogue)
    assert draft.location is not None
    assert report.source is Source.HOTLINE
    assert report.category == "E0102"
    assert report.urgency is Urgency.URGENT
    assert (report.lon, report.lat) == (draft.location.lon, draft.location.lat)
    assert report.address == "张江路88号"
    assert report.description == "来电反映小区门口垃圾堆放"
    assert (report.reporter_name, report.reporter_phone) == ("李先生", "13812345678")
    patrol = build_report(complete(lookup, source=Source.PATROL), catalogue)
    assert (patrol.reporter_name, patrol.reporter_phone) == ("", "")
    error = problem_of(build_report, complete(lookup, description=" "), catalogue)
    assert error == FieldError(Field.DESCRIPTION, Problem.REQUIRED)
