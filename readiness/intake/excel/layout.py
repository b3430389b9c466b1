"""What the templates write and the reader looks for: the labels of the header block and of the table.

The reader finds cells by these labels (compared without case, spaces or diacritics), never by address,
so people may insert rows, move columns or add a title.
"""

import re
from enum import StrEnum
from functools import lru_cache

from readiness.core.text import fold


class Kind(StrEnum):
    CHECKLIST = "commune_checklist"
    PROVINCE = "province_workbook"


CHECKLIST_SHEET = "Phiếu tự đánh giá"
PROVINCE_SHEET = "Tổng hợp"

# The templates' table header stands on this row; the rows above it hold the title and the header block.
HEADER_ROW = 11
# Room for what people add to a template (a title, notes under the table, a column of remarks). A received sheet
# may reach this far beyond what the template needs and no further: a workbook whose sheet reaches cell XFD1048576
# would make the parser allocate every cell up to it (hundreds of GiB), so it is refused before any parser runs.
SPARE_ROWS = 200
SPARE_COLUMNS = 30
# A checklist or province workbook has one sheet; people add a few (notes, a copy).
MAX_SHEETS = 20


def max_rows(criteria: int, communes: int) -> int:
    """Rows a received sheet may use: a checklist has a row per criterion, the province workbook one per commune
    in scope, both under the header block."""
    return HEADER_ROW + max(criteria, communes) + SPARE_ROWS


def max_columns(criteria: int) -> int:
    """Columns a received sheet may use: the province workbook's commune code and name, then a value column per
    criterion and an out-of column per ratio criterion (at most two per criterion); a checklist needs fewer."""
    return 2 + 2 * criteria + SPARE_COLUMNS


# Header block: a label cell, and its value in the first filled cell to its right.
PROVINCE_LABEL = "Tỉnh/Thành phố"
COMMUNE_NAME_LABEL = "Tên xã/phường"
COMMUNE_CODE_LABEL = "Mã xã/phường"
REPORTING_DATE_LABEL = "Ngày báo cáo (dd/mm/yyyy)"
REPORTER_NAME_LABEL = "Người báo cáo"
REPORTER_PHONE_LABEL = "Số điện thoại"

# Commune checklist table columns.
CODE_COLUMN = "Mã tiêu chí"
GROUP_COLUMN = "Nhóm"
NAME_COLUMN = "Tiêu chí"
REQUIREMENT_COLUMN = "Yêu cầu"
VALUE_COLUMN = "Giá trị"
OUT_OF_COLUMN = "Trên tổng số"
EVIDENCE_COLUMN = "Minh chứng"
NOTE_COLUMN = "Ghi chú"

# Province workbook: a criterion's columns are headed by its code; a ratio's second column adds this.
OUT_OF_SUFFIX = "tổng số"

YES = "Có"
NO = "Không"

_CRITERION_HEADER = re.compile(r"^([A-Z]{1,5}\d{1,4})(?:\s+(.*))?$")


def matches(cell_text: str, label: str) -> bool:
    """Whether a cell holds this label, in any case, spacing or Unicode form, with or without a colon or an
    explanation after it ("Ngày báo cáo:" and "ngay bao cao (dd/mm/yyyy)" both match "Ngày báo cáo")."""
    return _folded(cell_text).startswith(_stem(label))


# Every file repeats the template's texts: folding each distinct text once keeps reading fast.
@lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    return fold(text)


@lru_cache(maxsize=64)
def _stem(label: str) -> str:
    return fold(label.split("(")[0]).rstrip(": ")


def criterion_header(cell_text: str) -> tuple[str, bool] | None:
    """("TC03", False) for a value column headed "TC03", ("TC03", True) for "TC03 tổng số"; None otherwise."""
    found = _CRITERION_HEADER.match(" ".join(cell_text.split()).upper())
    if not found:
        return None
    return found.group(1), _folded(found.group(2) or "").startswith(_stem(OUT_OF_SUFFIX))
