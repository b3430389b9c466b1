"""Vietnamese first, English on request: labels, numbers (1.234,5 / 1,234.5), dates (dd/mm/yyyy), today.

Labels are written as vi/en pairs where they are used (`tr(lang, "Tổng quan", "Overview")`), so no label
exists in one language only.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from readiness.core.settings import get_settings

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}


def tr(lang: str, vi: str, en: str) -> str:
    return en if lang == "en" else vi


class Bilingual(Exception):
    """An error said in Vietnamese and English, so each reader gets their language; str() is the Vietnamese."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(vi)
        self.vi = vi
        self.en = en

    def message(self, lang: str) -> str:
        return tr(lang, self.vi, self.en)


def today() -> date:
    return datetime.now(ZoneInfo(get_settings().timezone)).date()


def format_number(value: float | None, lang: str, decimals: int = 0) -> str:
    if value is None or value != value:  # None or NaN
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_percent(share: float | None, lang: str, decimals: int = 0) -> str:
    """85%; a share that is neither none nor all never reads as either: 1 of 2,016 is "<0,1%", not "0,0%"."""
    if share is None or share != share:
        return "–"
    step = 10.0**-decimals
    if share > 0 and round(share * 100, decimals) == 0:
        return f"<{format_number(step, lang, decimals)}%"
    if share < 1 and round(share * 100, decimals) >= 100:
        return f">{format_number(100 - step, lang, decimals)}%"
    return f"{format_number(share * 100, lang, decimals)}%"


def format_part(value: float | None, whole: float, lang: str, decimals: int = 1) -> str:
    """An average part of a whole (criteria met per commune, of 16), never rounded up to the whole it has not
    reached: 15,996 of 16 reads 15,9, not 16,0."""
    if value is not None and value == value and value < whole and round(value, decimals) >= whole:
        value = whole - 10.0**-decimals
    return format_number(value, lang, decimals)


def format_count(part: float, whole: float, lang: str) -> str:
    """ "12/16": criteria met out of all, communes fully green out of all."""
    return f"{format_number(part, lang)}/{format_number(whole, lang)}"


def format_date(day: date | None, lang: str) -> str:
    if day is None or day != day:
        return "–"
    return day.strftime("%d/%m/%Y") if lang == "vi" else day.strftime("%d %b %Y")


def format_datetime(moment: datetime | None, lang: str) -> str:
    if moment is None or moment != moment:
        return "–"
    local = moment.astimezone(ZoneInfo(get_settings().timezone))
    return f"{format_date(local.date(), lang)} {local:%H:%M}"


# Status is always said in words too (tables, tooltips, legends), never by colour alone.
_STATUS_LABELS = {
    "green": ("Đạt", "Met"),
    "red": ("Chưa đạt", "Not met"),
    "grey": ("Chưa báo cáo", "Not reported"),
}


_REVIEW_LABELS = {
    "pending": ("Chờ duyệt", "Pending"),
    "approved": ("Đã duyệt", "Approved"),
    "returned": ("Trả lại", "Returned"),
    "superseded": ("Đã bị thay thế", "Replaced"),
}
_ORIGIN_LABELS = {
    "upload": ("Phiếu tải lên", "Uploaded checklist"),
    "province_workbook": ("Bảng tổng hợp của tỉnh", "Province workbook"),
    "web": ("Nhập trên web", "Web form"),
    "demo": ("Dữ liệu mẫu", "Demo data"),
}


def review_label(status: str | None, lang: str) -> str:
    """A submission's review status in words: chờ duyệt, đã duyệt, trả lại; "–" without a submission (a figure
    never reported)."""
    if not isinstance(status, str):
        return "–"
    return tr(lang, *_REVIEW_LABELS.get(status, (status, status)))


def origin_label(origin: str, lang: str) -> str:
    return tr(lang, *_ORIGIN_LABELS.get(origin, (origin, origin)))


def status_label(status: str, lang: str) -> str:
    return tr(lang, *_STATUS_LABELS[status])


def format_amount(value: float, lang: str) -> str:
    """An amount as values and gaps say it: whole numbers without decimals, others with one (2,5)."""
    return format_number(value, lang, 0 if float(value).is_integer() else 1)


def _missing(value: float | None) -> bool:
    return value is None or value != value


def format_value(kind: str, value: float | None, out_of: float | None, unit: str, lang: str) -> str:
    """A reported value as people say it: "Có", "120 Mbps", "27/30 máy tính (90%)", "85%"."""
    if _missing(value):
        return "–"
    if kind == "yes_no":
        return tr(lang, "Có", "Yes") if value >= 1 else tr(lang, "Không", "No")
    if kind == "number":
        return f"{format_amount(value, lang)} {unit}".strip()
    # Imported here: scoring loads pandas, which the command line's --help must not (it imports this module).
    from readiness.core.scoring import share

    if _missing(out_of):
        return format_percent(float(share(value, None)), lang)
    part = format_percent(float(share(value, out_of)), lang)
    return f"{format_amount(value, lang)}/{format_amount(out_of, lang)} {unit} ({part})".replace("  ", " ")


