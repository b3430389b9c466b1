"""Excel exports: the consolidated table (one row per commune, status and value per criterion) and the
warning list. Figures come from readiness.queries, as on the dashboard and in the PDF.

Every text cell that begins with = + - or @ is stored as text with a quote prefix: a commune's evidence such as
"=HYPERLINK(...)" must never run as a formula in the leader's spreadsheet.
"""

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from readiness import queries, registry
from readiness.auth import Actor, Permission, require
from readiness.i18n import format_date, format_datetime, status_label, tr
from readiness.models import CriterionKind
from readiness.text import nfc, printable
from readiness.views import palette
from readiness.views import tables as views
from readiness.views.columns import Table

_FORMULA_STARTS = ("=", "+", "-", "@")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor=palette.HEADING.lstrip("#"))
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
_THIN = Side(style="thin", color="B7C4D1")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FILLS = {status: PatternFill("solid", fgColor=color.lstrip("#")) for status, color in palette.STATUS_TINT.items()}
_DATE_FORMAT = "DD/MM/YYYY"


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


def _headers(sheet: Worksheet, row: int, labels: Sequence[tuple[str, float]]) -> None:
    for column, (label, width) in enumerate(labels, start=1):
        _header(sheet, row, column, label, width)


def _table(sheet: Worksheet, row: int, spec: Table, frame: pd.DataFrame, lang: str) -> None:
    """A view's frame (readiness.views) as the spec's Excel columns: header at `row`, the rows below it."""
    columns = spec.on("xlsx")
    _headers(sheet, row, [(c.header(lang), c.xlsx) for c in columns])
    for r, values in enumerate(frame[spec.keys("xlsx")].itertuples(index=False), start=row + 1):
        for c, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            put(sheet, r, c, column.excel(value), column.excel_format)


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


def cell_value(kind: str, value: float | None, out_of: float | None, lang: str) -> object:
    """What the consolidated table shows for a value: Có/Không, the number, or the share (0–1) of a ratio."""
    if value is None or pd.isna(value):
        return None
    if kind == CriterionKind.YES_NO:
        return tr(lang, "Có", "Yes") if value >= 1 else tr(lang, "Không", "No")
    if kind == CriterionKind.RATIO and out_of is not None and not pd.isna(out_of):
        return min(value / out_of, 1.0) if out_of > 0 else None
    return float(value)


def consolidated_workbook(session: Session, as_of: date, province: str, lang: str, *, actor: Actor) -> bytes:
    """One row per commune, a status and a value column per criterion; the same rows in long form on a second
    sheet (with out-of counts, evidence and notes); the criteria on a third."""
    require(actor, Permission.EXPORT)
    status = queries.status(session, as_of, province)
    communes = queries.by_commune(status)
    catalog = queries.catalog(session)
    place = registry.province_name(province)
    book = Workbook()

    sheet = book.active
    sheet.title = tr(lang, "Tổng hợp", "Summary")
    _title(
        sheet,
        tr(lang, "Tổng hợp mức độ sẵn sàng của xã, phường", "Commune readiness, consolidated"),
        _subtitle(place, as_of, lang),
    )
    fixed = [
        (tr(lang, "Mã xã", "Code"), 8),
        (tr(lang, "Xã, phường", "Commune"), 24),
        (tr(lang, "Loại", "Kind"), 8),
        (tr(lang, "Tỉnh, thành phố", "Province"), 18),
        (tr(lang, "Báo cáo gần nhất", "Last report"), 12),
        (tr(lang, "Số tiêu chí đạt", "Criteria met"), 9),
    ]
    # Two header rows: the fixed columns span both; each criterion spans its status and value columns.
    _headers(sheet, 3, fixed)
    for column in range(1, len(fixed) + 1):
        _header(sheet, 4, column, "")
        sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    for i, criterion in enumerate(catalog.itertuples()):
        column = len(fixed) + 1 + 2 * i
        _header(sheet, 3, column, f"{criterion.code} · {tr(lang, criterion.name_vi, criterion.name_en)}")
        _header(sheet, 3, column + 1, "")
        sheet.merge_cells(start_row=3, start_column=column, end_row=3, end_column=column + 1)
        _header(sheet, 4, column, tr(lang, "Trạng thái", "Status"), 11)
        _header(sheet, 4, column + 1, _value_label(criterion, lang), 11)
    sheet.row_dimensions[3].height = 58
    sheet.row_dimensions[4].height = 30

    def grid(field: str) -> list[list]:
        wide = status.pivot(index="commune_code", columns="criterion_code", values=field)
        return wide.reindex(index=communes["commune_code"], columns=catalog["code"]).to_numpy(object).tolist()

    states, values, out_ofs = grid("status"), grid("value"), grid("out_of")
    kinds = catalog["kind"].tolist()
    for r, commune in enumerate(communes.itertuples()):
        fixed_values = [
            commune.commune_code,
            commune.commune_name,
            commune.commune_kind,
            commune.province_name,
            commune.reporting_date,
            commune.green,
        ]
        for c, value in enumerate(fixed_values, start=1):
            put(sheet, r + 5, c, value, _DATE_FORMAT if c == 5 else None)
        for i, kind in enumerate(kinds):
            column = len(fixed) + 1 + 2 * i
            put(sheet, r + 5, column, status_label(states[r][i], lang)).fill = _FILLS[states[r][i]]
            value = cell_value(kind, values[r][i], out_ofs[r][i], lang)
            put(sheet, r + 5, column + 1, value, _number_format(kind, value))
    _finish(sheet, "3:4", "C5")

    _details(book.create_sheet(tr(lang, "Chi tiết", "Details")), status, place, as_of, lang)
    _ranking(
        book.create_sheet(tr(lang, "Xếp hạng", "Ranking")),
        queries.ranking(session, as_of, province),
        place,
        as_of,
        lang,
    )
    _criteria(book.create_sheet(tr(lang, "Tiêu chí", "Criteria")), catalog, lang)
    return _save(book)


