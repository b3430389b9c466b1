"""Table reading: a received workbook, once its container is known safe (container.py), parsed with
python-calamine; the one data table found by its labels, its header block and its rows, each value parsed by
values.py and checked against the catalog and the registry, every problem placed at its sheet and cell.

Nothing here touches the database: `read` turns bytes into a `Reading` (what the file says, or every problem).
"""

import io
import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from readiness.core import registry
from readiness.core.models import Criterion, ResultBase
from readiness.intake.excel import layout
from readiness.intake.excel.container import UNREADABLE, Formulas, Limits, check_container
from readiness.intake.excel.layout import Kind
from readiness.intake.excel.problem import MAX_PROBLEMS, Problem, file_problem
from readiness.intake.excel.values import (
    NO_VALUES,
    Parsed,
    Refused,
    cell_text,
    parse_reporting_date,
    parse_value,
    reporter_text,
    safe_text,
    shown,
)


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
    problems: list[Problem] = field(default_factory=list)  # the first MAX_PROBLEMS found
    problem_count: int = 0  # all of them

    def __post_init__(self) -> None:
        self.problem_count = max(self.problem_count, len(self.problems))


def read(filename: str, data: bytes, context: Context) -> Reading:
    """Everything a file says, or every problem found in it."""
    problems, formulas = check_container(filename, data, context.limits)
    if problems:
        return Reading(problems=problems)
    try:
        found = _locate(data, formulas)
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
    reading.problems, reading.problem_count = grid.problems, grid.problem_count
    return reading


_NO_TABLE = (
    f"Không tìm thấy bảng số liệu: không trang tính nào có dòng tiêu đề với các ô '{layout.CODE_COLUMN}' "
    f"và '{layout.VALUE_COLUMN}' (phiếu của xã/phường) hoặc ô '{layout.COMMUNE_CODE_LABEL}' cùng các mã "
    "tiêu chí (bảng tổng hợp của tỉnh). Hãy dùng phiếu mẫu tải từ hệ thống. Kế hoạch và báo cáo tiến độ nhiệm "
    "vụ được nộp ở trang Nhiệm vụ.",
    f"No data table found: no sheet has a header row with '{layout.CODE_COLUMN}' and "
    f"'{layout.VALUE_COLUMN}' cells (commune checklist) or a '{layout.COMMUNE_CODE_LABEL}' cell with "
    "criterion codes (province workbook). Use the template downloaded from the app. Task plans and progress "
    "workbooks are sent on the Nhiệm vụ (Tasks) page.",
)


def _locate(data: bytes, formulas: Formulas) -> tuple[str, "Grid", Kind, int] | list[Problem] | None:
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
    return name, Grid(name, rows, formulas.get(name, frozenset()), merged), kind, header_row


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


# ---------------------------------------------------------------------------------------------- the sheet


