"""The category catalogue: the shipped data, deadline notation, search, and bad files."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from models.catalogue import (
    CATEGORIES_FILE,
    DEPARTMENTS_FILE,
    MAJORS_FILE,
    Category,
    DeadlineRule,
    Kind,
    TimeUnit,
    Urgency,
    default_catalogue_folder,
    format_deadline,
    load_catalogue,
    parse_deadline,
)
from models.errors import LoadError, UnknownId

CATALOGUE = load_catalogue()
SHIPPED = Path(str(default_catalogue_folder()))

# The classes DOMAIN.md names, with the standard codes they must keep.
DOMAIN_EXAMPLES = [
    ("C0101", "上水井盖"),
    ("C0102", "污水井盖"),
    ("C0103", "雨水井盖"),
    ("C0118", "路灯"),
    ("C0305", "垃圾箱"),
    ("C0402", "行道树"),
    ("E0101", "私搭乱建"),
    ("E0102", "暴露垃圾"),
    ("E0104", "道路不洁"),
    ("E0201", "非法小广告"),
    ("E0302", "工地扬尘"),
    ("E0401", "路面塌陷"),
    ("E0404", "下水道堵塞"),
    ("E0501", "无照经营游商"),
    ("E0504", "店外经营"),
    ("E0505", "机动车乱停放"),
    ("E0510", "露天烧烤"),
]

# Rough clock minutes per unit, only to check that a more urgent case never gets longer.
NOMINAL_MINUTES = {
    TimeUnit.CLOCK_MINUTES: 1,
    TimeUnit.CLOCK_HOURS: 60,
    TimeUnit.WORK_HOURS: 60,
    TimeUnit.WORK_DAYS: 8 * 60,
}


def _minutes(rule: DeadlineRule) -> float:
    return rule.amount * NOMINAL_MINUTES[rule.unit]


# --- the shipped catalogue ------------------------------------------------------------------


def test_shipped_catalogue_has_16_majors_and_at_least_201_classes() -> None:
    assert len(CATALOGUE.majors) == 16
    assert len(CATALOGUE.categories) >= 201
    kinds = [m.kind for m in CATALOGUE.majors.values()]
    assert kinds.count(Kind.COMPONENT) == 6
    assert kinds.count(Kind.EVENT) == 10
    assert sum(m.extension for m in CATALOGUE.majors.values()) == 4


def test_every_major_has_classes() -> None:
    for code, major in CATALOGUE.majors.items():
        classes = CATALOGUE.categories_of(code)
        assert classes, f"major {code} {major.name_zh} has no classes"
        assert all(c.kind is major.kind and c.major == major.major for c in classes)


@pytest.mark.parametrize(("code", "name"), DOMAIN_EXAMPLES)
def test_domain_examples_keep_their_standard_codes(code: str, name: str) -> None:
    category = CATALOGUE.category(code)
    assert category.name_zh == name
    assert not category.extension


def test_every_class_is_complete_and_refers_to_known_departments() -> None:
    for category in CATALOGUE.categories.values():
        assert category.code == f"{category.kind.letter}{category.major}{category.minor}"
        assert category.department in CATALOGUE.departments
        assert all(d in CATALOGUE.departments for d in category.joint_departments)
        assert category.filing_criteria
        assert category.closing_criteria
        assert category.name_en
        for urgency in Urgency:
            assert category.deadline(urgency).amount > 0
        normal, urgent, critical = (
            _minutes(category.deadline(u))
            for u in (Urgency.NORMAL, Urgency.URGENT, Urgency.CRITICAL)
        )
        assert critical <= urgent <= normal, category.code


def test_pinyin_has_one_initial_per_character() -> None:
    for category in CATALOGUE.categories.values():
        assert all("\u4e00" <= ch <= "\u9fff" for ch in category.name_zh), category.name_zh
        assert len(category.pinyin) == len(category.name_zh), category.name_zh


def test_classes_in_extension_majors_are_marked_as_extensions() -> None:
    for category in CATALOGUE.categories.values():
        if CATALOGUE.major(category.major_code).extension:
            assert category.extension, category.code
    assert CATALOGUE.category("E0701").name_zh == "群租"
    assert CATALOGUE.category("E0801").name_zh == "消防通道堵塞"


def test_realistic_deadlines() -> None:
    garbage = CATALOGUE.category("E0102")
    assert garbage.deadline(Urgency.NORMAL) == DeadlineRule(4, TimeUnit.WORK_HOURS)
    structure = CATALOGUE.category("E0101")
    assert structure.deadline(Urgency.NORMAL) == DeadlineRule(20, TimeUnit.WORK_DAYS)
    assert structure.deadline(Urgency.URGENT) == DeadlineRule(4, TimeUnit.WORK_HOURS)
    cover = CATALOGUE.category("C0101")
    assert cover.deadline(Urgency.NORMAL) == DeadlineRule(2, TimeUnit.CLOCK_HOURS)
    assert cover.deadline(Urgency.CRITICAL) == DeadlineRule(30, TimeUnit.CLOCK_MINUTES)
    assert cover.deadlines[Urgency.URGENT] == cover.deadline_urgent


def test_departments_and_the_one_joint_office() -> None:
    assert CATALOGUE.joint_office.code == "LQLD"
    assert CATALOGUE.joint_office.name_zh == "联勤联动办公室"
    assert sum(d.joint_office for d in CATALOGUE.departments.values()) == 1
    for code in ("CGZF", "GA", "SCJG", "FGB", "LHSR", "WGLQ"):
        assert code in CATALOGUE.departments
    assert CATALOGUE.department("WGLQ").field_forces
    group_renting = CATALOGUE.category("E0701")
    assert {"CGZF", "GA"} <= set(group_renting.joint_departments)


def test_unknown_codes_raise_unknown_id() -> None:
    with pytest.raises(UnknownId) as caught:
        CATALOGUE.category("E9999")
    assert (caught.value.kind, caught.value.ident) == ("category", "E9999")
    with pytest.raises(UnknownId) as caught:
        CATALOGUE.department("NOPE")
    assert (caught.value.kind, caught.value.ident) == ("department", "NOPE")
    # the kind letter matters: 0102 exists as a component and as an event
    assert CATALOGUE.category("C0102").name_zh == "污水井盖"
    with pytest.raises(UnknownId):
        CATALOGUE.category("0102")


def test_version_is_stable_and_follows_content(tmp_path: Path) -> None:
    assert load_catalogue().version == CATALOGUE.version
    assert len(CATALOGUE.version) == 12
    folder = _copy(tmp_path)
    _edit(folder, CATEGORIES_FILE, lambda rows: rows[1].update(deadline_normal="5wh"))
    assert load_catalogue(folder).version != CATALOGUE.version


def test_classes_survive_a_msgspec_round_trip() -> None:
    import msgspec

    category = CATALOGUE.category("E0701")
    data = msgspec.json.encode(category)
    assert msgspec.json.decode(data, type=Category) == category


# --- deadline notation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("4wh", DeadlineRule(4, TimeUnit.WORK_HOURS)),
        ("15wd", DeadlineRule(15, TimeUnit.WORK_DAYS)),
        ("30m", DeadlineRule(30, TimeUnit.CLOCK_MINUTES)),
        ("2h", DeadlineRule(2, TimeUnit.CLOCK_HOURS)),
        ("1.5wd", DeadlineRule(1.5, TimeUnit.WORK_DAYS)),
    ],
)
def test_deadline_round_trip(text: str, rule: DeadlineRule) -> None:
    assert parse_deadline(text) == rule
    assert format_deadline(rule) == text
    assert parse_deadline(format_deadline(rule)) == rule


def test_parse_deadline_ignores_surrounding_blanks() -> None:
    assert parse_deadline(" 4wh ") == DeadlineRule(4, TimeUnit.WORK_HOURS)


@pytest.mark.parametrize(
    "text", ["", "4", "wh", "4 wh", "4hours", "4WH", "4d", "-4wh", "4.wh", "1e3m", "4whx"]
)
def test_bad_deadline_text_is_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="bad deadline"):
        parse_deadline(text)


@pytest.mark.parametrize("text", ["0wh", "0.0h"])
def test_zero_deadline_is_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="greater than zero"):
        parse_deadline(text)


# --- search -----------------------------------------------------------------------------------


def _codes(text: str, limit: int = 20) -> list[str]:
    return [c.code for c in CATALOGUE.search(text, limit)]


def test_search_by_pinyin_initials() -> None:
    assert _codes("bllj")[0] == "E0102"
    assert "E0102" in _codes("blj")  # abbreviated: a syllable skipped
    assert _codes("BLLJ")[0] == "E0102"


def test_search_by_chinese_name_finds_the_manhole_covers() -> None:
    found = _codes("井盖")
    assert {"C0101", "C0102", "C0103"} <= set(found)
    assert all("井盖" in CATALOGUE.category(code).name_zh for code in found)


def test_search_by_english_name_ignores_case() -> None:
    assert _codes("garbage")[0] == "E0102"
    assert _codes("Exposed GARBAGE")[0] == "E0102"


def test_search_by_code() -> None:
    assert _codes("E0505")[0] == "E0505"
    assert _codes("e0505")[0] == "E0505"
    assert set(_codes("0102")[:2]) == {"C0102", "E0102"}
    assert _codes("E05")[:3] == ["E0501", "E0502", "E0503"]


def test_search_ranks_exact_before_partial_and_respects_limit() -> None:
    assert _codes("路灯")[0] == "C0118"
    assert len(_codes("井盖", limit=3)) == 3
    assert _codes("") == []
    assert _codes("   ") == []
    assert _codes("zzzzqqq") == []


# --- bad files --------------------------------------------------------------------------------

Rows = list[dict[str, str]]


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "catalogue"
    folder.mkdir()
    for name in (MAJORS_FILE, CATEGORIES_FILE, DEPARTMENTS_FILE):
        shutil.copy(SHIPPED / name, folder / name)
    return folder


def _edit(folder: Path, name: str, change: Callable[[Rows], object]) -> None:
    """Rewrite one file after ``change`` edits its rows (index 0 is data row 1)."""
    path = folder / name
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    change(rows)
    columns = list(rows[0]) if rows else []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _load_error(folder: Path) -> LoadError:
    with pytest.raises(LoadError) as caught:
        load_catalogue(folder)
    return caught.value


def _set(row: int, **values: str) -> Callable[[Rows], object]:
    return lambda rows: rows[row - 1].update(values)


def _category_row(code: str) -> int:
    """The data row of a category in the shipped categories.csv."""
    with (SHIPPED / CATEGORIES_FILE).open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        kind = {"C": "component", "E": "event"}[code[0]]
        key = (kind, code[1:3], code[3:5])
        return next(i for i, r in enumerate(rows, 1) if (r["kind"], r["major"], r["minor"]) == key)


def _row_of(code: str) -> int:
    """The data row of a department in the shipped departments.csv."""
    with (SHIPPED / DEPARTMENTS_FILE).open(encoding="utf-8", newline="") as handle:
        return next(i for i, r in enumerate(csv.DictReader(handle), 1) if r["code"] == code)


@pytest.mark.parametrize(
    ("change", "row", "field", "problem"),
    [
        (_set(7, deadline_urgent="4 hours"), 7, "deadline_urgent", "bad deadline"),
        (_set(12, deadline_critical="0m"), 12, "deadline_critical", "greater than zero"),
        (_set(30, deadline_normal=""), 30, "deadline_normal", "must not be empty"),
        (_set(5, department="NOPE"), 5, "department", "unknown department"),
        (_set(3, joint_departments="GA;NOPE"), 3, "joint_departments", "unknown department"),
        (_set(3, joint_departments="GA;;CGZF"), 3, "joint_departments", "empty entry"),
        (_set(3, joint_departments="GA;GA"), 3, "joint_departments", "listed twice"),
        (_set(9, name_zh=""), 9, "name_zh", "must not be empty"),
        (_set(9, name_zh="上水井盖"), 9, "name_zh", "already used in row 1"),
        (_set(4, kind="thing"), 4, "kind", "'component' or 'event'"),
        (_set(4, major="1"), 4, "major", "two digits"),
        (_set(4, minor="00"), 4, "minor", "two digits"),
        (_set(4, kind="event", major="11"), 4, "major", "no event major 11"),
        (_set(4, extension="yes"), 4, "extension", "0 or 1"),
        (_set(4, pinyin="SSJG"), 4, "pinyin", "lowercase"),
        (_set(2, minor="01"), 2, "minor", "duplicate category C0101 (first in row 1)"),
    ],
)
def test_bad_category_rows_are_named_exactly(
    tmp_path: Path, change: Callable[[Rows], object], row: int, field: str, problem: str
) -> None:
    folder = _copy(tmp_path)
    _edit(folder, CATEGORIES_FILE, change)
    error = _load_error(folder)
    assert error.file == str(folder / CATEGORIES_FILE)
    assert (error.row, error.field) == (row, field)
    assert problem in error.problem
    assert f"row {row}, field '{field}'" in str(error)


def test_extension_major_classes_must_be_marked(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    row = _category_row("E0701")
    _edit(folder, CATEGORIES_FILE, _set(row, extension="0"))
    error = _load_error(folder)
    assert (error.row, error.field) == (row, "extension")
    assert "extension major" in error.problem


@pytest.mark.parametrize("column", ["pinyin", "deadline_critical", "joint_departments"])
def test_missing_column_is_named(tmp_path: Path, column: str) -> None:
    folder = _copy(tmp_path)
    _edit(folder, CATEGORIES_FILE, lambda rows: [r.pop(column) for r in rows])
    error = _load_error(folder)
    assert (error.file, error.row, error.field) == (str(folder / CATEGORIES_FILE), None, column)
    assert "missing column" in error.problem


def test_extra_column_is_named(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, MAJORS_FILE, lambda rows: [r.update(colour="red") for r in rows])
    error = _load_error(folder)
    assert (error.file, error.row, error.field) == (str(folder / MAJORS_FILE), None, "colour")
    assert "unknown column" in error.problem


@pytest.mark.parametrize(
    ("change", "row", "field", "problem"),
    [
        (_set(2, name_zh=""), 2, "name_zh", "must not be empty"),
        (_set(3, major="2"), 3, "major", "two digits"),
        (_set(3, major="01"), 3, "major", "duplicate major class C01 (first in row 1)"),
        (_set(5, kind="Component"), 5, "kind", "'component' or 'event'"),
        (_set(16, extension="2"), 16, "extension", "0 or 1"),
    ],
)
def test_bad_major_rows_are_named_exactly(
    tmp_path: Path, change: Callable[[Rows], object], row: int, field: str, problem: str
) -> None:
    folder = _copy(tmp_path)
    _edit(folder, MAJORS_FILE, change)
    error = _load_error(folder)
    assert (error.file, error.row, error.field) == (str(folder / MAJORS_FILE), row, field)
    assert problem in error.problem


@pytest.mark.parametrize(
    ("change", "row", "field", "problem"),
    [
        (_set(2, code="CGZF"), 2, "code", "duplicate department CGZF (first in row 1)"),
        (_set(3, code="ga"), 3, "code", "uppercase"),
        (_set(4, name_en=""), 4, "name_en", "must not be empty"),
        (_set(1, field_forces="true"), 1, "field_forces", "0 or 1"),
        (_set(2, joint_office="1"), _row_of("LQLD"), "joint_office", "only one"),
        (_set(_row_of("LQLD"), joint_office="0"), None, "joint_office", "exactly one"),
    ],
)
def test_bad_department_rows_are_named_exactly(
    tmp_path: Path, change: Callable[[Rows], object], row: int | None, field: str, problem: str
) -> None:
    folder = _copy(tmp_path)
    _edit(folder, DEPARTMENTS_FILE, change)
    error = _load_error(folder)
    assert (error.file, error.row, error.field) == (str(folder / DEPARTMENTS_FILE), row, field)
    assert problem in error.problem


def test_missing_file_is_named(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / MAJORS_FILE).unlink()
    error = _load_error(folder)
    assert (error.file, error.row, error.field) == (str(folder / MAJORS_FILE), None, None)
    assert "not found" in error.problem


def test_short_row_names_the_first_missing_field(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / MAJORS_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = "component,03"  # data row 3
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    error = _load_error(folder)
    assert (error.row, error.field) == (3, "name_zh")


def test_excel_bom_and_blank_lines_are_accepted(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / DEPARTMENTS_FILE
    text = path.read_text(encoding="utf-8").replace("\n", "\n\n", 3)
    path.write_text("\ufeff" + text, encoding="utf-8")
    catalogue = load_catalogue(folder)
    assert catalogue.departments.keys() == CATALOGUE.departments.keys()
    assert catalogue.version == CATALOGUE.version
