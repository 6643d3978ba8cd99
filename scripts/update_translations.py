#!/usr/bin/env python3
"""Extracts the console's strings into the Chinese catalogue and compiles it.

    .venv/bin/python scripts/update_translations.py          # lupdate, then lrelease
    .venv/bin/python scripts/update_translations.py --check  # only say what is missing

Runs PySide6's ``lupdate`` over every Python file of ``console/``, ``widgets/`` and
``views/`` into ``resources/i18n/grid_zh_CN.ts`` (new strings appear as unfinished; strings no
longer in the code are dropped; no source locations, so moving code does not touch the
file), then ``lrelease`` into ``grid_zh_CN.qm``. Translate the unfinished entries (Qt
Linguist: ``.venv/bin/pyside6-linguist resources/i18n/grid_zh_CN.ts``, or by hand) and run
it again. Exits 1 while any entry is unfinished. ``tests/gui/test_i18n.py`` checks that the
committed files are current.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE_PACKAGES = ("console", "widgets", "views")
TS = ROOT / "resources" / "i18n" / "grid_zh_CN.ts"
QM = TS.with_suffix(".qm")
LUPDATE_OPTIONS = ("-target-language", "zh_CN", "-locations", "none", "-no-obsolete", "-silent")


def tool(name: str) -> str:
    """A PySide6 tool from the same environment as this Python."""
    path = Path(sys.executable).with_name(name)
    if not path.exists():
        raise SystemExit(f"{name} not found beside {sys.executable}: is PySide6 installed?")
    return str(path)


def sources(root: Path = ROOT) -> list[str]:
    """Every Python file whose strings go into the catalogue, sorted."""
    return sorted(
        str(p.relative_to(root)) for pkg in SOURCE_PACKAGES for p in (root / pkg).rglob("*.py")
    )


def lupdate(ts: Path, root: Path = ROOT) -> None:
    """Updates ``ts`` from the sources (new strings unfinished, gone strings dropped)."""
    subprocess.run(
        [tool("pyside6-lupdate"), *sources(root), *LUPDATE_OPTIONS, "-ts", str(ts)],
        cwd=root,
        check=True,
    )


def lrelease(ts: Path, qm: Path) -> None:
    """Compiles ``ts`` into ``qm``."""
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)


def unfinished(ts: Path) -> list[tuple[str, str]]:
    """(context, source) of every entry without a finished translation."""
    missing = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            forms = [translation] if translation is not None else []
            if message.get("numerus") == "yes" and translation is not None:
                forms = list(translation.iter("numerusform"))  # plural forms of %n
            if (
                translation is None
                or translation.get("type") in {"unfinished", "vanished", "obsolete"}
                or not forms
                or not all((form.text or "").strip() for form in forms)
            ):
                missing.append((name, message.findtext("source", "")))
    return missing


def main() -> int:
    """Runs the update (or only the check)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only list unfinished entries")
    args = parser.parse_args()
    if not args.check:
        lupdate(TS)
        lrelease(TS, QM)
    missing = unfinished(TS)
    for context, source in missing:
        print(f"unfinished: [{context}] {source}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