def format_target(kind: str, target: float, unit: str, lang: str) -> str:
    if kind == "yes_no":
        return tr(lang, "Có", "Yes")
    if kind == "number":
        return f"≥ {format_amount(target, lang)} {unit}".strip()
    return f"≥ {format_percent(target, lang)}"


def format_gap(kind: str, gap: float | None, gap_is_share: bool, unit: str, lang: str) -> str:
    """What is still missing: "3 máy tính", "20 Mbps", "5%" (a share), "chưa có" (yes/no)."""
    if _missing(gap):
        return "–"
    if gap <= 0:
        return tr(lang, "không thiếu", "none")
    if kind == "yes_no":
        return tr(lang, "chưa có", "not yet")
    if gap_is_share:
        return format_percent(gap, lang)
    return f"{format_amount(gap, lang)} {unit}".strip()


def format_total_gap(kind: str, gap: float, not_green: int, unit: str, lang: str) -> str:
    """A criterion's gap over all communes: "37 máy tính"; yes/no criteria count the communes without it."""
    if not_green == 0:
        return tr(lang, "không thiếu", "none")
    if kind == "yes_no":
        return tr(lang, f"{format_number(not_green, lang)} xã, phường chưa có", f"{not_green:,} communes without")
    if not unit or gap <= 0:
        return tr(lang, f"{format_number(not_green, lang)} xã, phường chưa đạt", f"{not_green:,} communes not met")
    return f"{format_amount(gap, lang)} {unit}"


_KIND_LABELS = {"phường": ("Phường", "Ward"), "xã": ("Xã", "Commune"), "đặc khu": ("Đặc khu", "Special zone")}


def kind_label(kind: str, lang: str) -> str:
    """The kind of a commune (phường / xã / đặc khu) as a label."""
    return tr(lang, *_KIND_LABELS[kind]) if kind in _KIND_LABELS else kind


_CRITERION_KIND_LABELS = {"yes_no": ("Có/Không", "Yes/No"), "number": ("Số", "Number"), "ratio": ("Tỉ lệ", "Share")}


def criterion_kind_label(kind: str, lang: str) -> str:
    """What a criterion asks for: Có/Không, a number, or a share."""
    return tr(lang, *_CRITERION_KIND_LABELS[kind])


_TIMELINESS_LABELS = {
    "on_time": ("Đúng hạn", "On time"),
    "late": ("Trễ hạn", "Late"),
    "in_progress": ("Đang thực hiện", "In progress"),
    "overdue": ("Quá hạn", "Overdue"),
}


def timeliness_label(timeliness: str, lang: str) -> str:
    """A value of scoring.Timeliness in words."""
    return tr(lang, *_TIMELINESS_LABELS[timeliness])


def format_days_early(days: float | None, lang: str) -> str:
    """How long before (or after) its deadline a criterion turned green: "sớm 5 ngày", "trễ 13 ngày"."""
    if _missing(days):
        return "–"
    days = int(days)
    if days == 0:
        return tr(lang, "đúng ngày hạn", "on the deadline day")
    if days > 0:
        return tr(lang, f"sớm {format_number(days, lang)} ngày", f"{days:,} days early")
    return tr(lang, f"trễ {format_number(-days, lang)} ngày", f"{-days:,} days late")


_WEEKDAYS = [
    ("thứ Hai", "Monday"),
    ("thứ Ba", "Tuesday"),
    ("thứ Tư", "Wednesday"),
    ("thứ Năm", "Thursday"),
    ("thứ Sáu", "Friday"),
    ("thứ Bảy", "Saturday"),
    ("Chủ nhật", "Sunday"),
]


def weekday_name(weekday: int, lang: str) -> str:
    """0 (Monday) … 6 (Sunday) in words, as in a sentence: "thứ Sáu", "Friday"."""
    return tr(lang, *_WEEKDAYS[weekday])


_TASK_CLASS_LABELS = {
    "on_time": ("Hoàn thành đúng hạn", "Done on time"),
    "late": ("Hoàn thành quá hạn", "Done late"),
    "within": ("Đang thực hiện trong hạn", "In progress, within the deadline"),
    "overdue": ("Đang thực hiện quá hạn", "In progress, overdue"),
    "continuous": ("Thường xuyên", "Continuous"),
}


def task_class_label(task_class: str, lang: str) -> str:
    """A task's class (readiness.reading.tasks) in words."""
    return tr(lang, *_TASK_CLASS_LABELS[task_class])
