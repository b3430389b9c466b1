"""Reading a received workbook: container checks before anything is parsed, then the values (python-calamine),
found by their labels, parsed the way people type them and validated against the catalog and the registry.

Nothing here touches the database: `read` turns bytes into a `Reading` (what the file says, or every problem).
"""

import io
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from readiness import registry
from readiness.excel import layout
from readiness.excel.container import UNREADABLE, Limits, check_container
from readiness.excel.layout import Kind
from readiness.excel.problem import Problem, file_problem
from readiness.i18n import format_date, format_number
from readiness.models import Criterion, CriterionKind, ResultBase
from readiness.text import fold, nfc, sanitize


@dataclass(frozen=True)
class Context:
    """What a file is checked against, read once per batch of files."""

    criteria: dict[str, Criterion]  # in catalog order
    communes: dict[str, str]  # code -> name, the communes in scope
    province_name: str
    today: date
    start_date: date
    limit_mb: int

    @property
    def limits(self) -> Limits:
        return Limits(
            self.limit_mb,
            layout.max_rows(len(self.criteria), len(self.communes)),
            layout.max_columns(len(self.criteria)),
        )


@dataclass
class Report:
    """One commune's values as read: `cell` is where its code stands (for messages about the commune)."""

    commune_code: str
    cell: str
    results: list[ResultBase]


@dataclass
class Reading:
    kind: Kind | None = None
    sheet: str = ""
    reporting_date: date | None = None
    reporter_name: str = ""
    reporter_phone: str = ""
    reports: list[Report] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read(filename: str, data: bytes, context: Context) -> Reading:
    """Everything a file says, or every problem found in it."""
    problems, has_formulas = check_container(filename, data, context.limits)
    if problems:
        return Reading(problems=problems)
    try:
        found = _locate(data, has_formulas)
    except Exception as exc:  # whatever a parser raises on a broken or hostile file is a problem with the file
        return Reading(problems=[file_problem(*UNREADABLE, detail=str(exc) or type(exc).__name__)])
    if found is None:
        return Reading(problems=[file_problem(*_NO_TABLE)])
    if isinstance(found, list):
        return Reading(problems=found)
    name, grid, kind, header_row = found
    reading = Reading(kind=kind, sheet=name)
    grid.check_merged(header_row)
    _read_header_block(grid, header_row, kind, context, reading)
    if kind == Kind.CHECKLIST:
        _read_checklist_table(grid, header_row, context, reading)
    else:
        _read_province_table(grid, header_row, context, reading)
    reading.problems = grid.problems
    return reading


_NO_TABLE = (
    f"Không tìm thấy bảng số liệu: không trang tính nào có dòng tiêu đề với các ô '{layout.CODE_COLUMN}' "
    f"và '{layout.VALUE_COLUMN}' (phiếu của xã/phường) hoặc ô '{layout.COMMUNE_CODE_LABEL}' cùng các mã "
    "tiêu chí (bảng tổng hợp của tỉnh). Hãy dùng phiếu mẫu tải từ hệ thống.",
    f"No data table found: no sheet has a header row with '{layout.CODE_COLUMN}' and "
    f"'{layout.VALUE_COLUMN}' cells (commune checklist) or a '{layout.COMMUNE_CODE_LABEL}' cell with "
    "criterion codes (province workbook). Use the template downloaded from the app.",
)


