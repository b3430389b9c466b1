"""The workbooks people fill in: a commune checklist (one row per criterion) and the province workbook (one row
per commune). Input cells are yellow and unlocked, everything else is locked; A4 landscape; Vietnamese labels."""

import io
import math
from datetime import date
from typing import NamedTuple

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from readiness.core import registry
from readiness.core.criteria import criteria
from readiness.core.i18n import format_date, format_number, format_percent, today
from readiness.core.models import Commune, Criterion, CriterionKind
from readiness.core.settings import get_settings
from readiness.core.text import printable
from readiness.intake.excel import layout
from readiness.reading import status as readers


class UnknownCommune(ValueError):
    """The commune asked for is not one of the configured province's."""


_THIN = Side(style="thin", color="9AA5A0")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_INPUT = PatternFill("solid", fgColor="FFF2CC")
_HEADER = PatternFill("solid", fgColor="1A7F5A")
_UNUSED = PatternFill("solid", fgColor="E3E6E4")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_UNLOCKED = Protection(locked=False)

_CHECKLIST_WIDTHS = {"A": 10, "B": 18, "C": 46, "D": 22, "E": 13, "F": 12, "G": 30, "H": 22}
_CHECKLIST_INSTRUCTION = (
    "Hướng dẫn: chỉ nhập vào các ô màu vàng. Tiêu chí Có/Không: chọn trong danh sách. Tiêu chí tỷ lệ: ghi số "
    "đạt ở cột 'Giá trị' và tổng số ở cột 'Trên tổng số' (hoặc ghi tỷ lệ, ví dụ 95%). Số thập phân dùng dấu "
    "phẩy (1.234,5). Ngày báo cáo dạng dd/mm/yyyy. Không đổi mã tiêu chí, không thêm hay xóa dòng tiêu chí."
)
_PROVINCE_INSTRUCTION = (
    "Hướng dẫn: mỗi xã/phường một dòng, chỉ nhập vào các ô màu vàng. Tiêu chí Có/Không: chọn Có hoặc Không. "
    "Tiêu chí tỷ lệ có hai cột: số đạt và tổng số (hoặc ghi tỷ lệ ở cột số đạt, ví dụ 95%). Dòng để trống hoàn "
    "toàn = xã/phường đó chưa báo cáo trong bảng này. Ngày báo cáo dạng dd/mm/yyyy."
)


def commune_checklist(session: Session, commune_code: str, prefill: bool = True) -> bytes:
    """The checklist of one commune as .xlsx bytes, pre-filled with its latest values unless told not to."""
    code = registry.commune_code(commune_code)
    commune = session.get(Commune, code)
    province = get_settings().province
    if commune is None or (province != registry.NATIONAL and commune.province_code != province):
        raise UnknownCommune(f"commune {code} is not one of {registry.province_name(province)}'s communes")
    catalog = criteria(session)
    latest = latest_report(session, commune) if prefill else None

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = layout.CHECKLIST_SHEET
    for column, width in _CHECKLIST_WIDTHS.items():
        sheet.column_dimensions[column].width = width
    last_column = len(_CHECKLIST_WIDTHS)
    title(sheet, "PHIẾU TỰ ĐÁNH GIÁ MỨC ĐỘ SẴN SÀNG CỦA XÃ, PHƯỜNG THEO NGHỊ QUYẾT 57-NQ/TW", last_column)
    instruction(sheet, 2, _CHECKLIST_INSTRUCTION, last_column)
    if latest is not None:
        since = format_date(latest.reporting_date, "vi")
        note = f"Đã điền sẵn số liệu báo cáo ngày {since}: sửa những gì đã thay đổi và ghi ngày báo cáo mới."
        sheet.cell(3, 1, note).font = Font(italic=True, color="1A7F5A")
    reporter = tuple(map(printable, latest.reporter)) if latest is not None else ("", "")
    header = [
        (layout.PROVINCE_LABEL, registry.province_name(commune.province_code), False),
        (layout.COMMUNE_NAME_LABEL, commune.name, False),
        (layout.COMMUNE_CODE_LABEL, commune.code, False),
        (layout.REPORTING_DATE_LABEL, None, True),
        (layout.REPORTER_NAME_LABEL, reporter[0], True),
        (layout.REPORTER_PHONE_LABEL, reporter[1], True),
    ]
    for row, (label, value, is_input) in enumerate(header, start=4):
        _labelled(sheet, row, label, value, is_input, value_columns=(3, 4))
    _date_input(sheet, "C7")

    header_row = layout.HEADER_ROW
    columns = [
        layout.CODE_COLUMN,
        layout.GROUP_COLUMN,
        layout.NAME_COLUMN,
        layout.REQUIREMENT_COLUMN,
        layout.VALUE_COLUMN,
        layout.OUT_OF_COLUMN,
        layout.EVIDENCE_COLUMN,
        layout.NOTE_COLUMN,
    ]
    for column, label in enumerate(columns, start=1):
        header_cell(sheet, header_row, column, label)
    sheet.row_dimensions[header_row].height = 30

    validations = _Validations(sheet)
    for row, criterion in enumerate(catalog, start=header_row + 1):
        for column, text in enumerate(
            (criterion.code, criterion.group_vi, criterion.name_vi, requirement(criterion)), start=1
        ):
            cell = sheet.cell(row, column, text)
            cell.alignment = _WRAP
            cell.border = _BORDER
        value_cell = sheet.cell(row, 5)
        out_of_cell = sheet.cell(row, 6)
        for cell in (value_cell, sheet.cell(row, 7), sheet.cell(row, 8)):
            input_cell(cell)
        validations.add(criterion, value_cell.coordinate)
        if criterion.kind == CriterionKind.RATIO:
            input_cell(out_of_cell)
            validations.out_of.add(out_of_cell.coordinate)
        else:
            out_of_cell.fill = _UNUSED
            out_of_cell.border = _BORDER
        if latest is not None:
            _prefill(latest.results, criterion, value_cell, out_of_cell, sheet.cell(row, 7), sheet.cell(row, 8))
        sheet.row_dimensions[row].height = _fitting_height(sheet, row)
    last_row = header_row + len(catalog)
    _protect_and_print(sheet, f"{header_row}:{header_row}", f"A1:H{last_row}")
    return save(workbook)


