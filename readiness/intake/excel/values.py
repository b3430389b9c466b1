"""Value parsing: what people type into a checklist, read the way they type it and checked against a criterion
of the catalog. Usable without a workbook (the web form uses the same functions and gets the same messages):
each function takes raw values (a cell's content, or a form's text) and returns the parsed value or a `Refused`.
"""

import math
import re
from datetime import date, datetime
from typing import Any, NamedTuple

from readiness.core.i18n import format_date, format_number
from readiness.core.models import Criterion, CriterionKind
from readiness.core.text import fold, nfc, sanitize
from readiness.intake.excel import layout


class Refused(NamedTuple):
    """Why a value cannot be taken, and what to do; `in_out_of` when the out-of value is at fault."""

    vi: str
    en: str
    in_out_of: bool = False


Parsed = tuple[float | None, float | None]  # (value, out_of) as stored; (None, None): not reported

NO_VALUES = Refused(
    "Phiếu chưa có giá trị nào ở cột 'Giá trị'. Điền số liệu rồi tải lên.",
    "The checklist has no value in the 'Giá trị' (value) column. Fill it in and upload it.",
)


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


def parse_value(criterion: Criterion, value: Any, out_of: Any = None) -> Parsed | list[Refused]:
    """(value, out_of) as stored for one criterion, from what was typed (None or blank text: nothing), or every
    reason it cannot be taken. A blank value is (None, None): not reported, grey."""
    value, out_of = _given(value), _given(out_of)
    code = criterion.code
    if criterion.kind == CriterionKind.YES_NO:
        if value is None:
            return None, None
        answer = parse_yes_no(value)
        if answer is None:
            return [
                Refused(
                    f"Tiêu chí {code}: '{shown(value)}' không phải câu trả lời Có/Không. Ghi 'Có' hoặc 'Không' "
                    "(trong phiếu Excel: chọn trong danh sách của ô).",
                    f"Criterion {code}: '{shown(value)}' is not a yes/no answer. Write 'Có' (yes) or 'Không' (no) "
                    "(in the Excel checklist: pick it from the cell's list).",
                )
            ]
        return answer, None

    number = None if value is None else _non_negative(code, value)
    if criterion.kind == CriterionKind.NUMBER:
        if isinstance(number, Refused):
            return [number]
        if number is None:
            return None, None
        amount, percent = number
        if percent:
            return [
                Refused(
                    f"Tiêu chí {code}: '{shown(value)}' là tỷ lệ phần trăm, nhưng tiêu chí này cần một số "
                    f"({criterion.unit_vi}).",
                    f"Criterion {code}: '{shown(value)}' is a percentage, but this criterion needs a number "
                    f"({criterion.unit_en}).",
                )
            ]
        return amount, None

    total = None if out_of is None else _non_negative(code, out_of, in_out_of=True)
    refused = [r for r in (number, total) if isinstance(r, Refused)]
    if total is not None and not isinstance(total, Refused) and total[0] == 0:
        refused.append(
            Refused(
                f"Tiêu chí {code}: tổng số bằng 0 nên không tính được tỷ lệ. Ghi tổng số {criterion.unit_vi} "
                "(lớn hơn 0).",
                f"Criterion {code}: the out-of number is 0, so no share can be computed. Write the total number of "
                f"{criterion.unit_en} (above 0).",
                in_out_of=True,
            )
        )
    if refused:
        return refused
    if number is None:
        return None, total[0] if total else None
    amount, percent = number
    share = amount / 100 if percent else (amount if amount < 1 or (amount == 1 and total is None) else None)
    if share is not None and share > 1:
        return [
            Refused(
                f"Tiêu chí {code}: tỷ lệ {shown(value)} vượt quá 100%.",
                f"Criterion {code}: the share {shown(value)} is above 100%.",
            )
        ]
    if total is None:
        if share is None:
            return [
                Refused(
                    f"Tiêu chí {code}: có số {shown(value)} nhưng thiếu tổng số, nên không biết là bao nhiêu phần "
                    f"trăm. Ghi tổng số {criterion.unit_vi} vào cột '{layout.OUT_OF_COLUMN}', hoặc ghi tỷ lệ, "
                    "ví dụ 95%.",
                    f"Criterion {code}: {shown(value)} is given without an out-of number, so the share is unknown. "
                    f"Write the total number of {criterion.unit_en} in the '{layout.OUT_OF_COLUMN}' column, or a "
                    "share such as 95%.",
                )
            ]
        return share, None
    count = share * total[0] if share is not None and (percent or amount % 1) else amount
    if count > total[0]:
        return [
            Refused(
                f"Tiêu chí {code}: số đạt {shown(value)} lớn hơn tổng số {shown(out_of)}. Kiểm tra lại hai số này.",
                f"Criterion {code}: the number met, {shown(value)}, is above the out-of number {shown(out_of)}. "
                "Check both numbers.",
            )
        ]
    return count, total[0]


