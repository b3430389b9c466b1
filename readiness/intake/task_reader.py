"""Reads a plan or progress workbook (found by its header labels, as checklists are) into the rows it holds, or
into every problem found in it, at its sheet and cell. Nothing is written here: readiness.intake.task_import stores.
"""

import difflib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from python_calamine import CalamineWorkbook
from sqlalchemy import select
from sqlmodel import Session

from readiness.access.permissions import Actor, Permission, PermissionDenied, allowed, require
from readiness.core.enums import TaskLevel
from readiness.core.i18n import format_date, today
from readiness.core.settings import get_settings
from readiness.core.task_models import Task, Unit
from readiness.core.text import fold, nfc
from readiness.intake import evidence, tasks
from readiness.intake.excel import layout
from readiness.intake.excel.container import UNREADABLE, Limits, check_container
from readiness.intake.excel.problem import Problem, file_problem
from readiness.intake.excel.table import Grid, cell_name, header_columns
from readiness.intake.excel.values import cell_text, parse_date, parse_number, shown
from readiness.intake.task_workbook import (
    CODE,
    CONTENT,
    CONTINUOUS,
    COORDINATING,
    DEADLINE,
    DIFFICULTIES,
    DONE_ON,
    EVIDENCE,
    KPI,
    KPI_UNIT,
    KPI_VALUE,
    LEAD,
    LEVEL,
    OBJECTIVE,
    PERCENT,
    PLAN,
    PLAN_COLUMNS,
    PROGRESS,
    PROGRESS_COLUMNS,
    PROGRESS_REQUIRED,
    RESULT,
    SOURCE,
    TARGET,
    UNITS_SHEET,
    latest_reports,
)

_MAX_ROWS = 5000
_MAX_COLUMNS = 40
_MAX_CODE = 32


@dataclass
class ProgressRow:
    code: str
    percent: float | None
    done_on: date | None
    result: str
    difficulties: str
    kpi_value: float | None
    report_progress: bool
    report_done: bool
    # The evidence files the row names, (name, bytes), each checked by evidence.check.
    evidence: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass
