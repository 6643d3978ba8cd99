"""The handover as a PDF (Qt's own writer) and through the print path: the text a reader
finds in the file is the handover's, case numbers and Chinese notes included."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from models.handover import Handover, HandoverNotes, sign, submit
from tests.unit.handover_day import INCOMING, OUTGOING, draft_handover, local
from widgets.handover_report import print_handover, write_handover_pdf

NOTES = HandoverNotes(staffing="王强病假，U-06 顶岗", equipment="3 号大屏闪烁，已报修", other="")


def pdf_text(path: Path) -> str:
    """The text of a PDF, as poppler's ``pdftotext`` reads it (scripts/system-deps.sh)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: run `make system-deps` (Debian poppler-utils)")
    result = subprocess.run(
        [tool, "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return squeezed(result.stdout.decode("utf-8"))


def squeezed(text: str) -> str:
    """``text`` compared as a PDF's text layer allows: the CJK font shares glyphs between
    ideographs and radicals (白, ⽩), and its text layer may name the radical, which NFKC
    maps back (full-width punctuation too); table cells and CJK runs may be spaced apart."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture
def signed() -> Handover:
    submitted = submit(draft_handover(), NOTES, OUTGOING, local(30, 19, 50))
    return sign(submitted, INCOMING, local(30, 20, 5), comment="已阅，接班")


def test_the_pdf_holds_the_case_numbers_notes_and_signatures(
    qapp: QApplication, signed: Handover, tmp_path: Path
) -> None:
    target = tmp_path / "交接班.pdf"
    written = write_handover_pdf(signed, target)
    assert written == target
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["交接班.pdf"]  # no temporary left behind
    text = pdf_text(target)
    for number in signed.packet.case_numbers():
        assert number in text
    assert {"PD20261130-0002", "PD20261130-0003", "PD20261130-0004", "PD20261130-0005"} <= (
        signed.packet.case_numbers()
    )
    for chinese in (
        "王强病假",
        "3号大屏闪烁",
        "已阅，接班",
        "赵磊",
        "孙丽",
        "白班",
        "浦东南路1085号",
    ):
        assert squeezed(chinese) in text, chinese
    assert signed.id in text


def test_a_pdf_that_cannot_be_written_names_the_path_and_leaves_nothing(
    qapp: QApplication, signed: Handover, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-folder" / "handover.pdf"
    with pytest.raises(OSError, match="no-such-folder"):
        write_handover_pdf(signed, missing)
    assert list(tmp_path.iterdir()) == []


def test_the_print_path_prints_the_same_document(
    qapp: QApplication, signed: Handover, tmp_path: Path
) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # a printer that writes a file
    target = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(target))
    print_handover(signed, printer)
    del printer
    text = pdf_text(target)
    assert "PD20261130-0003" in text
    assert squeezed("王强病假") in text