def _locate(data: bytes, has_formulas: bool) -> tuple[str, "_Grid", Kind, int] | list[Problem] | None:
    """The one sheet holding a checklist or province table, with its values (sheets without one are ignored);
    problems when several sheets hold one, hidden or not: importing one and dropping the others would lose
    figures, and a hidden copy could take the place of the visible table."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    hidden = {sheet.name for sheet in workbook.sheets_metadata if sheet.visible != SheetVisibleEnum.Visible}
    tables = []
    for name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)
        found = _find_table(rows)
        if found is not None:
            tables.append((name, rows, sheet.merged_cell_ranges or [], *found))
    if len(tables) > 1:
        return _several_tables([(name, header_row) for name, _, _, _, header_row in tables], hidden)
    if not tables:
        return None
    name, rows, merged, kind, header_row = tables[0]
    formulas = _uncached_formulas(data, name) if has_formulas else set()
    return name, _Grid(name, rows, formulas, merged), kind, header_row


def _several_tables(tables: list[tuple[str, int]], hidden: set[str]) -> list[Problem]:
    listed_vi = ", ".join(f"'{name}'" + (" (đang ẩn)" if name in hidden else "") for name, _ in tables)
    listed_en = ", ".join(f"'{name}'" + (" (hidden)" if name in hidden else "") for name, _ in tables)
    return [
        Problem(
            name,
            cell_name(header_row, 0),
            f"Sổ làm việc có {len(tables)} bảng số liệu, ở các trang tính {listed_vi}; hệ thống không đoán bảng nào "
            "cần nhập. Mỗi tệp chỉ giữ một bảng: xóa các trang tính còn lại (kể cả trang đang ẩn: chuột phải vào "
            "tên trang → Bỏ ẩn), hoặc gửi mỗi phiếu thành một tệp riêng.",
            f"The workbook has {len(tables)} data tables, on sheets {listed_en}; which one to import is not "
            "guessed. Keep one table per file: delete the other sheets (hidden ones too: right-click a sheet tab → "
            "Unhide), or send each checklist as a file of its own.",
        )
        for name, header_row in tables
    ]


# ---------------------------------------------------------------------------------------------- the values


def _uncached_formulas(data: bytes, sheet_name: str) -> set[tuple[int, int]]:
    """Cells (0-based) of one sheet that hold a formula: python-calamine shows their saved value, and an
    empty one when the file was written by a program that saves formulas without computing them."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        return {
            (cell.row - 1, cell.column - 1)
            for row in workbook[sheet_name].iter_rows()
            for cell in row
            if cell.data_type == "f"
        }
    finally:
        workbook.close()


# ---------------------------------------------------------------------------------------------- the sheet


def cell_name(row: int, column: int) -> str:
    """ "D14" for the 0-based row 13, column 3."""
    return f"{get_column_letter(column + 1)}{row + 1}"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Grid:
    """A sheet's values with the problems found while reading them."""

    def __init__(
        self,
        name: str,
        rows: list[list[Any]],
        formulas: set[tuple[int, int]],
        merged: list[tuple[tuple[int, int], tuple[int, int]]],
    ) -> None:
        self.name = name
        self.rows = rows
        self.formulas = formulas
        self.merged = merged
        # Cells hidden under a merged area (all but its top-left cell) can hold no value.
        self.covered = {
            (r, c)
            for (top, left), (bottom, right) in merged
            for r in range(top, bottom + 1)
            for c in range(left, right + 1)
            if (r, c) != (top, left)
        }
        self.problems: list[Problem] = []

    def problem(self, row: int, column: int, vi: str, en: str) -> None:
        self.problems.append(Problem(self.name, cell_name(row, column), vi, en))

    def get(self, row: int, column: int) -> Any:
        """The value of a cell that is read; a formula without a saved value is a problem, not a blank."""
        line = self.rows[row] if row < len(self.rows) else []
        value = line[column] if column < len(line) else None
        if (row, column) in self.formulas and _blank(value):
            self.problem(
                row,
                column,
                "Ô có công thức nhưng chưa có kết quả được lưu (tệp được tạo bằng chương trình không tính công "
                "thức). Mở tệp trong Excel rồi lưu lại, hoặc nhập thẳng giá trị thay cho công thức.",
                "The cell holds a formula without a saved result (the file was written by a program that does not "
                "compute formulas). Open and save the file in Excel, or type the value instead of the formula.",
            )
            return None
        if isinstance(value, str):
            value, refused = sanitize(value)
            if refused:
                self.problem(row, column, *_refused_characters(refused))
        return None if _blank(value) else value

    def check_merged(self, header_row: int) -> None:
        """Merged cells on or below the table's header row hide which row or column a value belongs to."""
        for (top, left), (bottom, right) in self.merged:
            if bottom < header_row:
                continue
            area = f"{cell_name(top, left)}:{cell_name(bottom, right)}"
            self.problem(
                top,
                left,
                f"Các ô {area} đang được gộp (merge) trong bảng số liệu. Bỏ gộp ô (Trang đầu → Gộp và Căn giữa → "
                "Bỏ gộp ô), ghi mỗi giá trị vào ô riêng của nó.",
                f"Cells {area} are merged inside the data table. Unmerge them (Home → Merge & Center → Unmerge "
                "Cells) and write each value in its own cell.",
            )