class Reading:
    kind: str | None = None
    sheet: str = ""
    plan: list[tasks.TaskRow] = field(default_factory=list)
    progress: list[ProgressRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """What a file is checked against, read once per batch."""

    units: list[Unit]
    tasks: dict[str, Task]
    latest: dict[int, dict[str, Any]]
    today: date
    # The bytes of an evidence file named in a progress workbook, found by its name among the files sent with it.
    evidence: Callable[[str], bytes | None] = lambda name: None
    # Codes of tasks of other provinces than the reader's (national mode, a province account): not its to use.
    taken: frozenset[str] = frozenset()

    def resolve(self, text: str) -> str | None:
        """A unit's code from its code (any case; a commune's code with or without its leading zeros) or its exact
        name in any case or Unicode form."""
        text = nfc(text)
        key = text.upper()
        if key.isdigit() and len(key) <= 5:
            key = f"{int(key):05d}"
        by_code = {u.code for u in self.units}
        if key in by_code:
            return key
        by_name = {nfc(u.name).casefold(): u.code for u in self.units}
        return by_name.get(text.casefold())

    def closest(self, text: str) -> list[str]:
        names = {fold(u.name): u for u in self.units}
        found = difflib.get_close_matches(fold(text), list(names), n=3, cutoff=0.6)
        return [f"{names[name].name} ({names[name].code})" for name in found]


def load_context(
    session: Session, evidence_files: Callable[[str], bytes | None] | None = None, province: str | None = None
) -> Context:
    """`evidence_files`: the bytes of a file named in the evidence column, or None when it was not sent.
    `province`: the reading account's scope (None: every province), whose units and tasks alone it may name."""
    units = list(session.scalars(select(Unit).order_by(Unit.position, Unit.code)))
    mine = {u.code for u in units if province is None or u.province_code == province}
    every = {t.code: t for t in session.execute(select(Task)).scalars()}
    known = {code: t for code, t in every.items() if t.lead_unit_code in mine}
    return Context(
        units=[u for u in units if u.code in mine],
        tasks=known,
        latest=latest_reports(session, [t.id for t in known.values()]),
        today=today(),
        **({"evidence": evidence_files} if evidence_files is not None else {}),
        taken=frozenset(every) - frozenset(known),
    )


def read(filename: str, data: bytes, context: Context, actor: Actor) -> Reading:
    """Everything a plan or progress workbook says, or every problem found in it."""
    problems, formulas_by_sheet = check_container(
        filename, data, Limits(get_settings().upload_limit_mb, _MAX_ROWS, _MAX_COLUMNS)
    )
    if problems:
        return Reading(problems=problems)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        found = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            header = _header_row(rows)
            if header is not None:
                found.append((name, rows, sheet.merged_cell_ranges or [], header))
    except Exception as exc:  # whatever a parser raises on a broken or hostile file is a problem with the file
        return Reading(problems=[file_problem(*UNREADABLE, detail=str(exc) or type(exc).__name__)])
    if not found:
        return Reading(
            problems=[
                file_problem(
                    f"Không tìm thấy bảng nhiệm vụ: không trang tính nào có dòng tiêu đề với các ô '{CODE}' và "
                    f"'{CONTENT}'. Hãy dùng mẫu tải từ hệ thống (readiness tasks template, hoặc tasks progress).",
                    f"No task table found: no sheet has a header row with '{CODE}' and '{CONTENT}' cells. Use the "
                    "template from the app (readiness tasks template, or tasks progress).",
                )
            ]
        )
    if len(found) > 1:
        listed = ", ".join(f"'{name}'" for name, *_ in found)
        return Reading(
            problems=[
                Problem(
                    name,
                    cell_name(header, 0),
                    f"Sổ làm việc có {len(found)} bảng nhiệm vụ (trang {listed}); mỗi tệp chỉ giữ một bảng.",
                    f"The workbook has {len(found)} task tables (sheets {listed}); keep one table per file.",
                )
                for name, _, _, header in found
            ]
        )
    name, rows, merged, header = found[0]
    grid = Grid(name, rows, formulas_by_sheet.get(name, frozenset()), merged)
    grid.check_merged(header)
    columns = _columns(grid, header)
    reading = Reading(sheet=name)
    if LEAD in columns:
        reading.kind = PLAN
        _require_columns(grid, header, columns, PLAN_COLUMNS)
        if not grid.problems:
            reading.plan = _read_plan(grid, header, columns, context)
        if not allowed(actor, Permission.MANAGE_TASKS):
            grid.problem(
                header,
                columns[CODE],
                f"Tài khoản {actor.name} không có quyền nhập kế hoạch nhiệm vụ (chỉ Sở KH&CN).",
                f"Account {actor.name} may not import the task plan (the DOST only).",
            )
    else:
        reading.kind = PROGRESS
        _require_columns(grid, header, columns, PROGRESS_REQUIRED)
        if not grid.problems:
            reading.progress = _read_progress(grid, header, columns, context, actor)
    reading.problems = grid.problems
    return reading


def _header_row(rows: list[list[Any]]) -> int | None:
    for index, row in enumerate(rows[:50]):
        texts = [value for value in row if isinstance(value, str) and value.strip()]
        if any(layout.matches(t, CODE) for t in texts) and any(layout.matches(t, CONTENT) for t in texts):
            return index
    return None


def _columns(grid: Grid, header: int) -> dict[str, int]:
    return header_columns(grid, header, list(dict.fromkeys(PLAN_COLUMNS + PROGRESS_COLUMNS)))


def _require_columns(grid: Grid, header: int, columns: dict[str, int], required: list[str]) -> None:
    for label in required:
        if label not in columns:
            grid.problem(
                header,
                0,
                f"Thiếu cột '{label}' ở dòng tiêu đề. Thêm lại cột này hoặc tải mẫu mới.",
                f"The header row has no '{label}' column. Add it back or download a new template.",
            )


def _text(grid: Grid, r: int, column: int | None) -> str:
    return cell_text(grid.get(r, column)) if column is not None else ""


def _rows(grid: Grid, header: int, columns: dict[str, int]):
    for r in range(header + 1, len(grid.rows)):
        if any(grid.get(r, c) is not None for c in columns.values()):
            yield r


def _code(grid: Grid, r: int, column: int, seen: dict[str, int]) -> str | None:
    raw = grid.get(r, column)
    if raw is None:
        grid.problem(r, column, f"Thiếu '{CODE}'. Ghi mã của nhiệm vụ.", f"'{CODE}' (task code) is missing.")
        return None
    code = tasks.normal_code(cell_text(raw))
    if len(code) > _MAX_CODE:
        grid.problem(
            r,
            column,
            f"Mã nhiệm vụ dài {len(code)} ký tự (tối đa {_MAX_CODE}).",
            f"The task code has {len(code)} characters (at most {_MAX_CODE}).",
        )
        return None
    if code in seen:
        grid.problem(
            r,
            column,
            f"Mã nhiệm vụ {code} trùng với dòng {seen[code] + 1}. Mỗi nhiệm vụ một mã riêng.",
            f"Task code {code} is used again (row {seen[code] + 1}). Each task needs its own code.",
        )
        return None
    seen[code] = r
    return code


def _unit(grid: Grid, r: int, column: int, text: str, context: Context) -> str | None:
    code = context.resolve(text)
    if code is None:
        close = context.closest(text)
        hint_vi = f" Có phải: {'; '.join(close)}?" if close else ""
        hint_en = f" Did you mean: {'; '.join(close)}?" if close else ""
        grid.problem(
            r,
            column,
            f"Không có đơn vị '{shown(text)}'.{hint_vi} Ghi mã hoặc đúng tên đơn vị (trang '{UNITS_SHEET}' của mẫu).",
            f"There is no unit '{shown(text)}'.{hint_en} Write the unit's code or exact name (sheet '{UNITS_SHEET}' "
            "of the template).",
        )
    return code


def _deadline(grid: Grid, r: int, column: int, value: Any) -> tuple[bool, date | None]:
    """(read, deadline): (True, None) for a continuous task."""
    if value is None:
        grid.problem(
            r,
            column,
            f"Thiếu '{DEADLINE}': ghi ngày dd/mm/yyyy hoặc '{CONTINUOUS}'.",
            f"'{DEADLINE}' (deadline) is missing: write a date dd/mm/yyyy or '{CONTINUOUS}' (continuous).",
        )
        return False, None
    if isinstance(value, str) and fold(value) == fold(CONTINUOUS):
        return True, None
    day = None if isinstance(value, int | float) else parse_date(value)
    if day is None or not 2000 <= day.year <= 2100:
        grid.problem(
            r,
            column,
            f"Thời hạn '{shown(value)}' không phải ngày có thật. Ghi ngày dd/mm/yyyy (ví dụ 31/12/2025) hoặc "
            f"'{CONTINUOUS}'.",
            f"Deadline '{shown(value)}' is not a real date. Write a date dd/mm/yyyy (e.g. 31/12/2025) or "
            f"'{CONTINUOUS}' (continuous).",
        )
        return False, None
    return True, day


def _number(grid: Grid, r: int, column: int, value: Any, label: str) -> tuple[bool, float | None]:
    if value is None:
        return True, None
    parsed = parse_number(value)
    if parsed is None or not abs(parsed[0]) < 1e12:
        grid.problem(
            r,
            column,
            f"'{label}': '{shown(value)}' không phải là số.",
            f"'{label}': '{shown(value)}' is not a number.",
        )
        return False, None
    return True, parsed[0]


_LEVELS = {fold(level): level for level in TaskLevel}


def _read_plan(grid: Grid, header: int, columns: dict[str, int], context: Context) -> list[tasks.TaskRow]:
    rows: list[tasks.TaskRow] = []
    seen: dict[str, int] = {}
    for r in _rows(grid, header, columns):
        before = len(grid.problems)
        code = _code(grid, r, columns[CODE], seen)
        content = _text(grid, r, columns[CONTENT])
        if not content:
            grid.problem(
                r,
                columns[CONTENT],
                f"Thiếu '{CONTENT}'. Ghi nội dung của nhiệm vụ.",
                f"'{CONTENT}' (what the task is) is missing.",
            )
        level_text = _text(grid, r, columns[LEVEL])
        level = _LEVELS.get(fold(level_text))
        if level is None:
            grid.problem(
                r,
                columns[LEVEL],
                f"Cấp giao '{shown(level_text)}' không hợp lệ: ghi '{TaskLevel.CENTRAL}' hoặc '{TaskLevel.PROVINCE}'.",
                f"Level '{shown(level_text)}' is not valid: write '{TaskLevel.CENTRAL}' (central) or "
                f"'{TaskLevel.PROVINCE}' (province).",
            )
        lead_text = _text(grid, r, columns[LEAD])
        lead = None
        if not lead_text:
            grid.problem(
                r, columns[LEAD], f"Thiếu '{LEAD}'. Ghi mã hoặc tên đơn vị.", f"'{LEAD}' (lead unit) is missing."
            )
        else:
            lead = _unit(grid, r, columns[LEAD], lead_text, context)
        coordinating = []
        for part in _text(grid, r, columns[COORDINATING]).split(";"):
            if part.strip():
                found = _unit(grid, r, columns[COORDINATING], part, context)
                if found and found not in coordinating:
                    coordinating.append(found)
        read_deadline, deadline = _deadline(grid, r, columns[DEADLINE], grid.get(r, columns[DEADLINE]))
        if code in context.taken:
            grid.problem(
                r,
                columns[CODE],
                f"Mã nhiệm vụ {code} đã được dùng cho một nhiệm vụ của tỉnh, thành phố khác: chọn mã khác.",
                f"Task code {code} is used by a task of another province: choose another code.",
            )
        existing = context.tasks.get(code) if code else None
        if read_deadline and existing is not None and existing.deadline != deadline:
            was = format_date(existing.deadline, "vi") if existing.deadline else CONTINUOUS
            grid.problem(
                r,
                columns[DEADLINE],
                f"Nhiệm vụ {code} đã được giao với thời hạn {was}. Thời hạn không sửa trong kế hoạch: gia hạn được "
                "ghi nhận kèm số và ngày quyết định (readiness tasks extend). Giữ nguyên thời hạn cũ ở ô này.",
                f"Task {code} was assigned with the deadline {was}. A deadline is not edited in the plan: an extension "
                "is recorded with its decision's number and date (readiness tasks extend). Keep the old deadline here.",
            )
        indicator = _text(grid, r, columns[KPI])
        ok, target = _number(grid, r, columns[TARGET], grid.get(r, columns[TARGET]), TARGET)
        if ok and target is not None and not indicator:
            grid.problem(
                r,
                columns[TARGET],
                f"Có '{TARGET}' nhưng chưa ghi '{KPI}' (tên chỉ tiêu).",
                f"'{TARGET}' is given without a '{KPI}' (the indicator's name).",
            )
        if len(grid.problems) == before:
            rows.append(
                tasks.TaskRow(
                    code=code,
                    content=content,
                    source_document=_text(grid, r, columns[SOURCE]),
                    level=level,
                    objective=_text(grid, r, columns[OBJECTIVE]),
                    lead_unit_code=lead,
                    coordinating_unit_codes=[c for c in coordinating if c != lead],
                    deadline=deadline,
                    kpi_indicator=indicator,
                    kpi_target=target,
                    kpi_unit=_text(grid, r, columns[KPI_UNIT]),
                )
            )
    if not seen and not grid.problems:
        grid.problem(header, columns[CODE], "Bảng chưa có nhiệm vụ nào.", "The table holds no task.")
    return rows


def _read_progress(
    grid: Grid, header: int, columns: dict[str, int], context: Context, actor: Actor
) -> list[ProgressRow]:
    rows: list[ProgressRow] = []
    seen: dict[str, int] = {}
    for r in _rows(grid, header, columns):
        before = len(grid.problems)
        code = _code(grid, r, columns[CODE], seen)
        task = context.tasks.get(code) if code else None
        if code and task is None:
            grid.problem(
                r,
                columns[CODE],
                f"Không có nhiệm vụ mã {code} trong kế hoạch. Kiểm tra lại mã (tải lại mẫu báo cáo tiến độ).",
                f"There is no task {code} in the plan. Check the code (download the progress workbook again).",
            )
            continue
        if task is None:
            continue
        if not allowed(actor, Permission.REPORT_TASK, task.lead_unit_code):
            try:
                require(actor, Permission.REPORT_TASK, task.lead_unit_code)
            except PermissionDenied as exc:
                grid.problem(r, columns[CODE], exc.vi, exc.en)
            continue
        ok, percent = _number(grid, r, columns[PERCENT], grid.get(r, columns[PERCENT]), PERCENT)
        if ok and percent is not None and not 0 <= percent <= 100:
            grid.problem(
                r,
                columns[PERCENT],
                f"Tiến độ {shown(percent)} không hợp lệ: ghi số từ 0 đến 100.",
                f"Progress {shown(percent)} is not valid: write a number from 0 to 100.",
            )
        done_value = grid.get(r, columns[DONE_ON])
        done_on = None
        if done_value is not None:
            done_on = None if isinstance(done_value, int | float) else parse_date(done_value)
            if done_on is None or done_on > context.today or done_on.year < 2000:
                grid.problem(
                    r,
                    columns[DONE_ON],
                    f"Ngày hoàn thành '{shown(done_value)}' không hợp lệ: ghi ngày đã hoàn thành thực tế, dạng "
                    "dd/mm/yyyy, không sau hôm nay.",
                    f"Completion date '{shown(done_value)}' is not valid: write the day it was actually done, "
                    "dd/mm/yyyy, not after today.",
                )
        kpi_column = columns.get(KPI_VALUE)
        kpi_value = None
        if kpi_column is not None:
            ok, kpi_value = _number(grid, r, kpi_column, grid.get(r, kpi_column), KPI_VALUE)
            if kpi_value is not None and not task.kpi_indicator:
                grid.problem(
                    r,
                    kpi_column,
                    f"Nhiệm vụ {code} không có chỉ tiêu; để trống ô này.",
                    f"Task {code} has no KPI; leave this cell empty.",
                )
        files = _evidence(grid, r, columns.get(EVIDENCE), context)
        if len(grid.problems) > before:
            continue
        last = context.latest.get(task.id, {})
        result, difficulties = _text(grid, r, columns[RESULT]), _text(grid, r, columns[DIFFICULTIES])
        now = (percent, result, difficulties, kpi_value)
        was = (last.get("percent"), last.get("result", ""), last.get("difficulties", ""), last.get("kpi_value"))
        progressed = now != was and (percent is not None or result or difficulties or kpi_value is not None)
        done = done_on is not None and done_on != last.get("done_on")
        if progressed or done or files:
            rows.append(ProgressRow(code, percent, done_on, result, difficulties, kpi_value, progressed, done, files))
    return rows


def _evidence(grid: Grid, r: int, column: int | None, context: Context) -> list[tuple[str, bytes]]:
    """The files named in the evidence cell (separated by ';'), each sent with the workbook and acceptable under
    the rules of criterion evidence; a problem at the cell for each that is not."""
    found: list[tuple[str, bytes]] = []
    for part in _text(grid, r, column).split(";"):
        name = nfc(part.strip())
        if not name or any(name == known for known, _ in found):
            continue
        if name != evidence.clean_filename(name) or name in (".", ".."):
            grid.problem(
                r,
                column,
                f"'{shown(name)}' không phải tên tệp: chỉ ghi tên tệp (ví dụ bien-ban.pdf), không ghi đường dẫn.",
                f"'{shown(name)}' is not a file name: write the file's name only (e.g. bien-ban.pdf), no folder.",
            )
            continue
        data = context.evidence(name)
        if data is None:
            grid.problem(
                r,
                column,
                f"Không thấy tệp minh chứng '{shown(name)}': gửi kèm tệp này cùng lúc với tệp Excel (tải lên cùng "
                "lúc, hoặc đặt cùng thư mục), hoặc xoá tên tệp khỏi ô.",
                f"Evidence file '{shown(name)}' was not sent: send it together with the workbook (in the same upload, "
                "or in the same folder), or remove its name from the cell.",
            )
            continue
        try:
            evidence.check(name, data)
        except evidence.EvidenceError as exc:
            grid.problem(r, column, exc.vi, exc.en)
            continue
        found.append((name, data))
    return found
