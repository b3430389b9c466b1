"""A workbook holding more than one data table (two checklists, a hidden copy before the visible one, a checklist
beside a province workbook) is refused with a message naming every sheet: no table is silently dropped."""

import pytest
from excel_fill import checklist, fill_province, label_value_cell, open_sheet, save
from test_excel_attacks import SHEET, counts

from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.intake import excel


def two_checklists(hidden_first: bool) -> bytes:
    workbook, sheet = open_sheet(checklist())
    copy = workbook.copy_worksheet(sheet)
    copy.title = "Phiếu Hàng Bạc"
    label_value_cell(copy, "Mã xã/phường").value = "00073"
    if hidden_first:
        copy.sheet_state = "hidden"
        workbook.move_sheet(copy, offset=-1)
    return save(workbook)


def test_two_checklists_in_one_workbook_are_refused_naming_both_sheets(initialized):
    before = counts()
    (outcome,) = excel.import_files([("hai-phieu.xlsx", two_checklists(hidden_first=False))], OPERATOR)
    assert outcome.outcome == excel.Outcome.REJECTED
    assert [(p.sheet, p.cell) for p in outcome.problems] == [(SHEET, "A11"), ("Phiếu Hàng Bạc", "A11")]
    message = outcome.problems[0].message("vi")
    assert f"2 bảng số liệu, ở các trang tính '{SHEET}', 'Phiếu Hàng Bạc'" in message
    assert "Keep one table per file" in outcome.problems[0].message("en")
    after = counts()
    assert after["Submission"] == before["Submission"]
    assert after["ImportFile"] == before["ImportFile"] + 1


def test_a_hidden_checklist_placed_first_does_not_win_over_the_visible_one(initialized):
    (outcome,) = excel.import_files([("an.xlsx", two_checklists(hidden_first=True))], OPERATOR, dry_run=True)
    assert outcome.outcome == excel.Outcome.REJECTED
    assert [p.sheet for p in outcome.problems] == ["Phiếu Hàng Bạc", SHEET]
    assert "'Phiếu Hàng Bạc' (đang ẩn)" in outcome.problems[0].message("vi")
    assert "'Phiếu Hàng Bạc' (hidden)" in outcome.problems[0].message("en")


def test_a_checklist_beside_a_province_workbook_is_refused(initialized):
    with db.session() as session:
        province = excel.province_workbook(session, "01")
    data = fill_province(province, "15/11/2025", {"00070": {"TC01": ("Có", None)}})
    workbook, _ = open_sheet(data)
    _, sheet = open_sheet(checklist())
    copy = workbook.create_sheet(SHEET)
    for row in sheet.iter_rows():
        for cell in row:
            copy[cell.coordinate] = cell.value
    (outcome,) = excel.import_files([("ca-hai.xlsx", save(workbook))], OPERATOR, dry_run=True)
    assert outcome.outcome == excel.Outcome.REJECTED
    assert [p.sheet for p in outcome.problems] == ["Tổng hợp", SHEET]


@pytest.mark.parametrize("hidden", [False, True])
def test_sheets_without_a_table_are_still_ignored(initialized, hidden):
    workbook, _ = open_sheet(checklist())
    notes = workbook.create_sheet("Ghi chú", 0)
    notes["A1"] = "Số liệu do tổ công nghệ số cộng đồng tổng hợp"
    if hidden:
        notes.sheet_state = "hidden"
    (outcome,) = excel.import_files([("phieu.xlsx", save(workbook))], OPERATOR, dry_run=True)
    assert outcome.outcome == excel.Outcome.ACCEPTED, outcome.problems
    assert outcome.commune_code == "00070"