def province_workbook(session: Session, province: str) -> bytes:
    """The province workbook: one row per commune of `province` ("01", or NATIONAL), one column per criterion
    and a second "tổng số" column for each ratio criterion."""
    catalog = criteria(session)
    communes = readers.communes(session, province)

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = layout.PROVINCE_SHEET
    columns: list[tuple[Criterion, bool]] = [
        (c, is_out_of) for c in catalog for is_out_of in ((False, True) if c.kind == CriterionKind.RATIO else (False,))
    ]
    last_column = 2 + len(columns)
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 28
    for index in range(3, last_column + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 11
    title(sheet, "BẢNG TỔNG HỢP MỨC ĐỘ SẴN SÀNG CỦA CÁC XÃ, PHƯỜNG THEO NGHỊ QUYẾT 57-NQ/TW", last_column)
    instruction(sheet, 2, _PROVINCE_INSTRUCTION, last_column)
    header = [
        (layout.PROVINCE_LABEL, registry.province_name(province), False),
        (layout.REPORTING_DATE_LABEL, None, True),
        (layout.REPORTER_NAME_LABEL, "", True),
        (layout.REPORTER_PHONE_LABEL, "", True),
    ]
    for row, (label, value, is_input) in enumerate(header, start=4):
        _labelled(sheet, row, label, value, is_input, value_columns=(3, 6))
    _date_input(sheet, "C5")

    header_row = layout.HEADER_ROW
    names_row, requirement_row = header_row - 2, header_row - 1
    header_cell(sheet, header_row, 1, layout.COMMUNE_CODE_LABEL)
    header_cell(sheet, header_row, 2, layout.COMMUNE_NAME_LABEL)
    for row in (names_row, requirement_row):
        sheet.cell(row, 1).border = sheet.cell(row, 2).border = _BORDER
    sheet.cell(names_row, 2, "Tiêu chí →").alignment = Alignment(horizontal="right", vertical="top")
    sheet.cell(requirement_row, 2, "Yêu cầu →").alignment = Alignment(horizontal="right", vertical="top")
    for index, (criterion, is_out_of) in enumerate(columns, start=3):
        label = f"{criterion.code} {layout.OUT_OF_SUFFIX}" if is_out_of else criterion.code
        header_cell(sheet, header_row, index, label)
        if is_out_of:
            continue
        span = 2 if criterion.kind == CriterionKind.RATIO else 1
        for row, text in ((names_row, criterion.name_vi), (requirement_row, requirement(criterion))):
            cell = sheet.cell(row, index, text)
            cell.alignment = _WRAP
            for offset in range(span):
                sheet.cell(row, index + offset).border = _BORDER
            if span > 1:
                sheet.merge_cells(start_row=row, start_column=index, end_row=row, end_column=index + 1)
    sheet.row_dimensions[names_row].height = 110
    sheet.row_dimensions[requirement_row].height = 60
    sheet.row_dimensions[header_row].height = 30

    first_row = header_row + 1
    last_row = header_row + max(len(communes), 1)
    for row, commune in enumerate(communes.itertuples(), start=first_row):
        for column, text in ((1, commune.code), (2, commune.name)):
            sheet.cell(row, column, text).border = _BORDER
        for column in range(3, last_column + 1):
            input_cell(sheet.cell(row, column))
    validations = _Validations(sheet)
    for index, (criterion, is_out_of) in enumerate(columns, start=3):
        letter = get_column_letter(index)
        area = f"{letter}{first_row}:{letter}{last_row}"
        if is_out_of:
            validations.out_of.add(area)
        else:
            validations.add(criterion, area)
    sheet.freeze_panes = sheet.cell(first_row, 3)
    sheet.print_title_cols = "A:B"
    _protect_and_print(sheet, f"{names_row}:{header_row}", f"A1:{get_column_letter(last_column)}{last_row}")
    return save(workbook)


def requirement(criterion: Criterion) -> str:
    """What a criterion asks, as shown in the templates: "Có", "≥ 100 Mbps", "≥ 80% hồ sơ", and the deadline."""
    if criterion.kind == CriterionKind.YES_NO:
        asked = layout.YES
    elif criterion.kind == CriterionKind.NUMBER:
        asked = f"≥ {format_number(criterion.target, 'vi')} {criterion.unit_vi}"
    else:
        share = format_percent(criterion.target, "vi")
        asked = f"{share} {criterion.unit_vi}" if criterion.target >= 1 else f"≥ {share} {criterion.unit_vi}"
    return f"{asked}\nHạn: {format_date(criterion.deadline, 'vi')}"


class LatestReport(NamedTuple):
    reporting_date: date
    reporter: tuple[str, str]
    results: pd.DataFrame  # indexed by criterion code


def latest_report(session: Session, commune: Commune) -> LatestReport | None:
    """The commune's newest submission as of today, as the status query sees it."""
    frame = readers.status(session, today(), commune.province_code)
    frame = frame[(frame["commune_code"] == commune.code) & frame["submission_id"].notna()]
    if frame.empty:
        return None
    history = readers.commune_history(session, commune.code)
    newest = history[history["id"] == frame["submission_id"].iloc[0]].iloc[0]
    return LatestReport(
        frame["reporting_date"].iloc[0],
        (newest["reporter_name"], newest["reporter_phone"]),
        frame.set_index("criterion_code"),
    )


def _prefill(results: pd.DataFrame, criterion: Criterion, value_cell, out_of_cell, evidence_cell, note_cell) -> None:
    if criterion.code not in results.index:
        return
    row = results.loc[criterion.code]
    value, out_of = row["value"], row["out_of"]
    if pd.notna(value):
        if criterion.kind == CriterionKind.YES_NO:
            value_cell.value = layout.YES if value >= 1 else layout.NO
        else:
            value_cell.value = float(value)
            if criterion.kind == CriterionKind.RATIO and pd.isna(out_of):
                value_cell.number_format = "0%"
    if criterion.kind == CriterionKind.RATIO and pd.notna(out_of):
        out_of_cell.value = float(out_of)
    # Text stored before imports refused control characters would make openpyxl raise: leave them out.
    evidence_cell.value = printable(row["evidence"]) or None
    note_cell.value = printable(row["note"]) or None


class _Validations:
    """One data validation per kind of cell, each applied to many cells."""

    def __init__(self, sheet: Worksheet) -> None:
        self.yes_no = self._new(
            sheet,
            type="list",
            formula1=f'"{layout.YES},{layout.NO}"',
            error=f"Chọn {layout.YES} hoặc {layout.NO} trong danh sách.",
        )
        self.number = self._new(
            sheet, type="decimal", operator="greaterThanOrEqual", formula1="0", error="Nhập một số từ 0 trở lên."
        )
        self.ratio = self._new(
            sheet,
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            error="Nhập số đạt (từ 0 trở lên) hoặc tỷ lệ, ví dụ 95%.",
        )
        self.out_of = self._new(
            sheet, type="whole", operator="greaterThanOrEqual", formula1="1", error="Nhập tổng số (số nguyên từ 1)."
        )

    @staticmethod
    def _new(sheet: Worksheet, error: str, **rule: str) -> DataValidation:
        validation = DataValidation(**rule, allow_blank=True, showErrorMessage=True, errorTitle="Giá trị không hợp lệ")
        validation.error = error
        sheet.add_data_validation(validation)
        return validation

    def add(self, criterion: Criterion, area: str) -> None:
        {
            CriterionKind.YES_NO: self.yes_no,
            CriterionKind.NUMBER: self.number,
            CriterionKind.RATIO: self.ratio,
        }[criterion.kind].add(area)


def _fitting_height(sheet: Worksheet, row: int) -> float:
    """A height that shows every wrapped line: Excel does not grow rows written by a program on its own."""
    lines = 1
    for cell in sheet[row]:
        width = sheet.column_dimensions[cell.column_letter].width
        if isinstance(cell.value, str) and width:
            # About 1.15 characters of this font per unit of column width is what a line holds, conservatively.
            lines = max(lines, sum(math.ceil(len(part) * 1.15 / width) or 1 for part in cell.value.split("\n")))
    return 15.0 * lines + 3


def title(sheet: Worksheet, text: str, last_column: int) -> None:
    """The sheet's bold title on row 1, merged over its columns (every workbook the app writes)."""
    sheet.cell(1, 1, text).font = Font(bold=True, size=14, color="1A7F5A")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_column)
    sheet.row_dimensions[1].height = 24


