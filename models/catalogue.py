"""The category catalogue (部件/事件 classes) and the deadline rules each class carries."""

from __future__ import annotations

import csv
import hashlib
import importlib.resources
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from enum import StrEnum
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple, NoReturn, TypeVar

import msgspec

from models.errors import LoadError, UnknownId


class Urgency(StrEnum):
    """How fast a case must be handled; each catalogue class has a deadline per urgency."""

    NORMAL = "normal"  # 一般
    URGENT = "urgent"  # 紧急
    CRITICAL = "critical"  # 特急


class TimeUnit(StrEnum):
    """What a deadline amount counts: working time on the calendar, or plain clock time."""

    WORK_HOURS = "work_hours"  # 工作时
    WORK_DAYS = "work_days"  # 工作日
    CLOCK_MINUTES = "clock_minutes"  # 自然时间(分钟)
    CLOCK_HOURS = "clock_hours"  # 自然时间(小时)

    @property
    def is_working_time(self) -> bool:
        return self in (TimeUnit.WORK_HOURS, TimeUnit.WORK_DAYS)


class DeadlineRule(msgspec.Struct, frozen=True):
    """An allowance such as "4 working hours" or "30 clock minutes"."""

    amount: float
    unit: TimeUnit


# ---------------------------------------------------------------------------------------------
# Classes, departments and the catalogue
# ---------------------------------------------------------------------------------------------


class Kind(StrEnum):
    """Whether a class describes a fixed city asset or a condition/behaviour."""

    COMPONENT = "component"  # 部件
    EVENT = "event"  # 事件

    @property
    def letter(self) -> str:
        """The code prefix ("C" or "E") that keeps component and event codes apart."""
        return "C" if self is Kind.COMPONENT else "E"


def class_code(kind: Kind, major: str, minor: str = "") -> str:
    """Build a catalogue code: ``class_code(Kind.EVENT, "01", "02") == "E0102"``.

    Args:
        kind: Component or event.
        major: The two-digit major class.
        minor: The two-digit minor class; empty for the code of a major class ("E01").

    Returns:
        The kind letter followed by major and minor.
    """
    return f"{kind.letter}{major}{minor}"


class MajorClass(msgspec.Struct, frozen=True):
    """A major class (大类) such as event 01 市容环境.

    Attributes:
        code: Kind letter and major, e.g. "E01".
        kind: Component or event.
        major: Two digits, e.g. "01".
        name_zh: Chinese name.
        name_en: English name.
        extension: True for a Pudong-style extension major outside the national standard.
    """

    code: str
    kind: Kind
    major: str
    name_zh: str
    name_en: str
    extension: bool = False

    def __post_init__(self) -> None:
        if self.code != class_code(self.kind, self.major):
            raise ValueError(f"major class code {self.code!r} does not match its kind and major")


class Category(msgspec.Struct, frozen=True):
    """A minor class (小类): what a case is about, who handles it and how fast.

    Attributes:
        code: Kind letter, major and minor, e.g. "E0102" (暴露垃圾).
        kind: Component or event.
        major: Two-digit major class.
        minor: Two-digit minor class within the major.
        name_zh: Chinese name, as operators know it.
        name_en: English name.
        pinyin: Lowercase pinyin initials of ``name_zh`` ("bllj"), for quick search.
        department: Code of the department responsible for handling.
        filing_criteria: 立案条件: when a report of this class becomes a case.
        closing_criteria: 结案条件: what the site must look like for the case to close.
        deadline_normal: Handling allowance for urgency 一般.
        deadline_urgent: Handling allowance for urgency 紧急.
        deadline_critical: Handling allowance for urgency 特急.
        extension: True for a Pudong-style extension class outside the national standard.
        joint_departments: Departments whose forces a joint patrol for this class convenes.
    """

    code: str
    kind: Kind
    major: str
    minor: str
    name_zh: str
    name_en: str
    pinyin: str
    department: str
    filing_criteria: str
    closing_criteria: str
    deadline_normal: DeadlineRule
    deadline_urgent: DeadlineRule
    deadline_critical: DeadlineRule
    extension: bool = False
    joint_departments: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.code != class_code(self.kind, self.major, self.minor):
            raise ValueError(
                f"category code {self.code!r} does not match its kind, major and minor"
            )

    @property
    def major_code(self) -> str:
        """Code of the major class this class belongs to, e.g. "E01"."""
        return class_code(self.kind, self.major)

    @property
    def deadlines(self) -> dict[Urgency, DeadlineRule]:
        """The handling allowance for each urgency."""
        return {
            Urgency.NORMAL: self.deadline_normal,
            Urgency.URGENT: self.deadline_urgent,
            Urgency.CRITICAL: self.deadline_critical,
        }

    def deadline(self, urgency: Urgency) -> DeadlineRule:
        """The handling allowance for a case of this class at the given urgency."""
        if urgency is Urgency.CRITICAL:
            return self.deadline_critical
        if urgency is Urgency.URGENT:
            return self.deadline_urgent
        return self.deadline_normal


