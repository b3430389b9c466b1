"""Filling the app's templates as a person would (with openpyxl), for the Excel tests and the import benchmark.

`planned_values` picks, for every criterion, the status a commune should end with and what a person would type
to get it, written in the many ways people type (Có, x, Đạt, 1.234,5, 95%...): the expected status is decided
here, independently of the scoring code.
"""

import io
import random
from datetime import date
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from readiness.core import db
from readiness.core.models import Criterion, CriterionKind
from readiness.core.text import fold
from readiness.intake import excel

Typed = tuple[Any, Any]  # what is typed in the value cell and in the out-of cell (None = left blank)


def open_sheet(data: bytes) -> tuple[openpyxl.Workbook, Worksheet]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return workbook, workbook.worksheets[0]


def save(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def label_value_cell(sheet: Worksheet, label: str):
    """The input cell right of a header-block label (the templates put it in column C)."""
    for row in sheet.iter_rows(max_col=1):
        if isinstance(row[0].value, str) and fold(row[0].value).startswith(fold(label)):
            return sheet.cell(row[0].row, 3)
    raise LookupError(label)


def criterion_rows(sheet: Worksheet) -> dict[str, int]:
    """Row number of each criterion code in column A of a checklist."""
    return {c.value: c.row for (c,) in sheet.iter_rows(min_row=12, max_col=1) if isinstance(c.value, str)}


def fill_checklist(
    template: bytes,
    reporting_date: Any,
    values: dict[str, Typed],
    reporter: tuple[str, str] = ("Nguyễn Văn An", "0912 345 678"),
) -> bytes:
    workbook, sheet = open_sheet(template)
    label_value_cell(sheet, "Ngày báo cáo").value = reporting_date
    label_value_cell(sheet, "Người báo cáo").value = reporter[0]
    label_value_cell(sheet, "Số điện thoại").value = reporter[1]
    rows = criterion_rows(sheet)
    for code, (value, out_of) in values.items():
        sheet.cell(rows[code], 5).value = value
        sheet.cell(rows[code], 6).value = out_of
    return save(workbook)


def fill_province(template: bytes, reporting_date: Any, values: dict[str, dict[str, Typed]]) -> bytes:
    """values: commune code -> criterion code -> typed value and out-of."""
    workbook, sheet = open_sheet(template)
    label_value_cell(sheet, "Ngày báo cáo").value = reporting_date
    header = {cell.value: cell.column for cell in sheet[11] if cell.value}
    rows = {c.value: c.row for (c,) in sheet.iter_rows(min_row=12, max_col=1) if c.value}
    for commune, typed in values.items():
        for code, (value, out_of) in typed.items():
            sheet.cell(rows[commune], header[code]).value = value
            if out_of is not None:
                sheet.cell(rows[commune], header[f"{code} tổng số"]).value = out_of
    return save(workbook)


def planned_values(rng: random.Random, catalog: list[Criterion]) -> tuple[dict[str, Typed], dict[str, str]]:
    """What to type for each criterion and the status it must give (green / red / grey)."""
    typed: dict[str, Typed] = {}
    expected: dict[str, str] = {}
    for criterion in catalog:
        status = rng.choice(["green", "green", "red", "grey"])
        expected[criterion.code] = status
        if status == "grey":
            typed[criterion.code] = (None, None)
        elif criterion.kind == CriterionKind.YES_NO:
            typed[criterion.code] = (
                (rng.choice(["Có", "có", "x", "Yes", "Đạt", " CÓ "]), None)
                if status == "green"
                else (rng.choice(["Không", "không", "No", "Chưa đạt"]), None)
            )
        elif criterion.kind == CriterionKind.NUMBER:
            amount = criterion.target * rng.choice([1, 1.5, 12.5]) if status == "green" else criterion.target - 1
            typed[criterion.code] = (rng.choice([amount, _vi_text(amount)]), None)
        else:
            total = rng.randint(20, 1500)
            met = total if status == "green" else int(total * criterion.target) - 1
            if rng.random() < 0.25:  # a share instead of a count
                percent = round(met / total * 100, 2)
                text = f"{percent:.2f}".rstrip("0").rstrip(".")
                typed[criterion.code] = ((text if rng.random() < 0.5 else text.replace(".", ",")) + "%", None)
                expected[criterion.code] = "green" if percent / 100 >= criterion.target else "red"
            else:
                typed[criterion.code] = (rng.choice([met, _vi_text(met)]), rng.choice([total, str(total)]))
    return typed, expected


def _vi_text(number: float) -> str:
    """A number typed as Vietnamese text: 1.234,5."""
    text = f"{number:,.1f}" if number % 1 else f"{number:,.0f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def typed_checklist_dates() -> list[Any]:
    """A reporting date in each accepted form."""
    return [date(2025, 11, 15), "15/11/2025", "15-11-2025", "2025-11-15"]


# What a commune types: all 16 criteria filled (TC03 and other ratios with counts, TC11 as a percentage).
GOOD = {
    "TC01": ("Có", None),
    "TC02": (120, None),
    "TC03": (30, 30),
    "TC04": (2, None),
    "TC05": ("x", None),
    "TC06": (30, 30),
    "TC07": ("Đạt", None),
    "TC08": (28, 30),
    "TC09": ("Không", None),
    "TC10": ("30", "30"),
    "TC11": ("85%", None),
    "TC12": ("có", None),
    "TC13": ("Yes", None),
    "TC14": ("Có", None),
    "TC15": (25, 30),
    "TC16": (32, 32),
}
GOOD_GREEN = 13  # TC08 (28/30), TC09 (Không) and TC15 (25/30) are red


def template(code: str = "00070") -> bytes:
    with db.session() as session:
        return excel.commune_checklist(session, code, prefill=False)


def checklist(code: str = "00070", day: object = "15/11/2025", **changes: tuple) -> bytes:
    return fill_checklist(template(code), day, {**GOOD, **changes})