def _refused_characters(codes: list[str]) -> tuple[str, str]:
    """The message for a text with characters no one types (see readiness.text.sanitize)."""
    found = ", ".join(codes)
    return (
        f"Ô có ký tự điều khiển hoặc ký tự đảo chiều văn bản không nhìn thấy được ({found}), thường do dán từ trang "
        "web hay phần mềm khác; chúng làm hỏng báo cáo xuất ra hoặc làm chữ hiển thị sai. Xóa nội dung ô rồi gõ lại.",
        f"The cell holds invisible control or text-direction characters ({found}), usually pasted from a web page "
        "or another program; they break exported reports or make text display other than it reads. Clear the "
        "cell and type its content again.",
    )


def _find_table(rows: list[list[Any]]) -> tuple[Kind, int] | None:
    for index, row in enumerate(rows):
        texts = [value for value in row if isinstance(value, str) and value.strip()]
        if any(layout.matches(text, layout.CODE_COLUMN) for text in texts) and any(
            layout.matches(text, layout.VALUE_COLUMN) for text in texts
        ):
            return Kind.CHECKLIST, index
        if any(layout.matches(text, layout.COMMUNE_CODE_LABEL) for text in texts) and any(
            layout.criterion_header(text) for text in texts
        ):
            return Kind.PROVINCE, index
    return None


def _read_header_block(grid: _Grid, header_row: int, kind: Kind, context: Context, reading: Reading) -> None:
    """The labelled values above the table; each value stands in the first filled cell right of its label."""
    wanted = [layout.REPORTING_DATE_LABEL, layout.REPORTER_NAME_LABEL, layout.REPORTER_PHONE_LABEL]
    if kind == Kind.CHECKLIST:
        wanted.append(layout.COMMUNE_CODE_LABEL)
    found: dict[str, tuple[int, int]] = {}
    for r in range(header_row):
        row = grid.rows[r]
        for c, value in enumerate(row):
            if not isinstance(value, str):
                continue
            label = next((w for w in wanted if w not in found and layout.matches(value, w)), None)
            if label is None:
                continue
            # The value: the first filled cell right of the label, or the first one that could be filled.
            free = [i for i in range(c + 1, len(row) + 1) if (r, i) not in grid.covered]
            found[label] = (r, next((i for i in free if i < len(row) and not _blank(row[i])), free[0]))

    for label in wanted:
        if label not in found:
            if label in (layout.REPORTING_DATE_LABEL, layout.COMMUNE_CODE_LABEL):
                grid.problem(
                    header_row,
                    0,
                    f"Không tìm thấy ô '{label}' ở phần đầu, phía trên bảng. Hãy dùng phiếu mẫu tải từ hệ thống.",
                    f"No '{label}' label found above the table. Use the template downloaded from the app.",
                )
            continue
        r, c = found[label]
        value = grid.get(r, c)
        if label == layout.REPORTING_DATE_LABEL:
            reading.reporting_date = _reporting_date(grid, r, c, value, context)
        elif label == layout.COMMUNE_CODE_LABEL:
            code = _commune(grid, r, c, value, context)
            if code is not None:
                reading.reports.append(Report(code, cell_name(r, c), []))
        elif label == layout.REPORTER_NAME_LABEL:
            reading.reporter_name = _text(value)
        else:
            reading.reporter_phone = _text(value)