def cell_name(row: int, column: int) -> str:
    """ "D14" for the 0-based row 13, column 3."""
    return f"{get_column_letter(column + 1)}{row + 1}"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Grid:
    """A sheet's values with the problems found while reading them."""

    def __init__(
        self,
        name: str,
        rows: list[list[Any]],
        formulas: frozenset[tuple[int, int]],
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
        self.problem_count = 0

    def problem(self, row: int, column: int, vi: str, en: str) -> None:
        # Past the first MAX_PROBLEMS only counted: a file wrong in every cell would otherwise store megabytes.
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
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
        value, refused = safe_text(value)
        if refused:
            self.problem(row, column, refused.vi, refused.en)
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


def _read_header_block(grid: Grid, header_row: int, kind: Kind, context: Context, reading: Reading) -> None:
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
            # The value: the first filled cell right of the label, or the first one that could be filled
            # (past the row's end when the label is merged beyond the table).
            first_free = next(i for i in itertools.count(c + 1) if (r, i) not in grid.covered)
            filled = (i for i in range(first_free, len(row)) if (r, i) not in grid.covered and not _blank(row[i]))
            found[label] = (r, next(filled, first_free))

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
        else:
            text, refused = reporter_text(value)
            if refused:
                grid.problem(r, c, refused.vi, refused.en)
            if label == layout.REPORTER_NAME_LABEL:
                reading.reporter_name = text
            else:
                reading.reporter_phone = text


def _reporting_date(grid: Grid, r: int, c: int, value: Any, context: Context) -> date | None:
    day = parse_reporting_date(value, context.start_date, context.today)
    if isinstance(day, Refused):
        grid.problem(r, c, day.vi, day.en)
        return None
    return day


def _commune(grid: Grid, r: int, c: int, value: Any, context: Context) -> str | None:
    if value is None:
        grid.problem(
            r,
            c,
            "Chưa ghi mã xã/phường (5 chữ số, ví dụ 00070).",
            "The commune code is missing (5 digits, for example 00070).",
        )
        return None
    try:
        code = registry.commune_code(cell_text(value))
    except registry.UnknownCode:
        code = None
    if code in context.communes:
        return code
    where = _national_communes().get(code) if code else None
    if where is None:
        grid.problem(
            r,
            c,
            f"Mã xã/phường '{shown(value)}' không có trong danh mục đơn vị hành chính. Ghi đúng mã 5 chữ số "
            "(ví dụ 00070) như trong phiếu mẫu.",
            f"Commune code '{shown(value)}' is not in the official registry. Write the 5-digit code (for example "
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


def header_columns(grid: Grid, header_row: int, labels: list[str]) -> dict[str, int]:
    """The column of each of `labels` found in the header row (by label, any case or accents); a label found twice
    is a problem of the second cell."""
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


def _read_checklist_table(grid: Grid, header_row: int, context: Context, reading: Reading) -> None:
    labels = [
        layout.CODE_COLUMN,
        layout.VALUE_COLUMN,
        layout.OUT_OF_COLUMN,
        layout.EVIDENCE_COLUMN,
        layout.NOTE_COLUMN,
    ]
    columns = header_columns(grid, header_row, labels)
    code_column = columns[layout.CODE_COLUMN]
    seen: dict[str, int] = {}
    results: list[ResultBase] = []
    for r in range(header_row + 1, len(grid.rows)):
        raw = grid.get(r, code_column)
        header = layout.criterion_header(cell_text(raw)) if raw is not None else None
        if header is None:
            continue  # blank lines and notes under the table
        code = header[0]
        if code not in context.criteria:
            grid.problem(
                r,
                code_column,
                f"Mã tiêu chí '{shown(raw)}' không có trong danh mục ({_code_range(context)}). Sửa lại mã hoặc "
                "xóa dòng này.",
                f"Criterion code '{shown(raw)}' is not in the catalog ({_code_range(context)}). Correct the "
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
                    evidence=cell_text(cells[layout.EVIDENCE_COLUMN]),
                    note=cell_text(cells[layout.NOTE_COLUMN]),
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
            NO_VALUES.vi,
            NO_VALUES.en,
        )
    if reading.reports:
        reading.reports[0].results = sorted(results, key=lambda r: context.criteria[r.criterion_code].position)


def _read_province_table(grid: Grid, header_row: int, context: Context, reading: Reading) -> None:
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
                f"Cột '{shown(value)}': mã tiêu chí {code} không có trong danh mục ({_code_range(context)}). "
                "Sửa lại mã hoặc xóa cột này.",
                f"Column '{shown(value)}': criterion code {code} is not in the catalog ({_code_range(context)}). "
                "Correct the code or delete the column.",
            )
        elif code in columns:
            grid.problem(
                header_row,
                c,
                f"Cột '{shown(value)}' xuất hiện hai lần (cột {get_column_letter(columns[code] + 1)} và "
                f"{get_column_letter(c + 1)}). Xóa cột thừa.",
                f"Column '{shown(value)}' appears twice (columns {get_column_letter(columns[code] + 1)} and "
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


def _value(
    grid: Grid,
    criterion: Criterion,
    value: Any,
    out_of: Any,
    value_cell: tuple[int, int],
    out_of_cell: tuple[int, int],
) -> Parsed | None:
    """(value, out_of) as stored for one criterion, or None after recording its problems at their cells."""
    parsed = parse_value(criterion, value, out_of)
    if isinstance(parsed, list):
        for refused in parsed:
            grid.problem(*(out_of_cell if refused.in_out_of else value_cell), refused.vi, refused.en)
        return None
    return parsed
