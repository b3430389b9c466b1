"""Hostile workbooks: each is refused from its container, before any parser touches a sheet, with a message naming
the sheet and the cell; the process (CLI) and the server (upload page) survive them. The files are built here."""

import io
import json
import os
import re
import resource
import subprocess
import sys
import zipfile

import pytest
from conftest import APP, PROJECT_DIR, account, log_in, shown
from excel_fill import checklist, open_sheet, save
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.core.models import AuditEvent, ImportFile, Role, Submission
from readiness.intake import excel
from readiness.intake.excel import container, layout

SHEET = layout.CHECKLIST_SHEET
SHEET_PART = "xl/worksheets/sheet1.xml"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Hà Nội: 126 communes, 16 criteria.
MAX_ROWS = layout.HEADER_ROW + 126 + layout.SPARE_ROWS
MAX_COLUMNS = 2 + 2 * 16 + layout.SPARE_COLUMNS


def with_cell(coordinate: str) -> bytes:
    """A filled checklist with one more value far away, saved by openpyxl (its dimension says so)."""
    workbook, sheet = open_sheet(checklist())
    sheet[coordinate] = "x"
    return save(workbook)


def rewritten(data: bytes, part: str, edit) -> bytes:
    """The workbook with one part's text changed by `edit`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            target.writestr(item, edit(content.decode()).encode() if item.filename == part else content)
    return buffer.getvalue()


def lying_dimension(coordinate: str) -> bytes:
    return rewritten(
        with_cell(coordinate), SHEET_PART, lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:B2"', xml)
    )


def no_dimension(coordinate: str) -> bytes:
    return rewritten(with_cell(coordinate), SHEET_PART, lambda xml: re.sub(r"<dimension [^>]*/>", "", xml))


def no_cell_references(row: int) -> bytes:
    """A row of cells without their "r" attribute: a parser places each after the previous one, so the last of
    these lands one column beyond the limit."""
    cells = "<c/>" * (MAX_COLUMNS + 1)
    return rewritten(
        checklist(), SHEET_PART, lambda xml: xml.replace("</sheetData>", f'<row r="{row}">{cells}</row></sheetData>')
    )


ATTACKS = {
    "one cell at XFD1048576": (lambda: with_cell("XFD1048576"), "XFD1048576"),
    "one cell at XFD5000": (lambda: with_cell("XFD5000"), "XFD5000"),
    "a dimension that says A1:B2": (lambda: lying_dimension("XFD1048576"), "XFD1048576"),
    "no dimension at all": (lambda: no_dimension("XFD5000"), "XFD5000"),
    "one row too many": (lambda: with_cell(f"A{MAX_ROWS + 1}"), f"A{MAX_ROWS + 1}"),
    "cells without references": (lambda: no_cell_references(40), f"{container.get_column_letter(MAX_COLUMNS + 1)}40"),
    "a merged area to XFD1048576": (
        lambda: rewritten(
            checklist(),
            SHEET_PART,
            lambda xml: xml.replace('<mergeCell ref="A1:H1"/>', '<mergeCell ref="A1:XFD1048576"/>'),
        ),
        "XFD1048576",
    ),
}


def counts() -> dict[str, int]:
    with db.session() as session:
        return {
            table.__name__: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (Submission, ImportFile, AuditEvent)
        }


@pytest.fixture
def no_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a workbook parser is started: the refusal must come from the container scan."""

    def refuse(*args, **kwargs):
        raise AssertionError("a parser was started on a hostile file")

    from readiness.intake.excel import table

    monkeypatch.setattr(table, "CalamineWorkbook", refuse)


@pytest.mark.parametrize("case", list(ATTACKS))
def test_a_sheet_reaching_beyond_the_layout_is_refused_before_parsing(initialized, case, no_parser):
    build, cell = ATTACKS[case]
    data = build()
    before = counts()

    (outcome,) = excel.import_files([("phieu.xlsx", data)], OPERATOR)

    assert outcome.outcome == excel.Outcome.REJECTED
    ((sheet, where, message),) = [(p.sheet, p.cell, p.message("vi")) for p in outcome.problems]
    assert (sheet, where) == (SHEET, cell)
    assert f"tới {cell}" in message and f"tối đa {MAX_ROWS} dòng và {MAX_COLUMNS} cột" in message
    assert "Delete the extra rows and columns" in outcome.problems[0].message("en")
    after = counts()
    assert after == {
        "Submission": before["Submission"],
        "ImportFile": before["ImportFile"] + 1,
        "AuditEvent": before["AuditEvent"] + 1,
    }
    with db.session() as session:
        archive = session.scalars(select(ImportFile).order_by(ImportFile.id.desc())).first()
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (archive.content, archive.outcome) == (data, "rejected")
    assert (event.action, event.file_sha256) == ("import.rejected", outcome.sha256)


