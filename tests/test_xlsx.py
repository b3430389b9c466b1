"""The exports' .xlsx writer (readiness.outputs.xlsx): what it writes, openpyxl reads back as openpyxl wrote it."""

import io
import math
from datetime import date, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from readiness.access.permissions import Actor
from readiness.core import db
from readiness.core.models import Role
from readiness.outputs import export, xlsx
from readiness.outputs.views import tables as views
from readiness.outputs.xlsx import Style, cell_xml
from readiness.reading import queries

AS_OF = date(2025, 9, 20)


def test_a_sheet_reads_back_with_its_values_formats_and_layout():
    book = xlsx.Book()
    sheet = book.sheet("Tổng hợp")
    sheet.widths[2] = 30
    sheet.heights[1] = 40
    sheet.freeze, sheet.filter, sheet.print_rows, sheet.fit_landscape = "C3", "A2:D3", "2:2", True
    sheet.merge(1, 1, 1, 3)
    header = book.style(Style(bold=True, colour="FFFFFF", fill="1F4E79", centred=True, boxed="B7C4D1"))
    percent, day = book.style(Style(number_format="0%")), book.style(Style(number_format="DD/MM/YYYY"))
    sheet.row(1, [cell_xml("A1", "Tiêu đề <&> ", header), cell_xml("B1", None, header), cell_xml("C1", None, header)])
    sheet.row(
        2,
        [
            cell_xml("A2", "=HYPERLINK(1)", book.style(Style(text=True))),
            cell_xml("B2", 1 / 3, percent),
            cell_xml("C2", date(2025, 9, 20), day),
            cell_xml("D2", None, 0),
        ],
    )
    sheet.row(
        3,
        [cell_xml("A3", 1234, 0), cell_xml("B3", math.nan, percent), cell_xml("C3", datetime(2025, 9, 20, 8, 30), day)],
    )
    second = book.sheet("Chi tiết")
    second.row(1, [cell_xml("A1", True, 0)])

    loaded = load_workbook(io.BytesIO(book.save()))
    assert loaded.sheetnames == ["Tổng hợp", "Chi tiết"]
    ws = loaded["Tổng hợp"]
    assert ws.max_column == 3  # D2, empty and without a style, is not written
    title = ws["A1"]
    assert title.value == "Tiêu đề <&> " and title.font.b and title.font.color.rgb.endswith("FFFFFF")
    assert title.fill.fgColor.rgb.endswith("1F4E79") and title.alignment.horizontal == "center"
    assert title.alignment.wrap_text and title.border.left.style == "thin"
    assert ws["A2"].value == "=HYPERLINK(1)" and ws["A2"].data_type == "s" and ws["A2"].quotePrefix
    assert ws["B2"].value == pytest.approx(1 / 3) and ws["B2"].number_format == "0%"
    assert ws["C2"].value == datetime(2025, 9, 20) and ws["C2"].number_format == "DD/MM/YYYY"
    assert ws["C3"].value == datetime(2025, 9, 20, 8, 30)
    assert ws["A3"].value == 1234 and ws["A3"].number_format == "General" and not ws["A3"].font.b
    assert ws["B3"].value is None and ws["B3"].number_format == "0%"
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:C1"}
    assert ws.column_dimensions["B"].width == 30 and ws.row_dimensions[1].height == 40
    assert ws.freeze_panes == "C3" and ws.auto_filter.ref == "A2:D3" and ws.print_title_rows == "$2:$2"
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert loaded["Chi tiết"]["A1"].value is True and loaded["Chi tiết"].freeze_panes is None


def _expected(column, value):
    """A frame value as the sheet must hold it: the column's Excel value, dates as openpyxl reads them back."""
    value = column.excel(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    return value


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_value_cell_of_the_consolidated_workbook_has_its_columns_value_format_and_tint(demo_sqlite, lang):
    """Summary and Details sheets, cell by cell, against the views they come from: the value, the column's number
    format and the status tint."""
    with db.session() as session:
        status = queries.status(session, AS_OF, "01")
        catalog = queries.catalog(session)
        data = export.consolidated_workbook(session, AS_OF, "01", lang, actor=Actor("lãnh đạo", Role.LEADER))
    book = load_workbook(io.BytesIO(data))
    sheets = [
        (book.worksheets[0], 5, views.summary_table(catalog), views.summary(queries.by_commune(status), status, lang)),
        (
            book.worksheets[1],
            5,
            views.status_rows_table(national=False),
            views.status_rows(status.sort_values(["commune_code", "position"]), lang),
        ),
    ]
    for sheet, first, spec, frame in sheets:
        columns = spec.on("xlsx")
        fills = spec.fills(frame, "xlsx")
        rows = list(sheet.iter_rows(min_row=first, max_col=len(columns)))
        assert len(rows) == len(frame)
        for cells, values, tints in zip(rows, frame[spec.keys("xlsx")].itertuples(index=False), fills, strict=True):
            for cell, column, value, tint in zip(cells, columns, values, tints, strict=True):
                expected = _expected(column, value)
                assert cell.value == (pytest.approx(expected) if isinstance(expected, float) else expected)
                assert cell.number_format == (column.excel_format or "General")
                assert (cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type else None) == (tint and tint.lstrip("#"))
