"""The task register's workbooks as the app writes them: the plan (one row per task) and a unit's progress workbook
(its tasks pre-filled), with the header labels by which readiness.intake.task_reader finds their columns again.
"""

from typing import Any

from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlmodel import Session

from readiness.access.permissions import Actor, Permission, require
from readiness.core.enums import ReviewStatus, TaskLevel
from readiness.core.i18n import format_date, today
from readiness.core.settings import NATIONAL
from readiness.core.task_models import TaskCompletion, TaskProgress, Unit
from readiness.core.text import nfc
from readiness.intake import tasks
from readiness.intake.excel.template import header_cell, input_cell, instruction, save, title
from readiness.reading import tasks as register

PLAN = "task_plan"
PROGRESS = "task_progress"

PLAN_SHEET = "Kế hoạch"
PROGRESS_SHEET = "Tiến độ"
UNITS_SHEET = "Danh mục đơn vị"

CODE = "Mã nhiệm vụ"
CONTENT = "Nội dung nhiệm vụ"
SOURCE = "Văn bản giao"
LEVEL = "Cấp giao"
OBJECTIVE = "Mục tiêu"
LEAD = "Đơn vị chủ trì"
COORDINATING = "Đơn vị phối hợp"
DEADLINE = "Thời hạn"
KPI = "Chỉ tiêu"
TARGET = "Giá trị mục tiêu"
KPI_UNIT = "Đơn vị tính"
PLAN_COLUMNS = [CODE, CONTENT, SOURCE, LEVEL, OBJECTIVE, LEAD, COORDINATING, DEADLINE, KPI, TARGET, KPI_UNIT]

PERCENT = "Tiến độ (%)"
DONE_ON = "Ngày hoàn thành"
RESULT = "Kết quả"
DIFFICULTIES = "Khó khăn, vướng mắc"
KPI_VALUE = "Giá trị hiện tại của chỉ tiêu"
EVIDENCE = "Minh chứng"
PROGRESS_COLUMNS = [CODE, CONTENT, DEADLINE, PERCENT, DONE_ON, RESULT, DIFFICULTIES, KPI_VALUE, EVIDENCE]
PROGRESS_REQUIRED = [CODE, PERCENT, DONE_ON, RESULT, DIFFICULTIES]

CONTINUOUS = "Thường xuyên"