def instruction(sheet: Worksheet, row: int, text: str, last_column: int) -> None:
    """A wrapped italic instruction merged over the sheet's columns."""
    cell = sheet.cell(row, 1, text)
    cell.font = Font(italic=True, size=10)
    cell.alignment = _WRAP
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
    sheet.row_dimensions[row].height = 44


def _labelled(
    sheet: Worksheet, row: int, label: str, value: object, is_input: bool, value_columns: tuple[int, int]
) -> None:
    """A label over columns A:B and its value cell, merged over `value_columns`."""
    sheet.cell(row, 1, f"{label}:").font = Font(bold=True)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    first, last = value_columns
    cell = sheet.cell(row, first, value if value not in ("", None) else None)
    sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    for column in range(first, last + 1):
        sheet.cell(row, column).border = _BORDER
    if is_input:
        input_cell(cell)
    else:
        cell.font = Font(bold=True)
    if label == layout.COMMUNE_CODE_LABEL:
        cell.number_format = "@"  # text: Excel would drop the leading zeros of "00070"


def _date_input(sheet: Worksheet, coordinate: str) -> None:
    start = get_settings().start_date
    sheet[coordinate].number_format = "dd/mm/yyyy"
    sheet[coordinate].alignment = Alignment(horizontal="left")
    validation = DataValidation(
        type="date",
        operator="greaterThanOrEqual",
        formula1=f"DATE({start.year},{start.month},{start.day})",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Ngày không hợp lệ",
        error=f"Ghi ngày báo cáo dạng dd/mm/yyyy, từ {format_date(start, 'vi')} đến hôm nay.",
    )
    sheet.add_data_validation(validation)
    validation.add(coordinate)


def header_cell(sheet: Worksheet, row: int, column: int, text: str) -> None:
    """A header label, white on the header colour, by which the readers find the column again."""
    cell = sheet.cell(row, column, text)
    cell.font = Font(bold=True, color="FFFFFF")
    cell.fill = _HEADER
    cell.alignment = _CENTER
    cell.border = _BORDER


def input_cell(cell: Cell) -> None:
    """A cell the sender fills in: tinted, unlocked under sheet protection."""
    cell.fill = _INPUT
    cell.protection = _UNLOCKED
    cell.border = _BORDER
    cell.alignment = Alignment(vertical="top", wrap_text=True)


def _protect_and_print(sheet: Worksheet, title_rows: str, area: str) -> None:
    # No password: protection prevents slips, and a person who must change the layout can lift it.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.print_area = area
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.oddFooter.center.text = "Trang &P / &N"


def save(workbook: Workbook) -> bytes:
    """The workbook's .xlsx bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
