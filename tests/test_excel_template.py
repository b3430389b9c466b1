"""The templates as a person opens them: labels, one row per criterion, dropdowns, number validation, input cells
unlocked and shaded, the rest locked, A4 landscape; and the checklist pre-filled with the latest values."""

import pytest
from excel_fill import checklist, criterion_rows, label_value_cell, open_sheet, save
from openpyxl.utils import range_boundaries

from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.core.criteria import criteria
from readiness.core.models import CriterionKind
from readiness.intake import excel

INPUT_FILL = "00FFF2CC"


def validations_of(sheet) -> dict[str, tuple[str, str | None, str | None]]:
    """cell -> (type, operator, formula1) for every cell under a data validation."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for area in validation.sqref.ranges:
            left, top, right, bottom = range_boundaries(area.coord)
            for row in range(top, bottom + 1):
                for column in range(left, right + 1):
                    found[sheet.cell(row, column).coordinate] = (
                        validation.type,
                        validation.operator,
                        validation.formula1,
                    )
    return found


def is_input(cell) -> bool:
    return cell.protection.locked is False and cell.fill.fgColor.rgb == INPUT_FILL


def test_commune_checklist_header_table_validations_protection_and_print(initialized):
    with db.session() as session:
        data = excel.commune_checklist(session, "70", prefill=False)
        catalog = criteria(session)
    _, sheet = open_sheet(data)

    assert sheet.title == "Phiếu tự đánh giá"
    assert "NGHỊ QUYẾT 57-NQ/TW" in sheet["A1"].value
    assert sheet["A2"].value.startswith("Hướng dẫn: chỉ nhập vào các ô màu vàng.")
    assert label_value_cell(sheet, "Tỉnh/Thành phố").value == "Thành phố Hà Nội"
    assert label_value_cell(sheet, "Tên xã/phường").value == "Phường Hoàn Kiếm"
    code = label_value_cell(sheet, "Mã xã/phường")
    assert (code.value, code.number_format) == ("00070", "@")
    assert [c.value for c in sheet[11]] == [
        "Mã tiêu chí",
        "Nhóm",
        "Tiêu chí",
        "Yêu cầu",
        "Giá trị",
        "Trên tổng số",
        "Minh chứng",
        "Ghi chú",
    ]
    rows = criterion_rows(sheet)
    assert list(rows) == [c.code for c in catalog]
    assert sheet.cell(rows["TC02"], 3).value == "Đường truyền Internet cáp quang tại trụ sở (Mbps)"
    assert sheet.cell(rows["TC02"], 4).value == "≥ 100 Mbps\nHạn: 30/09/2025"
    assert sheet.cell(rows["TC11"], 4).value == "≥ 80% hồ sơ\nHạn: 31/10/2025"
    assert sheet.cell(rows["TC01"], 4).value == "Có\nHạn: 31/08/2025"

    rules = validations_of(sheet)
    for criterion in catalog:
        row = rows[criterion.code]
        value, out_of = sheet.cell(row, 5), sheet.cell(row, 6)
        expected = {
            CriterionKind.YES_NO: ("list", None, '"Có,Không"'),
            CriterionKind.NUMBER: ("decimal", "greaterThanOrEqual", "0"),
            CriterionKind.RATIO: ("decimal", "greaterThanOrEqual", "0"),
        }[criterion.kind]
        assert rules[value.coordinate] == expected
        assert is_input(value) and is_input(sheet.cell(row, 7)) and is_input(sheet.cell(row, 8))
        assert is_input(out_of) == (criterion.kind == CriterionKind.RATIO)
        if criterion.kind == CriterionKind.RATIO:
            assert rules[out_of.coordinate] == ("whole", "greaterThanOrEqual", "1")
        for column in range(1, 5):
            assert sheet.cell(row, column).protection.locked is not False
    date_cell = label_value_cell(sheet, "Ngày báo cáo")
    assert is_input(date_cell) and date_cell.number_format == "dd/mm/yyyy"
    assert rules[date_cell.coordinate] == ("date", "greaterThanOrEqual", "DATE(2025,7,1)")
    assert is_input(label_value_cell(sheet, "Người báo cáo")) and is_input(label_value_cell(sheet, "Số điện thoại"))
    assert not is_input(code)

    assert sheet.protection.sheet is True
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4  # "9"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$11:$11"
    assert sheet.merged_cells.ranges  # only above the table
    assert all(r.max_row < 11 for r in sheet.merged_cells.ranges)


def test_province_workbook_has_a_row_per_commune_and_two_columns_per_ratio(initialized):
    with db.session() as session:
        data = excel.province_workbook(session, "01")
        catalog = criteria(session)
    _, sheet = open_sheet(data)
    header = [c.value for c in sheet[11]]
    expected = ["Mã xã/phường", "Tên xã/phường"]
    for criterion in catalog:
        expected.append(criterion.code)
        if criterion.kind == CriterionKind.RATIO:
            expected.append(f"{criterion.code} tổng số")
    assert header == expected
    codes = [c.value for (c,) in sheet.iter_rows(min_row=12, max_col=1)]
    assert len(codes) == 126 and codes[:2] == ["00004", "00008"] and "00070" in codes
    assert sheet["C9"].value == catalog[0].name_vi and sheet["C10"].value.startswith("Có")

    rules = validations_of(sheet)
    column = {label: index + 1 for index, label in enumerate(header)}
    for criterion in catalog:
        cell = sheet.cell(137, column[criterion.code])
        assert is_input(cell)
        assert rules[cell.coordinate][0] == ("list" if criterion.kind == CriterionKind.YES_NO else "decimal")
    assert rules[sheet.cell(12, column["TC03 tổng số"]).coordinate] == ("whole", "greaterThanOrEqual", "1")
    assert not is_input(sheet["A12"]) and not is_input(sheet["B12"])
    assert sheet.protection.sheet is True and sheet.page_setup.orientation == "landscape"
    assert sheet.freeze_panes == "C12"
    assert all(r.max_row < 11 for r in sheet.merged_cells.ranges)


def test_checklist_is_prefilled_with_the_communes_latest_values(initialized):
    (outcome,) = excel.import_files([("p.xlsx", checklist(TC02=("1.250", None)))], OPERATOR)
    assert outcome.outcome == "accepted"
    with db.session() as session:
        data = excel.commune_checklist(session, "00070")
        blank = excel.commune_checklist(session, "00070", prefill=False)
    _, sheet = open_sheet(data)
    rows = criterion_rows(sheet)
    typed = {code: (sheet.cell(row, 5).value, sheet.cell(row, 6).value) for code, row in rows.items()}
    assert typed["TC01"] == ("Có", None)
    assert typed["TC09"] == ("Không", None)
    assert typed["TC02"] == (1250, None)
    assert typed["TC03"] == (30, 30)
    assert typed["TC11"] == (0.85, None) and sheet.cell(rows["TC11"], 5).number_format == "0%"
    assert label_value_cell(sheet, "Người báo cáo").value == "Nguyễn Văn An"
    assert label_value_cell(sheet, "Ngày báo cáo").value is None  # a new report needs its own date
    assert "15/11/2025" in sheet["A3"].value

    _, empty = open_sheet(blank)
    assert all(empty.cell(row, 5).value is None for row in criterion_rows(empty).values())


def test_a_prefilled_checklist_with_a_new_date_imports_as_the_same_values(initialized):
    excel.import_files([("p.xlsx", checklist())], OPERATOR)
    with db.session() as session:
        workbook, sheet = open_sheet(excel.commune_checklist(session, "00070"))
    label_value_cell(sheet, "Ngày báo cáo").value = "16/11/2025"
    (outcome,) = excel.import_files([("p2.xlsx", save(workbook))], OPERATOR)
    assert outcome.outcome == "accepted", outcome.problems
    assert (outcome.newly_green, outcome.no_longer_green) == (0, 0)
    assert (outcome.changes["status"] == outcome.changes["previous_status"]).all()


def test_a_checklist_for_a_commune_outside_the_province_is_refused(initialized):
    with db.session() as session, pytest.raises(excel.UnknownCommune, match="01273"):
        excel.commune_checklist(session, "1273")
