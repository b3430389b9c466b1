"""Excel exports: the consolidated table (one row per commune, status and value per criterion) and the
warning list. Figures come from readiness.reading.queries, as on the dashboard and in the PDF; every sheet is a table of
readiness.outputs.views, with its headers, words and colours.

Every text cell that begins with = + - or @ is stored as text with a quote prefix: a commune's evidence such as
"=HYPERLINK(...)" must never run as a formula in the leader's spreadsheet.
"""

import io
import itertools
from datetime import UTC, date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from readiness.access.permissions import Actor, Permission, readable_province, require
from readiness.core import registry
from readiness.core.i18n import format_date, format_datetime, tr
from readiness.core.progress import Progress, tell
from readiness.core.settings import NATIONAL
from readiness.core.text import nfc, printable
from readiness.outputs import task_texts
from readiness.outputs.views import palette
from readiness.outputs.views import tables as views
from readiness.outputs.views import tasks as task_views
from readiness.outputs.views.columns import Table
from readiness.reading import queries
from readiness.reading import tasks as register

_FORMULA_STARTS = ("=", "+", "-", "@")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor=palette.HEADING.lstrip("#"))
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
_THIN = Side(style="thin", color="B7C4D1")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FILLS = {colour: PatternFill("solid", fgColor=colour.lstrip("#")) for colour in palette.STATUS_TINT.values()}


def put(sheet: Worksheet, row: int, column: int, value: object, number_format: str | None = None) -> Cell:
    """Write one cell; text is NFC and never a formula, missing values stay empty."""
    if isinstance(value, str):
        # Text stored before imports refused control characters would make openpyxl raise: leave them out.
        value = nfc(printable(value)) or None
    elif value is not None and pd.isna(value):
        value = None
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    if number_format:
        cell.number_format = number_format
    return cell


def _title(sheet: Worksheet, title: str, subtitle: str) -> None:
    put(sheet, 1, 1, title).font = Font(bold=True, size=14)
    put(sheet, 2, 1, subtitle).font = Font(italic=True, color="595959")


def _header(sheet: Worksheet, row: int, column: int, label: str, width: float | None = None) -> None:
    cell = put(sheet, row, column, label)
    cell.font, cell.fill, cell.alignment, cell.border = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGNMENT, _BORDER
    if width:
        sheet.column_dimensions[get_column_letter(column)].width = width


def _table(sheet: Worksheet, row: int, spec: Table, frame: pd.DataFrame, lang: str, filters: bool = False) -> int:
    """A view's frame (outputs.views) as the spec's Excel columns, headers from `row`; returns the first row of
    values. Columns under a shared upper header (`over`) get two header rows: that header across them, their own
    below; the other columns' headers span both rows. Status columns are tinted as in the PDF."""
    columns = spec.on("xlsx")
    two_rows = any(c.over for c in columns)
    for c, column in enumerate(columns, start=1):
        if column.over is None:
            _header(sheet, row, c, column.header(lang), column.xlsx)
            if two_rows:
                _header(sheet, row + 1, c, "")
                sheet.merge_cells(start_row=row, start_column=c, end_row=row + 1, end_column=c)
        else:
            _header(sheet, row, c, tr(lang, *column.over))
            _header(sheet, row + 1, c, column.header(lang), column.xlsx)
    start = 1
    for over, run in itertools.groupby(columns, key=lambda column: column.over):
        end = start + len(list(run)) - 1
        if over is not None:
            # Merging keeps the first cell's text and drops the others'.
            sheet.merge_cells(start_row=row, start_column=start, end_row=row, end_column=end)
        start = end + 1
    first = row + 1 + two_rows
    fills = spec.fills(frame, "xlsx")
    # The spec is resolved once per sheet: each column's converter and number format, then the cells.
    cells = [(column.excel, column.excel_format) for column in columns]
    for r, (values, colours) in enumerate(zip(frame[spec.keys("xlsx")].itertuples(index=False), fills, strict=True)):
        for c, ((convert, number_format), value, colour) in enumerate(zip(cells, values, colours, strict=True), 1):
            cell = put(sheet, first + r, c, convert(value), number_format)
            if colour:
                cell.fill = _FILLS[colour]
    if filters:
        sheet.auto_filter.ref = f"A{first - 1}:{get_column_letter(len(columns))}{max(first, first + len(frame) - 1)}"
    return first


def _finish(sheet: Worksheet, header_rows: str, freeze: str) -> None:
    sheet.freeze_panes = freeze
    sheet.print_title_rows = header_rows
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _subtitle(place: str, as_of: date, lang: str) -> str:
    generated = format_datetime(datetime.now(UTC), lang)
    return tr(
        lang,
        f"{place} · số liệu tính đến ngày {format_date(as_of, lang)} · lập lúc {generated} (giờ Việt Nam)",
        f"{place} · figures as of {format_date(as_of, lang)} · generated {generated} (Vietnam time)",
    )