def _value_label(criterion: object, lang: str) -> str:
    if criterion.kind == CriterionKind.YES_NO:
        return tr(lang, "Có/Không", "Yes/No")
    if criterion.kind == CriterionKind.RATIO:
        return tr(lang, "Tỷ lệ", "Share")
    return tr(lang, f"Giá trị ({criterion.unit_vi})", f"Value ({criterion.unit_en})")


def _number_format(kind: str, value: object) -> str | None:
    if not isinstance(value, float):
        return None
    return "0%" if kind == CriterionKind.RATIO else "#,##0.##"


def _details(sheet: Worksheet, status: pd.DataFrame, place: str, as_of: date, lang: str) -> None:
    """The consolidated table in long form, one row per commune and criterion, with what the wide table leaves
    out: out-of counts, gap, days overdue, evidence and note (target and unit are on the criteria sheet)."""
    _title(
        sheet,
        tr(lang, "Chi tiết theo xã, phường và tiêu chí", "Details by commune and criterion"),
        _subtitle(place, as_of, lang),
    )
    labels = [
        (tr(lang, "Mã xã", "Code"), 8),
        (tr(lang, "Xã, phường", "Commune"), 24),
        (tr(lang, "Mã tiêu chí", "Criterion code"), 9),
        (tr(lang, "Tiêu chí", "Criterion"), 44),
        (tr(lang, "Trạng thái", "Status"), 13),
        (tr(lang, "Giá trị", "Value"), 10),
        (tr(lang, "Trên tổng số", "Out of"), 10),
        (tr(lang, "Còn thiếu", "Gap"), 10),
        (tr(lang, "Quá hạn (ngày)", "Days overdue"), 10),
        (tr(lang, "Minh chứng", "Evidence"), 40),
        (tr(lang, "Ghi chú", "Note"), 30),
    ]
    _headers(sheet, 4, labels)
    sheet.row_dimensions[4].height = 30
    frame = status.sort_values(["commune_code", "position"])
    names = frame[f"name_{lang}"]
    for r, row in enumerate(frame.itertuples(index=False), start=5):
        share = "0%" if row.gap_is_share else None
        value = cell_value(row.kind, row.value, None, lang) if row.kind == CriterionKind.YES_NO else row.value
        values = [
            row.commune_code,
            row.commune_name,
            row.criterion_code,
            names.iat[r - 5],
            status_label(row.status, lang),
            value,
            row.out_of,
            row.gap,
            row.days_overdue or None,
            row.evidence,
            row.note,
        ]
        for c, value in enumerate(values, start=1):
            put(sheet, r, c, value, share if c in (6, 8) else None)
        sheet.cell(r, 5).fill = _FILLS[row.status]
    sheet.auto_filter.ref = f"A4:{get_column_letter(len(labels))}{max(5, len(frame) + 4)}"
    _finish(sheet, "4:4", "C5")


