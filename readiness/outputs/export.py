"""Excel exports: the consolidated table (one row per commune, status and value per criterion) and the
warning list. Figures come from readiness.reading.queries, as on the dashboard and in the PDF; every sheet is a table of
readiness.outputs.views, with its headers, words and colours.

Every text cell that begins with = + - or @ is stored as text with a quote prefix: a commune's evidence such as
"=HYPERLINK(...)" must never run as a formula in the leader's spreadsheet.
"""

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime

import pandas as pd
from openpyxl.utils import get_column_letter
from sqlmodel import Session

from readiness.access.permissions import Actor, Permission, readable_province, require
from readiness.core import registry
from readiness.core.i18n import format_date, format_datetime, tr
from readiness.core.progress import Progress, tell
from readiness.core.settings import NATIONAL
from readiness.core.text import nfc, printable
from readiness.outputs import task_texts, xlsx
from readiness.outputs.views import palette
from readiness.outputs.views import tables as views
from readiness.outputs.views import tasks as task_views
from readiness.outputs.views.columns import Column, Table
from readiness.outputs.xlsx import Book, Sheet, Style, cell_xml
from readiness.reading import queries
from readiness.reading import tasks as register

_FORMULA_STARTS = ("=", "+", "-", "@")
_HEADER = Style(bold=True, colour="FFFFFF", fill=palette.HEADING.lstrip("#"), centred=True, boxed="B7C4D1")
_TITLE = Style(bold=True, size=14)
_SUBTITLE = Style(italic=True, colour="595959")


def _clean(value: object) -> object:
    """Text NFC and without the control characters that text stored before imports refused them may hold (an
    .xlsx cannot); a missing value None."""
    if isinstance(value, str):
        return nfc(printable(value)) or None
    if value is not None and pd.isna(value):
        return None
    return value


def _risky(value: object) -> bool:
    """Text that a spreadsheet would run as a formula unless stored as text (quote prefix)."""
    return isinstance(value, str) and value.startswith(_FORMULA_STARTS)


def _cell(sheet: Sheet, row: int, column: int, value: object, style: Style = xlsx.PLAIN) -> str:
    value = _clean(value)
    if _risky(value):
        style = replace(style, text=True)
    return cell_xml(f"{get_column_letter(column)}{row}", value, sheet.book.style(style))


def _title(sheet: Sheet, title: str, subtitle: str) -> None:
    sheet.row(1, [_cell(sheet, 1, 1, title, _TITLE)])
    sheet.row(2, [_cell(sheet, 2, 1, subtitle, _SUBTITLE)])


def _table(sheet: Sheet, row: int, spec: Table, frame: pd.DataFrame, lang: str, filters: bool = False) -> int:
    """A view's frame (outputs.views) as the spec's Excel columns, headers from `row` (the rows above it written
    already); returns the first row of values. Columns under a shared upper header (`over`) get two header rows:
    that header across them, their own below; the other columns' headers span both rows. Status columns are tinted
    as in the PDF."""
    columns = spec.on("xlsx")
    two_rows = any(c.over for c in columns)
    upper: list[str | None] = []
    lower: list[str | None] = []
    for c, column in enumerate(columns, start=1):
        if column.xlsx:
            sheet.widths[c] = column.xlsx
        if column.over is None:
            upper.append(column.header(lang))
            lower.append(None)
            if two_rows:
                sheet.merge(row, c, row + 1, c)
        else:
            # The shared header in the first column of its run; the merge below covers the others.
            upper.append(tr(lang, *column.over) if c == 1 or columns[c - 2].over != column.over else None)
            lower.append(column.header(lang))
    start = 1
    for over, run in itertools.groupby(columns, key=lambda column: column.over):
        end = start + len(list(run)) - 1
        if over is not None:
            sheet.merge(row, start, row, end)
        start = end + 1
    sheet.row(row, [_cell(sheet, row, c, label, _HEADER) for c, label in enumerate(upper, start=1)])
    if two_rows:
        sheet.row(row + 1, [_cell(sheet, row + 1, c, label, _HEADER) for c, label in enumerate(lower, start=1)])
    first = row + 1 + two_rows
    _values(sheet, first, columns, frame, spec.column_fills(frame, "xlsx"))
    if filters:
        sheet.filter = f"A{first - 1}:{get_column_letter(len(columns))}{max(first, first + len(frame) - 1)}"
    return first


def _values(sheet: Sheet, first: int, columns: list[Column], frame: pd.DataFrame, fills: list) -> None:
    """The rows of values, worked out a column at a time: each column's converter and number format resolved once,
    each distinct text (cleaned, quoted if risky, tinted) turned into XML once; then one string per cell."""
    letters = [get_column_letter(c) for c in range(1, len(columns) + 1)]
    styles: dict[tuple, int] = {}

    def style(number_format: str | None, colour: str | None, text: bool) -> int:
        key = (number_format, colour, text)
        if key not in styles:
            fill = colour.lstrip("#") if colour else None
            styles[key] = sheet.book.style(Style(number_format=number_format, fill=fill, text=text))
        return styles[key]

    tails = []
    for column, colours in zip(columns, fills, strict=True):
        convert, number_format = column.excel, column.excel_format
        texts: dict[tuple, str | None] = {}
        cells = []
        for value, colour in zip(frame[column.key].tolist(), colours or itertools.repeat(None), strict=False):
            value = convert(value)
            if isinstance(value, str):
                key = (value, colour)
                if key not in texts:
                    text = _clean(value)
                    texts[key] = xlsx.cell_tail(text, style(number_format, colour, _risky(text)))
                cells.append(texts[key])
            else:
                cells.append(xlsx.cell_tail(value, style(number_format, colour, False)))
        tails.append(cells)
    width = len(columns)
    for r, row in enumerate(zip(*tails, strict=True), start=first):
        cells = zip(letters, row, strict=True)
        sheet.xml_row(r, "".join(f'<c r="{letter}{r}"{tail}' for letter, tail in cells if tail is not None), width)