class Department(msgspec.Struct, frozen=True):
    """A department (职能部门) that handles cases, or the joint-action office.

    Attributes:
        code: Short uppercase code, e.g. "CGZF".
        name_zh: Chinese name.
        name_en: English name.
        field_forces: True if it has street forces that can be tracked and join patrols.
        joint_office: True for the one joint-action office (联勤联动办公室) that receives
            comprehensive dispatches and convenes the other departments.
    """

    code: str
    name_zh: str
    name_en: str
    field_forces: bool = False
    joint_office: bool = False


_DEADLINE_RE = re.compile(r"(\d+(?:\.\d+)?)(wh|wd|m|h)")
_UNIT_BY_SUFFIX = {
    "wh": TimeUnit.WORK_HOURS,
    "wd": TimeUnit.WORK_DAYS,
    "m": TimeUnit.CLOCK_MINUTES,
    "h": TimeUnit.CLOCK_HOURS,
}
_SUFFIX_BY_UNIT = {unit: suffix for suffix, unit in _UNIT_BY_SUFFIX.items()}
_DEADLINE_HELP = (
    "expected a positive number and a unit, e.g. '4wh', '15wd', '30m', '2h' "
    "(wh = working hours, wd = working days, m = clock minutes, h = clock hours)"
)


def parse_deadline(text: str) -> DeadlineRule:
    """Read a compact deadline such as "4wh" (4 working hours) or "30m" (30 clock minutes).

    Args:
        text: A positive number followed by ``wh``, ``wd``, ``m`` or ``h``; surrounding
            blanks are ignored.

    Returns:
        The deadline rule.

    Raises:
        ValueError: The text is not of that form or the amount is not positive.
    """
    match = _DEADLINE_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"bad deadline {text!r}: {_DEADLINE_HELP}")
    amount = float(match.group(1))
    if amount <= 0:
        raise ValueError(f"bad deadline {text!r}: the amount must be greater than zero")
    return DeadlineRule(amount, _UNIT_BY_SUFFIX[match.group(2)])


def format_deadline(rule: DeadlineRule) -> str:
    """Write a deadline rule in the compact form that :func:`parse_deadline` reads.

    Args:
        rule: The rule; its amount must be positive and finite.

    Returns:
        Text such as "4wh" or "1.5wd".

    Raises:
        ValueError: The amount is not a positive finite number.
    """
    amount = float(rule.amount)
    if not math.isfinite(amount) or amount <= 0:
        raise ValueError(f"cannot write deadline amount {rule.amount!r}: must be positive")
    if amount.is_integer():
        number = str(int(amount))
    else:
        number = repr(amount)
        if "e" in number:  # the compact form has no exponent; spell the digits out
            number = f"{amount:.20f}".rstrip("0")
    return f"{number}{_SUFFIX_BY_UNIT[TimeUnit(rule.unit)]}"


class _Entry(NamedTuple):
    """Pre-normalised search keys of one category."""

    key: str
    code: str
    short_code: str
    name_zh: str
    name_en: str
    en_words: tuple[str, ...]
    pinyin: str


def _normalise_query(text: str) -> str:
    # NFKC folds the full-width letters and digits a Chinese input method produces.
    return unicodedata.normalize("NFKC", text).strip().casefold()