def _ranking(sheet: Worksheet, ranking: pd.DataFrame, place: str, as_of: date, lang: str) -> None:
    """Every commune with its rank (queries.ranking): ties share a rank."""
    _title(
        sheet,
        tr(lang, "Xếp hạng xã, phường", "Commune ranking"),
        _subtitle(place, as_of, lang)
        + tr(
            lang,
            " · theo số tiêu chí đạt, rồi số đạt đúng hạn, rồi ngày chuyển sang đạt lần cuối",
            " · by criteria met, then met on time, then the date of the last turn to green",
        ),
    )
    _headers(
        sheet,
        4,
        [
            (tr(lang, "Hạng", "Rank"), 7),
            (tr(lang, "Mã xã", "Code"), 8),
            (tr(lang, "Xã, phường", "Commune"), 24),
            (tr(lang, "Loại", "Kind"), 8),
            (tr(lang, "Tỉnh, thành phố", "Province"), 18),
            (tr(lang, "Số tiêu chí đạt", "Criteria met"), 10),
            (tr(lang, "Đạt đúng hạn", "Met on time"), 10),
            (tr(lang, "Đạt trễ hạn", "Met late"), 10),
            (tr(lang, "Lần cuối chuyển sang đạt", "Last turned green"), 14),
        ],
    )
    sheet.row_dimensions[4].height = 30
    for r, row in enumerate(ranking.itertuples(), start=5):
        values = [
            row.rank,
            row.commune_code,
            row.commune_name,
            row.commune_kind,
            row.province_name,
            row.green,
            row.on_time,
            row.late,
            row.last_green,
        ]
        for c, value in enumerate(values, start=1):
            put(sheet, r, c, value, _DATE_FORMAT if c == 9 else None)
    sheet.auto_filter.ref = f"A4:I{max(5, len(ranking) + 4)}"
    _finish(sheet, "4:4", "D5")


def _criteria(sheet: Worksheet, catalog: pd.DataFrame, lang: str) -> None:
    _title(sheet, views.catalog_title(len(catalog), lang), "")
    _headers(
        sheet,
        4,
        [
            (tr(lang, "Mã", "Code"), 8),
            (tr(lang, "Nhóm", "Group"), 20),
            (tr(lang, "Tiêu chí", "Criterion"), 48),
            (tr(lang, "Loại", "Kind"), 10),
            (tr(lang, "Chỉ tiêu", "Target"), 9),
            (tr(lang, "Đơn vị", "Unit"), 12),
            (tr(lang, "Hạn", "Deadline"), 12),
            (tr(lang, "Mô tả", "Description"), 70),
        ],
    )
    kinds = {
        "yes_no": tr(lang, "Có/Không", "Yes/No"),
        "number": tr(lang, "Số", "Number"),
        "ratio": tr(lang, "Tỷ lệ", "Share"),
    }
    for r, row in enumerate(catalog.itertuples(), start=5):
        values = [
            row.code,
            tr(lang, row.group_vi, row.group_en),
            tr(lang, row.name_vi, row.name_en),
            kinds[row.kind],
            row.target,
            tr(lang, row.unit_vi, row.unit_en),
            row.deadline,
            tr(lang, row.description_vi, row.description_en),
        ]
        for c, value in enumerate(values, start=1):
            put(sheet, r, c, value, _DATE_FORMAT if c == 7 else None)
    _finish(sheet, "4:4", "B5")


def warning_list_workbook(session: Session, as_of: date, province: str, lang: str, *, actor: Actor) -> bytes:
    """This week's warning list (queries.warning_list), most severe first, with the reason in words."""
    require(actor, Permission.EXPORT)
    warnings = queries.warning_list(session, as_of, province)
    book = Workbook()
    sheet = book.active
    sheet.title = tr(lang, "Cảnh báo", "Warnings")
    _title(
        sheet,
        tr(lang, "Danh sách cảnh báo tuần này", "This week's warning list"),
        _subtitle(registry.province_name(province), as_of, lang),
    )
    _table(sheet, 4, views.warning_table(national=True), views.warning_list(warnings, lang), lang)
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