def _finish(sheet: Sheet, header_rows: str, freeze: str) -> None:
    sheet.freeze = freeze
    sheet.print_rows = header_rows
    sheet.fit_landscape = True


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
    book = Book()

    sheet = book.sheet(tr(lang, "Tổng hợp", "Summary"))
    sheet.heights.update({3: 58, 4: 30})
    _finish(sheet, "3:4", "C5")
    _title(sheet, tr(lang, "Tổng hợp mức độ sẵn sàng của xã, phường", "Commune readiness, consolidated"), subtitle)
    _table(sheet, 3, views.summary_table(catalog), views.summary(queries.by_commune(status), status, lang), lang)
    tell(progress, 1, 5, sheet.title)

    sheet = book.sheet(tr(lang, "Chi tiết", "Details"))
    sheet.heights[4] = 30
    _finish(sheet, "4:4", "C5")
    _title(sheet, tr(lang, "Chi tiết theo xã, phường và tiêu chí", "Details by commune and criterion"), subtitle)
    rows = views.status_rows(status.sort_values(["commune_code", "position"]), lang)
    _table(sheet, 4, views.status_rows_table(province == NATIONAL), rows, lang, filters=True)
    tell(progress, 2, 5, sheet.title)

    sheet = book.sheet(tr(lang, "Xếp hạng", "Ranking"))
    sheet.heights[4] = 30
    _finish(sheet, "4:4", "D5")
    order = tr(
        lang,
        " · theo số tiêu chí đạt, rồi số đạt đúng hạn, rồi ngày chuyển sang đạt lần cuối",
        " · by criteria met, then met on time, then the date of the last turn to green",
    )
    _title(sheet, tr(lang, "Xếp hạng xã, phường", "Commune ranking"), subtitle + order)
    ranked = views.ranking(queries.ranking(session, as_of, province, status), len(catalog), lang)
    _table(sheet, 4, views.ranking_table(province == NATIONAL), ranked, lang, filters=True)
    tell(progress, 3, 5, sheet.title)

    sheet = book.sheet(tr(lang, "Tiêu chí", "Criteria"))
    _finish(sheet, "4:4", "B5")
    _title(sheet, views.catalog_title(len(catalog), lang), "")
    _table(sheet, 4, views.CATALOG, views.catalog(catalog, lang), lang)
    tell(progress, 4, 5, sheet.title)
    _tasks(book, session, as_of, province, subtitle, lang)
    data = book.save()
    tell(progress, 5, 5, "xlsx")
    return data


def _tasks(book: Book, session: Session, as_of: date, province: str, subtitle: str, lang: str) -> None:
    """The task register's sheets: every task with its class (readiness.reading.tasks), and the unit scorecard."""
    frame = register.register(session, as_of, province=province)
    if frame.empty:
        return
    sheet = book.sheet(tr(lang, "Nhiệm vụ", "Tasks"))
    _finish(sheet, "4:4", "C5")
    _title(sheet, " ".join(task_texts.level_sentences(frame, as_of, lang)), subtitle)
    _table(sheet, 4, task_views.TASK_LIST, task_views.task_list(frame, lang), lang, filters=True)
    sheet = book.sheet(tr(lang, "Đơn vị chủ trì", "Lead units"))
    _finish(sheet, "4:4", "C5")
    _title(sheet, tr(lang, "Bảng điểm đơn vị chủ trì nhiệm vụ", "Lead units' scorecard"), subtitle)
    _table(sheet, 4, task_views.SCORECARD, task_views.scorecard(frame), lang, filters=True)


def warning_list_workbook(session: Session, as_of: date, province: str, lang: str, *, actor: Actor) -> bytes:
    """This week's warning list (queries.warning_list), most severe first, with the reason in words."""
    require(actor, Permission.EXPORT)
    readable_province(actor, province)
    warnings = queries.warning_list(session, as_of, province)
    book = Book()
    sheet = book.sheet(tr(lang, "Cảnh báo", "Warnings"))
    sheet.heights[4] = 45
    _finish(sheet, "4:4", "D5")
    _title(
        sheet,
        tr(lang, "Danh sách cảnh báo tuần này", "This week's warning list"),
        _subtitle(registry.province_name(province), as_of, lang),
    )
    listed = views.warning_list(warnings, len(queries.catalog(session)), lang, as_of)
    _table(sheet, 4, views.warning_table(national=True).for_viewer(actor), listed, lang)
    if warnings.empty:
        none = tr(lang, "Không có xã, phường nào trong danh sách cảnh báo.", "No commune is on the warning list.")
        sheet.row(5, [_cell(sheet, 5, 1, none)])
    return book.save()