class Catalogue:
    """The loaded catalogue: major classes, categories and departments, read-only.

    Build one with :func:`load_catalogue`, which validates the data files and reports the
    exact row of any problem; the constructor only re-checks cross references.

    Attributes:
        majors: Major classes by code ("C01", "E07"...), in file order.
        categories: Categories by code ("C0101", "E0102"...), in file order.
        departments: Departments by code, in file order.
    """

    def __init__(
        self,
        majors: Iterable[MajorClass],
        categories: Iterable[Category],
        departments: Iterable[Department],
    ) -> None:
        """Assemble a catalogue.

        Args:
            majors: The major classes.
            categories: The minor classes; each must name a known major and departments.
            departments: The departments; exactly one must be the joint-action office.

        Raises:
            ValueError: A duplicate code, a dangling reference, or not exactly one joint
                office.
        """
        self.majors: Mapping[str, MajorClass] = MappingProxyType(_index(majors, "major class"))
        self.departments: Mapping[str, Department] = MappingProxyType(
            _index(departments, "department")
        )
        self.categories: Mapping[str, Category] = MappingProxyType(_index(categories, "category"))
        for category in self.categories.values():
            if category.major_code not in self.majors:
                raise ValueError(f"category {category.code}: unknown major {category.major_code}")
            for code in (category.department, *category.joint_departments):
                if code not in self.departments:
                    raise ValueError(f"category {category.code}: unknown department {code}")
        offices = [d for d in self.departments.values() if d.joint_office]
        if len(offices) != 1:
            raise ValueError(f"exactly one joint office is needed, found {len(offices)}")
        self._joint_office = offices[0]
        self._entries = [
            _Entry(
                key=c.code,
                code=c.code.casefold(),
                short_code=c.major + c.minor,
                name_zh=c.name_zh.casefold(),
                name_en=c.name_en.casefold(),
                en_words=tuple(re.split(r"[\s\-/(),]+", c.name_en.casefold())),
                pinyin=c.pinyin,
            )
            for c in self.categories.values()
        ]
        self._version = _content_hash(self.majors, self.categories, self.departments)

    def __repr__(self) -> str:
        return (
            f"Catalogue(version={self._version!r}, majors={len(self.majors)}, "
            f"categories={len(self.categories)}, departments={len(self.departments)})"
        )

    @property
    def version(self) -> str:
        """A short hash of the content: equal catalogues have equal versions.

        Row order does not count, so re-sorting a file does not make a new version.
        """
        return self._version

    @property
    def joint_office(self) -> Department:
        """The joint-action office (联勤联动办公室) that receives comprehensive dispatches."""
        return self._joint_office

    def major(self, code: str) -> MajorClass:
        """The major class with this code ("E01").

        Raises:
            UnknownId: No such major class.
        """
        try:
            return self.majors[code]
        except KeyError:
            raise UnknownId("major class", code) from None

    def category(self, code: str) -> Category:
        """The category with this code ("E0102").

        Raises:
            UnknownId: No such category.
        """
        try:
            return self.categories[code]
        except KeyError:
            raise UnknownId("category", code) from None

    def department(self, code: str) -> Department:
        """The department with this code ("CGZF").

        Raises:
            UnknownId: No such department.
        """
        try:
            return self.departments[code]
        except KeyError:
            raise UnknownId("department", code) from None

    def categories_of(self, major_code: str) -> tuple[Category, ...]:
        """The categories of one major class, in file order.

        Raises:
            UnknownId: No such major class.
        """
        self.major(major_code)
        return tuple(c for c in self.categories.values() if c.major_code == major_code)

    def search(self, text: str, limit: int = 20) -> list[Category]:
        """Find categories as an operator types: by code, Chinese, English or pinyin initials.

        Exact matches come first (code, then "major+minor" such as "0102", names and pinyin
        initials), then code prefixes ("E05" lists that major in code order), then prefixes
        of the names or pinyin, then of an English word, then substrings anywhere, and last
        pinyin abbreviations: letters that begin the initials and then appear in order,
        skipping some ("blj" finds 暴露垃圾, initials "bllj"). Within the other ranks,
        shorter names come first, then codes.

        Args:
            text: What was typed; case, surrounding blanks and full-width forms are ignored.
            limit: At most this many results.

        Returns:
            The best matches, best first; empty for blank text.
        """
        query = _normalise_query(text)
        if not query or limit <= 0:
            return []
        ranked: list[tuple[int, int, str]] = []
        for entry in self._entries:
            rank = _rank(query, entry)
            if rank is not None:
                # a code prefix ("E05") lists a whole major: keep it in code order
                closeness = 0 if rank == _CODE_PREFIX else len(entry.name_zh)
                ranked.append((rank, closeness, entry.key))
        ranked.sort()
        return [self.categories[code] for _, _, code in ranked[:limit]]