def consolidated_workbook(
    session: Session, as_of: date, province: str, lang: str, *, actor: Actor, progress: Progress | None = None
) -> bytes:
    """One row per commune, a status and a value column per criterion (Summary); the same figures one row per
    commune and criterion, with the review of the submission each comes from, evidence and notes (Details); the
    ranking; the criteria. Each sheet is a table of readiness.outputs.views."""
    require(actor, Permission.EXPORT)
    readable_province(actor, province)
    status = queries.status(session, as_of, province)
    catalog = queries.catalog(session)
    place = registry.province_name(province)
    subtitle = _subtitle(place, as_of, lang)
    book = Workbook()

    sheet = book.active
    sheet.title = tr(lang, "Tổng hợp", "Summary")
    _title(sheet, tr(lang, "Tổng hợp mức độ sẵn sàng của xã, phường", "Commune readiness, consolidated"), subtitle)
    _table(sheet, 3, views.summary_table(catalog), views.summary(queries.by_commune(status), status, lang), lang)
    sheet.row_dimensions[3].height = 58
    sheet.row_dimensions[4].height = 30
    _finish(sheet, "3:4", "C5")
    tell(progress, 1, 5, sheet.title)

    sheet = book.create_sheet(tr(lang, "Chi tiết", "Details"))
    _title(sheet, tr(lang, "Chi tiết theo xã, phường và tiêu chí", "Details by commune and criterion"), subtitle)
    rows = views.status_rows(status.sort_values(["commune_code", "position"]), lang)
    _table(sheet, 4, views.status_rows_table(province == NATIONAL), rows, lang, filters=True)
    sheet.row_dimensions[4].height = 30
    _finish(sheet, "4:4", "C5")
    tell(progress, 2, 5, sheet.title)

    sheet = book.create_sheet(tr(lang, "Xếp hạng", "Ranking"))
    order = tr(
        lang,
        " · theo số tiêu chí đạt, rồi số đạt đúng hạn, rồi ngày chuyển sang đạt lần cuối",
        " · by criteria met, then met on time, then the date of the last turn to green",
    )
    _title(sheet, tr(lang, "Xếp hạng xã, phường", "Commune ranking"), subtitle + order)
    ranked = views.ranking(queries.ranking(session, as_of, province), len(catalog), lang)
    _table(sheet, 4, views.ranking_table(province == NATIONAL), ranked, lang, filters=True)
    sheet.row_dimensions[4].height = 30
    _finish(sheet, "4:4", "D5")
    tell(progress, 3, 5, sheet.title)

    sheet = book.create_sheet(tr(lang, "Tiêu chí", "Criteria"))
    _title(sheet, views.catalog_title(len(catalog), lang), "")
    _table(sheet, 4, views.CATALOG, views.catalog(catalog, lang), lang)
    _finish(sheet, "4:4", "B5")
    tell(progress, 4, 5, sheet.title)
    _tasks(book, session, as_of, subtitle, lang)
    data = _save(book)
    tell(progress, 5, 5, "xlsx")
    return data


def _tasks(book: Workbook, session: Session, as_of: date, subtitle: str, lang: str) -> None:
    """The task register's sheets: every task with its class (readiness.reading.tasks), and the unit scorecard."""
    frame = register.register(session, as_of)
    if frame.empty:
        return
    sheet = book.create_sheet(tr(lang, "Nhiệm vụ", "Tasks"))
    _title(sheet, " ".join(task_texts.level_sentences(frame, as_of, lang)), subtitle)
    _table(sheet, 4, task_views.TASK_LIST, task_views.task_list(frame, lang), lang, filters=True)
    _finish(sheet, "4:4", "C5")
    sheet = book.create_sheet(tr(lang, "Đơn vị chủ trì", "Lead units"))
    _title(sheet, tr(lang, "Bảng điểm đơn vị chủ trì nhiệm vụ", "Lead units' scorecard"), subtitle)
    _table(sheet, 4, task_views.SCORECARD, task_views.scorecard(frame), lang, filters=True)
    _finish(sheet, "4:4", "C5")


def warning_list_workbook(session: Session, as_of: date, province: str, lang: str, *, actor: Actor) -> bytes:
    """This week's warning list (queries.warning_list), most severe first, with the reason in words."""
    require(actor, Permission.EXPORT)
    readable_province(actor, province)
    warnings = queries.warning_list(session, as_of, province)
    book = Workbook()
    sheet = book.active
    sheet.title = tr(lang, "Cảnh báo", "Warnings")
    _title(
        sheet,
        tr(lang, "Danh sách cảnh báo tuần này", "This week's warning list"),
        _subtitle(registry.province_name(province), as_of, lang),
    )
    listed = views.warning_list(warnings, len(queries.catalog(session)), lang)
    _table(sheet, 4, views.warning_table(national=True).for_viewer(actor), listed, lang)
    sheet.row_dimensions[4].height = 45
    if warnings.empty:
        put(
            sheet,
            5,
            1,
            tr(lang, "Không có xã, phường nào trong danh sách cảnh báo.", "No commune is on the warning list."),
        )
    _finish(sheet, "4:4", "D5")
    return _save(book)