def _given(value: Any) -> Any:
    """None for nothing typed (None, or blank text)."""
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _non_negative(code: str, value: Any, in_out_of: bool = False) -> tuple[float, bool] | Refused:
    number = parse_number(value)
    if number is not None and number[0] > MAX_VALUE:
        return Refused(
            f"Tiêu chí {code}: '{shown(value)}' lớn bất thường (quá {format_number(MAX_VALUE, 'vi')}). Kiểm tra "
            "lại số này.",
            f"Criterion {code}: '{shown(value)}' is absurdly large (above {format_number(MAX_VALUE, 'en')}). "
            "Check this number.",
            in_out_of,
        )
    if number is None:
        return Refused(
            f"Tiêu chí {code}: '{shown(value)}' không phải là số. Ghi một số, ví dụ 100 hoặc 1.234,5.",
            f"Criterion {code}: '{shown(value)}' is not a number. Write a number such as 100 or 1,234.5.",
            in_out_of,
        )
    if number[0] < 0:
        return Refused(
            f"Tiêu chí {code}: số âm ({shown(value)}) không hợp lệ. Ghi số từ 0 trở lên.",
            f"Criterion {code}: a negative number ({shown(value)}) is not valid. Write 0 or more.",
            in_out_of,
        )
    return number


def parse_reporting_date(value: Any, start: date, today: date) -> date | Refused:
    """The reporting date typed, between the start of the two-tier government and today."""
    value = _given(value)
    if value is None:
        return Refused(
            "Chưa ghi ngày báo cáo. Ghi ngày dạng dd/mm/yyyy, ví dụ 15/11/2025.",
            "The reporting date is missing. Write it as dd/mm/yyyy, for example 15/11/2025.",
        )
    day = parse_date(value)
    if day is None:
        return Refused(
            f"Ngày báo cáo '{shown(value)}' không đọc được. Ghi ngày dạng dd/mm/yyyy, ví dụ 15/11/2025.",
            f"The reporting date '{shown(value)}' cannot be read. Write it as dd/mm/yyyy, for example 15/11/2025.",
        )
    if day < start:
        first = format_date(start, "vi")
        return Refused(
            f"Ngày báo cáo {format_date(day, 'vi')} trước ngày {first} (chính quyền hai cấp bắt đầu); "
            "ghi ngày của kỳ báo cáo này.",
            f"The reporting date {format_date(day, 'vi')} is before {first} (when the two-tier local government "
            "started); write the date of this report.",
        )
    if day > today:
        return Refused(
            f"Ngày báo cáo {format_date(day, 'vi')} ở tương lai (hôm nay {format_date(today, 'vi')}); "
            "ghi ngày số liệu được tổng hợp.",
            f"The reporting date {format_date(day, 'vi')} is in the future (today is "
            f"{format_date(today, 'vi')}); write the date the figures were collected.",
        )
    return day


def safe_text(value: Any) -> tuple[Any, Refused | None]:
    """A typed value without invisible characters, and why it is refused if it holds control or bidi
    characters (see readiness.core.text.sanitize); other values unchanged."""
    if not isinstance(value, str):
        return value, None
    value, refused = sanitize(value)
    if not refused:
        return value, None
    found = ", ".join(refused)
    return value, Refused(
        f"Ô có ký tự điều khiển hoặc ký tự đảo chiều văn bản không nhìn thấy được ({found}), thường do dán từ trang "
        "web hay phần mềm khác; chúng làm hỏng báo cáo xuất ra hoặc làm chữ hiển thị sai. Xóa nội dung ô rồi gõ lại.",
        f"The cell holds invisible control or text-direction characters ({found}), usually pasted from a web page "
        "or another program; they break exported reports or make text display other than it reads. Clear the "
        "cell and type its content again.",
    )


def cell_text(value: Any) -> str:
    """Cell content as stored text: NFC, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, date):
        return format_date(value, "vi")
    return nfc(str(value))


# The reporter's name and phone are printed in a narrow column of the warning list (PDF, e-mail): a longer text
# was pasted into the wrong cell, and one long enough would fill pages of the report.
MAX_REPORTER_CHARS = 100


def reporter_text(value: Any) -> tuple[str, Refused | None]:
    """The reporter's name or phone as stored text, and why it is refused when longer than MAX_REPORTER_CHARS."""
    text = cell_text(value)
    if len(text) <= MAX_REPORTER_CHARS:
        return text, None
    return "", Refused(
        f"Ô này dài {len(text):,} ký tự (tối đa {MAX_REPORTER_CHARS}): chỉ ghi họ tên hoặc số điện thoại của người "
        "báo cáo. Hãy xóa phần thừa.".replace(",", "."),
        f"This cell holds {len(text):,} characters (at most {MAX_REPORTER_CHARS}): write only the reporter's name "
        "or phone number. Remove the rest.",
    )


def shown(value: Any) -> str:
    """A cell value as the person typed or sees it, for messages (cut short if long)."""
    if isinstance(value, float) and not abs(value) <= MAX_VALUE:
        return f"{value:g}"
    if isinstance(value, float):
        return format_number(value, "vi", 0 if value.is_integer() else 2)
    text = cell_text(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


_SHOWN_CHARS = 40