_CODE_PREFIX = 2


def _rank(query: str, entry: _Entry) -> int | None:
    if query == entry.code:
        return 0
    if query in (entry.short_code, entry.name_zh, entry.name_en, entry.pinyin):
        return 1
    if entry.code.startswith(query):
        return _CODE_PREFIX
    if (
        entry.name_zh.startswith(query)
        or entry.pinyin.startswith(query)
        or entry.name_en.startswith(query)
    ):
        return 3
    if any(word.startswith(query) for word in entry.en_words):
        return 4
    if query in entry.name_zh or query in entry.pinyin or query in entry.name_en:
        return 5
    if len(query) > 1 and _is_abbreviation(query, entry.pinyin):
        return 6
    return None


def _is_abbreviation(query: str, pinyin: str) -> bool:
    # Operators skip syllables ("blj" for 暴露垃圾, bllj): the typed letters must start the
    # initials and then appear in order.
    if not pinyin.startswith(query[0]):
        return False
    remaining = iter(pinyin[1:])
    return all(letter in remaining for letter in query[1:])


_KeyedT = TypeVar("_KeyedT", MajorClass, Category, Department)


def _index(items: Iterable[_KeyedT], what: str) -> dict[str, _KeyedT]:
    by_code: dict[str, _KeyedT] = {}
    for item in items:
        if item.code in by_code:
            raise ValueError(f"duplicate {what} {item.code}")
        by_code[item.code] = item
    return by_code


def _content_hash(
    majors: Mapping[str, MajorClass],
    categories: Mapping[str, Category],
    departments: Mapping[str, Department],
) -> str:
    content = {
        "majors": [majors[code] for code in sorted(majors)],
        "categories": [categories[code] for code in sorted(categories)],
        "departments": [departments[code] for code in sorted(departments)],
    }
    return hashlib.sha256(msgspec.json.encode(content)).hexdigest()[:12]


# ---------------------------------------------------------------------------------------------
# Loading and validating the CSV files
# ---------------------------------------------------------------------------------------------

MAJORS_FILE = "majors.csv"
CATEGORIES_FILE = "categories.csv"
DEPARTMENTS_FILE = "departments.csv"

MAJOR_COLUMNS = ("kind", "major", "name_zh", "name_en", "extension")
CATEGORY_COLUMNS = (
    "kind",
    "major",
    "minor",
    "name_zh",
    "name_en",
    "pinyin",
    "department",
    "filing_criteria_zh",
    "closing_criteria_zh",
    "deadline_normal",
    "deadline_urgent",
    "deadline_critical",
    "extension",
    "joint_departments",
)
DEPARTMENT_COLUMNS = ("code", "name_zh", "name_en", "field_forces", "joint_office")
_OPTIONAL_COLUMNS = frozenset({"joint_departments"})

_TWO_DIGITS_RE = re.compile(r"(?!00)\d{2}")
_PINYIN_RE = re.compile(r"[a-z]+")
_DEPARTMENT_CODE_RE = re.compile(r"[A-Z][A-Z0-9]{0,15}")


class _Row:
    """One data row of a CSV file, with accessors that fail naming file, row and field."""

    def __init__(self, file: str, number: int, values: dict[str, str]) -> None:
        self.file = file
        self.number = number
        self.values = values

    def fail(self, field: str | None, problem: str) -> NoReturn:
        raise LoadError(self.file, self.number, field, problem)

    def text(self, field: str) -> str:
        value = self.values[field]
        if not value and field not in _OPTIONAL_COLUMNS:
            self.fail(field, "must not be empty")
        return value

    def flag(self, field: str) -> bool:
        value = self.text(field)
        if value not in ("0", "1"):
            self.fail(field, f"must be 0 or 1, not {value!r}")
        return value == "1"

    def two_digits(self, field: str) -> str:
        value = self.text(field)
        if not _TWO_DIGITS_RE.fullmatch(value):
            self.fail(field, f"must be two digits from 01 to 99, not {value!r}")
        return value

    def kind(self) -> Kind:
        value = self.text("kind")
        try:
            return Kind(value)
        except ValueError:
            self.fail("kind", f"must be 'component' or 'event', not {value!r}")

    def deadline(self, field: str) -> DeadlineRule:
        try:
            return parse_deadline(self.text(field))
        except ValueError as exc:
            self.fail(field, str(exc))