def _reporting_date(grid: _Grid, r: int, c: int, value: Any, context: Context) -> date | None:
    if value is None:
        grid.problem(
            r,
            c,
            "Chưa ghi ngày báo cáo. Ghi ngày dạng dd/mm/yyyy, ví dụ 15/11/2025.",
            "The reporting date is missing. Write it as dd/mm/yyyy, for example 15/11/2025.",
        )
        return None
    day = parse_date(value)
    if day is None:
        grid.problem(
            r,
            c,
            f"Ngày báo cáo '{_shown(value)}' không đọc được. Ghi ngày dạng dd/mm/yyyy, ví dụ 15/11/2025.",
            f"The reporting date '{_shown(value)}' cannot be read. Write it as dd/mm/yyyy, for example 15/11/2025.",
        )
        return None
    if day < context.start_date:
        start = format_date(context.start_date, "vi")
        grid.problem(
            r,
            c,
            f"Ngày báo cáo {format_date(day, 'vi')} trước ngày {start} (chính quyền hai cấp bắt đầu); "
            "ghi ngày của kỳ báo cáo này.",
            f"The reporting date {format_date(day, 'vi')} is before {start} (when the two-tier local government "
            "started); write the date of this report.",
        )
        return None
    if day > context.today:
        grid.problem(
            r,
            c,
            f"Ngày báo cáo {format_date(day, 'vi')} ở tương lai (hôm nay {format_date(context.today, 'vi')}); "
            "ghi ngày số liệu được tổng hợp.",
            f"The reporting date {format_date(day, 'vi')} is in the future (today is "
            f"{format_date(context.today, 'vi')}); write the date the figures were collected.",
        )
        return None
    return day


def _commune(grid: _Grid, r: int, c: int, value: Any, context: Context) -> str | None:
    if value is None:
        grid.problem(
            r,
            c,
            "Chưa ghi mã xã/phường (5 chữ số, ví dụ 00070).",
            "The commune code is missing (5 digits, for example 00070).",
        )
        return None
    try:
        code = registry.commune_code(_text(value))
    except registry.UnknownCode:
        code = None
    if code in context.communes:
        return code
    where = _national_communes().get(code) if code else None
    if where is None:
        grid.problem(
            r,
            c,
            f"Mã xã/phường '{_shown(value)}' không có trong danh mục đơn vị hành chính. Ghi đúng mã 5 chữ số "
            "(ví dụ 00070) như trong phiếu mẫu.",
            f"Commune code '{_shown(value)}' is not in the official registry. Write the 5-digit code (for example "
            "00070) as in the template.",
        )
        return None
    name, province = where
    grid.problem(
        r,
        c,
        f"Mã {code} là {name} thuộc {province}, không thuộc {context.province_name}; hệ thống này chỉ nhận số liệu "
        f"của {context.province_name}.",
        f"Code {code} is {name} in {province}, not in {context.province_name}; this system only takes figures "
        f"for {context.province_name}.",
    )
    return None


_national: dict[str, tuple[str, str]] = {}


def _national_communes() -> dict[str, tuple[str, str]]:
    """code -> (commune name, province name) for the whole country, built the first time a code is not in scope."""
    if not _national:
        provinces = {p.code: p.name for p in registry.provinces()}
        _national.update({c.code: (c.name, provinces[c.province_code]) for c in registry.communes(registry.NATIONAL)})
    return _national