def test_a_checklist_within_the_bounds_is_read_even_without_a_dimension_or_references(initialized):
    data = rewritten(
        with_cell(f"{container.get_column_letter(MAX_COLUMNS)}{MAX_ROWS}"),
        SHEET_PART,
        lambda xml: re.sub(r"<dimension [^>]*/>", "", xml),
    )
    (outcome,) = excel.import_files([("phieu.xlsx", data)], OPERATOR, dry_run=True)
    assert outcome.outcome == excel.Outcome.ACCEPTED, outcome.problems


def test_too_many_sheets_are_refused(initialized, no_parser):
    workbook, _ = open_sheet(checklist())
    for index in range(layout.MAX_SHEETS):
        workbook.create_sheet(f"Ghi chú {index}")
    (outcome,) = excel.import_files([("phieu.xlsx", save(workbook))], OPERATOR, dry_run=True)
    assert outcome.outcome == excel.Outcome.REJECTED
    assert f"có {layout.MAX_SHEETS + 1} trang tính" in outcome.problems[0].message("vi")


def with_shared_strings(data: bytes, xml: str) -> bytes:
    """The workbook with a shared strings part (openpyxl writes its strings inline), linked as Excel links it."""
    relation = (
        '<Relationship Id="rIdStrings" Target="sharedStrings.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'
    )
    data = rewritten(data, "xl/_rels/workbook.xml.rels", lambda rels: rels.replace("</Relationships>", relation))
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", xml)
    return buffer.getvalue()


SST = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{}</sst>'


def test_huge_shared_strings_are_refused_before_inflating_them(initialized, no_parser):
    # Random text, so that the part compresses as real text does (not refused as a zip bomb).
    words = os.urandom(container.SHARED_STRINGS_LIMIT // 2).hex()
    data = with_shared_strings(checklist(), SST.format(f"<si><t>{words}</t></si>"))
    (outcome,) = excel.import_files([("phieu.xlsx", data)], OPERATOR, dry_run=True)
    assert outcome.outcome == excel.Outcome.REJECTED
    assert "'xl/sharedStrings.xml' inflates to 8 MB, beyond the 8 MB" in outcome.problems[0].message("en")


def test_an_xml_entity_bomb_is_refused(initialized, no_parser):
    bomb = '<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    data = with_shared_strings(checklist(), bomb + SST.format("<si><t>&b;</t></si>"))
    (outcome,) = excel.import_files([("phieu.xlsx", data)], OPERATOR, dry_run=True)
    assert outcome.outcome == excel.Outcome.REJECTED
    assert "DOCTYPE" in outcome.problems[0].message("en")


def _limit_memory() -> None:
    # Should a refusal ever come after the parser again, the allocation fails at 2 GiB instead of eating the
    # machine: the test then fails on the exit code.
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def test_the_cli_refuses_the_attack_files_with_a_message_and_an_exit_code(initialized, tmp_path):
    paths = []
    for name, cell in (("xfd1048576.xlsx", "XFD1048576"), ("xfd5000.xlsx", "XFD5000")):
        path = tmp_path / name
        path.write_bytes(with_cell(cell))
        paths.append(path)
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_DIR)}
    done = subprocess.run(
        [sys.executable, "-m", "readiness.cli", "import", *map(str, paths), "--json"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=PROJECT_DIR,
        preexec_fn=_limit_memory,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr  # not killed by a signal (negative), not a crash (2 with traceback)
    printed = [json.loads(line) for line in done.stdout.splitlines()]
    assert [f["status"] for f in printed] == ["rejected", "rejected"]
    assert [f["problems"][0]["cell"] for f in printed] == ["XFD1048576", "XFD5000"]
    assert "Traceback" not in done.stderr


@pytest.mark.page
def test_the_upload_page_refuses_the_attack_file_and_keeps_serving(initialized):
    at = AppTest.from_file(APP, default_timeout=60)
    log_in(at, account(Role.OFFICER))
    at.run()
    at.switch_page("pages/upload.py").run()
    at.file_uploader[0].upload("phieu.xlsx", with_cell("XFD1048576"), XLSX).run()
    assert not at.exception
    assert "1 lỗi" in at.error[0].value
    assert shown(at.dataframe[0])[["Trang tính", "Ô"]].values.tolist() == [[SHEET, "XFD1048576"]]
    with db.session() as session:
        archived = [(f.outcome, f.problems != "") for f in session.scalars(select(ImportFile))]
        events = [e.action for e in session.scalars(select(AuditEvent)) if e.action.startswith("import.")]
    assert (archived, events) == ([("rejected", True)], ["import.rejected"])
    at.file_uploader[0].upload("phieu.xlsx", checklist(), XLSX).run()  # the same session goes on working
    assert not at.exception
    assert "Xem trước" in at.markdown[0].value


def test_limits_follow_the_layout_and_the_communes_in_scope():
    assert layout.max_rows(16, 126) == MAX_ROWS == 337
    assert layout.max_columns(16) == MAX_COLUMNS == 64
    assert layout.max_rows(16, 3321) == layout.HEADER_ROW + 3321 + layout.SPARE_ROWS