def _read_rows(folder: Traversable, name: str, columns: tuple[str, ...]) -> list[_Row]:
    """Read one CSV file, check its header, and return its non-blank data rows."""
    path = folder / name
    file = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LoadError(file, None, None, "file not found") from None
    except OSError as exc:
        raise LoadError(file, None, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")  # the BOM that Excel writes is not part of the header
    except UnicodeDecodeError as exc:
        raise LoadError(file, None, None, f"not UTF-8 text: {exc.reason}") from None
    # newline="" leaves line endings to the csv module, which needs them for quoted fields
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    try:
        records.extend(reader)
    except csv.Error as exc:
        # line_num counts the header line too, which data row numbers exclude
        raise LoadError(file, reader.line_num - 1, None, f"malformed CSV: {exc}") from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise LoadError(file, None, None, f"no header row; expected: {','.join(columns)}")
    header = [cell.strip() for cell in records[0]]
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise LoadError(file, None, column, "column appears twice in the header")
        seen.add(column)
    for column in columns:
        if column not in seen:
            raise LoadError(file, None, column, f"missing column; expected: {','.join(columns)}")
    for column in header:
        if column not in columns:
            raise LoadError(file, None, column, f"unknown column; expected: {','.join(columns)}")
    rows: list[_Row] = []
    # Blank lines keep their number, so that row N is line N+1 in an editor (barring quoted
    # line breaks inside a cell).
    for number, record in enumerate(records[1:], start=1):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) < len(header):
            raise LoadError(
                file,
                number,
                header[len(record)],
                f"missing value: row has {len(record)} values, header has {len(header)}",
            )
        if len(record) > len(header):
            raise LoadError(
                file,
                number,
                None,
                f"too many values: row has {len(record)} values, header has {len(header)}",
            )
        values = {column: cell.strip() for column, cell in zip(header, record, strict=True)}
        rows.append(_Row(file, number, values))
    if not rows:
        raise LoadError(file, None, None, "no data rows")
    return rows


def _load_departments(folder: Traversable) -> list[Department]:
    rows = _read_rows(folder, DEPARTMENTS_FILE, DEPARTMENT_COLUMNS)
    first_row: dict[str, int] = {}
    office_row: int | None = None
    departments: list[Department] = []
    for row in rows:
        code = row.text("code")
        if not _DEPARTMENT_CODE_RE.fullmatch(code):
            row.fail("code", f"must be uppercase letters and digits (e.g. 'CGZF'), not {code!r}")
        if code in first_row:
            row.fail("code", f"duplicate department {code} (first in row {first_row[code]})")
        first_row[code] = row.number
        department = Department(
            code=code,
            name_zh=row.text("name_zh"),
            name_en=row.text("name_en"),
            field_forces=row.flag("field_forces"),
            joint_office=row.flag("joint_office"),
        )
        if department.joint_office:
            if office_row is not None:
                row.fail(
                    "joint_office",
                    f"only one department can be the joint office; row {office_row} already is",
                )
            office_row = row.number
        departments.append(department)
    if office_row is None:
        raise LoadError(
            rows[0].file,
            None,
            "joint_office",
            "no department is the joint-action office; exactly one needs joint_office=1",
        )
    return departments


def _load_majors(folder: Traversable) -> list[MajorClass]:
    first_row: dict[str, int] = {}
    majors: list[MajorClass] = []
    for row in _read_rows(folder, MAJORS_FILE, MAJOR_COLUMNS):
        kind = row.kind()
        major = row.two_digits("major")
        code = class_code(kind, major)
        if code in first_row:
            row.fail("major", f"duplicate major class {code} (first in row {first_row[code]})")
        first_row[code] = row.number
        majors.append(
            MajorClass(
                code=code,
                kind=kind,
                major=major,
                name_zh=row.text("name_zh"),
                name_en=row.text("name_en"),
                extension=row.flag("extension"),
            )
        )
    return majors