def _columns(grid: _Grid, header_row: int, labels: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for c, value in enumerate(grid.rows[header_row]):
        if not isinstance(value, str):
            continue
        label = next((label for label in labels if layout.matches(value, label)), None)
        if label is None:
            continue
        if label in found:
            grid.problem(
                header_row,
                c,
                f"Cột '{label}' xuất hiện hai lần (cột {get_column_letter(found[label] + 1)} và "
                f"{get_column_letter(c + 1)}). Xóa cột thừa.",
                f"Column '{label}' appears twice (columns {get_column_letter(found[label] + 1)} and "
                f"{get_column_letter(c + 1)}). Delete the extra one.",
            )
            continue
        found[label] = c
    return found


def _read_checklist_table(grid: _Grid, header_row: int, context: Context, reading: Reading) -> None:
    labels = [
        layout.CODE_COLUMN,
        layout.VALUE_COLUMN,
        layout.OUT_OF_COLUMN,
        layout.EVIDENCE_COLUMN,
        layout.NOTE_COLUMN,
    ]
    columns = _columns(grid, header_row, labels)
    code_column = columns[layout.CODE_COLUMN]
    seen: dict[str, int] = {}
    results: list[ResultBase] = []
    for r in range(header_row + 1, len(grid.rows)):
        raw = grid.get(r, code_column)
        header = layout.criterion_header(_text(raw)) if raw is not None else None
        if header is None:
            continue  # blank lines and notes under the table
        code = header[0]
        if code not in context.criteria:
            grid.problem(
                r,
                code_column,
                f"Mã tiêu chí '{_shown(raw)}' không có trong danh mục ({_code_range(context)}). Sửa lại mã hoặc "
                "xóa dòng này.",
                f"Criterion code '{_shown(raw)}' is not in the catalog ({_code_range(context)}). Correct the "
                "code or delete this row.",
            )
            continue
        if code in seen:
            grid.problem(
                r,
                code_column,
                f"Tiêu chí {code} có hai dòng (dòng {seen[code] + 1} và {r + 1}). Xóa dòng thừa.",
                f"Criterion {code} has two rows (rows {seen[code] + 1} and {r + 1}). Delete the extra one.",
            )
            continue
        seen[code] = r
        cells = {label: (grid.get(r, columns[label]) if label in columns else None) for label in labels[1:]}
        value_cell = (r, columns[layout.VALUE_COLUMN])
        out_of_cell = (r, columns.get(layout.OUT_OF_COLUMN, value_cell[1]))
        value, out_of = cells[layout.VALUE_COLUMN], cells[layout.OUT_OF_COLUMN]
        parsed = _value(grid, context.criteria[code], value, out_of, value_cell, out_of_cell)
        if parsed is not None:
            results.append(
                ResultBase(
                    criterion_code=code,
                    value=parsed[0],
                    out_of=parsed[1],
                    evidence=_text(cells[layout.EVIDENCE_COLUMN]),
                    note=_text(cells[layout.NOTE_COLUMN]),
                )
            )
    for code, criterion in context.criteria.items():
        if code not in seen:
            grid.problem(
                header_row,
                code_column,
                f"Thiếu dòng của tiêu chí {code} ({criterion.name_vi}). Thêm lại dòng này hoặc tải phiếu mẫu mới.",
                f"The row of criterion {code} ({criterion.name_en}) is missing. Add it back or download a new "
                "template.",
            )
    if seen and len(results) == len(seen) and all(r.value is None for r in results):
        grid.problem(
            header_row,
            columns[layout.VALUE_COLUMN],
            "Phiếu chưa có giá trị nào ở cột 'Giá trị'. Điền số liệu rồi tải lên.",
            "The checklist has no value in the 'Giá trị' (value) column. Fill it in and upload it.",
        )
    if reading.reports:
        reading.reports[0].results = sorted(results, key=lambda r: context.criteria[r.criterion_code].position)


def _read_province_table(grid: _Grid, header_row: int, context: Context, reading: Reading) -> None:
    code_column = next(
        c
        for c, value in enumerate(grid.rows[header_row])
        if isinstance(value, str) and layout.matches(value, layout.COMMUNE_CODE_LABEL)
    )
    value_columns: dict[str, int] = {}
    out_of_columns: dict[str, int] = {}
    for c, value in enumerate(grid.rows[header_row]):
        header = layout.criterion_header(value) if isinstance(value, str) else None
        if header is None:
            continue
        code, is_out_of = header
        columns = out_of_columns if is_out_of else value_columns
        if code not in context.criteria:
            grid.problem(
                header_row,
                c,
                f"Cột '{_shown(value)}': mã tiêu chí {code} không có trong danh mục ({_code_range(context)}). "
                "Sửa lại mã hoặc xóa cột này.",
                f"Column '{_shown(value)}': criterion code {code} is not in the catalog ({_code_range(context)}). "
                "Correct the code or delete the column.",
            )
        elif code in columns:
            grid.problem(
                header_row,
                c,
                f"Cột '{_shown(value)}' xuất hiện hai lần (cột {get_column_letter(columns[code] + 1)} và "
                f"{get_column_letter(c + 1)}). Xóa cột thừa.",
                f"Column '{_shown(value)}' appears twice (columns {get_column_letter(columns[code] + 1)} and "
                f"{get_column_letter(c + 1)}). Delete the extra one.",
            )
        else:
            columns[code] = c
    for code, criterion in context.criteria.items():
        if code not in value_columns:
            grid.problem(
                header_row,
                code_column,
                f"Thiếu cột của tiêu chí {code} ({criterion.name_vi}). Thêm lại cột này hoặc tải bảng mẫu mới.",
                f"The column of criterion {code} ({criterion.name_en}) is missing. Add it back or download a new "
                "template.",
            )

    rows_of: dict[str, int] = {}
    filled_rows = 0
    for r in range(header_row + 1, len(grid.rows)):
        raw = grid.get(r, code_column)
        if raw is None:
            continue
        cells = {
            code: (grid.get(r, c), grid.get(r, out_of_columns[code]) if code in out_of_columns else None)
            for code, c in value_columns.items()
        }
        if all(value is None and out_of is None for value, out_of in cells.values()):
            continue  # a commune without figures in this workbook has not reported
        filled_rows += 1
        code = _commune(grid, r, code_column, raw, context)
        if code is None:
            continue
        if code in rows_of:
            grid.problem(
                r,
                code_column,
                f"Xã/phường {code} có hai dòng (dòng {rows_of[code] + 1} và {r + 1}). Giữ một dòng, xóa dòng kia.",
                f"Commune {code} has two rows (rows {rows_of[code] + 1} and {r + 1}). Keep one, delete the other.",
            )
            continue
        rows_of[code] = r
        results = []
        for criterion_code, (value, out_of) in cells.items():
            value_cell = (r, value_columns[criterion_code])
            out_of_cell = (r, out_of_columns.get(criterion_code, value_cell[1]))
            parsed = _value(grid, context.criteria[criterion_code], value, out_of, value_cell, out_of_cell)
            if parsed is not None:
                results.append(ResultBase(criterion_code=criterion_code, value=parsed[0], out_of=parsed[1]))
        results.sort(key=lambda result: context.criteria[result.criterion_code].position)
        reading.reports.append(Report(code, cell_name(r, code_column), results))
    if not filled_rows:
        grid.problem(
            header_row,
            code_column,
            "Bảng chưa có số liệu của xã/phường nào. Điền số liệu rồi tải lên.",
            "The table has figures for no commune. Fill it in and upload it.",
        )


def _code_range(context: Context) -> str:
    codes = list(context.criteria)
    return f"{codes[0]}–{codes[-1]}"


# ------------------------------------------------------------------------------------- what people type


# No criterion counts beyond this (people, Mbps, services): a larger value is a typing slip or an attack, and
# infinity would be stored as green.
MAX_VALUE = 1e9

_YES = {"co", "x", "yes", "y", "dat", "da dat", "da co", "true", "v", "✓", "✔"}
_NO = {"khong", "no", "n", "chua dat", "khong dat", "chua", "chua co", "false"}


def parse_yes_no(value: Any) -> float | None:
    """1 for "Có", "có", "x", "Yes", "Đạt"; 0 for "Không", "No", "Chưa đạt"; None when it cannot be told."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value) if value in (0, 1) else None
    folded = fold(str(value)).rstrip(".")
    if folded in _YES:
        return 1.0
    if folded in _NO:
        return 0.0
    return None


_NUMBER_TEXT = re.compile(r"[+-]?\d+(?:[.,]\d+)*")
_DOT_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+")


def parse_number(value: Any) -> tuple[float, bool] | None:
    """(number, typed as a percent) from a cell, or None (also for NaN). Text is read the Vietnamese way first:
    "1.234,5" and "1.234" are 1234.5 and 1234, "1,5" is 1.5; "1,234.5" is read as written; "95%" is (95, True).
    A number too large for a float (a 400-digit text, 1e309) is infinite: callers refuse it as absurd."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return (float(value), False) if not math.isnan(value) else None
    text = nfc(str(value)).replace(" ", "")
    percent = text.endswith("%")
    text = text.removesuffix("%")
    if not _NUMBER_TEXT.fullmatch(text):
        return None
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
    elif commas:
        decimal = "," if commas == 1 else ""
    elif dots:
        decimal = "" if dots > 1 or (not percent and _DOT_THOUSANDS.fullmatch(text)) else "."
    else:
        decimal = ""
    whole, _, fraction = text.rpartition(decimal) if decimal else (text, "", "")
    grouping = "," if decimal == "." or (not decimal and commas) else "."
    grouped = rf"[+-]?(\d+|\d{{1,3}}(\{grouping}\d{{3}})+)"
    if not re.fullmatch(grouped, whole) or (fraction and not fraction.isdigit()):
        return None
    return float(f"{whole.replace(grouping, '')}.{fraction or 0}"), percent


_DATE_TEXT = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def parse_date(value: Any) -> date | None:
    """A real date cell, or text dd/mm/yyyy (also with - or .), or yyyy-mm-dd."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = nfc(str(value))
    try:
        found = _DATE_TEXT.fullmatch(text)
        if found:
            day, month, year = (int(part) for part in found.groups())
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        return None


def _value(
    grid: _Grid,
    criterion: Criterion,
    value: Any,
    out_of: Any,
    value_cell: tuple[int, int],
    out_of_cell: tuple[int, int],
) -> tuple[float | None, float | None] | None:
    """(value, out_of) as stored for one criterion, or None after recording a problem. A blank value is
    (None, None): not reported, grey."""
    code = criterion.code
    if criterion.kind == CriterionKind.YES_NO:
        if value is None:
            return None, None
        answer = parse_yes_no(value)
        if answer is None:
            grid.problem(
                *value_cell,
                f"Tiêu chí {code}: '{_shown(value)}' không phải câu trả lời Có/Không. Chọn 'Có' hoặc 'Không' "
                "trong danh sách.",
                f"Criterion {code}: '{_shown(value)}' is not a yes/no answer. Choose 'Có' (yes) or 'Không' (no) "
                "from the list.",
            )
        return None if answer is None else (answer, None)

    number = None if value is None else _non_negative(grid, code, value, value_cell)
    if criterion.kind == CriterionKind.NUMBER:
        if number is None:
            return (None, None) if value is None else None
        amount, percent = number
        if percent:
            grid.problem(
                *value_cell,
                f"Tiêu chí {code}: '{_shown(value)}' là tỷ lệ phần trăm, nhưng tiêu chí này cần một số "
                f"({criterion.unit_vi}).",
                f"Criterion {code}: '{_shown(value)}' is a percentage, but this criterion needs a number "
                f"({criterion.unit_en}).",
            )
            return None
        return amount, None

    total = None if out_of is None else _non_negative(grid, code, out_of, out_of_cell)
    if out_of is not None and total is None:
        return None
    if total is not None and total[0] == 0:
        grid.problem(
            *out_of_cell,
            f"Tiêu chí {code}: tổng số bằng 0 nên không tính được tỷ lệ. Ghi tổng số {criterion.unit_vi} (lớn hơn 0).",
            f"Criterion {code}: the out-of number is 0, so no share can be computed. Write the total number of "
            f"{criterion.unit_en} (above 0).",
        )
        return None
    if number is None:
        return (None, total[0] if total else None) if value is None else None
    amount, percent = number
    share = amount / 100 if percent else (amount if amount < 1 or (amount == 1 and total is None) else None)
    if share is not None and share > 1:
        grid.problem(
            *value_cell,
            f"Tiêu chí {code}: tỷ lệ {_shown(value)} vượt quá 100%.",
            f"Criterion {code}: the share {_shown(value)} is above 100%.",
        )
        return None
    if total is None:
        if share is None:
            grid.problem(
                *value_cell,
                f"Tiêu chí {code}: có số {_shown(value)} nhưng thiếu tổng số, nên không biết là bao nhiêu phần "
                f"trăm. Ghi tổng số {criterion.unit_vi} vào cột '{layout.OUT_OF_COLUMN}', hoặc ghi tỷ lệ, ví dụ 95%.",
                f"Criterion {code}: {_shown(value)} is given without an out-of number, so the share is unknown. "
                f"Write the total number of {criterion.unit_en} in the '{layout.OUT_OF_COLUMN}' column, or a "
                "share such as 95%.",
            )
            return None
        return share, None
    count = share * total[0] if share is not None and (percent or amount % 1) else amount
    if count > total[0]:
        grid.problem(
            *value_cell,
            f"Tiêu chí {code}: số đạt {_shown(value)} lớn hơn tổng số {_shown(out_of)}. Kiểm tra lại hai số này.",
            f"Criterion {code}: the number met, {_shown(value)}, is above the out-of number {_shown(out_of)}. "
            "Check both numbers.",
        )
        return None
    return count, total[0]


def _non_negative(grid: _Grid, code: str, value: Any, cell: tuple[int, int]) -> tuple[float, bool] | None:
    number = parse_number(value)
    if number is not None and number[0] > MAX_VALUE:
        grid.problem(
            *cell,
            f"Tiêu chí {code}: '{_shown(value)}' lớn bất thường (quá {format_number(MAX_VALUE, 'vi')}). Kiểm tra "
            "lại số này.",
            f"Criterion {code}: '{_shown(value)}' is absurdly large (above {format_number(MAX_VALUE, 'en')}). "
            "Check this number.",
        )
        return None
    if number is None:
        grid.problem(
            *cell,
            f"Tiêu chí {code}: '{_shown(value)}' không phải là số. Ghi một số, ví dụ 100 hoặc 1.234,5.",
            f"Criterion {code}: '{_shown(value)}' is not a number. Write a number such as 100 or 1,234.5.",
        )
        return None
    if number[0] < 0:
        grid.problem(
            *cell,
            f"Tiêu chí {code}: số âm ({_shown(value)}) không hợp lệ. Ghi số từ 0 trở lên.",
            f"Criterion {code}: a negative number ({_shown(value)}) is not valid. Write 0 or more.",
        )
        return None
    return number


def _text(value: Any) -> str:
    """Cell content as stored text: NFC, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, date):
        return format_date(value, "vi")
    return nfc(str(value))


def _shown(value: Any) -> str:
    """A cell value as the person typed or sees it, for messages (cut short if long)."""
    if isinstance(value, float) and not abs(value) <= MAX_VALUE:
        return f"{value:g}"
    if isinstance(value, float):
        return format_number(value, "vi", 0 if value.is_integer() else 2)
    text = _text(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


_SHOWN_CHARS = 40
