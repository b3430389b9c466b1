"""Characters no one types (control characters, bidi overrides, zero-width characters) in any text cell: refused
with a cell message or removed where harmless; and exports never crash on such text already in a database."""

import io
from datetime import UTC, date, datetime

import pytest
from excel_fill import checklist, label_value_cell, open_sheet, save
from openpyxl import load_workbook
from sqlalchemy import select
from test_excel_attacks import SHEET, SHEET_PART, counts, rewritten

from readiness.access.permissions import OPERATOR, Actor
from readiness.core import db
from readiness.core.models import ImportFile, Origin, Result, ResultBase, Role, Submission, SubmissionCreate
from readiness.core.text import sanitize
from readiness.intake import excel, submissions
from readiness.intake.excel.values import MAX_REPORTER_CHARS
from readiness.outputs import export

MARK = "MARK"  # a placeholder written by openpyxl, replaced in the XML by what openpyxl would refuse to write


def with_text(cell: str, text: str) -> bytes:
    """A filled checklist with `text` in `cell`, written into the sheet's XML as Excel escapes it (_xHHHH_)."""
    workbook, sheet = open_sheet(checklist())
    if cell == "reporter":
        label_value_cell(sheet, "Người báo cáo").value = f"Nguyễn {MARK} An"
    else:
        sheet[cell] = f"Biên bản {MARK} số 12"
    escaped = "".join(f"_x{ord(ch):04X}_" if ord(ch) < 0x20 else ch for ch in text)
    return rewritten(save(workbook), SHEET_PART, lambda xml: xml.replace(MARK, escaped))


REFUSED = {
    "NUL": ("\x00", "U+0000"),
    "backspace as openpyxl writes it (_x0008_)": ("\x08", "U+0008"),
    "raw \\x01": ("\x01", "U+0001"),
    "an ANSI colour escape": ("\x1b[31mđỏ\x1b[0m", "U+001B"),
    "a right-to-left override": ("\u202egpj.exe", "U+202E"),
    "a first-strong isolate": ("\u2068x\u2069", "U+2068, U+2069"),
}
CELLS = {"evidence": "G12", "note": "H13", "reporter": "C8"}


@pytest.mark.parametrize("where", list(CELLS))
@pytest.mark.parametrize("case", list(REFUSED))
def test_control_and_bidi_characters_are_refused_with_the_cell(initialized, case, where):
    text, codes = REFUSED[case]
    data = with_text(CELLS[where] if where != "reporter" else "reporter", text)
    before = counts()

    (outcome,) = excel.import_files([("phieu.xlsx", data)], OPERATOR)

    assert outcome.outcome == excel.Outcome.REJECTED
    ((sheet, cell, message),) = [(p.sheet, p.cell, p.message("vi")) for p in outcome.problems]
    assert (sheet, cell) == (SHEET, CELLS[where])
    assert f"({codes})" in message and "Xóa nội dung ô rồi gõ lại" in message
    assert "Clear the cell and type its content again" in outcome.problems[0].message("en")
    after = counts()
    assert (after["Submission"], after["ImportFile"]) == (before["Submission"], before["ImportFile"] + 1)
    with db.session() as session:
        archive = session.scalars(select(ImportFile).order_by(ImportFile.id.desc())).first()
    assert (archive.content, archive.outcome) == (data, "rejected")


@pytest.mark.parametrize("label", ["Người báo cáo", "Số điện thoại"])
def test_a_reporter_cell_longer_than_a_name_or_phone_is_refused_with_its_cell(initialized, label):
    workbook, sheet = open_sheet(checklist())
    cell = label_value_cell(sheet, label)
    cell.value = "Nguyễn Văn An " * 8  # 112 characters: a paragraph pasted into the wrong cell
    before = counts()

    (outcome,) = excel.import_files([("phieu.xlsx", save(workbook))], OPERATOR)

    assert outcome.outcome == excel.Outcome.REJECTED
    ((sheet_name, where, message),) = [(p.sheet, p.cell, p.message("vi")) for p in outcome.problems]
    assert (sheet_name, where) == (SHEET, cell.coordinate)
    assert message.startswith(f"Ô này dài 111 ký tự (tối đa {MAX_REPORTER_CHARS})")
    assert counts()["Submission"] == before["Submission"]
    cell.value = "Nguyễn Văn An"
    (outcome,) = excel.import_files([("phieu.xlsx", save(workbook))], OPERATOR)
    assert outcome.outcome == excel.Outcome.ACCEPTED


def test_zero_width_characters_are_removed_and_the_file_accepted(initialized):
    workbook, sheet = open_sheet(checklist(TC01=("Có\u200b", None)))
    sheet["G12"] = "Quyết\u200b định\ufeff 12/QĐ\u00ad-UBND\u200d"
    label_value_cell(sheet, "Người báo cáo").value = "\u200eNguyễn Văn An\u200f"
    (outcome,) = excel.import_files([("phieu.xlsx", save(workbook))], OPERATOR)
    assert outcome.outcome == excel.Outcome.ACCEPTED, outcome.problems
    with db.session() as session:
        stored = session.scalars(select(Result).where(Result.criterion_code == "TC01")).one()
        submission = session.scalars(select(Submission)).one()
    assert (stored.value, stored.evidence) == (1.0, "Quyết định 12/QĐ-UBND")
    assert submission.reporter_name == "Nguyễn Văn An"


def test_a_file_name_with_control_characters_is_archived_without_them(initialized):
    (outcome,) = excel.import_files([("phieu\x00\x1b[31m.xlsx", checklist())], OPERATOR)
    assert outcome.outcome == excel.Outcome.ACCEPTED
    with db.session() as session:
        assert session.scalars(select(ImportFile.filename)).one() == "phieu[31m.xlsx"


def test_sanitize_per_class():
    assert sanitize("a\tb\nc") == ("a\tb\nc", [])  # tabs and line breaks are typed (Alt+Enter)
    assert sanitize("x\u200by\u2060z") == ("xyz", [])
    assert sanitize("\x00\x00\x7f\x85\u202a") == ("", ["U+0000", "U+007F", "U+0085", "U+202A"])


def test_exports_never_crash_on_such_text_already_stored(initialized):
    # Stored before imports refused it (PostgreSQL never takes NUL, so the backspace and escape stand for it).
    dirty = "Biên bản\x08 số\x1b[31m 12\u202e"
    with db.write_session() as session:
        submissions.save(
            session,
            [
                SubmissionCreate(
                    commune_code="00070",
                    reporting_date=date(2025, 11, 15),
                    received_at=datetime.now(UTC),
                    received_from="test",
                    origin=Origin.UPLOAD,
                    reporter_name="Nguyễn\x08 An",
                    results=[
                        ResultBase(criterion_code=f"TC{i:02d}", value=1, evidence=dirty, note=dirty)
                        for i in range(1, 17)
                    ],
                )
            ],
        )
    with db.session() as session:
        data = export.consolidated_workbook(session, date(2025, 11, 20), "01", "vi", actor=Actor("x", Role.LEADER))
        prefilled = excel.commune_checklist(session, "00070")
    details = load_workbook(io.BytesIO(data))["Chi tiết"]
    assert "Biên bản số[31m 12" in {c.value for row in details.iter_rows(min_row=5) for c in row}
    _, sheet = open_sheet(prefilled)
    assert sheet["G12"].value == "Biên bản số[31m 12"
    assert label_value_cell(sheet, "Người báo cáo").value == "Nguyễn An"