def _load_categories(
    folder: Traversable, majors: dict[str, MajorClass], departments: set[str]
) -> list[Category]:
    majors_file = str(folder / MAJORS_FILE)
    first_row: dict[str, int] = {}
    name_row: dict[tuple[Kind, str], int] = {}
    categories: list[Category] = []
    for row in _read_rows(folder, CATEGORIES_FILE, CATEGORY_COLUMNS):
        kind = row.kind()
        major = row.two_digits("major")
        major_class = majors.get(class_code(kind, major))
        if major_class is None:
            row.fail("major", f"no {kind.value} major {major} in {majors_file}")
        minor = row.two_digits("minor")
        code = class_code(kind, major, minor)
        if code in first_row:
            row.fail("minor", f"duplicate category {code} (first in row {first_row[code]})")
        first_row[code] = row.number
        name_zh = row.text("name_zh")
        if (kind, name_zh) in name_row:
            row.fail(
                "name_zh",
                f"{kind.value} name {name_zh!r} already used in row {name_row[kind, name_zh]}",
            )
        name_row[kind, name_zh] = row.number
        name_en = row.text("name_en")
        pinyin = row.text("pinyin")
        if not _PINYIN_RE.fullmatch(pinyin):
            row.fail("pinyin", f"must be lowercase pinyin initials a-z, not {pinyin!r}")
        department = row.text("department")
        if department not in departments:
            row.fail("department", f"unknown department {department!r}")
        filing = row.text("filing_criteria_zh")
        closing = row.text("closing_criteria_zh")
        deadline_normal = row.deadline("deadline_normal")
        deadline_urgent = row.deadline("deadline_urgent")
        deadline_critical = row.deadline("deadline_critical")
        extension = row.flag("extension")
        if major_class.extension and not extension:
            row.fail("extension", f"must be 1: major {major_class.code} is an extension major")
        joint = _joint_departments(row, departments)
        categories.append(
            Category(
                code=code,
                kind=kind,
                major=major,
                minor=minor,
                name_zh=name_zh,
                name_en=name_en,
                pinyin=pinyin,
                department=department,
                filing_criteria=filing,
                closing_criteria=closing,
                deadline_normal=deadline_normal,
                deadline_urgent=deadline_urgent,
                deadline_critical=deadline_critical,
                extension=extension,
                joint_departments=joint,
            )
        )
    return categories


def _joint_departments(row: _Row, departments: set[str]) -> tuple[str, ...]:
    text = row.text("joint_departments")
    if not text:
        return ()
    codes: list[str] = []
    for part in text.split(";"):
        code = part.strip()
        if not code:
            row.fail("joint_departments", f"empty entry in {text!r}; separate codes with ';'")
        if code not in departments:
            row.fail("joint_departments", f"unknown department {code!r}")
        if code in codes:
            row.fail("joint_departments", f"department {code} listed twice")
        codes.append(code)
    return tuple(codes)


def default_catalogue_folder() -> Traversable:
    """The folder of the catalogue shipped with the application (``resources/catalogue``)."""
    return importlib.resources.files("resources").joinpath("catalogue")


def load_catalogue(folder: Path | None = None) -> Catalogue:
    """Read and validate ``majors.csv``, ``categories.csv`` and ``departments.csv``.

    Files are UTF-8 (a BOM, as Excel writes, is fine) with a header row; surrounding blanks
    in cells are ignored and blank lines skipped. Nothing is half-loaded: either every row
    is valid and a complete catalogue comes back, or the first problem is raised.

    Args:
        folder: The folder holding the three files; by default the shipped catalogue.

    Returns:
        The catalogue.

    Raises:
        LoadError: Naming the file, the data row (1-based, header excluded; ``None`` for
            a problem with the header or the file as a whole) and the field.
    """
    source: Traversable = default_catalogue_folder() if folder is None else folder
    departments = _load_departments(source)
    majors = _load_majors(source)
    categories = _load_categories(
        source, {m.code: m for m in majors}, {d.code for d in departments}
    )
    return Catalogue(majors, categories, departments)