def plan_template(session: Session, province: str | None = None) -> bytes:
    """The empty plan workbook: the header row, a level list, and the units to pick from on a second sheet (those
    of `province` only, when given and not NATIONAL)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = PLAN_SHEET
    title(sheet, "KẾ HOẠCH THỰC HIỆN NGHỊ QUYẾT 57-NQ/TW: DANH MỤC NHIỆM VỤ", len(PLAN_COLUMNS))
    instruction(
        sheet,
        2,
        f"Mỗi dòng một nhiệm vụ. '{CODE}' không trùng nhau. '{LEVEL}': {TaskLevel.CENTRAL} hoặc {TaskLevel.PROVINCE}. "
        f"Đơn vị ghi bằng mã hoặc đúng tên (xem trang '{UNITS_SHEET}'); nhiều đơn vị phối hợp cách nhau bằng dấu ';'. "
        f"'{DEADLINE}': ngày dd/mm/yyyy hoặc '{CONTINUOUS}'.",
        len(PLAN_COLUMNS),
    )
    header = 4
    widths = [14, 48, 24, 12, 26, 22, 26, 14, 30, 12, 12]
    for column, (label, width) in enumerate(zip(PLAN_COLUMNS, widths, strict=True), start=1):
        header_cell(sheet, header, column, label)
        sheet.column_dimensions[sheet.cell(header, column).column_letter].width = width
    levels = DataValidation(
        type="list", formula1=f'"{TaskLevel.CENTRAL},{TaskLevel.PROVINCE}"', allow_blank=True, showErrorMessage=True
    )
    sheet.add_data_validation(levels)
    levels.add(f"D{header + 1}:D{header + 1000}")
    for row in range(header + 1, header + 21):
        for column in range(1, len(PLAN_COLUMNS) + 1):
            input_cell(sheet.cell(row, column))
    sheet.freeze_panes = sheet.cell(header + 1, 3)
    units = workbook.create_sheet(UNITS_SHEET)
    for column, (label, width) in enumerate((("Mã đơn vị", 12), ("Tên đơn vị", 60), ("Loại", 12)), start=1):
        header_cell(units, 1, column, label)
        units.column_dimensions[units.cell(1, column).column_letter].width = width
    listed = select(Unit).order_by(Unit.position, Unit.code)
    if province and province != NATIONAL:
        listed = listed.where(Unit.province_code == province)
    for row, unit in enumerate(session.scalars(listed), start=2):
        units.cell(row, 1, unit.code).number_format = "@"
        units.cell(row, 2, unit.name)
        units.cell(row, 3, "Sở, ban, ngành" if unit.kind == "department" else "Xã, phường")
    return save(workbook)


def progress_workbook(session: Session, actor: Actor, unit_code: str) -> bytes:
    """A unit's tasks pre-filled with their latest progress and completion, for the unit to update and send back."""
    require(actor, Permission.VIEW_TASKS)
    code = nfc(unit_code).upper()
    unit = session.get(Unit, f"{int(code):05d}" if code.isdigit() and len(code) <= 5 else code)
    if unit is None:
        raise tasks.TaskError(f"Không có đơn vị mã {unit_code!r}.", f"There is no unit with code {unit_code!r}.")
    tasks.require_unit_in_scope(session, actor, unit.code)
    frame = register.register(session, today(), unit=unit.code)
    latest = latest_reports(session, frame["task_id"].tolist())
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = PROGRESS_SHEET
    title(sheet, f"BÁO CÁO TIẾN ĐỘ NHIỆM VỤ: {unit.name.upper()}", len(PROGRESS_COLUMNS))
    instruction(
        sheet,
        2,
        f"Cập nhật '{PERCENT}' (0–100), '{RESULT}', '{DIFFICULTIES}'; khi nhiệm vụ đã xong ghi '{DONE_ON}' "
        f"(dd/mm/yyyy). '{EVIDENCE}': tên các tệp PDF, JPEG, PNG gửi kèm, cách nhau bằng dấu ';' (các tệp đặt cùng "
        "thư mục với tệp này, hoặc tải lên cùng lúc). Không sửa mã và nội dung nhiệm vụ. Dòng không thay đổi sẽ "
        "không được ghi lại.",
        len(PROGRESS_COLUMNS),
    )
    header = 4
    widths = [14, 56, 14, 12, 16, 40, 40, 16, 30]
    for column, (label, width) in enumerate(zip(PROGRESS_COLUMNS, widths, strict=True), start=1):
        header_cell(sheet, header, column, label)
        sheet.column_dimensions[sheet.cell(header, column).column_letter].width = width
    for row, task in enumerate(frame.itertuples(), start=header + 1):
        last = latest.get(task.task_id, {})
        sheet.cell(row, 1, task.code)
        sheet.cell(row, 2, task.content)
        sheet.cell(row, 3, format_date(task.deadline_as_of, "vi") if task.deadline_as_of else CONTINUOUS)
        values = [last.get("percent"), last.get("done_on"), last.get("result"), last.get("difficulties")]
        # The evidence column names the files sent this time: it starts empty (files stored before are kept).
        values += [last.get("kpi_value") if task.kpi_indicator else None, None]
        for column, value in enumerate(values, start=4):
            cell = sheet.cell(row, column, value if value not in ("", None) else None)
            input_cell(cell)
        sheet.cell(row, 5).number_format = "dd/mm/yyyy"
        if not task.kpi_indicator:
            sheet.cell(row, 8).fill = _NO_KPI
    sheet.freeze_panes = sheet.cell(header + 1, 3)
    return save(workbook)


_NO_KPI = PatternFill("solid", fgColor="E3E6E4")  # no KPI: nothing to write in its column


def latest_reports(session: Session, task_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per task: the newest progress report's values and the newest completion that is not returned."""
    found: dict[int, dict[str, Any]] = {}
    progress = session.execute(
        select(TaskProgress)
        .where(TaskProgress.task_id.in_(task_ids))
        .order_by(TaskProgress.received_at, TaskProgress.id)
    ).scalars()
    for row in progress:
        found[row.task_id] = {
            "percent": row.percent,
            "result": row.result,
            "difficulties": row.difficulties,
            "kpi_value": row.kpi_value,
        }
    completions = session.execute(
        select(TaskCompletion)
        .where(TaskCompletion.task_id.in_(task_ids), TaskCompletion.review_status != ReviewStatus.RETURNED)
        .order_by(TaskCompletion.received_at, TaskCompletion.id)
    ).scalars()
    for row in completions:
        found.setdefault(row.task_id, {})["done_on"] = row.done_on
    return found
